import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { insecureSecretComparison } from '../../../server/src/analysis/rules/insecureSecretComparison';
import { webhookUnsigned } from '../../../server/src/analysis/rules/webhookUnsigned';
import { analyzeSnippet, applyEdits, assertFixture, FIXTURES, setup } from '../../helpers/analysis';

const rules = [webhookUnsigned, insecureSecretComparison];
const folder = path.join(FIXTURES, 'rules', 'webhook');
const init = fs.readFileSync(path.join(folder, '__init__.py'), 'utf8');

function parses(source: string): boolean {
  const tree = parsePython(source);
  const ok = !tree.rootNode.hasError;
  tree.delete();
  return ok;
}

describe('webhook-unsigned and insecure-secret-comparison', () => {
  before(setup);

  for (const name of ['bad_webhook.py', 'good_webhook.py']) {
    it(`matches the expectations in ${name} (handlers registered in __init__.py)`, () => {
      assertFixture(path.join(folder, name), rules, { fileName: 'webhook.py', otherFiles: { '__init__.py': init } });
    });
  }

  it('treats a local_only webhook as a warning', () => {
    const source = 'from homeassistant.components import webhook\n\nasync def handle(hass, webhook_id, request):\n    return await request.json()\n\ndef setup(hass):\n    webhook.async_register(hass, "d", "D", "id", handle, local_only=True)\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.equal(finding.rule, 'webhook-unsigned');
    assert.equal(finding.severity, 'warning');
  });

  it('suggests a signature check that parses and satisfies the rule', () => {
    const source = [
      'from homeassistant.components import webhook',
      '',
      'DOMAIN = "acme"',
      '',
      '',
      'async def handle(hass, webhook_id, request):',
      '    """Handle a push."""',
      '    return await request.json()',
      '',
      '',
      'def setup(hass):',
      '    webhook.async_register(hass, DOMAIN, "Acme", "id", handle)',
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const [suggestion] = finding.suggestions ?? [];
    assert.equal(suggestion.title, 'Add signature check');
    assert.equal(suggestion.safe, false);
    const fixed = applyEdits(source, suggestion.edits);
    assert.ok(parses(fixed), fixed);
    assert.match(fixed, /^import hashlib\nimport hmac\nfrom http import HTTPStatus\n\nfrom aiohttp import web\n|import hashlib/m);
    assert.match(fixed, /    """Handle a push."""\n    # Only the service knows/);
    assert.match(fixed, /hass\.config_entries\.async_entries\(DOMAIN\)/);
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
  });

  it('rewrites == on a request signature with hmac.compare_digest', () => {
    const source = 'from homeassistant.components import webhook\n\n\nasync def handle(hass, webhook_id, request):\n    if request.headers.get("X-Signature", "") == hass.data["secret"]:\n        return 1\n\n\nwebhook.async_register(hass, "d", "D", "id", handle)\n';
    const findings = analyzeSnippet(source, { rules }).findings;
    assert.deepEqual(findings.map((finding) => finding.rule), ['insecure-secret-comparison']);
    assert.ok(findings[0].fix?.safe);
    const fixed = applyEdits(source, findings[0].fix.edits);
    assert.match(fixed, /^import hmac\nfrom homeassistant\.components import webhook\n/);
    assert.match(fixed, /    if hmac\.compare_digest\(request\.headers\.get\("X-Signature", ""\), hass\.data\["secret"\]\):/);
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
  });
});
