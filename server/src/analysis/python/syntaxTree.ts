import { computeLineStarts, lineAndColumn } from '../text';

/**
 * A syntax tree held in JavaScript: every node of a tree-sitter tree, copied in one cursor pass into flat arrays
 * (python/parser.ts builds it). The analysis asks nodes for their type, text, parent, children and fields many
 * times over; on web-tree-sitter's own nodes each of those questions is a call into the wasm module with its
 * arguments copied through a buffer, which cost more than the analysis itself. Here each answer is an array read.
 *
 * The API is the part of web-tree-sitter's `Node` the analysis uses, with the same meaning: children include
 * anonymous tokens, `childForFieldName` gives the first child of that field, `descendantsOfType` includes the node
 * itself, `descendantForIndex` finds the smallest node around an index. Indices and columns count UTF-16 code units,
 * as web-tree-sitter's do for JavaScript strings. Nothing here refers to wasm memory: a tree needs no deleting.
 */

/** What the grammar says about its node types and fields, shared by every tree of the language. */
export interface Grammar {
  /** Type name by type id. */
  typeNames: readonly string[];
  /** Whether a type id is a named node type. */
  namedTypes: readonly boolean[];
  /** Field name by field id (0 is no field). */
  fieldNames: readonly (string | null)[];
}

/** The arrays a tree is made of, one entry per node, nodes numbered in document (pre-)order from the root, 0. */
export interface TreeArrays {
  count: number;
  typeIds: Uint16Array;
  fieldIds: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  parents: Int32Array;
  /** First child and next sibling: -1 for none. (The rest of the links are derived: trees are held by thousands.) */
  firstChildren: Int32Array;
  nextSiblings: Int32Array;
  /** One past the last node of each node's subtree: a subtree is the numbers [node, subtreeEnds[node]). */
  subtreeEnds: Int32Array;
  /** Nodes the parser inserted to recover from an error (1); absent when the tree has no error. */
  missing?: Uint8Array;
}

export interface Point {
  row: number;
  column: number;
}

/** The type id tree-sitter gives error nodes (it has no name in the grammar's list). */
export const ERROR_TYPE_ID = 65535;

/** Node ids stay unique across every tree of the process, as the analysis keys maps by them across files. */
let nextIdBase = 1;

export class SyntaxTree {
  readonly rootNode: Node;
  private readonly nodes: (Node | undefined)[];
  private readonly idBase: number;
  private lineStartsCache: number[] | undefined;

  constructor(
    readonly text: string,
    readonly grammar: Grammar,
    /** @internal */ readonly arrays: TreeArrays,
    /** How many top-level statements this copy took from the previous copy instead of walking them (parser.ts). */
    readonly reusedStatements = 0,
  ) {
    this.idBase = nextIdBase;
    nextIdBase += arrays.count;
    this.nodes = new Array(arrays.count);
    this.rootNode = this.node(0);
  }

  /** The node numbered `index` (one object per node, so nodes compare with ===). */
  node(index: number): Node {
    let node = this.nodes[index];
    if (!node) {
      node = new Node(this, index, this.idBase + index);
      this.nodes[index] = node;
    }
    return node;
  }

  /** @internal */
  nodeOrNull(index: number): Node | null {
    return index < 0 ? null : this.node(index);
  }

  /** The index where each line of the text starts (lines end at \n). */
  get lineStarts(): readonly number[] {
    this.lineStartsCache ??= computeLineStarts(this.text);
    return this.lineStartsCache;
  }

  /** @internal The row and column of a code-unit index. */
  pointAt(index: number): Point {
    const { line, column } = lineAndColumn(this.lineStarts, index);
    return { row: line, column };
  }

