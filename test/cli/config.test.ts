import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { globToRegExp, validateConfig } from '../../server/src/analysis/config';
import { TestClient } from '../protocol/lspClient';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const SOURCE = 'import pickle\nimport subprocess\n\n\ndef load(blob, host):\n    subprocess.run(f"ping {host}", shell=True)\n    return pickle.loads(blob)\n';

describe('[tool.ha-security] in pyproject.toml', () => {
  let folder: string;
  const write = (relative: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
    fs.writeFileSync(path.join(folder, relative), text);
  };
  const check = (...args: string[]) => spawnSync(process.execPath, [CLI, 'check', ...args, '--format', 'json'], { cwd: folder, encoding: 'utf8' });
  const rules = (stdout: string) => JSON.parse(stdout).findings.map((finding: any) => `${finding.path}:${finding.rule}:${finding.severity}`).sort();

  before(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-config-'));
    write('custom_components/demo/manifest.json', JSON.stringify({ domain: 'demo', requirements: [] }));
    write('custom_components/demo/__init__.py', SOURCE);
    write('custom_components/demo/tools/debug.py', SOURCE);
    write('custom_components/demo/vendored/lib.py', SOURCE);
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('validates keys and types with clear messages', () => {
    const { problems } = validateConfig({ selekt: ['x'], severity: { 'shell-command': 'critical', nope: 'error' }, exclude: 'vendored', 'cloud-polling-min-seconds': -1 });
    assert.deepEqual(problems, [
      'unknown key "selekt"; known keys: select, ignore, severity, per-file-ignores, exclude, scope, cloud-polling-min-seconds, local-polling-min-seconds, ignore-nosec',
      'severity.shell-command must be one of error, warning, info, hint, off',
      'severity: "nope" is neither a rule id nor a checklist id',
      'exclude must be a list of globs',
      'cloud-polling-min-seconds must be a positive number of seconds',
    ]);
    assert.ok(globToRegExp('vendored').test('custom_components/demo/vendored/lib.py'));
    assert.ok(globToRegExp('**/tools/*.py').test('custom_components/demo/tools/debug.py'));
    assert.ok(!globToRegExp('tools/*.py').test('custom_components/demo/tools/debug.py'));
  });

  it('changes what the CLI reports: severity, ignore, per-file ignores and exclude, with flags on top', () => {
    write(
      'pyproject.toml',
      [
        '[project]',
        'name = "demo"',
        '',
        '[tool.ha-security]',
        'exclude = ["vendored"]',
        'ignore = ["unsafe-deserialization"]',
        '',
        '[tool.ha-security.severity]',
        '"command-injection" = "warning"',
        '',
        '[tool.ha-security.per-file-ignores]',
        '"**/tools/*.py" = ["shell-command"]',
        '',
      ].join('\n'),
    );
    assert.deepEqual(rules(check('.').stdout), ['custom_components/demo/__init__.py:shell-command:warning']);
    // A file named directly is found through its folder's pyproject.toml too.
    assert.deepEqual(rules(check('custom_components/demo/__init__.py').stdout), ['custom_components/demo/__init__.py:shell-command:warning']);
    // Flags come on top: --select narrows further.
    assert.deepEqual(rules(check('.', '--select', 'unsafe-deserialization').stdout), []);
  });

  it("honours Bandit's # nosec, unless ignore-nosec in pyproject.toml or --ignore-nosec says not to", () => {
    write('custom_components/nosec/manifest.json', JSON.stringify({ domain: 'nosec', requirements: [] }));
    write('custom_components/nosec/__init__.py', 'import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)  # nosec B301 our own cache file\n');
    const target = 'custom_components/nosec';
    write('pyproject.toml', '[tool.ha-security]\n');
    assert.deepEqual(rules(check(target).stdout), []);
    assert.deepEqual(rules(check(target, '--ignore-nosec').stdout), ['custom_components/nosec/__init__.py:unsafe-deserialization:error']);
    write('pyproject.toml', '[tool.ha-security]\nignore-nosec = true\n');
    assert.deepEqual(rules(check(target).stdout), ['custom_components/nosec/__init__.py:unsafe-deserialization:error']);
    write('pyproject.toml', '[tool.ha-security]\nignore-nosec = "yes"\n');
    assert.match(check(target).stderr, /ignore-nosec must be true or false/);
    fs.rmSync(path.join(folder, 'custom_components/nosec'), { recursive: true });
  });

  it('refuses an invalid configuration with exit status 2', () => {
    write('pyproject.toml', '[tool.ha-security]\nselct = ["shell-command"]\n');
    const result = check('.');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /pyproject\.toml: \[tool\.ha-security\] unknown key "selct"/);
    write('pyproject.toml', '[tool.ha-security\nbroken');
    assert.match(check('.').stderr, /cannot be read as TOML/);
  });

  it('changes what the language server reports, with the editor settings on top', async () => {
    write('pyproject.toml', '[tool.ha-security]\nignore = ["unsafe-deserialization"]\n\n[tool.ha-security.severity]\n"shell-command" = "info"\n');
    const client = new TestClient();
    try {
      await client.initialize({ workspace: { configuration: true } });
      const uri = pathToFileURL(path.join(folder, 'custom_components/demo/__init__.py')).toString();
      const published = client.next('textDocument/publishDiagnostics', (params: any) => params.uri === uri && params.diagnostics.length > 0);
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: SOURCE } });
      const { diagnostics } = await published;
      assert.deepEqual(diagnostics.map((diagnostic: any) => [diagnostic.code, diagnostic.severity]), [['shell-command', 3]]);
      client.configuration = { rules: { 'shell-command': 'error' } };
      const layered = client.next('textDocument/publishDiagnostics', (params: any) => params.uri === uri && params.diagnostics[0]?.severity === 1);
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await layered;
    } finally {
      await client.dispose();
    }
  });
});
