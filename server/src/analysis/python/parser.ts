import * as fs from 'fs';
import * as path from 'path';
import { Language, Parser, Tree } from 'web-tree-sitter';
import { ERROR_TYPE_ID, type Grammar, SyntaxTree, type TreeArrays } from './syntaxTree';

/**
 * The Python parser. The runtime and grammar wasm files sit next to the bundle in production
 * (the build copies them) and are taken from node_modules when running from source.
 */

const RUNTIME_WASM = 'tree-sitter.wasm';
const PYTHON_WASM = 'tree-sitter-python.wasm';

let parser: Parser | undefined;
let python: Language | undefined;
let initializing: Promise<void> | undefined;

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
let module: WasmModule | undefined;

/** The exports of the wasm runtime the tree copy calls directly (see syntaxTreeOf). */
interface WasmModule {
  locateFile: () => string;
  HEAP8?: Int8Array;
  _ts_tree_cursor_goto_first_child_wasm?: (tree: number) => number;
  _ts_tree_cursor_goto_next_sibling_wasm?: (tree: number) => number;
  _ts_tree_cursor_goto_parent_wasm?: (tree: number) => number;
  _ts_tree_cursor_current_node_type_id_wasm?: (tree: number) => number;
  _ts_tree_cursor_current_field_id_wasm?: (tree: number) => number;
  _ts_tree_cursor_start_index_wasm?: (tree: number) => number;
  _ts_tree_cursor_end_index_wasm?: (tree: number) => number;
  _ts_tree_cursor_current_node_is_missing_wasm?: (tree: number) => number;
  _ts_tree_cursor_current_node_id_wasm?: (tree: number) => number;
  _ts_tree_cursor_delete_wasm?: (tree: number) => void;
}

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

let parses = 0;
let parseMilliseconds = 0;

/** How many times this process has parsed Python (the server's debug figures show what an edit re-parses). */
export function parseCount(): number {
  return parses;
}

/** The time spent in web-tree-sitter's parser, in all (the benchmark tells the parser's share of an edit from it). */
export function parseTime(): number {
  return parseMilliseconds;
}