  /** @internal Nodes of the subtree [from, to) whose type is one of `types`, in document order. */
  nodesOfTypes(from: number, to: number, types: readonly string[]): Node[] {
    const found: Node[] = [];
    if (to - from < INDEXED_SEARCH_SIZE) {
      const wanted = typeMask(this.grammar, types);
      const typeIds = this.arrays.typeIds;
      for (let index = from; index < to; index++) if (wanted[typeIds[index]] === 1) found.push(this.node(index));
      return found;
    }
    // Large subtrees (a module, a long function) are searched again and again by rules: the tree's list of these
    // types, found once, answers each search from where the subtree starts.
    const numbers = this.numbersOfTypes(types);
    let low = 0;
    let high = numbers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (numbers[middle] < from) low = middle + 1;
      else high = middle;
    }
    for (let position = low; position < numbers.length && numbers[position] < to; position++) found.push(this.node(numbers[position]));
    return found;
  }

  private readonly numbersByTypes = new Map<string, Int32Array>();

  /** The numbers of every node of the tree whose type is one of `types`, ascending. */
  private numbersOfTypes(types: readonly string[]): Int32Array {
    const key = types.join(' ');
    let numbers = this.numbersByTypes.get(key);
    if (!numbers) {
      const wanted = typeMask(this.grammar, types);
      const { typeIds, count } = this.arrays;
      let matches = 0;
      for (let index = 0; index < count; index++) matches += wanted[typeIds[index]];
      numbers = new Int32Array(matches);
      let position = 0;
      for (let index = 0; index < count; index++) if (wanted[typeIds[index]] === 1) numbers[position++] = index;
      this.numbersByTypes.set(key, numbers);
    }
    return numbers;
  }
}

/** Subtrees of at least this many nodes are searched through the tree's list of the wanted types (nodesOfTypes). */
const INDEXED_SEARCH_SIZE = 512;

const maskCache = new WeakMap<Grammar, Map<string, Uint8Array>>();

/** A table by type id: 1 for the ids whose name is one of `types` (a grammar may give one name several ids). */
function typeMask(grammar: Grammar, types: readonly string[]): Uint8Array {
  let byKey = maskCache.get(grammar);
  if (!byKey) {
    byKey = new Map();
    maskCache.set(grammar, byKey);
  }
  const key = types.join(' ');
  let mask = byKey.get(key);
  if (!mask) {
    mask = new Uint8Array(65536);
    const names = new Set(types);
    grammar.typeNames.forEach((name, id) => {
      if (names.has(name)) mask![id] = 1;
    });
    if (names.has('ERROR')) mask[ERROR_TYPE_ID] = 1;
    byKey.set(key, mask);
  }
  return mask;
}

export class Node {
  /** Filled on first use: rules ask the same nodes for their children again and again. */
  private childList: readonly Node[] | undefined;
  private namedChildList: readonly Node[] | undefined;

  constructor(
    readonly tree: SyntaxTree,
    /** The node's number in its tree (document order). */
    readonly index: number,
    /** Unique among the nodes of every tree of the process. */
    readonly id: number,
  ) {}

  get typeId(): number {
    return this.tree.arrays.typeIds[this.index];
  }

  get type(): string {
    return this.tree.grammar.typeNames[this.typeId] ?? 'ERROR';
  }

