import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { analyzeIntegration, analyzeStandaloneFile, loadPythonFile, type AnalysisOptions } from '../analysis/engine';
import type { FileModel } from '../analysis/model/fileModel';
import { buildIntegration, moduleNameFor } from '../analysis/model/integration';
import { initParser } from '../analysis/python/parser';
import type { AnalysisError, ChecklistEntry, Finding, PragmaProblem } from '../analysis/types';
import { discover, readSourceFile } from './files';

/** The result of analysing files and folders on disk: the CLI's input for every output format. */
export interface ScanResult {
  integrations: { domain: string; root: string; manifestPath: string; checklist: ChecklistEntry[] }[];
  findings: Finding[];
  errors: AnalysisError[];
  pragmaProblems: PragmaProblem[];
  /** Findings a baseline hid (set by the CLI). */
  baselined?: number;
  /** Files analysed (Python and manifest.json). */
  files: number;
}

export interface ScanOptions extends UnitOptions {
  /** `integrations` (default) analyses only files inside integrations; `all` also standalone Python files. */
  scope?: 'integrations' | 'all';
  /** Files (absolute paths) the project configuration excludes. */
  exclude?: (file: string) => boolean;
}

export interface UnitOptions extends AnalysisOptions {
  /** Texts to analyse instead of what the files hold on disk, by absolute path (`--fix` re-checking its own edits). */
  sources?: ReadonlyMap<string, string>;
}

/** One piece of work: an integration, analysed as a whole, or a Python file outside any integration. */
export type ScanUnit =
  | { kind: 'integration'; root: string; manifestPath: string; pythonFiles: string[] }
  | { kind: 'standalone'; path: string };

export interface ScanPlan {
  units: ScanUnit[];
  /** Problems found while discovering (missing paths, unreadable folders). */
  errors: AnalysisError[];
}

/** What to analyse: the integrations and, with scope `all`, the other Python files, minus the excluded ones. */
export function planScan(inputs: string[], options: ScanOptions = {}): ScanPlan {
  const discovery = discover(inputs);
  const excluded = options.exclude ?? (() => false);
  const units: ScanUnit[] = [];
  for (const found of discovery.integrations) {
    if (excluded(found.manifestPath)) continue;
    units.push({ kind: 'integration', root: found.root, manifestPath: found.manifestPath, pythonFiles: found.pythonFiles.filter((file) => !excluded(file)) });
  }
  if (options.scope === 'all') {
    for (const path of discovery.standalone) if (!excluded(path)) units.push({ kind: 'standalone', path });
  }
  return { units, errors: discovery.errors };
}

export function scanPaths(inputs: string[], options: ScanOptions = {}): ScanResult {
  const plan = planScan(inputs, options);
  return mergeResults(plan.errors, plan.units.map((unit) => scanUnit(unit, options)));
}

/** Reads, parses and analyses one unit. */
export function scanUnit(unit: ScanUnit, options: UnitOptions): ScanResult {
  const result: ScanResult = { integrations: [], findings: [], errors: [], pragmaProblems: [], files: 0 };
  const read = (path: string) => {
    const source = options.sources?.get(path);
    return source !== undefined ? { ok: true as const, text: source } : readSourceFile(path);
  };
  if (unit.kind === 'standalone') {
    const [file] = loadFiles([unit.path], result, () => '', read);
    if (!file) return result;
    const analysed = analyzeStandaloneFile(file, options);
    result.findings.push(...analysed.findings);
    result.errors.push(...analysed.errors);
    result.pragmaProblems.push(...analysed.pragmaProblems);
    return result;
  }
  const manifest = read(unit.manifestPath);
  const files = loadFiles(unit.pythonFiles, result, (file) => moduleNameFor(unit.root, file), read);
  const manifestText = manifest.ok ? manifest.text : '{}';
  if (!manifest.ok) result.errors.push({ path: unit.manifestPath, message: `manifest.json ${manifest.reason}` });
  result.files += 1;
  const integration = buildIntegration(unit.root, unit.manifestPath, manifestText, files);
  const analysed = analyzeIntegration(integration, options);
  result.findings.push(...analysed.findings);
  result.errors.push(...analysed.errors);
  result.pragmaProblems.push(...analysed.pragmaProblems);
  result.integrations.push({ domain: integration.domain, root: unit.root, manifestPath: unit.manifestPath, checklist: analysed.checklist });
  return result;
}

/** Joins the units' results in plan order, so a parallel scan reports exactly what a sequential one does. */
export function mergeResults(discoveryErrors: AnalysisError[], parts: ScanResult[]): ScanResult {
  const result: ScanResult = { integrations: [], findings: [], errors: [...discoveryErrors], pragmaProblems: [], files: 0 };
  for (const part of parts) {
    result.integrations.push(...part.integrations);
    result.findings.push(...part.findings);
    result.errors.push(...part.errors);
    result.pragmaProblems.push(...part.pragmaProblems);
    result.files += part.files;
  }
  return result;
}

