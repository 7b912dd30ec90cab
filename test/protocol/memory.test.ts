import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Random } from '../fuzz/fuzzKit';
import { TestClient } from './lspClient';

/**
 * Memory over a long editing session: the real server (with --expose-gc), a 3,000-line integration file and 10,000
 * incremental edits typed and deleted across its lines. Leaks here would be syntax trees or parsers never deleted
 * (wasm memory) or results kept per version (heap). The bound is generous: the point is "flat", not a figure.
 */

const MB = 1024 * 1024;
const GROWTH_LIMIT = 20 * MB;
const EDITS = 10_000;
/** Edits before the first measurement, so caches and the wasm memory reach their working size first. */
const WARM_UP = 1_000;
/** How often to wait for the diagnostics of the newest version, as an editor's user pauses now and then. */
const PAUSE_EVERY = 250;

type Memory = { heapUsed: number; external: number; arrayBuffers: number; rss: number; wasmMemory: number };
type Published = { uri: string; version?: number; diagnostics: unknown[] };

let workspace: string;

/** About 3,000 lines of real integration code: the corpus and example modules, one after another. */
function bigSource(): string {
  const roots = [path.join(__dirname, '..', 'corpus'), path.join(__dirname, '..', '..', 'examples')];
  const modules: string[] = [];
  const collect = (directory: string): void => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) collect(full);
      else if (entry.name.endsWith('.py')) modules.push(fs.readFileSync(full, 'utf8'));
    }
  };
  roots.forEach(collect);
  const lines: string[] = [];
  while (lines.length < 3000) for (const module of modules) lines.push(...module.split('\n'));
  return lines.slice(0, 3000).join('\n') + '\n';
}

/** A typist: types a few characters somewhere, sometimes a line break, and often deletes what it typed again. */
class Typist {
  private readonly random = new Random(0x7e57);
  private line = 0;
  private character = 0;
  private typed = 0;

  constructor(private readonly lines: string[]) {}

  next(): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } {
    if (this.typed === 0 || this.random.chance(0.1)) {
      // Move elsewhere: another line, another column.
      this.line = this.random.int(this.lines.length - 1);
      this.character = this.random.int(this.lines[this.line].length + 1);
      this.typed = 0;
    }
    if (this.typed > 0 && this.random.chance(0.45)) {
      // Backspace over the last typed character (a line break joins the lines again).
      this.typed--;
      if (this.character === 0) {
        const previous = this.lines[this.line - 1];
        const range = { start: { line: this.line - 1, character: previous.length }, end: { line: this.line, character: 0 } };
        this.lines.splice(this.line - 1, 2, previous + this.lines[this.line]);
        this.line--;
        this.character = previous.length;
        return { range, text: '' };
      }
      const text = this.lines[this.line];
      const range = { start: { line: this.line, character: this.character - 1 }, end: { line: this.line, character: this.character } };
      this.lines[this.line] = text.slice(0, this.character - 1) + text.slice(this.character);
      this.character--;
      return { range, text: '' };
    }
    this.typed++;
    const at = { line: this.line, character: this.character };
    const text = this.lines[this.line];
    if (this.random.chance(0.05)) {
      this.lines.splice(this.line, 1, text.slice(0, this.character), text.slice(this.character));
      this.line++;
      this.character = 0;
      return { range: { start: at, end: at }, text: '\n' };
    }
    const character = this.random.pick(['x', '_', '=', ' ', '(', ')', '"', '1', 'a', '.', ':', 'é']);
    this.lines[this.line] = text.slice(0, this.character) + character + text.slice(this.character);
    this.character++;
    return { range: { start: at, end: at }, text: character };
  }
}

describe('language server memory', () => {
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-memory-'));
    fs.mkdirSync(path.join(workspace, 'custom_components', 'demo'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'custom_components', 'demo', 'manifest.json'), JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client==1.0.0'] }));
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it(`grows by less than 20 MB (heap, and wasm memory) over ${EDITS.toLocaleString('en')} incremental edits of a 3,000-line file`, { timeout: 300_000 }, async (t) => {
    const file = path.join(workspace, 'custom_components', 'demo', 'big.py');
    const source = bigSource();
    fs.writeFileSync(file, source);
    const uri = pathToFileURL(file).toString();
    const client = new TestClient(['--expose-gc']);
    try {
      await client.initialize({ textDocument: { synchronization: {} } }, { debugMemory: true });
      const published = (version: number) => client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === uri && params.version === version, 60_000);
      const opened = published(1);
      await client.open(uri, source);
      await opened;

      const typist = new Typist(source.split('\n'));
      let version = 1;
      const edit = async (count: number): Promise<void> => {
        for (let index = 0; index < count; index++) {
          version++;
          const change = typist.next();
          const arrived = (version - 1) % PAUSE_EVERY === 0 ? published(version) : undefined;
          await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
          await arrived;
        }
      };
      const measure = () => client.request<Memory>('haSecurity/debugMemory', null, 60_000);

      await edit(WARM_UP);
      const before = await measure();
      await edit(EDITS);
      const last = published(version + 1);
      // One last edit that restores nothing in particular, then the diagnostics of the final version.
      version++;
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [typist.next()] });
      await last;
      const afterEdits = await measure();

      const growth = {
        heapUsed: afterEdits.heapUsed - before.heapUsed,
        external: afterEdits.external - before.external,
        wasmMemory: afterEdits.wasmMemory - before.wasmMemory,
      };
      const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;
      t.diagnostic(`before: heap ${mb(before.heapUsed)}, external ${mb(before.external)} (array buffers ${mb(before.arrayBuffers)}), wasm ${mb(before.wasmMemory)}, rss ${mb(before.rss)}`);
      t.diagnostic(`after:  heap ${mb(afterEdits.heapUsed)}, external ${mb(afterEdits.external)} (array buffers ${mb(afterEdits.arrayBuffers)}), wasm ${mb(afterEdits.wasmMemory)}, rss ${mb(afterEdits.rss)}`);
      t.diagnostic(`growth: heap ${mb(growth.heapUsed)}, external ${mb(growth.external)}, wasm ${mb(growth.wasmMemory)}`);
      assert.ok(before.wasmMemory > 0, 'the server reports its wasm memory');
      assert.ok(growth.heapUsed < GROWTH_LIMIT, `heap grew by ${mb(growth.heapUsed)}`);
      assert.ok(growth.external < GROWTH_LIMIT, `external memory grew by ${mb(growth.external)}`);
      assert.ok(growth.wasmMemory < GROWTH_LIMIT, `wasm memory grew by ${mb(growth.wasmMemory)}`);
    } finally {
      await client.dispose();
    }
  });
});
