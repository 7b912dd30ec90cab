import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { CaseFailure, CaseKind } from './cases';
import { fuzzCases, fuzzSeed } from './fuzzKit';
import type { WorkerMessage, WorkerRequest } from './worker';

/**
 * A case that runs this long is taken for a hang (one case normally takes milliseconds; the bound is generous so a
 * slow CI machine never trips it). It is not a performance assertion: only an endless loop can reach it.
 */
const CASE_LIMIT_MS = 30_000;

/** Enough for the test's own timeout to be the last line of defence, never the first. */
export const FUZZ_TEST_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs `defaultCount` cases of a kind (HA_SECURITY_FUZZ_CASES overrides it; HA_SECURITY_FUZZ_CASE runs that one case
 * alone) in worker threads, one per core up to two, and fails with every failing case's seed, index, mutations and
 * problems. The failing inputs are written to the temp folder to turn into unit tests.
 */
export async function fuzz(t: TestContext, kind: CaseKind, defaultCount: number): Promise<void> {
  const seed = fuzzSeed();
  const only = process.env.HA_SECURITY_FUZZ_CASE;
  const [from, to] = only ? [Number(only), Number(only) + 1] : [0, fuzzCases(defaultCount)];
  t.diagnostic(`seed ${seed} (HA_SECURITY_FUZZ_SEED), cases ${from}..${to - 1} (HA_SECURITY_FUZZ_CASES / HA_SECURITY_FUZZ_CASE)`);
  const workers = Math.max(1, Math.min(2, os.availableParallelism(), to - from));
  const size = Math.ceil((to - from) / workers);
  const chunks = Array.from({ length: workers }, (_, index) => ({ kind, seed, from: from + index * size, to: Math.min(to, from + (index + 1) * size) }));
  const failures = (await Promise.all(chunks.map(runChunk))).flat().sort((a, b) => a.index - b.index);
  if (failures.length === 0) return;
  const reports = failures.slice(0, 10).map((failure) => {
    const file = path.join(os.tmpdir(), `ha-security-fuzz-${kind}-${failure.seed}-${failure.index}${kind === 'python' ? '.py' : '.json'}`);
    fs.writeFileSync(file, failure.text);
    return [
      `case ${failure.index} from ${failure.input}, mutated: ${failure.steps.join('; ')}`,
      `  input written to ${file}`,
      `  reproduce: HA_SECURITY_FUZZ_SEED=${failure.seed} HA_SECURITY_FUZZ_CASE=${failure.index} npm test -- test/fuzz/${kind}`,
      ...failure.problems.slice(0, 5).map((problem) => `  - ${problem.split('\n').slice(0, 6).join('\n    ')}`),
    ].join('\n');
  });
  assert.fail(`${failures.length} of ${to - from} ${kind} fuzz cases failed (seed ${seed}):\n${reports.join('\n')}`);
}

/** Runs cases [from, to) in a worker; a case that does not finish within CASE_LIMIT_MS is reported as a hang. */
function runChunk(request: WorkerRequest): Promise<CaseFailure[]> {
  return new Promise((resolve, reject) => {
    const failures: CaseFailure[] = [];
    // Worker threads do not inherit tsx's loader hooks; register them first, then load the TypeScript worker.
    const worker = new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(path.join(__dirname, 'worker.ts'))});`, {
      eval: true,
      workerData: request,
    });
    let current = request.from;
    let watchdog: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        failures.push({ kind: request.kind, seed: request.seed, index: current, input: '(see case)', steps: [], problems: [`no result after ${CASE_LIMIT_MS} ms: the engine hangs on this case`], text: '' });
        void worker.terminate().then(() => resolve(failures));
      }, CASE_LIMIT_MS);
    };
    arm();
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'start') {
        current = message.index;
        arm();
      } else if (message.type === 'failure') {
        failures.push(message.failure);
      } else {
        clearTimeout(watchdog);
        void worker.terminate().then(() => resolve(failures));
      }
    });
    worker.on('error', (error) => {
      clearTimeout(watchdog);
      reject(new Error(`fuzz worker died at case ${current} (seed ${request.seed}): ${error.stack ?? error.message}`));
    });
  });
}
