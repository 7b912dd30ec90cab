import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
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
    // Paths are relative to the current folder, so they open from the terminal.
    assert.match(stdout, /^bad\/custom_components\/demo\/__init__\.py:5:12: error \[unsafe-deserialization\] \(unsafe-deserialization\) `yaml\.load`/m);
    assert.match(stdout, /^bad\/custom_components\/broken\/__init__\.py:5:12: error \[unsafe-deserialization\]/m);
    assert.match(stdout, /Checklist for demo \(bad\/custom_components\/demo\)/);
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
    assert.equal(report.root, fs.realpathSync(workspace));
    assert.ok(report.findings.length >= 2);
    for (const finding of report.findings) {
      for (const key of ['path', 'rule', 'checklist', 'severity', 'message']) assert.equal(typeof finding[key], 'string', key);
      for (const key of ['line', 'column', 'endLine', 'endColumn']) assert.ok(Number.isInteger(finding[key]) && finding[key] >= 1, key);
      assert.ok(!finding.path.includes('\\') && !path.isAbsolute(finding.path));
      assert.ok(['error', 'warning', 'info', 'hint'].includes(finding.severity));
      assert.ok((CHECKLIST_IDS as readonly string[]).includes(finding.checklist));
    }
    const yamlFinding = report.findings.find((finding: { path: string }) => finding.path === 'bad/custom_components/demo/__init__.py');
    assert.deepEqual([yamlFinding.line, yamlFinding.column, yamlFinding.endLine, yamlFinding.endColumn], [5, 12, 5, 21]);
    assert.deepEqual(yamlFinding.fix, { title: 'Use yaml.safe_load', safe: true, edits: [{ line: 5, column: 17, endLine: 5, endColumn: 21, newText: 'safe_load' }] });
    assert.deepEqual(report.integrations.map((integration: { domain: string; path: string }) => [integration.domain, integration.path]), [
      ['broken', 'bad/custom_components/broken'],
      ['demo', 'bad/custom_components/demo'],
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
    assert.ok(report.summary.errors.some((error: { path: string; message: string }) => error.path === 'bad/custom_components/demo/binary.py' && /binary/.test(error.message)));
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

  it('does not call an item that was left out of the selection passed or not applicable', () => {
    const items = (args: string[]) => {
      const report = JSON.parse(run(['check', 'clean', '--format', 'json', ...args]).stdout);
      return new Map<string, { status: string; note: string }>(report.integrations[0].checklist.map((item: { id: string; status: string; note: string }) => [item.id, item]));
    };
    const selected = items(['--select', 'unsafe-deserialization']);
    assert.equal(selected.get('unsafe-deserialization')?.status, 'pass');
    assert.equal(selected.get('dependency-pinning')?.status, 'review');
    assert.match(selected.get('dependency-pinning')?.note ?? '', /Not checked by unpinned-requirement/);
    // One of the item's two rules left out: what the other found nothing of is not a pass.
    const ignored = items(['--ignore', 'diagnostics-unredacted']);
    assert.equal(ignored.get('credentials-in-logs')?.status, 'review');
    assert.match(ignored.get('credentials-in-logs')?.note ?? '', /Not checked by diagnostics-unredacted/);
    assert.equal(items([]).get('dependency-pinning')?.status, items(['--select', 'dependency-pinning']).get('dependency-pinning')?.status);
  });

  it('fails only at or above --fail-on', () => {
    write('warn/custom_components/demo/manifest.json', JSON.stringify({ domain: 'demo', requirements: ['acme>=1'] }));
    assert.equal(run(['check', 'warn']).status, 1);
    assert.equal(run(['check', 'warn', '--fail-on', 'error']).status, 0);
  });

  it('exits 2 with a clear message on usage errors', () => {
    const cases = [
      ['check', '--bogus'],
      ['check', '--select', 'no-such-rule'],
      ['check', '--ignore'],
      ['check', '--format', 'xml'],
      ['check', '--fail-on', 'fatal'],
      ['check', '--scope', 'everything'],
      ['check', '--fix=no', 'clean'],
      ['check', 'does-not-exist', '--fix'],
      ['frobnicate'],
      ['explain', 'nope'],
      ['explain'],
      ['server'],
      ['server', '--stdio', '--bogus'],
    ];
    for (const args of cases) {
      const { status, stdout, stderr } = run(args);
      assert.equal(status, 2, args.join(' '));
      assert.match(stderr, /^ha-security: /, args.join(' '));
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
      assert.equal(stdout, '', args.join(' '));
    }
    const bare = run([]);
    assert.equal(bare.status, 2);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /Usage:/);
  });

  it('reports a path that does not exist, still checks the others, and exits 2', () => {
    const { status, stdout, stderr } = run(['check', 'clean', 'does-not-exist', '--format', 'json']);
    assert.equal(status, 2);
    assert.match(stderr, /^ha-security: no such file or folder: does-not-exist$/m);
    const report = JSON.parse(stdout);
    assert.deepEqual(report.summary.errors, [{ path: 'does-not-exist', message: 'no such file or folder' }]);
    assert.deepEqual(report.integrations.map((integration: { path: string }) => integration.path), ['clean/custom_components/demo']);
  });

  it('reports a file over the size limit and goes on', () => {
    write('huge/custom_components/demo/manifest.json', MANIFEST);
    write('huge/custom_components/demo/__init__.py', 'import json\n');
    write('huge/custom_components/demo/generated.py', `DATA = "${'x'.repeat(1024 * 1024 + 10)}"\n`);
    const { status, stdout } = run(['check', 'huge', '--format', 'json']);
    assert.equal(status, 0, stdout);
    const report = JSON.parse(stdout);
    assert.equal(report.summary.errors.length, 1);
    assert.equal(report.summary.errors[0].path, 'huge/custom_components/demo/generated.py');
    assert.match(report.summary.errors[0].message, /larger than the 1 MB limit/);
  });

  it('makes paths relative to the current folder, or to the inputs when they lie outside it', () => {
    const inside = JSON.parse(run(['check', '.', '--format', 'json'], path.join(workspace, 'bad/custom_components/demo')).stdout);
    assert.deepEqual(inside.integrations.map((integration: { path: string }) => integration.path), ['.']);
    assert.ok(inside.findings.some((finding: { path: string }) => finding.path === '__init__.py'));

    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-cwd-'));
    try {
      const outside = JSON.parse(run(['check', path.join(workspace, 'bad'), '--format', 'json'], elsewhere).stdout);
      assert.equal(outside.root, path.join(fs.realpathSync(workspace), 'bad'));
      assert.ok(outside.findings.some((finding: { path: string }) => finding.path === 'custom_components/demo/__init__.py'));
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('reports the same with worker threads as in one thread, whatever order the workers finish in', () => {
    const examples = path.join(__dirname, '..', '..', 'examples');
    const corpus = path.join(__dirname, '..', 'corpus');
    const report = (jobs: string) => run(['check', examples, corpus, path.join(workspace, 'bad'), '--scope', 'all', '--format', 'json', '--jobs', jobs]);
    const single = report('1');
    assert.equal(single.status, 1, single.stderr);
    const parsed = JSON.parse(single.stdout);
    assert.ok(parsed.integrations.length >= 4 && parsed.findings.length > 20, 'several integrations with findings, so the workers share the work');
    for (const jobs of ['2', '3']) assert.equal(report(jobs).stdout, single.stdout, `--jobs ${jobs}`);
    // Without its worker script (a broken install) the CLI analyses everything in its own thread instead.
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-no-worker-'));
    for (const name of ['cli.js', 'tree-sitter.wasm', 'tree-sitter-python.wasm']) fs.copyFileSync(path.join(path.dirname(CLI), name), path.join(bare, name));
    const withoutWorker = spawnSync(process.execPath, [path.join(bare, 'cli.js'), 'check', examples, corpus, path.join(workspace, 'bad'), '--scope', 'all', '--format', 'json', '--jobs', '2'], { cwd: workspace, encoding: 'utf8' });
    fs.rmSync(bare, { recursive: true, force: true });
    assert.equal(withoutWorker.stdout, single.stdout, withoutWorker.stderr);
    assert.equal(run(['check', '--jobs', '0']).status, 2);
    assert.match(run(['check', '--jobs', 'many']).stderr, /--jobs must be a whole number of at least 1/);
  });

  it('prints its version and usage', () => {
    const version = run(['--version']);
    assert.equal(version.status, 0);
    assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
    for (const args of [['--help'], ['check', '--help']]) {
      const help = run(args);
      assert.equal(help.status, 0, args.join(' '));
      assert.match(help.stdout, /ha-security check \[PATH\.\.\.\]/);
      assert.match(help.stdout, /--fail-on SEVERITY .*default hint/);
    }
  });

  it('treats everything after -- as a path', () => {
    const { status, stdout } = run(['check', '--', 'bad']);
    assert.equal(status, 1);
    assert.match(stdout, /^bad\/custom_components\/demo\/__init__\.py:5:12:/m);
  });

  it('stops quietly when the reader closes the pipe early', async () => {
    const child = spawn(process.execPath, [CLI, 'rules'], { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closing our end before the CLI writes makes every write of the CLI fail with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });

  it('lists rules and explains one, or a checklist item', () => {
    const rules = run(['rules']);
    assert.equal(rules.status, 0);
    assert.match(rules.stdout, /^rule\s+checklist\s+severity\s+fix$/m);
    assert.match(rules.stdout, /^unsafe-deserialization\s+unsafe-deserialization\s+error\s+safe$/m);
    const explain = run(['explain', 'unsafe-deserialization']);
    assert.equal(explain.status, 0);
    assert.match(explain.stdout, /^# unsafe-deserialization/);
    assert.match(explain.stdout, /Bad:/);
    const item = run(['explain', 'tls-verification']);
    assert.equal(item.status, 0);
    assert.match(item.stdout, /^# tls-verification\n\nHTTPS with certificate validation\./);
    assert.match(item.stdout, /^ {2}tls-verify-disabled /m);
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

  it('re-checks its fixes until none is left, so a second --fix changes nothing', () => {
    // Rewriting the shell command and the http:// URL inside it overlap: the second waits for a pass of its own.
    const source = 'import subprocess\n\n\ndef fetch(path):\n    return subprocess.check_output(f"curl -s http://api.example-cloud.com/{path}", shell=True)\n';
    write('converge/custom_components/demo/manifest.json', MANIFEST);
    write('converge/custom_components/demo/__init__.py', source);
    const diff = run(['check', 'converge', '--diff']);
    assert.match(diff.stdout, /^\+    return subprocess\.check_output\(\["curl", "-s", f"https:\/\/api\.example-cloud\.com\/\{path\}"\]\)$/m);
    assert.match(diff.stderr, /Would fix 2 findings; 0 need a person/);
    const fixed = run(['check', 'converge', '--fix']);
    assert.match(fixed.stderr, /Fixed 2 findings; 0 need a person/);
    const file = path.join(workspace, 'converge/custom_components/demo/__init__.py');
    const once = fs.readFileSync(file, 'utf8');
    assert.match(run(['check', 'converge', '--fix']).stderr, /Fixed 0 findings/);
    assert.equal(fs.readFileSync(file, 'utf8'), once);
  });
});

describe('ha-security server', () => {
  it('speaks LSP over stdio: answers initialize, then shuts down and exits 0', async () => {
    const child = spawn(process.execPath, [CLI, 'server', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const send = (message: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    let stdout = '';
    const initialized = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (/"id":1,"result"/.test(stdout)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const timeout = setTimeout(() => child.kill(), 10_000);
    send({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    await initialized;
    send({ id: 2, method: 'shutdown' });
    send({ method: 'exit' });
    const status = await exited;
    clearTimeout(timeout);
    assert.match(stdout, /"capabilities"/);
    assert.equal(status, 0);
  });
});