/** Parses Python source; pass the previous tree (already `edit`ed) for an incremental parse. */
export function parsePython(text: string, oldTree?: Tree): Tree {
  parses++;
  const started = performance.now();
  const tree = ready().parser.parse(text, oldTree ?? null);
  parseMilliseconds += performance.now() - started;
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

let grammar: Grammar | undefined;

function pythonGrammar(): Grammar {
  if (!grammar) {
    const { python } = ready();
    grammar = {
      typeNames: python.types,
      namedTypes: python.types.map((_, typeId) => python.nodeTypeIsNamed(typeId)),
      fieldNames: python.fields,
    };
  }
  return grammar;
}

/**
 * Copies a tree-sitter tree into a SyntaxTree (python/syntaxTree.ts) in one pass of a tree cursor. The cursor lives
 * in the runtime's transfer buffer: web-tree-sitter's TreeCursor writes it there before every call and reads it back
 * after, through emscripten's generic memory accessors, and that copying is most of the cost of a walk. This pass
 * makes nothing but cursor calls between creating the cursor and deleting it, so the cursor stays in the buffer and
 * each step is a single call. The caller still owns (and deletes) `tree`.
 *
 * `previous`, the copy of the tree this one was parsed incrementally from, lends its top-level statements: a
 * statement of the same type and text, free of syntax errors, and not following an error (the parser is in the same
 * state at its start, so parses it the same way) is copied from `previous`, shifted to its new place, instead of
 * being walked again. A keystroke re-walks about one statement. (Tree-sitter's own node ids cannot tell which
 * statements it kept: it rebuilds many that did not change.)
 */
export function syntaxTreeOf(tree: Tree, text: string, previous?: SyntaxTree): SyntaxTree {
  const wasm = module;
  const firstChild = wasm?._ts_tree_cursor_goto_first_child_wasm;
  const nextSibling = wasm?._ts_tree_cursor_goto_next_sibling_wasm;
  const toParent = wasm?._ts_tree_cursor_goto_parent_wasm;
  const typeIdNow = wasm?._ts_tree_cursor_current_node_type_id_wasm;
  const fieldIdNow = wasm?._ts_tree_cursor_current_field_id_wasm;
  const startNow = wasm?._ts_tree_cursor_start_index_wasm;
  const endNow = wasm?._ts_tree_cursor_end_index_wasm;
  const isMissingNow = wasm?._ts_tree_cursor_current_node_is_missing_wasm;
  const deleteCursor = wasm?._ts_tree_cursor_delete_wasm;
  if (!firstChild || !nextSibling || !toParent || !typeIdNow || !fieldIdNow || !startNow || !endNow || !isMissingNow || !deleteCursor) {
    throw new Error('the tree-sitter runtime lacks the tree cursor exports this version expects');
  }
  const treeHandle = (tree as unknown as { 0: number })[0];
  // Only a tree with an error can hold nodes the parser made up; others skip the question.
  const hasError = tree.rootNode.hasError;
  // The walk fills arrays kept from file to file, and the tree gets copies of the filled part: allocating arrays
  // sized by guess for every file made most of a scan's garbage.
  let arrays = scratch(hasError);
  const link = (parent: number, index: number): void => {
    const last = arrays.lastChildren[parent];
    if (last < 0) arrays.firstChildren[parent] = index;
    else arrays.nextSiblings[last] = index;
    arrays.lastChildren[parent] = index;
  };
  const add = (parent: number): number => {
    if (arrays.count === arrays.typeIds.length) arrays = grow(arrays, arrays.count + 1);
    const index = arrays.count++;
    arrays.typeIds[index] = typeIdNow(treeHandle);
    arrays.fieldIds[index] = fieldIdNow(treeHandle);
    arrays.starts[index] = startNow(treeHandle);
    arrays.ends[index] = endNow(treeHandle);
    arrays.parents[index] = parent;
    arrays.firstChildren[index] = -1;
    arrays.lastChildren[index] = -1;
    arrays.nextSiblings[index] = -1;
    if (arrays.missing) arrays.missing[index] = isMissingNow(treeHandle);
    if (parent >= 0) link(parent, index);
    return index;
  };
  /** Adds the nodes below `top`, the cursor's node, and leaves the cursor on it again. */
  const addBelow = (top: number): void => {
    if (!firstChild(treeHandle)) {
      arrays.subtreeEnds[top] = arrays.count;
      return;
    }
    let current = add(top);
    for (;;) {
      if (firstChild(treeHandle)) {
        current = add(current);
        continue;
      }
      for (;;) {
        arrays.subtreeEnds[current] = arrays.count;
        if (nextSibling(treeHandle)) {
          current = add(arrays.parents[current]);
          break;
        }
        toParent(treeHandle);
        current = arrays.parents[current];
        if (current === top) {
          arrays.subtreeEnds[top] = arrays.count;
          return;
        }
      }
    }
  };
  /** Copies the statement numbered `from` in `previous` as a child of `parent`, now starting at `start`. */
  const copyStatement = (old: TreeArrays, from: number, parent: number, start: number): void => {
    const size = old.subtreeEnds[from] - from;
    if (arrays.count + size > arrays.typeIds.length) arrays = grow(arrays, arrays.count + size);
    const target = arrays;
    const base = target.count;
    const end = from + size;
    const shift = base - from;
    target.typeIds.set(old.typeIds.subarray(from, end), base);
    target.fieldIds.set(old.fieldIds.subarray(from, end), base);
    if (target.missing) {
      if (old.missing) target.missing.set(old.missing.subarray(from, end), base);
      else target.missing.fill(0, base, base + size);
    }
    const delta = start - old.starts[from];
    copyShifted(target.starts, old.starts, from, end, shift, delta);
    copyShifted(target.ends, old.ends, from, end, shift, delta);
    copyShifted(target.parents, old.parents, from, end, shift, shift);
    copyShifted(target.subtreeEnds, old.subtreeEnds, from, end, shift, shift);
    copyLinksShifted(target.firstChildren, old.firstChildren, from, end, shift);
    copyLinksShifted(target.nextSiblings, old.nextSiblings, from, end, shift);
    // A copied statement is complete: no child is linked to its nodes later, so their last child is not needed.
    target.lastChildren.fill(-1, base, base + size);
    target.parents[base] = parent;
    target.nextSiblings[base] = -1;
    target.count += size;
    link(parent, base);
  };

  const lendable = previous ? new LendableStatements(previous) : undefined;
  let reused = 0;
  // Creating the cursor leaves it in the transfer buffer; from here on only cursor calls until it is deleted.
  tree.walk();
  try {
    const root = add(-1);
    if (firstChild(treeHandle)) {
      do {
        const afterError = arrays.lastChildren[root] >= 0 && arrays.typeIds[arrays.lastChildren[root]] === ERROR_TYPE_ID;
        const start = startNow(treeHandle);
        const old = afterError ? undefined : lendable?.take(typeIdNow(treeHandle), text.slice(start, endNow(treeHandle)));
        if (old !== undefined) {
          copyStatement(previous!.arrays, old, root, start);
          reused++;
        } else {
          addBelow(add(root));
        }
      } while (nextSibling(treeHandle));
    }
    arrays.subtreeEnds[root] = arrays.count;
  } finally {
    deleteCursor(treeHandle);
  }
  scratchArrays = arrays;
  return new SyntaxTree(text, pythonGrammar(), trimmed(arrays), reused);
}

/** Copies `source[from..end)` to `target` `shift` places later, adding `amount` to each value. */
function copyShifted(target: Int32Array, source: Int32Array, from: number, end: number, shift: number, amount: number): void {
  for (let index = from; index < end; index++) target[index + shift] = source[index] + amount;
}

/** Like copyShifted for node links, where -1 (no node) stays -1. */
function copyLinksShifted(target: Int32Array, source: Int32Array, from: number, end: number, shift: number): void {
  for (let index = from; index < end; index++) {
    const link = source[index];
    target[index + shift] = link < 0 ? -1 : link + shift;
  }
}

/** The error-free top-level statements of a previous copy, by type and text, each lent once. */
class LendableStatements {
  private readonly byText = new Map<string, number[]>();

  constructor(private readonly previous: SyntaxTree) {
    const { firstChildren, nextSiblings, typeIds, starts, ends, subtreeEnds, missing } = previous.arrays;
    let afterError = false;
    for (let statement = firstChildren[0]; statement >= 0; statement = nextSiblings[statement]) {
      let clean = !afterError;
      for (let index = statement; clean && index < subtreeEnds[statement]; index++) clean = typeIds[index] !== ERROR_TYPE_ID && missing?.[index] !== 1;
      afterError = typeIds[statement] === ERROR_TYPE_ID;
      if (!clean) continue;
      const key = previous.text.slice(starts[statement], ends[statement]);
      const list = this.byText.get(key);
      if (list) list.push(statement);
      else this.byText.set(key, [statement]);
    }
  }

  /** A statement of this type and text not lent yet, if there is one. */
  take(typeId: number, text: string): number | undefined {
    const list = this.byText.get(text);
    const found = list?.findIndex((statement) => this.previous.arrays.typeIds[statement] === typeId) ?? -1;
    return found < 0 ? undefined : list!.splice(found, 1)[0];
  }
}

/** The arrays while a copy is made: the tree's own, and each node's last child so far, to link the next one. */
interface BuildArrays extends TreeArrays {
  lastChildren: Int32Array;
}

let scratchArrays: BuildArrays | undefined;

function scratch(withMissing: boolean): BuildArrays {
  const arrays = scratchArrays ?? allocate(1 << 14, withMissing);
  scratchArrays = undefined;
  arrays.count = 0;
  if (withMissing) arrays.missing ??= new Uint8Array(arrays.typeIds.length);
  else arrays.missing = undefined;
  return arrays;
}

/** The filled part of the tree's arrays, copied into one buffer. */
function trimmed(arrays: BuildArrays): TreeArrays {
  const count = arrays.count;
  const buffer = new ArrayBuffer(count * (6 * 4 + 2 * 2) + (arrays.missing ? count : 0));
  let offset = 0;
  const take = <T extends Int32Array | Uint16Array | Uint8Array>(source: T, make: (buffer: ArrayBuffer, offset: number, length: number) => T): T => {
    const view = make(buffer, offset, count);
    view.set(source.subarray(0, count));
    offset += count * source.BYTES_PER_ELEMENT;
    return view;
  };
  const int32 = (source: Int32Array) => take(source, (b, o, n) => new Int32Array(b, o, n));
  const uint16 = (source: Uint16Array) => take(source, (b, o, n) => new Uint16Array(b, o, n));
  return {
    count,
    starts: int32(arrays.starts),
    ends: int32(arrays.ends),
    parents: int32(arrays.parents),
    firstChildren: int32(arrays.firstChildren),
    nextSiblings: int32(arrays.nextSiblings),
    subtreeEnds: int32(arrays.subtreeEnds),
    typeIds: uint16(arrays.typeIds),
    fieldIds: uint16(arrays.fieldIds),
    missing: arrays.missing ? take(arrays.missing, (b, o, n) => new Uint8Array(b, o, n)) : undefined,
  };
}

/** Arrays for `capacity` nodes; `add` sets every entry of a node as it adds it. */
function allocate(capacity: number, withMissing: boolean): BuildArrays {
  return {
    count: 0,
    typeIds: new Uint16Array(capacity),
    fieldIds: new Uint16Array(capacity),
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    parents: new Int32Array(capacity),
    firstChildren: new Int32Array(capacity),
    lastChildren: new Int32Array(capacity),
    nextSiblings: new Int32Array(capacity),
    subtreeEnds: new Int32Array(capacity),
    missing: withMissing ? new Uint8Array(capacity) : undefined,
  };
}

function grow(arrays: BuildArrays, needed: number): BuildArrays {
  const larger = allocate(Math.max(needed, arrays.typeIds.length * 2), arrays.missing !== undefined);
  larger.count = arrays.count;
  for (const key of Object.keys(larger) as (keyof BuildArrays)[]) {
    if (key !== 'count' && larger[key] !== undefined) (larger[key] as Int32Array).set(arrays[key] as Int32Array);
  }
  return larger;
}
