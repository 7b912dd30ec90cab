// Runs every *.test.ts under test/ with node's test runner (Node 20 does not expand globs itself).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      // e2e and electron run inside VS Code (test/e2e/run.mjs, npm run test:electron), not under node's test runner.
      if (name === 'fixtures' || name === 'e2e' || name === 'electron' || name === 'node_modules') continue;
      files.push(...collect(path));
    } else if (name.endsWith('.test.ts')) {
      files.push(path);
    }
  }
  return files;
}

const filter = process.argv.slice(2);
const files = collect('test').filter((file) => filter.length === 0 || filter.some((part) => file.includes(part)));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
