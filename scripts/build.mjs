// Bundles the extension client, the language server and the CLI, and copies the wasm files next to them.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = 'dist';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // jsonc-parser's default (UMD) build loads its parts with a dynamic require that a bundle cannot follow.
  mainFields: ['module', 'main'],
  // The ESM build of web-tree-sitter breaks silently inside a CommonJS bundle; use its CommonJS build.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: `${outdir}/extension.js`, external: ['vscode'] },
  { entryPoints: ['server/src/server.ts'], outfile: `${outdir}/server.js` },
  { entryPoints: ['server/src/cli.ts'], outfile: `${outdir}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['server/src/worker.ts'], outfile: `${outdir}/worker.js` },
].filter((entry) => existsSync(entry.entryPoints[0]));

function existsSync(path) {
  try {
    require('node:fs').accessSync(path);
    return true;
  } catch {
    return false;
  }
}

function copyWasm() {
  mkdirSync(outdir, { recursive: true });
  const runtime = join(dirname(require.resolve('web-tree-sitter')), 'tree-sitter.wasm');
  const python = join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm');
  copyFileSync(runtime, join(outdir, 'tree-sitter.wasm'));
  copyFileSync(python, join(outdir, 'tree-sitter-python.wasm'));
}

copyWasm();
if (watch) {
  for (const entry of entries) {
    const context = await esbuild.context({ ...common, ...entry });
    await context.watch();
  }
} else {
  await Promise.all(entries.map((entry) => esbuild.build({ ...common, ...entry })));
  if (existsSync(`${outdir}/cli.js`)) chmodSync(`${outdir}/cli.js`, 0o755);
}
