// `npm run bench`: throughput of the CLI against the parse-only floor on the Python standard library, and the
// language server's latency and memory over an editing session. Every figure is measured in this one run and the
// targets are judged as ratios against the baseline measured next to them, so a slow machine slows both sides.
// Writes bench-results/bench.json. Nothing here is a test: it asserts nothing and never fails on a figure.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editorSession, type EditorFigures, type Latency } from './bench/editor';

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const RUNS = Number(process.env.HA_SECURITY_BENCH_RUNS ?? 3);
const JOBS = Math.min(4, os.availableParallelism?.() ?? os.cpus().length);
/** Folders of the standard library that are not the library: its own test suites and installed packages. */
const SKIPPED_FOLDERS = new Set(['test', 'tests', 'idle_test', 'site-packages', 'dist-packages', '__pycache__']);

interface Measurement {
  wallMs: number;
  peakBytes: number;
}

interface ThroughputFigures {
  tree: string;
  files: number;
  lines: number;
  runs: number;
  jobs: number;
  parseOnly: Measurement;
  analysisSingle: Measurement;
  analysisParallel: Measurement;
}

/** The standard library of the machine's python3 (only its location is asked; nothing of it is run). */
function standardLibrary(): string {
  if (process.env.HA_SECURITY_BENCH_TREE) return process.env.HA_SECURITY_BENCH_TREE;
  return execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
}

/** Copies the library's own .py files (no test suites, no installed packages) so every side reads the same files. */
function copyLibrary(source: string, target: string): { files: number; lines: number } {
  let files = 0;
  let lines = 0;
  const copy = (from: string, to: string): void => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const full = path.join(from, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) copy(full, path.join(to, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.py')) {
        const text = fs.readFileSync(full);
        fs.mkdirSync(to, { recursive: true });
        fs.writeFileSync(path.join(to, entry.name), text);
        files += 1;
        lines += text.toString('utf8').split('\n').length;
      }
    }
  };
  copy(source, target);
  return { files, lines };
}

