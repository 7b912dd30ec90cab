import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CHECKLIST_IDS } from '../../server/src/analysis/checklist';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
let workspace: string;

function run(args: string[], cwd = workspace): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function write(relative: string, content: string | Buffer): void {
  const full = path.join(workspace, relative);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
}

const MANIFEST = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client==1.0.0'], version: '1.0.0' });

describe('ha-security CLI', () => {
  before(() => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js must be built (npm test builds it)');
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-cli-'));
    write('bad/custom_components/demo/manifest.json', MANIFEST);
    write('bad/custom_components/demo/__init__.py', 'import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n');
    write('bad/custom_components/demo/binary.py', Buffer.from([0x00, 0x01, 0x02, 0x70, 0x79]));
    write('bad/custom_components/demo/latin1.py', Buffer.from('name = "caf\xe9"\n', 'latin1'));
    write('bad/custom_components/broken/manifest.json', '{"domain": "broken", "requirements": [');
    write('bad/custom_components/broken/__init__.py', 'import pickle\n\n\ndef f(blob):\n    return pickle.loads(blob)\n');
    write('bad/.git/objects/x.py', 'import pickle\npickle.loads(b"")\n');
    write('bad/node_modules/pkg/x.py', 'import pickle\npickle.loads(b"")\n');
    write('bad/venv/pyvenv.cfg', 'home = /usr/bin\n');
    write('bad/venv/lib/x.py', 'import pickle\npickle.loads(b"")\n');
    write('clean/custom_components/demo/manifest.json', MANIFEST);
    write('clean/custom_components/demo/__init__.py', 'import json\n\n\ndef load(text):\n    return json.loads(text)\n');
    write('standalone/script.py', 'import yaml\nyaml.load("a: 1")\n');
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('prints findings with place, rule, checklist item and message, then the checklist and a summary', () => {
    const { status, stdout } = run(['check', 'bad']);
    assert.equal(status, 1);
    assert.match(stdout, /^custom_components\/demo\/__init__\.py:5:12: error \[unsafe-deserialization\] \(unsafe-deserialization\) `yaml\.load`/m);
    assert.match(stdout, /^custom_components\/broken\/__init__\.py:5:12: error \[unsafe-deserialization\]/m);
    assert.match(stdout, /Checklist for demo \(custom_components\/demo\)/);
    assert.match(stdout, /FAIL\s+unsafe-deserialization\s+1/);
    assert.match(stdout, /n\/a\s+webhook-signature/);
    assert.match(stdout, /\d+ findings? .* in \d+ files?; 2 integrations, \d+ files analysed, 3 not analysed\./);
  });

  it('reports unreadable, binary, non-UTF-8 files and malformed manifests without failing', () => {
    const { stdout } = run(['check', 'bad']);
    assert.match(stdout, /binary\.py: not analysed skipped: binary file/);
    assert.match(stdout, /latin1\.py: not analysed skipped: not valid UTF-8 text/);
    assert.match(stdout, /broken\/manifest\.json:1:\d+: not analysed manifest\.json is not valid JSON/);
  });

  it('skips .git, node_modules and virtualenvs', () => {
    const { stdout } = run(['check', 'bad', '--scope', 'all']);
    assert.doesNotMatch(stdout, /\.git\/|node_modules|venv\//);
  });

  it('writes the JSON report of the contract', () => {
    const { status, stdout } = run(['check', 'bad', '--format', 'json']);
    assert.equal(status, 1);
    const report = JSON.parse(stdout);
    assert.equal(report.version, 1);
    assert.deepEqual(Object.keys(report.tool), ['name', 'version']);
    assert.equal(report.tool.name, 'ha-integration-security');
    assert.equal(report.root, path.join(workspace, 'bad'));
    assert.ok(report.findings.length >= 2);
    for (const finding of report.findings) {
      for (const key of ['path', 'rule', 'checklist', 'severity', 'message']) assert.equal(typeof finding[key], 'string', key);
      for (const key of ['line', 'column', 'endLine', 'endColumn']) assert.ok(Number.isInteger(finding[key]) && finding[key] >= 1, key);
      assert.ok(!finding.path.includes('\\') && !path.isAbsolute(finding.path));
      assert.ok(['error', 'warning', 'info', 'hint'].includes(finding.severity));
      assert.ok((CHECKLIST_IDS as readonly string[]).includes(finding.checklist));
    }
    const yamlFinding = report.findings.find((finding: { path: string }) => finding.path === 'custom_components/demo/__init__.py');
    assert.deepEqual([yamlFinding.line, yamlFinding.column, yamlFinding.endLine, yamlFinding.endColumn], [5, 12, 5, 21]);
    assert.deepEqual(yamlFinding.fix, { title: 'Use yaml.safe_load', safe: true, edits: [{ line: 5, column: 17, endLine: 5, endColumn: 21, newText: 'safe_load' }] });
    assert.deepEqual(report.integrations.map((integration: { domain: string; path: string }) => [integration.domain, integration.path]), [
      ['broken', 'custom_components/broken'],
      ['demo', 'custom_components/demo'],
    ]);
    for (const integration of report.integrations) {
      assert.deepEqual(integration.checklist.map((entry: { id: string }) => entry.id), CHECKLIST_IDS);
      for (const entry of integration.checklist) {
        assert.ok(['fail', 'pass', 'not-applicable', 'review'].includes(entry.status));
        assert.equal(typeof entry.findings, 'number');
        assert.equal(typeof entry.note, 'string');
      }
    }
    assert.equal(report.summary.findings, report.findings.length);
    assert.equal(typeof report.summary.files, 'number');
    assert.ok(report.summary.errors.some((error: { path: string; message: string }) => error.path === 'custom_components/demo/binary.py' && /binary/.test(error.message)));
  });

  it('exits 0 on a clean integration', () => {
    const { status, stdout } = run(['check', 'clean']);
    assert.equal(status, 0, stdout);
    assert.match(stdout, /No findings; 1 integration/);
    assert.match(stdout, /pass\s+unsafe-deserialization/);
  });

  it('analyses files outside integrations only with --scope all', () => {
    assert.equal(run(['check', 'standalone']).status, 0);
    const all = run(['check', 'standalone', '--scope', 'all']);
    assert.equal(all.status, 1);
    assert.match(all.stdout, /script\.py:2:1: error \[unsafe-deserialization\]/);
  });

  it('filters rules with --select and --ignore, by rule or checklist id', () => {
    assert.equal(run(['check', 'bad', '--ignore', 'unsafe-deserialization']).status, 0);
    assert.equal(run(['check', 'bad', '--select', 'tls-verification']).status, 0);
    assert.equal(run(['check', 'bad', '--select', 'unsafe-deserialization']).status, 1);
  });

  it('fails only at or above --fail-on', () => {
    write('warn/custom_components/demo/manifest.json', JSON.stringify({ domain: 'demo', requirements: ['acme>=1'] }));
    assert.equal(run(['check', 'warn']).status, 1);
    assert.equal(run(['check', 'warn', '--fail-on', 'error']).status, 0);
  });

  it('exits 2 with a clear message on usage errors', () => {
    for (const args of [['check', '--bogus'], ['check', '--select', 'no-such-rule'], ['check', '--format', 'xml'], ['check', 'does-not-exist'], ['frobnicate'], ['explain', 'nope']]) {
      const { status, stderr } = run(args);
      assert.equal(status, 2, args.join(' '));
      assert.match(stderr, /^ha-security: /);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('lists rules and explains one', () => {
    const rules = run(['rules']);
    assert.equal(rules.status, 0);
    assert.match(rules.stdout, /^shell-command\s+command-injection\s+error\s+safe$/m);
    const explain = run(['explain', 'shell-command']);
    assert.equal(explain.status, 0);
    assert.match(explain.stdout, /^# shell-command/);
    assert.match(explain.stdout, /Bad:/);
  });

  it('applies safe fixes with --fix and shows them with --diff', () => {
    write('fix/custom_components/demo/manifest.json', MANIFEST);
    write('fix/custom_components/demo/__init__.py', 'import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n');
    const diff = run(['check', 'fix', '--diff']);
    assert.match(diff.stdout, /^-    return yaml\.load\(text\)\n\+    return yaml\.safe_load\(text\)$/m);
    assert.match(fs.readFileSync(path.join(workspace, 'fix/custom_components/demo/__init__.py'), 'utf8'), /yaml\.load/);
    run(['check', 'fix', '--fix']);
    assert.match(fs.readFileSync(path.join(workspace, 'fix/custom_components/demo/__init__.py'), 'utf8'), /yaml\.safe_load\(text\)/);
    assert.equal(run(['check', 'fix']).status, 0);
  });
});
