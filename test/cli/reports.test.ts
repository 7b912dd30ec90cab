import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fnv1a64 } from '../../server/src/analysis/engine';

const REPO = path.join(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const MULTITOOL = path.join(REPO, 'node_modules', '.bin', 'sarif-multitool');
let workspace: string;

function run(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: workspace, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

describe('SARIF and Markdown reports', () => {
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-reports-'));
    fs.cpSync(path.join(REPO, 'examples'), path.join(workspace, 'examples'), { recursive: true });
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('writes SARIF 2.1.0 that the SARIF Multitool validates without errors', () => {
    const result = run(['check', 'examples', '--format', 'sarif', '--output', 'report.sarif']);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '', '--output writes the file, not standard output');
    const sarif = JSON.parse(fs.readFileSync(path.join(workspace, 'report.sarif'), 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    const [runLog] = sarif.runs;
    const rules = runLog.tool.driver.rules;
    assert.ok(rules.length >= 17);
    for (const rule of rules) {
      assert.ok(rule.id && rule.name && rule.shortDescription.text && rule.fullDescription.text && rule.help.text && rule.helpUri);
      assert.ok(rule.properties.tags.some((tag: string) => tag.startsWith('ha-checklist/')));
    }
    assert.ok(rules.find((rule: any) => rule.id === 'shell-command').properties.tags.includes('external/cwe/cwe-78'));
    for (const result of runLog.results) {
      assert.equal(rules[result.ruleIndex].id, result.ruleId);
      assert.match(result.partialFingerprints['haSecurityFinding/v1'], /^[0-9a-f]{16}$/);
      assert.ok(result.locations[0].physicalLocation.region.startLine >= 1);
      assert.ok(!result.locations[0].physicalLocation.artifactLocation.uri.startsWith('/'));
    }
    assert.ok(runLog.results.some((result: any) => result.fixes?.[0].artifactChanges[0].replacements.length > 0));

    const validation = spawnSync(MULTITOOL, ['validate', 'report.sarif', '--output', 'validation.sarif'], { cwd: workspace, encoding: 'utf8' });
    assert.equal(validation.status, 0, validation.stdout + validation.stderr);
    const findings = JSON.parse(fs.readFileSync(path.join(workspace, 'validation.sarif'), 'utf8')).runs[0].results ?? [];
    const errors = findings.filter((finding: any) => finding.level === 'error');
    assert.deepEqual(errors.map((error: any) => `${error.ruleId}: ${error.message.text ?? JSON.stringify(error.message)}`), []);
  });

  it('keeps fingerprints across unrelated edits and tells identical findings apart', () => {
    const file = path.join(workspace, 'examples/custom_components/acme_cloud/api.py');
    const fingerprints = () => {
      const sarif = JSON.parse(run(['check', 'examples/custom_components/acme_cloud', '--format', 'sarif']).stdout);
      return new Set(sarif.runs[0].results.map((result: any) => `${result.ruleId} ${result.partialFingerprints['haSecurityFinding/v1']}`));
    };
    const before = fingerprints();
    fs.writeFileSync(file, `"""An edit elsewhere moves every line."""\n\n\n${fs.readFileSync(file, 'utf8')}`);
    assert.deepEqual(fingerprints(), before);
    assert.equal(before.size, JSON.parse(run(['check', 'examples/custom_components/acme_cloud', '--format', 'json']).stdout).findings.length);
  });

  it('fingerprints with FNV-1a 64, so baselines written by earlier versions still match', () => {
    // The published test vectors of the hash, and non-ASCII text (hashed by UTF-16 code unit, as always).
    assert.equal(fnv1a64(''), 'cbf29ce484222325');
    assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
    assert.equal(fnv1a64('foobar'), '85944171f73967e8');
    assert.equal(fnv1a64('log-secret\u0000_LOGGER.debug("é %s", entry.data)\u00000'), 'fe0d62e54867e944');
  });

  it('writes the Markdown report with the checklist and linked findings', () => {
    const result = run(['check', 'examples', '--format', 'markdown']);
    assert.match(result.stdout, /^# HA Integration Security checklist\n/);
    assert.match(result.stdout, /^## acme_cloud\n\nPath: `examples\/custom_components\/acme_cloud`$/m);
    assert.match(result.stdout, /\| No command injection \(`command-injection`\) \| ❌ fail \| 2 \|/);
    assert.match(result.stdout, /\| No command injection \(`command-injection`\) \| ✅ pass \|/);
    assert.match(result.stdout, /- \*\*error\*\* \[examples\/custom_components\/acme_cloud\/api\.py:\d+\]\(examples\/custom_components\/acme_cloud\/api\.py#L\d+\) `shell-command`/);
  });

  it('percent-encodes link targets in the Markdown report (a folder with a space)', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-md-'));
    const integration = path.join(folder, 'my config', 'custom_components', 'demo');
    fs.mkdirSync(integration, { recursive: true });
    fs.writeFileSync(path.join(integration, 'manifest.json'), JSON.stringify({ domain: 'demo', requirements: [] }));
    fs.writeFileSync(path.join(integration, '__init__.py'), 'import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n');
    const result = run(['check', folder, '--format', 'markdown']);
    assert.match(result.stdout, /\[my config\/custom_components\/demo\/__init__\.py:5\]\(my%20config\/custom_components\/demo\/__init__\.py#L5\)/);
  });

});

describe('baseline', () => {
  let folder: string;
  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-baseline-'));
    fs.mkdirSync(path.join(folder, 'custom_components/demo'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'custom_components/demo/manifest.json'), JSON.stringify({ domain: 'demo', requirements: [] }));
    fs.writeFileSync(path.join(folder, 'custom_components/demo/__init__.py'), 'import pickle\nimport yaml\n\n\ndef load(a, b):\n    return pickle.loads(a), yaml.load(b)\n');
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));
  const check = (...args: string[]) => spawnSync(process.execPath, [CLI, 'check', '.', ...args], { cwd: folder, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  it('hides exactly the recorded findings, also after unrelated edits, and reports new ones', () => {
    assert.equal(check('--write-baseline', 'baseline.json').status, 0);
    const recorded = JSON.parse(fs.readFileSync(path.join(folder, 'baseline.json'), 'utf8'));
    assert.equal(recorded.findings.length, 2, 'pickle.loads and yaml.load on one line');
    assert.equal(check('--baseline', 'baseline.json').status, 0);

    const file = path.join(folder, 'custom_components/demo/__init__.py');
    // Unrelated edits above move the old finding to another line: still hidden.
    fs.writeFileSync(file, `"""Demo."""\nimport json\n${fs.readFileSync(file, 'utf8')}`);
    const moved = check('--baseline', 'baseline.json', '--format', 'json');
    assert.equal(moved.status, 0, moved.stdout);
    assert.equal(JSON.parse(moved.stdout).summary.baselined, 2);

    // The same mistake once more is a new finding: one entry hides one finding.
    fs.appendFileSync(file, '\n\ndef again(a, b):\n    return pickle.loads(a), yaml.load(b)\n');
    const again = check('--baseline', 'baseline.json', '--format', 'json');
    assert.equal(again.status, 1);
    const report = JSON.parse(again.stdout);
    assert.deepEqual(report.findings.map((finding: any) => finding.line), [12, 12]);
    assert.equal(report.summary.baselined, 2);
  });

  it('rejects a file that is not a baseline with exit status 2', () => {
    fs.writeFileSync(path.join(folder, 'bad.json'), '{"hello": 1}');
    const result = check('--baseline', 'bad.json');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /not a ha-security baseline/);
  });
});