  get isNamed(): boolean {
    const typeId = this.typeId;
    return typeId === ERROR_TYPE_ID || this.tree.grammar.namedTypes[typeId] === true;
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get isMissing(): boolean {
    return this.tree.arrays.missing?.[this.index] === 1;
  }

  /** Whether this node is, or contains, a syntax error or a node the parser inserted to recover. */
  get hasError(): boolean {
    const { missing, subtreeEnds } = this.tree.arrays;
    if (!missing) return false;
    for (let index = this.index; index < subtreeEnds[this.index]; index++) {
      if (missing[index] === 1 || this.tree.node(index).isError) return true;
    }
    return false;
  }

  get startIndex(): number {
    return this.tree.arrays.starts[this.index];
  }

  get endIndex(): number {
    return this.tree.arrays.ends[this.index];
  }

  get startPosition(): Point {
    return this.tree.pointAt(this.startIndex);
  }

  get endPosition(): Point {
    return this.tree.pointAt(this.endIndex);
  }

  get text(): string {
    return this.tree.text.slice(this.startIndex, this.endIndex);
  }

  get parent(): Node | null {
    return this.tree.nodeOrNull(this.tree.arrays.parents[this.index]);
  }

  get childCount(): number {
    return this.children.length;
  }

  get children(): readonly Node[] {
    if (!this.childList) {
      const { firstChildren, nextSiblings } = this.tree.arrays;
      const children: Node[] = [];
      for (let child = firstChildren[this.index]; child >= 0; child = nextSiblings[child]) children.push(this.tree.node(child));
      this.childList = children;
    }
    return this.childList;
  }

  get namedChildren(): readonly Node[] {
    if (!this.namedChildList) {
      const { firstChildren, nextSiblings, typeIds } = this.tree.arrays;
      const { namedTypes } = this.tree.grammar;
      const named: Node[] = [];
      for (let child = firstChildren[this.index]; child >= 0; child = nextSiblings[child]) {
        if (typeIds[child] === ERROR_TYPE_ID || namedTypes[typeIds[child]]) named.push(this.tree.node(child));
      }
      this.namedChildList = named;
    }
    return this.namedChildList;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  child(index: number): Node | null {
    const { firstChildren, nextSiblings } = this.tree.arrays;
    let child = firstChildren[this.index];
    for (let skipped = 0; child >= 0 && skipped < index; skipped++) child = nextSiblings[child];
    return index < 0 ? null : this.tree.nodeOrNull(child);
  }

  namedChild(index: number): Node | null {
    return this.namedChildren[index] ?? null;
  }

  get nextSibling(): Node | null {
    return this.tree.nodeOrNull(this.tree.arrays.nextSiblings[this.index]);
  }

  get previousSibling(): Node | null {
    const siblings = this.parent?.children ?? [];
    const position = siblings.indexOf(this);
    return position > 0 ? siblings[position - 1] : null;
  }

  /** The field of this node in its parent (`function`, `arguments`, ...), if it has one. */
  get fieldName(): string | null {
    const fieldId = this.tree.arrays.fieldIds[this.index];
    return fieldId === 0 ? null : (this.tree.grammar.fieldNames[fieldId] ?? null);
  }

  childForFieldName(name: string): Node | null {
    const { firstChildren, nextSiblings, fieldIds } = this.tree.arrays;
    const fieldNames = this.tree.grammar.fieldNames;
    for (let child = firstChildren[this.index]; child >= 0; child = nextSiblings[child]) {
      const fieldId = fieldIds[child];
      if (fieldId !== 0 && fieldNames[fieldId] === name) return this.tree.node(child);
    }
    return null;
  }

  childrenForFieldName(name: string): Node[] {
    return this.children.filter((child) => child.fieldName === name);
  }

  /** This node and its descendants whose type is one of `types`, in document order. */
  descendantsOfType(types: string | readonly string[]): Node[] {
    return this.tree.nodesOfTypes(this.index, this.tree.arrays.subtreeEnds[this.index], typeof types === 'string' ? [types] : types);
  }

  /**
   * The smallest node (named or not) that spans [start, end], descending from this one as tree-sitter does: into
   * the first child that ends after `start`, reaches `end`, and does not begin after `start`.
   */
  descendantForIndex(start: number, end: number = start): Node {
    const { firstChildren, nextSiblings, starts, ends } = this.tree.arrays;
    let node = this.index;
    for (let descended = true; descended; ) {
      descended = false;
      for (let child = firstChildren[node]; child >= 0; child = nextSiblings[child]) {
        if (ends[child] < end || ends[child] <= start) continue;
        if (start < starts[child]) break;
        node = child;
        descended = true;
        break;
      }
    }
    return this.tree.node(node);
  }
}
