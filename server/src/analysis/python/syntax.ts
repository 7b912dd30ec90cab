import type { Node } from './syntaxTree';
import type { Range } from '../types';

/** Small, pure helpers over tree-sitter-python nodes. */

export function rangeOf(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

/** Strips one level of parentheses: `(x)` is `x`. */
export function unwrap(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    // Comments inside the parentheses (`(  # why\n  value)`) are named children too.
    const inner = current.namedChildren.filter((child) => child !== null && child.type !== 'comment');
    if (inner.length !== 1 || !inner[0]) break;
    current = inner[0];
  }
  return current;
}

/** The literal value of a plain string (no interpolation), or undefined. Handles implicit concatenation. */
export function literalString(node: Node): string | undefined {
  const target = unwrap(node);
  if (target.type === 'concatenated_string') {
    let value = '';
    for (const part of target.namedChildren) {
      if (!part || part.type === 'comment') continue;
      const piece = literalString(part);
      if (piece === undefined) return undefined;
      value += piece;
    }
    return value;
  }
  if (target.type !== 'string') return undefined;
  let value = '';
  for (const child of target.namedChildren) {
    if (!child) continue;
    if (child.type === 'interpolation') return undefined;
    if (child.type === 'string_content') value += child.text;
    else if (child.type === 'escape_sequence') value += child.text;
  }
  return value;
}

/** The prefix letters of a string literal (`f`, `rb`, ...), lower-cased. */
export function stringPrefix(node: Node): string {
  const start = node.type === 'string' ? node.child(0) : null;
  if (!start || start.type !== 'string_start') return '';
  return start.text.replace(/['"]+$/, '').toLowerCase();
}

export function isFString(node: Node): boolean {
  const target = unwrap(node);
  if (target.type === 'concatenated_string') return target.namedChildren.some((part) => part !== null && isFString(part));
  return target.type === 'string' && stringPrefix(target).includes('f');
}

/** The expressions interpolated into an f-string. */
export function interpolations(node: Node): Node[] {
  const target = unwrap(node);
  const found: Node[] = [];
  const parts = target.type === 'concatenated_string' ? target.namedChildren : [target];
  for (const part of parts) {
    if (!part || part.type !== 'string') continue;
    for (const child of part.namedChildren) {
      if (child?.type !== 'interpolation') continue;
      const expression = child.childForFieldName('expression') ?? child.namedChild(0);
      if (expression) found.push(expression);
    }
  }
  return found;
}

export function isStringLike(node: Node): boolean {
  const target = unwrap(node);
  return target.type === 'string' || target.type === 'concatenated_string';
}

/** `a.b.c` as a dotted string when the expression is only names and attributes. */
export function dottedName(node: Node): string | undefined {
  const target = unwrap(node);
  if (target.type === 'identifier') return target.text;
  if (target.type === 'attribute') {
    const object = target.childForFieldName('object');
    const attribute = target.childForFieldName('attribute');
    if (!object || !attribute) return undefined;
    const base = dottedName(object);
    return base === undefined ? undefined : `${base}.${attribute.text}`;
  }
  return undefined;
}

/** Nearest ancestor (or the node itself) whose type is one of `types`. */
export function ancestorOfType(node: Node, types: readonly string[]): Node | null {
  let current: Node | null = node;
  while (current) {
    if (types.includes(current.type)) return current;
    current = current.parent;
  }
  return null;
}

/** The call a node is an argument of, positional or by keyword (`f(x)`, `f(key=x)`). */
export function callTakingArgument(argument: Node): Node | undefined {
  const list = argument.parent?.type === 'keyword_argument' ? argument.parent.parent : argument.parent;
  return list?.type === 'argument_list' && list.parent?.type === 'call' ? list.parent : undefined;
}

/** Whether a block ends by leaving it (`return`, `raise`, `continue`, `break`): what follows the block does not run. */
export function leavesBlock(block: Node | null | undefined): boolean {
  const last = block?.namedChildren[block.namedChildren.length - 1];
  return last !== undefined && ['return_statement', 'raise_statement', 'continue_statement', 'break_statement'].includes(last.type);
}

/** Whether a node sits in a module's `if __name__ == "__main__":` block: code run as a script, never on import. */
export function inScriptMain(node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type !== 'if_statement' || current.parent?.type !== 'module') continue;
    const condition = current.childForFieldName('condition');
    return condition !== null && /^__name__\s*==\s*["']__main__["']$|^["']__main__["']\s*==\s*__name__$/.test(condition.text);
  }
  return false;
}

/** The ancestors of a node, nearest first. */
export function ancestors(node: Node): Node[] {
  const chain: Node[] = [];
  for (let current = node.parent; current; current = current.parent) chain.push(current);
  return chain;
}

/** Name of a function definition, or of the class a method belongs to. */
export function definitionName(node: Node): string | undefined {
  return node.childForFieldName('name')?.text;
}

export function isAsyncFunction(node: Node): boolean {
  return node.type === 'function_definition' && node.child(0)?.type === 'async';
}

/** Every descendant (including the node) for which `visit` returns true; `visit` returning false skips the subtree. */
export function walk(node: Node, visit: (node: Node) => boolean | void): void {
  const pending: Node[] = [node];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (visit(current) === false) continue;
    const children = current.children;
    for (let index = children.length - 1; index >= 0; index--) pending.push(children[index]);
  }
}