/** Runs a node script to its end and measures its wall time and peak memory (worker threads included). */
function measure(args: string[]): Promise<Measurement> {
  const rssFile = path.join(os.tmpdir(), `ha-security-bench-rss-${process.pid}`);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', path.join(__dirname, 'bench', 'peakMemory.cjs'), ...args], {
      env: { ...process.env, HA_SECURITY_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      // The CLI exits 1 when it reports findings; only 2 and above mean it failed.
      if (code === null || code > 1) return reject(new Error(`${args.join(' ')} exited with ${code}: ${stderr}`));
      const peakBytes = Number(fs.readFileSync(rssFile, 'utf8'));
      fs.rmSync(rssFile, { force: true });
      resolve({ wallMs, peakBytes });
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function medianMeasurement(measurements: Measurement[]): Measurement {
  return { wallMs: median(measurements.map((m) => m.wallMs)), peakBytes: Math.max(...measurements.map((m) => m.peakBytes)) };
}

async function throughput(): Promise<ThroughputFigures> {
  const source = standardLibrary();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-bench-'));
  try {
    const tree = path.join(work, 'stdlib');
    const { files, lines } = copyLibrary(source, tree);
    const report = path.join(work, 'report.json');
    const cli = (jobs: number) => [path.join(DIST, 'cli.js'), 'check', tree, '--scope', 'all', '--format', 'json', '--output', report, '--jobs', String(jobs)];
    const sides = {
      parseOnly: [path.join(__dirname, 'bench', 'parseOnly.cjs'), tree, DIST],
      analysisSingle: cli(1),
      analysisParallel: cli(JOBS),
    };
    const samples: Record<keyof typeof sides, Measurement[]> = { parseOnly: [], analysisSingle: [], analysisParallel: [] };
    // Interleaved, so that a burst of load elsewhere on the machine hits every side alike.
    for (let run = 0; run < RUNS; run++) {
      for (const side of Object.keys(sides) as (keyof typeof sides)[]) {
        process.stderr.write(`throughput run ${run + 1}/${RUNS}: ${side}\n`);
        samples[side].push(await measure(sides[side]));
      }
    }
    return {
      tree: source,
      files,
      lines,
      runs: RUNS,
      jobs: JOBS,
      parseOnly: medianMeasurement(samples.parseOnly),
      analysisSingle: medianMeasurement(samples.analysisSingle),
      analysisParallel: medianMeasurement(samples.analysisParallel),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const MB = 1024 * 1024;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')).join('\n');
}

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

function latencyCells(latency: Latency): string {
  return [latency.p50Ms, latency.p95Ms, latency.maxMs].map((ms) => ms.toFixed(1)).join(' / ');
}

function printReport(t: ThroughputFigures, e: EditorFigures): { targets: Record<string, { value: number; limit: number; met: boolean }> } {
  const seconds = (m: Measurement) => (m.wallMs / 1000).toFixed(2);
  const rate = (m: Measurement) => Math.round(t.lines / (m.wallMs / 1000)).toLocaleString('en-US');
  const ratio = (m: Measurement) => (m.wallMs / t.parseOnly.wallMs).toFixed(2);
  const memory = (m: Measurement) => (m.peakBytes / MB).toFixed(0);
  console.log(`\nThroughput: ${t.tree} (${t.files} files, ${t.lines.toLocaleString('en-US')} lines, --scope all), median of ${t.runs} runs`);
  console.log(
    table([
      ['side', 'wall s', 'lines/s', 'x parse-only', 'peak MB'],
      ['parse-only floor (web-tree-sitter)', seconds(t.parseOnly), rate(t.parseOnly), '1.00', memory(t.parseOnly)],
      ['analysis, 1 thread', seconds(t.analysisSingle), rate(t.analysisSingle), ratio(t.analysisSingle), memory(t.analysisSingle)],
      [`analysis, ${t.jobs} threads`, seconds(t.analysisParallel), rate(t.analysisParallel), ratio(t.analysisParallel), memory(t.analysisParallel)],
    ]),
  );
  console.log(`\nEditor: ${e.lines}-line integration file, ${e.edits} edits of each kind typed one by one through LSP (didChange -> publishDiagnostics)`);
  console.log(
    table([
      ['measure', 'value'],
      ['typing code (brackets closed as opened): latency p50 / p95 / max ms', latencyCells(e.codeLatency)],
      ['random keystrokes (stress, the text fills with syntax errors): p50 / p95 / max ms', latencyCells(e.keystrokeLatency)],
      ['of which web-tree-sitter parsing, mean ms an edit: typing code / random keystrokes', `${e.codeParseMeanMs.toFixed(1)} / ${e.keystrokeParseMeanMs.toFixed(1)}`],
      ['files of the integration parsed during the edits (besides the edited one)', String(e.otherFilesParsed)],
      [`heap growth over ${e.memoryEdits.toLocaleString('en-US')} edits MB`, (e.heapGrowthBytes / MB).toFixed(1)],
      [`wasm memory growth over ${e.memoryEdits.toLocaleString('en-US')} edits MB`, (e.wasmGrowthBytes / MB).toFixed(1)],
    ]),
  );
  const targets = {
    'analysis on one thread within 1.5x parse-only': { value: t.analysisSingle.wallMs / t.parseOnly.wallMs, limit: 1.5, met: t.analysisSingle.wallMs <= 1.5 * t.parseOnly.wallMs },
    'analysis on all cores faster than parse-only': { value: t.analysisParallel.wallMs / t.parseOnly.wallMs, limit: 1, met: t.analysisParallel.wallMs < t.parseOnly.wallMs },
    'peak memory under 250 MB (1 thread)': { value: t.analysisSingle.peakBytes / MB, limit: 250, met: t.analysisSingle.peakBytes < 250 * MB },
    [`peak memory under 250 MB (${t.jobs} threads)`]: { value: t.analysisParallel.peakBytes / MB, limit: 250, met: t.analysisParallel.peakBytes < 250 * MB },
    'editor latency p95 under 15 ms, typing code': { value: e.codeLatency.p95Ms, limit: 15, met: e.codeLatency.p95Ms < 15 },
    'editor latency p95 under 15 ms, random keystrokes': { value: e.keystrokeLatency.p95Ms, limit: 15, met: e.keystrokeLatency.p95Ms < 15 },
    'server heap + wasm growth over 10,000 edits under 20 MB': { value: (e.heapGrowthBytes + e.wasmGrowthBytes) / MB, limit: 20, met: e.heapGrowthBytes + e.wasmGrowthBytes < 20 * MB },
  };
  console.log('\nTargets');
  console.log(table([['target', 'value', 'limit', 'verdict'], ...Object.entries(targets).map(([name, target]) => [name, target.value.toFixed(2), String(target.limit), verdict(target.met)])]));
  return { targets };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIST, 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.release()}` };
  const throughputFigures = await throughput();
  const editorFigures = await editorSession();
  const { targets } = printReport(throughputFigures, editorFigures);
  const output = path.join(ROOT, 'bench-results', 'bench.json');
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, `${JSON.stringify({ date: new Date().toISOString(), machine, throughput: throughputFigures, editor: editorFigures, targets }, null, 2)}\n`);
  console.log(`\nWritten to ${path.relative(process.cwd(), output)}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