/** A rough cost of a unit, to hand out the largest first so that no worker is left with a big one at the end. */
function unitSize(unit: ScanUnit): number {
  const paths = unit.kind === 'standalone' ? [unit.path] : unit.pythonFiles;
  let size = 0;
  for (const path of paths) {
    try {
      size += fs.statSync(path).size;
    } catch {
      // Unreadable files are reported when the unit runs.
    }
  }
  return size;
}

/**
 * Heap limits of a worker. V8's defaults let each worker's heap grow far past what it uses before collecting;
 * these keep a parallel scan's memory near a single-threaded one's (the trees live in wasm memory, not the heap).
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 };

export interface WorkerRequest {
  index: number;
  unit: ScanUnit;
}

export type WorkerReply = { index: number; result: ScanResult } | { index: number; error: string };

/**
 * Scans with `jobs` threads: this one and `jobs - 1` workers (each with its own parser), taking units from one queue.
 * The result is the same as `scanPaths`'s. `workerScript` is the bundled worker (dist/worker.js); the wasm files sit next to it.
 */
export async function scanPathsParallel(inputs: string[], options: ScanOptions, jobs: number, workerScript: string): Promise<ScanResult> {
  const plan = planScan(inputs, options);
  const wasmDirectory = path.dirname(workerScript);
  // Starting a worker (its own parser) costs more than analysing one unit here.
  if (jobs <= 1 || plan.units.length < 2) {
    await initParser(wasmDirectory);
    return mergeResults(plan.errors, plan.units.map((unit) => scanUnit(unit, options)));
  }
  const { exclude: _exclude, ...analysisOptions } = options;
  const results: ScanResult[] = new Array(plan.units.length);
  /** Units a worker could not finish, analysed in this thread at the end. */
  const leftovers: number[] = [];
  const sizes = plan.units.map(unitSize);
  const queue = plan.units.map((_, index) => index).sort((a, b) => sizes[b] - sizes[a]);
  const failed = (index: number, message: string): ScanResult => {
    const unit = plan.units[index];
    const path = unit.kind === 'standalone' ? unit.path : unit.manifestPath;
    return { integrations: [], findings: [], errors: [{ path, message: `internal error: ${message}` }], pragmaProblems: [], files: 0 };
  };

  /** Units sent to a worker before it answers the one it holds, so it never waits while this thread analyses. */
  const IN_FLIGHT = 2;
  const runWorker = () =>
    new Promise<void>((resolve) => {
      const worker = new Worker(workerScript, { workerData: { options: analysisOptions }, resourceLimits: WORKER_HEAP_LIMITS });
      const held = new Set<number>();
      let answered = false;
      let done = false;
      const next = () => {
        while (held.size < IN_FLIGHT) {
          const index = queue.shift();
          if (index === undefined) break;
          held.add(index);
          worker.postMessage({ index, unit: plan.units[index] } satisfies WorkerRequest);
        }
        if (held.size === 0) {
          done = true;
          void worker.terminate();
        }
      };
      worker.on('message', (reply: WorkerReply) => {
        answered = true;
        held.delete(reply.index);
        results[reply.index] = 'error' in reply ? failed(reply.index, reply.error) : reply.result;
        next();
      });
      // A worker that dies (its heap limit reached on a huge integration, a crash in the parser) hands the units it
      // held to this thread, which has no such limit; a fresh worker takes over the queue unless this one never
      // answered at all (it could not start, so neither would another).
      // Without a listener an uncaught exception in the worker would end this process too; 'exit' follows it.
      worker.on('error', () => undefined);
      worker.on('exit', () => {
        if (done) return resolve();
        leftovers.push(...held);
        if (answered) void runWorker().then(resolve);
        else resolve();
      });
      next();
    });

  // This thread is one of the `jobs`: a worker more would pay again for loading the bundle, the parser and
  // compiling the rules, on the same cores.
  const workers = Array.from({ length: Math.min(jobs - 1, plan.units.length) }, runWorker);
  await initParser(wasmDirectory);
  // This thread takes the smallest units, from the end of the queue: the largest files, whose trees and wasm memory
  // stay reserved once grown, go to the workers, whose heaps are limited.
  for (let index = queue.pop(); index !== undefined; index = queue.pop()) {
    results[index] = scanUnit(plan.units[index], options);
    // Lets the workers' answers in, so they get their next units.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await Promise.all(workers);
  leftovers.push(...queue);
  for (const index of leftovers) results[index] = scanUnit(plan.units[index], options);
  return mergeResults(plan.errors, results);
}

function loadFiles(paths: string[], result: ScanResult, moduleName: (path: string) => string, readSource: typeof readSourceFile): FileModel[] {
  const files: FileModel[] = [];
  for (const path of paths) {
    const read = readSource(path);
    if (!read.ok) {
      result.errors.push({ path, message: read.reason });
      continue;
    }
    try {
      files.push(loadPythonFile(path, read.text, moduleName(path)));
      result.files += 1;
    } catch (error) {
      result.errors.push({ path, message: `could not be parsed: ${(error as Error).message}` });
    }
  }
  return files;
}

export function isDirectory(path: string): boolean {
  try {
    return fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}
