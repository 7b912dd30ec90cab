import { parentPort, workerData } from 'worker_threads';
import { initParser } from './analysis/python/parser';
import { scanUnit, type UnitOptions, type WorkerReply, type WorkerRequest } from './node/scan';

/**
 * A worker thread of a parallel CLI scan: it loads its own parser and analyses the units the main thread sends,
 * one at a time, answering each with its result (or the error that stopped it).
 */

const options = (workerData as { options: UnitOptions }).options;
const ready = initParser(__dirname);

parentPort?.on('message', (request: WorkerRequest) => {
  ready
    .then(() => scanUnit(request.unit, options))
    .then(
      (result): WorkerReply => ({ index: request.index, result }),
      (error: unknown): WorkerReply => ({ index: request.index, error: error instanceof Error ? error.message : String(error) }),
    )
    .then((reply) => parentPort?.postMessage(reply));
});
