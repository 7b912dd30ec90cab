import { parentPort, workerData } from 'node:worker_threads';
import { initParser } from '../../server/src/analysis/python/parser';
import { runCase, type CaseKind } from './cases';

/**
 * Runs fuzz cases off the test's thread, so a case that never ends can be stopped (a synchronous endless loop
 * would block the test runner's own timeout). Announces each case before running it, then its failure, if any.
 */

export interface WorkerRequest {
  kind: CaseKind;
  seed: number;
  from: number;
  to: number;
}

export type WorkerMessage =
  | { type: 'start'; index: number }
  | { type: 'failure'; failure: NonNullable<ReturnType<typeof runCase>> }
  | { type: 'done' };

async function main(): Promise<void> {
  const { kind, seed, from, to } = workerData as WorkerRequest;
  await initParser();
  for (let index = from; index < to; index++) {
    parentPort!.postMessage({ type: 'start', index } satisfies WorkerMessage);
    const failure = runCase(kind, seed, index);
    if (failure) parentPort!.postMessage({ type: 'failure', failure } satisfies WorkerMessage);
  }
  parentPort!.postMessage({ type: 'done' } satisfies WorkerMessage);
}

void main();
