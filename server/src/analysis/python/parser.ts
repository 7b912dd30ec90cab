import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser, Query, Tree } from 'web-tree-sitter';

/**
 * The Python parser. The runtime and grammar wasm files sit next to the bundle in production
 * (the build copies them) and are taken from node_modules when running from source.
 */

const RUNTIME_WASM = 'tree-sitter.wasm';
const PYTHON_WASM = 'tree-sitter-python.wasm';

let parser: Parser | undefined;
let python: Language | undefined;
let initializing: Promise<void> | undefined;
const queryCache = new Map<string, Query>();

function locate(file: string, packageName: string, wasmDir?: string): string {
  const candidates = [
    wasmDir && path.join(wasmDir, file),
    path.join(__dirname, file),
    path.join(__dirname, '..', file),
  ].filter((candidate): candidate is string => Boolean(candidate));
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return candidate;
  }
  // Running from source: web-tree-sitter's exports hide package.json, but its main entry sits next to its wasm.
  const specifier = packageName === 'web-tree-sitter' ? packageName : `${packageName}/package.json`;
  return path.join(path.dirname(resolveModule(specifier)), file);
}

function resolveModule(specifier: string): string {
  return require.resolve(specifier);
}

/** Loads the wasm runtime and the Python grammar once; later calls reuse them. */
export function initParser(wasmDir?: string): Promise<void> {
  if (!initializing) {
    initializing = (async () => {
      const runtime = locate(RUNTIME_WASM, 'web-tree-sitter', wasmDir);
      await Parser.init(wasmModule(runtime));
      python = await Language.load(locate(PYTHON_WASM, 'tree-sitter-python', wasmDir));
      parser = new Parser();
      parser.setLanguage(python);
    })();
  }
  return initializing;
}

/**
 * The options object handed to the wasm runtime. Emscripten uses it as the module itself and keeps HEAP8, a view
 * of the wasm memory, on it; that is the only way to read the memory's size (for the memory test).
 */
let module: { locateFile: () => string; HEAP8?: Int8Array } | undefined;

function wasmModule(runtime: string): object {
  module = { locateFile: () => runtime };
  return module;
}

/** Bytes of the tree-sitter wasm memory (it grows, never shrinks); undefined before initParser. */
export function wasmMemoryBytes(): number | undefined {
  return module?.HEAP8?.buffer.byteLength;
}

function ready(): { parser: Parser; python: Language } {
  if (!parser || !python) throw new Error('initParser() must complete before parsing');
  return { parser, python };
}

/** Parses Python source; pass the previous tree (already `edit`ed) for an incremental parse. */
let parses = 0;

/** How many times this process has parsed Python (the server's debug figures show what an edit re-parses). */
export function parseCount(): number {
  return parses;
}

export function parsePython(text: string, oldTree?: Tree): Tree {
  parses++;
  const tree = ready().parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** Compiles a query once and keeps it for the life of the process. */
export function pythonQuery(source: string): Query {
  let query = queryCache.get(source);
  if (!query) {
    query = new Query(ready().python, source);
    queryCache.set(source, query);
  }
  return query;
}
