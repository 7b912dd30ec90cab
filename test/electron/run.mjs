#!/usr/bin/env node
// Extension-host tests: the extension from this checkout (dist/, not the .vsix) inside a VS Code that
// @vscode/test-electron downloads into .vscode-test/. That download needs update.code.visualstudio.com,
// so this runs on developer machines and public CI, not on machines that reach only the npm registry
// (there, test/e2e/run.mjs drives code-server instead).
//
//   npm run test:electron                       # builds dist/ first
//   node test/electron/run.mjs --build-only     # only compile the suite into out/test/electron (no VS Code)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
// @vscode/test-electron is CommonJS; its default import is module.exports.
import testElectron from '@vscode/test-electron';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const OUT = path.join(REPO, 'out/test/electron/suite');
// The same VS Code as the code-server the e2e tests use, so both suites test one version.
const VSCODE_VERSION = process.env.HA_SECURITY_VSCODE_VERSION || '1.100.3';
// Mocha bounds each test; this bounds the download plus the whole VS Code run.
const RUN_TIMEOUT_MS = Number(process.env.HA_SECURITY_ELECTRON_TIMEOUT_MS || 10 * 60_000);

const suiteDir = path.join(HERE, 'suite');
fs.rmSync(OUT, { recursive: true, force: true });
await esbuild.build({
  entryPoints: fs.readdirSync(suiteDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(suiteDir, f)),
  outdir: OUT,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: 'inline',
  logLevel: 'warning',
});
if (process.argv.includes('--build-only')) {
  console.log(`built ${path.relative(REPO, OUT)}`);
  process.exit(0);
}
if (!fs.existsSync(path.join(REPO, 'dist/extension.js'))) {
  console.error('dist/extension.js is missing: run `npm run build` first (npm run test:electron does)');
  process.exit(1);
}

// The quick-fix test edits and saves a file: give VS Code a copy of the fixture workspace.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-electron-'));
const workspace = path.join(tmp, 'workspace');
fs.cpSync(path.join(REPO, 'test/e2e/workspace'), workspace, { recursive: true });

// runTests stops VS Code (and, on a second SIGINT, its whole process tree) when this process gets SIGINT.
const watchdog = setTimeout(() => {
  console.error(`extension-host tests exceeded ${Math.round(RUN_TIMEOUT_MS / 1000)}s (HA_SECURITY_ELECTRON_TIMEOUT_MS): stopping VS Code`);
  process.exitCode = 1;
  process.kill(process.pid, 'SIGINT');
  setTimeout(() => process.kill(process.pid, 'SIGINT'), 10_000).unref();
}, RUN_TIMEOUT_MS);

try {
  await testElectron.runTests({
    version: VSCODE_VERSION,
    timeout: 60_000, // idle time limit for the download
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(OUT, 'index.js'),
    launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${path.join(tmp, 'user-data')}`],
  });
} catch (error) {
  console.error(`extension-host tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  fs.rmSync(tmp, { recursive: true, force: true });
}
