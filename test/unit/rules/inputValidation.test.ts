import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { flowInputUnvalidated } from '../../../server/src/analysis/rules/flowInputUnvalidated';
import { serviceWithoutSchema } from '../../../server/src/analysis/rules/serviceWithoutSchema';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

describe('service-without-schema', () => {
  before(setup);
  for (const fixture of fixtureFiles('service-without-schema')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, [serviceWithoutSchema]);
    });
  }

  it('suggests a schema built from the keys the handler reads', () => {
    const source = [
      'DOMAIN = "acme"',
      '',
      '',
      'async def handle(call):',
      '    await send(call.data["message"], call.data.get("title"))',
      '',
      '',
      'def setup(hass):',
      '    hass.services.async_register(DOMAIN, "send", handle)',
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(source, { rules: [serviceWithoutSchema] }).findings;
    const [suggestion] = finding.suggestions ?? [];
    assert.equal(suggestion.safe, false);
    const fixed = applyEdits(source, suggestion.edits);
    assert.match(fixed, /^import voluptuous as vol\n\nfrom homeassistant\.helpers import config_validation as cv\n|import voluptuous as vol/);
    assert.match(fixed, /async_register\(DOMAIN, "send", handle, schema=vol\.Schema\(\{vol\.Required\("message"\): cv\.string, vol\.Optional\("title"\): cv\.string\}\)\)/);
    const tree = parsePython(fixed);
    assert.equal(tree.rootNode.hasError, false);
    tree.delete();
    assert.deepEqual(analyzeSnippet(fixed, { rules: [serviceWithoutSchema] }).findings, []);
  });
});

describe('flow-input-unvalidated', () => {
  before(setup);
  for (const fixture of fixtureFiles('flow-input-unvalidated')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, [flowInputUnvalidated]);
    });
  }

  it('asks to review webhook payloads used without a schema', () => {
    const source = 'from homeassistant.components import webhook\n\nasync def handle(hass, webhook_id, request):\n    data = await request.json()\n    hass.states.async_set("sensor.x", data["value"])\n\ndef setup(hass):\n    webhook.async_register(hass, "d", "D", "id", handle)\n';
    const result = analyzeSnippet(source, { rules: [flowInputUnvalidated] });
    const entry = result.checklist.find((item) => item.id === 'input-validation');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /`handle`.*without a schema/);
    const validated = source.replace('data = await request.json()', 'data = WEBHOOK_SCHEMA(await request.json())');
    assert.equal(analyzeSnippet(validated, { rules: [flowInputUnvalidated] }).checklist.find((item) => item.id === 'input-validation')?.status, 'pass');
  });
});
