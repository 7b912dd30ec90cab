import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Node } from '../../../server/src/analysis/python/syntaxTree';
import { loadPythonFile } from '../../../server/src/analysis/engine';
import { buildIntegration, moduleNameFor } from '../../../server/src/analysis/model/integration';
import { addImport } from '../../../server/src/analysis/fixes';
import { applyTextEdits } from '../../../server/src/analysis/fixAll';
import { ancestors } from '../../../server/src/analysis/python/syntax';
import { analyzeSnippet, DEFAULT_MANIFEST, setup } from '../../helpers/analysis';

/** Minimal reproducers of what the fuzz suite (test/fuzz) found, kept as ordinary tests. */

function withImport(source: string, module: string, name?: string): string {
  const edit = addImport(loadPythonFile('/virtual/x.py', source), module, name);
  assert.ok(edit, 'an import is added');
  const lines = source.split('\n');
  assert.ok(edit.range.start.line < lines.length && edit.range.start.character <= lines[edit.range.start.line].length, `the edit lies inside the text: ${JSON.stringify(edit.range)}`);
  return applyTextEdits(source, [edit]);
}

describe('fuzz regressions', () => {
  before(setup);

  it('finds the scope of a comparison in a file whose whole tree is an error (no endless climb past the root)', () => {
    const source = [
      '(',
      '    entry = hass.config_entries.async_entries(DOMAIN)[0]',
      '    if not hmac.compare_digest(_expected(entry.data[CONF_WEBHOOK_SECRET], body), request.headers.get(SIGNATURE_HEADER, "")):  # safe: webhook-signature',
      '    if signature != _expected(entry.data[CONF_WEBHOOK_SECRET], body):  # vuln: webhook-signature',
      '    if token == entry.data["api_token"]:  # vuln: webhook-signature',
      '    if hmac.new(key, body, "sha256").hexdigest() != signature:',
      '    if new_token != entry.data["access_token"]:  # safe: webhook-signature',
      '        if user_input is not None:',
      '            if tokens is None:',
      '        if user_input is not None:',
    ].join('\n');
    const file = loadPythonFile('/virtual/broken.py', source);
    assert.equal(file.root.type, 'ERROR');
    assert.ok(analyzeSnippet(source).findings.some((finding) => finding.rule === 'insecure-secret-comparison'));
  });

  it('reads state attributes a name takes from a conditional that names it again, without overflowing the stack', () => {
    const source = ['from homeassistant.helpers.entity import Entity', '', '', 'class SpeakerSensor(Entity):', '    @property', '    def extra_state_attributes(self):', '        attrs = {"local_token": None}', '        attrs = {"local_token": self._device.local_token} if self._device else attrs', '        attrs = attrs or {}', '        return attrs', ''].join('\n');
    const result = analyzeSnippet(source, { fileName: 'sensor.py' });
    assert.deepEqual(result.errors, []);
    // The token is published where the device's value goes in; the placeholder None publishes nothing.
    assert.deepEqual(result.findings.filter((finding) => finding.rule === 'credentials-outside-entry').map((finding) => finding.range.start.line), [7]);
  });

  it('adds an import on a line of its own when the file ends on its last import without a line break', () => {
    assert.equal(withImport('import os; hass.services.async_register("demo", "x", handle)', 'voluptuous'), 'import voluptuous\nimport os; hass.services.async_register("demo", "x", handle)');
    assert.equal(withImport('import os', 'voluptuous'), 'import voluptuous\nimport os');
    assert.equal(withImport('import os\n\nx = 1\n', 'voluptuous'), 'import os\nimport voluptuous\n\nx = 1\n');
  });

  it('adds an import at the end of a file of comments and docstrings, inside the text', () => {
    assert.equal(withImport('"""Doc."""\n# comment', 'os'), '"""Doc."""\n# comment\nimport os\n');
    assert.equal(withImport('# comment\n', 'os'), '# comment\nimport os\n');
  });

  it('keeps every fix edit inside a file with classic Mac (CR) line endings, which is one line to the parser', () => {
    const source = [
      '"""Demo."""',
      'import logging',
      '',
      'from homeassistant.const import CONF_PASSWORD',
      '',
      '_LOGGER = logging.getLogger(__name__)',
      '',
      '',
      'async def async_setup_entry(hass, entry):',
      '    _LOGGER.debug("Setting up with %s", entry.data)',
      '    return entry.data[CONF_PASSWORD]',
      '',
    ].join('\r');
    const edits = analyzeSnippet(source).findings.flatMap((finding) => [finding.fix, ...(finding.suggestions ?? [])].flatMap((fix) => fix?.edits ?? []));
    assert.ok(edits.some((edit) => edit.newText.includes('TO_REDACT = {CONF_PASSWORD}')), 'the redaction fix is offered');
    for (const edit of edits) assert.deepEqual([edit.range.start.line, edit.range.end.line], [0, 0], JSON.stringify(edit));
    assert.ok(edits.every((edit) => edit.range.end.character <= source.length));
  });

  it('adds an import among imports that share their line (CR line endings) before the next one, not past the last line', () => {
    assert.equal(withImport('import hashlib\rimport body\rfrom http import HTTPStatus\r', 'hmac'), 'import hmac\nimport hashlib\rimport body\rfrom http import HTTPStatus\r');
  });

  it('inserts the signature check after a handler whose docstring ends the file without a line break', () => {
    const source = 'from homeassistant.components import webhook\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handle)\n    return True\n\n\nasync def handle(hass, webhook_id, request):\n    """Accept a push."""';
    const finding = analyzeSnippet(source).findings.find((candidate) => candidate.rule === 'webhook-unsigned');
    const fix = finding?.fix ?? finding?.suggestions?.[0];
    assert.ok(fix, 'the signature check is offered');
    const lines = source.split('\n');
    for (const edit of fix.edits) assert.ok(edit.range.start.line < lines.length, JSON.stringify(edit.range));
    const fixed = applyTextEdits(source, fix.edits);
    assert.match(fixed, /"""Accept a push\."""\n {4}# Reject requests the service did not sign/);
    assert.equal(loadPythonFile('/virtual/x.py', fixed).root.hasError, false);
  });

  it('follows names modules import from each other (a cycle) without overflowing the stack', () => {
    const root = '/virtual/custom_components/demo';
    const sources = {
      '__init__.py': 'from .const import DB_FILE, async_setup_store\n',
      'const.py': 'from . import DB_FILE, async_setup_store\n',
    };
    const files = Object.entries(sources).map(([name, text]) => loadPythonFile(`${root}/${name}`, text, moduleNameFor(root, `${root}/${name}`)));
    const integration = buildIntegration(root, `${root}/manifest.json`, DEFAULT_MANIFEST, files);
    assert.equal(integration.constantString('custom_components.demo.const.DB_FILE'), undefined);
    assert.equal(integration.resolveFunction('custom_components.demo.const.async_setup_store'), undefined);
    assert.deepEqual(analyzeSnippet(sources['__init__.py'], { otherFiles: { 'const.py': sources['const.py'] } }).errors, []);
  });

  it('lists a node\'s ancestors nearest first, as climbing with parent does, also 500 calls deep', () => {
    const depth = 500;
    const { root } = loadPythonFile('/virtual/x.py', `def f():\n    x = ${'g('.repeat(depth)}y${')'.repeat(depth)}\n`);
    const innermost = root.descendantsOfType('identifier').find((node) => node.text === 'y')!;
    const climbed: Node[] = [];
    for (let current = innermost.parent; current; current = current.parent) climbed.push(current);
    assert.deepEqual(ancestors(innermost).map((node) => node.id), climbed.map((node) => node.id));
    assert.equal(climbed[climbed.length - 1].type, 'module');
    assert.equal(ancestors(root).length, 0);
  });
});