/** Named descendants of the given types (the node included), in document order. */
/** An identifier that refers to a variable: not the member name of `x.name`, nor the keyword of `f(name=...)`. */
export function refersToVariable(identifier: Node): boolean {
  const parent = identifier.parent;
  if (parent?.type === 'attribute') return parent.childForFieldName('attribute')?.id !== identifier.id;
  if (parent?.type === 'keyword_argument') return parent.childForFieldName('name')?.id !== identifier.id;
  return true;
}

export function descendants(node: Node, types: readonly string[]): Node[] {
  return node.descendantsOfType(types);
}

/** The first result `find` gives for the present children, in order: where a value may come from any of them. */
export function firstFound<T>(children: readonly (Node | null | undefined)[], find: (child: Node) => T | undefined): T | undefined {
  for (const child of children) {
    const found = child ? find(child) : undefined;
    if (found !== undefined) return found;
  }
  return undefined;
}

/** True when `inner` lies within `outer`. */
export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/**
 * The identifiers whose text holds a match of `pattern`, in document order, found by searching the source text
 * instead of walking the tree: a rule after a few names visits only those. `text` is the source of `root`'s tree.
 */
export function identifiersMatching(root: Node, text: string, pattern: RegExp): Node[] {
  const found = new Map<number, Node>();
  for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))) {
    const node = root.descendantForIndex(match.index);
    if (node?.type === 'identifier') found.set(node.id, node);
  }
  return [...found.values()];
}

/** The values an expression may take: each side of `a or b`, each branch of `a if c else b`, else itself. */
export function alternatives(expression: Node): Node[] {
  const node = unwrap(expression);
  if (node.type === 'boolean_operator') return node.namedChildren.flatMap(alternatives);
  if (node.type === 'conditional_expression') {
    const [chosen, , otherwise] = node.namedChildren;
    return [chosen, otherwise].filter((branch): branch is Node => branch !== undefined && branch !== null).flatMap(alternatives);
  }
  return [node];
}

/** `==`/`!=` (and `in`) comparisons whose sides are both present, with the operator. */
export function comparisonParts(comparison: Node): { left: Node; right: Node; operator: string } | undefined {
  if (comparison.type !== 'comparison_operator' || comparison.namedChildCount !== 2) return undefined;
  const left = comparison.namedChild(0);
  const right = comparison.namedChild(1);
  const operator = comparison.children
    .filter((child): child is Node => child !== null && !child.isNamed)
    .map((child) => child.text)
    .join(' ');
  return left && right ? { left, right, operator } : undefined;
}

/** The annotation a parameter is written with (`session: aiohttp.ClientSession`, also with a default), if any. */
export function parameterAnnotation(parameter: Node): Node | undefined {
  return parameter.type === 'typed_parameter' || parameter.type === 'typed_default_parameter' ? parameter.childForFieldName('type') ?? undefined : undefined;
}
