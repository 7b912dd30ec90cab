// Entry point VS Code calls in the extension host (--extensionTestsPath): runs every *.test.js next to it with mocha.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** A hang inside VS Code must end the run with a failure, not keep CI waiting. */
const SUITE_TIMEOUT_MS = 5 * 60_000;

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 90_000, color: true });
  const files = fs.readdirSync(__dirname).filter((file) => file.endsWith('.test.js')).sort();
  if (files.length === 0) throw new Error(`no *.test.js files in ${__dirname}`);
  for (const file of files) mocha.addFile(path.join(__dirname, file));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the extension-host suite did not finish within ${SUITE_TIMEOUT_MS / 1000}s`)), SUITE_TIMEOUT_MS);
    mocha.run((failures) => {
      clearTimeout(timer);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
