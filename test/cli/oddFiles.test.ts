import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

/** Files and folders a scan meets in real checkouts: none of them may stop it, each is reported once with a reason. */

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
const MANIFEST = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client==1.0.0'], version: '1.0.0' });
const VULNERABLE = 'import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n';
let workspace: string;

type Report = { findings: { path: string; rule: string }[]; summary: { errors: { path: string; message: string }[] } };

function check(folder: string, cli = CLI, uid?: number): { status: number | null; report: Report; stderr: string } {
  const result = spawnSync(process.execPath, [cli, 'check', folder, '--format', 'json'], { cwd: workspace, encoding: 'utf8', timeout: 60_000, uid, gid: uid });
  assert.equal(result.error, undefined, 'the scan ends');
  return { status: result.status, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

function write(relative: string, content: string | Buffer): string {
  const full = path.join(workspace, relative);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  return full;
}

describe('ha-security check on odd files and folders', () => {
  before(() => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js must be built (npm test builds it)');
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-odd-'));
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('reports a minified one-liner and a generated file like an oversized one, and analyses the rest', () => {
    write('minified/custom_components/demo/manifest.json', MANIFEST);
    write('minified/custom_components/demo/__init__.py', VULNERABLE);
    write('minified/custom_components/demo/bundle.py', `import pickle; DATA = [${'1,'.repeat(6000)}]; pickle.loads(DATA)\n`);
    write('minified/custom_components/demo/generated.py', `TABLE = [${'0, '.repeat(200)}]\n`.repeat(40));
    const { status, report } = check('minified');
    assert.equal(status, 1);
    // bundle.py: one line of 23 + 12,000 + 21 characters; generated.py: 40 lines of 610 and an empty last one.
    assert.deepEqual(report.findings.map((finding) => `${finding.path}:${finding.rule}`), ['minified/custom_components/demo/__init__.py:unsafe-deserialization']);
    assert.deepEqual(
      report.summary.errors.map((error) => `${error.path}: ${error.message}`),
      [
        'minified/custom_components/demo/bundle.py: skipped: looks minified or generated (a line of 12,044 characters; the limit is 10,000)',
        'minified/custom_components/demo/generated.py: skipped: looks minified or generated (lines average 596 characters; the limit is 500)',
      ],
    );
  });

  it('reports binary and non-UTF-8 Python files and goes on', () => {
    write('encodings/custom_components/demo/manifest.json', MANIFEST);
    write('encodings/custom_components/demo/__init__.py', VULNERABLE);
    write('encodings/custom_components/demo/compiled.py', Buffer.from([0x42, 0x0d, 0x0d, 0x0a, 0x00, 0x00, 0xe3, 0x00]));
    write('encodings/custom_components/demo/cp1252.py', Buffer.from('NAME = "Caf\xe9 \x80"\n', 'latin1'));
    const { status, report } = check('encodings');
    assert.equal(status, 1);
    assert.deepEqual(report.findings.map((finding) => finding.rule), ['unsafe-deserialization']);
    assert.deepEqual(report.summary.errors.map((error) => `${path.basename(error.path)}: ${error.message}`).sort(), [
      'compiled.py: skipped: binary file (it contains NUL bytes)',
      'cp1252.py: skipped: not valid UTF-8 text',
    ]);
  });

  it('follows a symbolic link loop once and a self-referencing link not at all', () => {
    write('loops/custom_components/demo/manifest.json', MANIFEST);
    write('loops/custom_components/demo/__init__.py', VULNERABLE);
    // `again -> .` inside the integration, `up -> ../..` above it, and `self -> self`, which cannot be resolved.
    fs.symlinkSync('.', path.join(workspace, 'loops/custom_components/demo/again'));
    fs.symlinkSync('../..', path.join(workspace, 'loops/custom_components/demo/up'));
    fs.symlinkSync('self', path.join(workspace, 'loops/custom_components/self'));
    const { status, report } = check('loops');
    assert.equal(status, 1);
    assert.deepEqual(report.findings.map((finding) => `${finding.path}:${finding.rule}`), ['loops/custom_components/demo/__init__.py:unsafe-deserialization']);
    assert.deepEqual(report.summary.errors, [{ path: 'loops/custom_components/self', message: 'broken symbolic link' }]);
  });

  it('reports an unreadable folder and analyses the others', () => {
    write('locked/custom_components/demo/manifest.json', MANIFEST);
    write('locked/custom_components/demo/__init__.py', VULNERABLE);
    write('locked/custom_components/demo/private/secrets.py', VULNERABLE);
    // Root reads any folder whatever its mode, so as root the scan runs as `nobody`, from a copy of the bundle that
    // user can read wherever the checkout lives.
    let cli = CLI;
    let uid: number | undefined;
    if (process.getuid?.() === 0) {
      uid = 65534;
      const copy = path.join(workspace, 'cli');
      fs.mkdirSync(copy);
      for (const name of ['cli.js', 'tree-sitter.wasm', 'tree-sitter-python.wasm']) fs.copyFileSync(path.join(path.dirname(CLI), name), path.join(copy, name));
      cli = path.join(copy, 'cli.js');
      fs.chmodSync(workspace, 0o755);
    }
    fs.chmodSync(path.join(workspace, 'locked/custom_components/demo/private'), 0o000);
    try {
      const { status, report } = check('locked', cli, uid);
      assert.equal(status, 1);
      assert.deepEqual(report.findings.map((finding) => finding.path), ['locked/custom_components/demo/__init__.py']);
      assert.deepEqual(report.summary.errors, [{ path: 'locked/custom_components/demo/private', message: 'folder could not be read: EACCES' }]);
    } finally {
      fs.chmodSync(path.join(workspace, 'locked/custom_components/demo/private'), 0o755);
    }
  });
});
