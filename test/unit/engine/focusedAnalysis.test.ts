import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeIntegration, FocusedAnalysis, loadPythonFile } from '../../../server/src/analysis/engine';
import { buildIntegration, moduleNameFor, type IntegrationModel } from '../../../server/src/analysis/model/integration';
import { listPythonFiles } from '../../../server/src/node/files';
import { setup } from '../../helpers/analysis';

const REPOSITORY = path.join(__dirname, '..', '..', '..');

function integrationFromDisk(root: string): IntegrationModel {
  const manifestPath = path.join(root, 'manifest.json');
  const files = listPythonFiles(root).map((file) => loadPythonFile(file, fs.readFileSync(file, 'utf8'), moduleNameFor(root, file)));
  return buildIntegration(root, manifestPath, fs.readFileSync(manifestPath, 'utf8'), files);
}

/** Every integration folder of the corpus and the examples. */
function bundledIntegrations(): string[] {
  const roots: string[] = [];
  const collect = (folder: string): void => {
    if (fs.existsSync(path.join(folder, 'manifest.json'))) roots.push(folder);
    else for (const entry of fs.readdirSync(folder, { withFileTypes: true })) if (entry.isDirectory()) collect(path.join(folder, entry.name));
  };
  collect(path.join(REPOSITORY, 'test', 'corpus'));
  collect(path.join(REPOSITORY, 'examples'));
  return roots;
}

/** An integration whose rules report across files: the Store is in store.py, its removal (absent) in __init__.py. */
function crossFileIntegration(): IntegrationModel {
  const root = '/virtual/custom_components/demo';
  const sources: Record<string, string> = {
    '__init__.py': [
      'import logging',
      'from .store import make_store',
      '_LOGGER = logging.getLogger(__name__)',
      '',
      'async def async_setup_entry(hass, entry):',
      '    _LOGGER.debug("entry %s", entry.data)  # ha-security: ignore[log-secret] the test wants it silenced',
      '    _LOGGER.info("again %s", entry.data)',
      '    value = eval(entry.data["expr"])  # ha-security: ignore[tls-verify-disabled] wrong rule',
      '    return await make_store(hass).async_load()',
      '',
      '',
      'def run_rule(source, scope):',
      '    from RestrictedPython import compile_restricted',
      '    exec(compile_restricted(source, "<rule>", "exec"), scope)',
      '',
    ].join('\n'),
    'store.py': [
      'from homeassistant.helpers.storage import Store',
      'from RestrictedPython import compile_restricted',
      '',
      '',
      'def make_store(hass):',
      '    return Store(hass, 1, "demo.data")',
      '',
      '',
      'def run_script(source, scope):',
      '    exec(compile_restricted(source, "<script>", "exec"), scope)',
      '',
    ].join('\n'),
    'config_flow.py': [
      'import voluptuous as vol',
      'from homeassistant import config_entries',
      'from homeassistant.const import CONF_PASSWORD, CONF_USERNAME',
      '',
      'class Flow(config_entries.ConfigFlow, domain="demo"):',
      '    async def async_step_user(self, user_input=None):',
      '        if user_input is not None:',
      '            return self.async_create_entry(title="Demo", data=user_input)',
      '        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str}))',
      '',
    ].join('\n'),
  };
  const files = Object.entries(sources).map(([name, text]) => loadPythonFile(`${root}/${name}`, text, moduleNameFor(root, `${root}/${name}`)));
  const manifest = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client'], config_flow: true });
  return buildIntegration(root, `${root}/manifest.json`, manifest, files);
}

/** Whatever the focus, the first step gives exactly the whole analysis's findings in that file, and the end its result. */
function assertSameAsWhole(integration: IntegrationModel): void {
  const whole = analyzeIntegration(integration);
  for (const focusPath of [...integration.files.map((file) => file.path), integration.manifestPath]) {
    const analysis = new FocusedAnalysis(integration, {}, focusPath);
    const focus = analysis.focusResult();
    const name = path.basename(focusPath);
    assert.deepEqual(focus.findings, whole.findings.filter((finding) => finding.path === focusPath), `findings with the focus on ${name}`);
    assert.deepEqual(focus.pragmaProblems, whole.pragmaProblems.filter((problem) => problem.path === focusPath), `pragma problems with the focus on ${name}`);
    while (analysis.checkNextFile());
    const { integration: _model, ...rest } = analysis.result();
    const { integration: _same, ...expected } = whole;
    assert.deepEqual(rest, expected, `the whole result with the focus on ${name}`);
  }
}

describe('an integration analysed around its edited file', () => {
  before(setup);

  it('gives the edited file every finding and pragma problem the whole analysis gives it, integration rules included', () => {
    const integration = crossFileIntegration();
    const whole = analyzeIntegration(integration);
    const rulesBy = (file: string) => whole.findings.filter((finding) => finding.path.endsWith(file)).map((finding) => finding.rule).sort();
    // The fixture exercises what the focus step must get right: an integration rule's finding in a file, a per-file
    // rule's findings, a silenced one and pragma problems.
    assert.deepEqual(rulesBy('store.py'), ['persisted-data-not-removed']);
    assert.ok(rulesBy('__init__.py').includes('log-secret') && rulesBy('__init__.py').includes('dynamic-eval'), JSON.stringify(rulesBy('__init__.py')));
    assert.ok(whole.pragmaProblems.some((problem) => problem.kind === 'unused'), JSON.stringify(whole.pragmaProblems));
    // Review notes of one item from two files: their order is the files' order, whichever file was the focus.
    const notes = whole.checklist.find((entry) => entry.id === 'code-execution')?.note ?? '';
    assert.ok(notes.indexOf('__init__.py') >= 0 && notes.indexOf('__init__.py') < notes.indexOf('store.py'), notes);
    assertSameAsWhole(integration);
  });

  it('ends with the same result as analysing the integration at once, findings, checklist and errors in the same order', () => {
    const roots = bundledIntegrations();
    assert.ok(roots.length >= 7, roots.join(', '));
    for (const root of roots) assertSameAsWhole(integrationFromDisk(root));
  });

  it('refuses to give the whole result before every file is checked', () => {
    const integration = crossFileIntegration();
    const analysis = new FocusedAnalysis(integration, {}, integration.files[0].path);
    assert.throws(() => analysis.result(), /was not checked yet/);
    assert.equal(analysis.checkNextFile(), true);
    assert.equal(analysis.checkNextFile(), true);
    assert.equal(analysis.checkNextFile(), false, 'three files, the focus already checked');
    assert.doesNotThrow(() => analysis.result());
  });
});
