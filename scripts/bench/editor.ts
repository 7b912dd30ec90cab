import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestClient } from '../../test/protocol/lspClient';
import { bigSource, type Change, CodeTypist, MEMORY_EDITS, memoryOverEdits, openInServer, published, serverMemory, Typist, typeEdits, WARM_UP } from '../../test/helpers/editing';

/**
 * The editor side of `npm run bench`: the bundled language server over stdio, as an editor runs it, with a
 * 3,000-line file in an integration whose other modules sit on disk. Latency is the time from sending one
 * didChange to receiving the diagnostics of that version, one edit at a time; memory is taken over a long session.
 */

const LATENCY_EDITS = Number(process.env.HA_SECURITY_BENCH_EDITS ?? 500);
const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'custom_components', 'acme_cloud');

export interface Latency {
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface EditorFigures {
  lines: number;
  /** Timed edits of each kind. */
  edits: number;
  /** Lines of code typed as VS Code takes them (brackets and quotes closed as opened): only that line is incomplete. */
  codeLatency: Latency;
  /** Random keystrokes anywhere, the stress case: the text fills with syntax errors the parser has to recover from. */
  keystrokeLatency: Latency;
  /** Of each kind's latency, the mean time web-tree-sitter's parser took an edit (the part no analysis can cut). */
  codeParseMeanMs: number;
  keystrokeParseMeanMs: number;
  /** Parses during the timed edits beyond one per edit: files of the integration read again. */
  otherFilesParsed: number;
  memoryEdits: number;
  heapGrowthBytes: number;
  wasmGrowthBytes: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

/**
 * LATENCY_EDITS edits one at a time, each timed from its didChange to the diagnostics of its version; also the parses
 * beyond the edited file's one per edit.
 */
async function timedEdits(client: TestClient, uri: string, next: () => Change, version: number): Promise<{ latency: Latency; version: number; otherFilesParsed: number; parseMeanMs: number }> {
  const before = await serverMemory(client);
  const latencies: number[] = [];
  for (let index = 0; index < LATENCY_EDITS; index++) {
    version++;
    const arrived = published(client, uri, version);
    const started = process.hrtime.bigint();
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [next()] });
    await arrived;
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const after = await serverMemory(client);
  const otherFilesParsed = after.parses - before.parses - LATENCY_EDITS;
  const sorted = latencies.sort((a, b) => a - b);
  const latency = { p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95), maxMs: sorted[sorted.length - 1] };
  return { latency, version, otherFilesParsed, parseMeanMs: (after.parseMs - before.parseMs) / LATENCY_EDITS };
}

export async function editorSession(): Promise<EditorFigures> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-bench-editor-'));
  const integration = path.join(workspace, 'custom_components', 'acme_cloud');
  fs.cpSync(EXAMPLE, integration, { recursive: true });
  const file = path.join(integration, 'big.py');
  const source = bigSource();
  fs.writeFileSync(file, source);
  const { client, uri } = await openInServer(file, source);
  try {
    const lines = source.split('\n');
    const coder = new CodeTypist(lines);
    let version = await typeEdits(client, uri, coder, 1, 50);
    process.stderr.write(`editor: ${LATENCY_EDITS} timed edits typing code\n`);
    let timed = await timedEdits(client, uri, () => coder.next(), version);
    const codeLatency = timed.latency;
    const codeParseMeanMs = timed.parseMeanMs;
    let otherFilesParsed = timed.otherFilesParsed;
    // The keystrokes start from the text the code typing left.
    const typist = new Typist(lines);
    version = await typeEdits(client, uri, typist, timed.version, 50);
    process.stderr.write(`editor: ${LATENCY_EDITS} timed random keystrokes\n`);
    timed = await timedEdits(client, uri, () => typist.next(), version);
    otherFilesParsed += timed.otherFilesParsed;

    process.stderr.write(`editor: ${WARM_UP + MEMORY_EDITS} edits for memory\n`);
    const { before, after } = await memoryOverEdits(client, uri, typist, timed.version);

    return {
      lines: source.split('\n').length - 1,
      edits: LATENCY_EDITS,
      codeLatency,
      keystrokeLatency: timed.latency,
      codeParseMeanMs,
      keystrokeParseMeanMs: timed.parseMeanMs,
      otherFilesParsed,
      memoryEdits: MEMORY_EDITS,
      heapGrowthBytes: after.heapUsed - before.heapUsed,
      wasmGrowthBytes: after.wasmMemory - before.wasmMemory,
    };
  } finally {
    await client.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}
