import * as fs from 'node:fs';
import * as path from 'node:path';
import { Random } from '../fuzz/fuzzKit';
import { pathToFileURL } from 'node:url';
import { TestClient } from '../protocol/lspClient';

/**
 * An editing session against the real language server, shared by the memory test and `npm run bench`: a
 * 3,000-line integration file, a typist that types and deletes across it, and the memory the server reports.
 */

export const MB = 1024 * 1024;
/** Edits of the long session the memory figures are taken over. */
export const MEMORY_EDITS = 10_000;
/** Edits before the first measurement, so caches and the wasm memory reach their working size first. */
export const WARM_UP = 1_000;
/** How often to wait for the diagnostics of the newest version, as an editor's user pauses now and then. */
const PAUSE_EVERY = 250;

export type Memory = { heapUsed: number; external: number; arrayBuffers: number; rss: number; wasmMemory: number; parses: number; parseMs: number };
export type Published = { uri: string; version?: number; diagnostics: unknown[] };
export type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string };

/** About 3,000 lines of real integration code: the corpus and example modules, one after another. */
export function bigSource(): string {
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
export class Typist {
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

/** Lines of integration code the programmer types. None ends with a colon: each is a whole statement by itself. */
const CODE_LINES = [
  '_LOGGER.debug("Polling %s for %s", self._host, self.entity_id)',
  'data = await self._client.async_get_data(timeout=10)',
  'self._attr_available = data is not None',
  'value = entry.data.get(CONF_HOST, "localhost")',
  'session = async_get_clientsession(hass)',
  'hass.data.setdefault(DOMAIN, {})[entry.entry_id] = coordinator',
  'await asyncio.sleep(1)',
  'result = {"host": host, "port": int(port), "ssl": True}',
  'raise UpdateFailed(f"Error talking to {self._host}: {err}")',
  'items = [item["name"] for item in response.get("items", [])]',
];
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '"': '"' };

/**
 * A programmer at work: opens a line below a statement, types a line of code one key at a time as VS Code takes it
 * (a bracket or quote typed is closed at once, typing the closer steps over it), then keeps the line or deletes it.
 * Between keystrokes only the line being typed is incomplete, as when writing code; `Typist` is the stress case.
 */
export class CodeTypist {
  private readonly random = new Random(0xc0de);
  private readonly planned: Change[] = [];

  constructor(private readonly lines: string[]) {}

  next(): Change {
    while (this.planned.length === 0) this.plan();
    const change = this.planned.shift()!;
    this.apply(change);
    return change;
  }

  /** True when the line being typed is finished (kept or deleted), so the file is whole again. */
  get betweenLines(): boolean {
    return this.planned.length === 0;
  }

  private plan(): void {
    const line = this.random.int(this.lines.length - 1);
    if (!this.isStatementEnd(line)) return;
    const indent = /^\s*/.exec(this.lines[line])![0];
    const end = this.lines[line].length;
    const at = (character: number) => ({ line: line + 1, character });
    this.planned.push({ range: { start: { line, character: end }, end: { line, character: end } }, text: `\n${indent}` });
    const code = this.random.pick(CODE_LINES);
    let typed = '';
    for (const key of code) {
      const column = indent.length + typed.length;
      if (Object.values(OPENERS).includes(key) && this.closerAhead(typed, key)) {
        typed += key;
        continue;
      }
      const closer = OPENERS[key];
      this.planned.push({ range: { start: at(column), end: at(column) }, text: closer ? key + closer : key });
      typed += key;
    }
    if (this.random.chance(0.5)) {
      // Delete the line again (as with Ctrl+Shift+K).
      this.planned.push({ range: { start: { line, character: end }, end: at(indent.length + code.length) }, text: '' });
    }
  }

  /** Whether the key typed next, a closer, was already inserted with its opener (so typing it steps over it). */
  private closerAhead(typed: string, key: string): boolean {
    const count = (character: string) => typed.split(character).length - 1;
    if (key === '"') return count('"') % 2 === 1;
    const opener = Object.keys(OPENERS).find((candidate) => OPENERS[candidate] === key)!;
    return count(opener) > count(key);
  }

  /** A line that ends a simple statement, outside brackets and strings, after which another statement may start. */
  private isStatementEnd(line: number): boolean {
    const text = this.lines[line];
    const next = this.lines[line + 1] ?? '';
    if (!/^\s*[A-Za-z_]/.test(text) || /[,([{\\:]\s*$|^\s*(def|class|if|elif|else|for|while|with|try|except|finally|async|@)\b/.test(text)) return false;
    if (/^\s*[)\]}.]|^\s*(and|or|else|elif|except|finally)\b/.test(next)) return false;
    let depth = 0;
    let quotes = 0;
    for (let index = 0; index <= line; index++) quotes += (this.lines[index].match(/"""|\'\'\'/g) ?? []).length;
    if (quotes % 2 === 1) return false;
    for (const character of text) depth += '([{'.includes(character) ? 1 : ')]}'.includes(character) ? -1 : 0;
    return depth === 0 && !/["']/.test(text.replace(/"[^"]*"|'[^']*'/g, ''));
  }

  private apply(change: Change): void {
    const { start, end } = change.range;
    const before = this.lines[start.line].slice(0, start.character);
    const after = this.lines[end.line].slice(end.character);
    this.lines.splice(start.line, end.line - start.line + 1, ...(before + change.text + after).split('\n'));
  }
}

/** Types `count` edits into an open document, waiting for its diagnostics now and then; returns the last version. */
export async function typeEdits(client: TestClient, uri: string, typist: { next(): Change }, version: number, count: number): Promise<number> {
  for (let index = 0; index < count; index++) {
    version++;
    const arrived = (version - 1) % PAUSE_EVERY === 0 ? published(client, uri, version) : undefined;
    await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [typist.next()] });
    await arrived;
  }
  return version;
}

/** The diagnostics the server publishes for one version of a document. */
export function published(client: TestClient, uri: string, version: number): Promise<Published> {
  return client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === uri && params.version === version, 60_000);
}

/** The server's memory after a full GC (needs `--expose-gc` and initializationOptions.debugMemory). */
export function serverMemory(client: TestClient): Promise<Memory> {
  return client.request<Memory>('haSecurity/debugMemory', null, 60_000);
}

/**
 * Starts the bundled server (with --expose-gc and its debug figures), opens `file` with the text `source` and waits
 * for its first diagnostics. The caller disposes of the client.
 */
export async function openInServer(file: string, source: string): Promise<{ client: TestClient; uri: string; typist: Typist }> {
  const uri = pathToFileURL(file).toString();
  const client = new TestClient(['--expose-gc']);
  await client.initialize({ textDocument: { synchronization: {} } }, { debugMemory: true });
  const opened = published(client, uri, 1);
  await client.open(uri, source);
  await opened;
  return { client, uri, typist: new Typist(source.split('\n')) };
}

/** WARM_UP edits, then MEMORY_EDITS more between two measurements, ending on the diagnostics of the last version. */
export async function memoryOverEdits(client: TestClient, uri: string, typist: Typist, version: number): Promise<{ before: Memory; after: Memory; version: number }> {
  version = await typeEdits(client, uri, typist, version, WARM_UP);
  const before = await serverMemory(client);
  version = await typeEdits(client, uri, typist, version, MEMORY_EDITS);
  const last = published(client, uri, version + 1);
  version = await typeEdits(client, uri, typist, version, 1);
  await last;
  return { before, after: await serverMemory(client), version };
}
