import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initParser } from '../../server/src/analysis/python/parser';
import { scanPaths, scanPathsParallel } from '../../server/src/node/scan';

const INPUTS = [path.join(__dirname, '..', '..', 'examples'), path.join(__dirname, '..', 'corpus')];

/**
 * Worker scripts that misbehave, written next to nothing else: the scan's own thread finds the wasm files in
 * node_modules. Each records the units it was sent in a file, so a test can tell the workers were used.
 */
const MISBEHAVING = {
  /** Dies on the first unit it is sent, before answering anything. */
  diesAtOnce: `require('fs').appendFileSync(process.env.LOG, 'x');
require('worker_threads').parentPort.on('message', () => process.exit(3));`,
  /** Answers its first unit with an error, then dies on the next one; each replacement does the same. */
  failsThenDies: `const { parentPort } = require('worker_threads');
let seen = 0;
parentPort.on('message', (request) => {
  require('fs').appendFileSync(process.env.LOG, 'x');
  if (seen++ === 0) parentPort.postMessage({ index: request.index, error: 'worker broke' });
  else process.exit(3);
});`,
};

describe('parallel scan', () => {
  let folder: string;
  before(async () => {
    await initParser();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-workers-'));
    for (const [name, source] of Object.entries(MISBEHAVING)) fs.writeFileSync(path.join(folder, `${name}.js`), source);
  });
  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  const withLog = async (run: (log: string) => Promise<void>) => {
    const log = path.join(folder, `log-${Math.random()}`);
    fs.writeFileSync(log, '');
    const saved = process.env.LOG;
    process.env.LOG = log;
    try {
      await run(log);
    } finally {
      if (saved === undefined) delete process.env.LOG;
      else process.env.LOG = saved;
    }
  };

  it('analyses in this thread what a worker that died held, and reports the same as a scan in one thread', async () => {
    const single = scanPaths(INPUTS, { scope: 'all' });
    assert.ok(single.integrations.length >= 4);
    await withLog(async (log) => {
      const parallel = await scanPathsParallel(INPUTS, { scope: 'all' }, 3, path.join(folder, 'diesAtOnce.js'));
      assert.deepEqual(parallel, single);
      // Both workers started (and died): a worker that never answered is not replaced.
      assert.equal(fs.readFileSync(log, 'utf8'), 'xx');
    });
  });

  it('reports a unit a worker failed on as an internal error, and replaces a worker that dies after answering', async () => {
    const single = scanPaths(INPUTS, { scope: 'all' });
    await withLog(async (log) => {
      const parallel = await scanPathsParallel(INPUTS, { scope: 'all' }, 2, path.join(folder, 'failsThenDies.js'));
      const failed = parallel.errors.filter((error) => error.message === 'internal error: worker broke');
      const replacements = fs.readFileSync(log, 'utf8').length;
      assert.ok(failed.length >= 1 && replacements >= 2, `${failed.length} failed units, ${replacements} units sent to workers`);
      // Every other unit arrives as in one thread: a unit's findings are all there or, when it failed, none are.
      const failedManifests = failed.filter((error) => path.basename(error.path) === 'manifest.json').map((error) => error.path);
      const lost = (file: string) =>
        failed.some((error) => error.path === file) || failedManifests.some((manifest) => file.startsWith(path.dirname(manifest) + path.sep));
      assert.deepEqual(parallel.findings, single.findings.filter((finding) => !lost(finding.path)));
      assert.deepEqual(parallel.integrations, single.integrations.filter((integration) => !failedManifests.includes(integration.manifestPath)));
    });
  });
});
