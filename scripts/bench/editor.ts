import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bigSource, MEMORY_EDITS, memoryOverEdits, openInServer, published, serverMemory, typeEdits, WARM_UP } from '../../test/helpers/editing';

/**
 * The editor side of `npm run bench`: the bundled language server over stdio, as an editor runs it, with a
 * 3,000-line file in an integration whose other modules sit on disk. Latency is the time from sending one
 * didChange to receiving the diagnostics of that version, one edit at a time; memory is taken over a long session.
 */

const LATENCY_EDITS = Number(process.env.HA_SECURITY_BENCH_EDITS ?? 500);
const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'custom_components', 'acme_cloud');

export interface EditorFigures {
  lines: number;
  edits: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyMaxMs: number;
  /** Parses during the timed edits beyond one per edit: files of the integration read again. */
  otherFilesParsed: number;
  memoryEdits: number;
  heapGrowthBytes: number;
  wasmGrowthBytes: number;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

export async function editorSession(): Promise<EditorFigures> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-bench-editor-'));
  const integration = path.join(workspace, 'custom_components', 'acme_cloud');
  fs.cpSync(EXAMPLE, integration, { recursive: true });
  const file = path.join(integration, 'big.py');
  const source = bigSource();
  fs.writeFileSync(file, source);
  const { client, uri, typist } = await openInServer(file, source);
  try {
    let version = await typeEdits(client, uri, typist, 1, 50);

    process.stderr.write(`editor: ${LATENCY_EDITS} timed edits\n`);
    const parsesBefore = (await serverMemory(client)).parses;
    const latencies: number[] = [];
    for (let index = 0; index < LATENCY_EDITS; index++) {
      version++;
      const arrived = published(client, uri, version);
      const started = process.hrtime.bigint();
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [typist.next()] });
      await arrived;
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const parsesAfter = (await serverMemory(client)).parses;

    process.stderr.write(`editor: ${WARM_UP + MEMORY_EDITS} edits for memory\n`);
    const { before, after } = await memoryOverEdits(client, uri, typist, version);

    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      lines: source.split('\n').length - 1,
      edits: LATENCY_EDITS,
      latencyP50Ms: percentile(sorted, 0.5),
      latencyP95Ms: percentile(sorted, 0.95),
      latencyMaxMs: sorted[sorted.length - 1],
      otherFilesParsed: parsesAfter - parsesBefore - LATENCY_EDITS,
      memoryEdits: MEMORY_EDITS,
      heapGrowthBytes: after.heapUsed - before.heapUsed,
      wasmGrowthBytes: after.wasmMemory - before.wasmMemory,
    };
  } finally {
    await client.dispose();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}
