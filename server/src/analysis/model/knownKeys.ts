import type { Node } from '../python/syntaxTree';
import { comparisonParts, descendants, unwrap } from '../python/syntax';
import type { FileModel } from './fileModel';
import { untrustedSource } from './untrusted';

/**
 * Values a handler goes on with only when they are keys of records the integration made itself: a path piece, a
 * token put into a page. Whoever sends another value gets an error, not a file or a page.
 */

/**
 * `info = self.snapshots.get(snap_id)` (or `next((s for s in self.snapshots if s["id"] == snap_id), None)`) then `if
 * info is None: raise HTTPNotFound`, or `if snap_id not in self.items: return`: the value goes on only when it is a
 * key the integration made itself, so it names nothing else.
 */
export function knownKeyGuard(file: FileModel, fn: Node, leaf: Node, use: Node): boolean {
  if (raisingLookup(file, fn, leaf, use)) return true;
  return descendants(fn, ['if_statement']).some((statement) => {
    const consequence = statement.childForFieldName('consequence');
    const last = consequence?.namedChildren[consequence.namedChildren.length - 1];
    if (statement.startIndex > use.startIndex || !last || !['raise_statement', 'return_statement'].includes(last.type)) return false;
    const condition = unwrap(statement.childForFieldName('condition') ?? statement);
    const parts = comparisonParts(condition);
    // `if snap_id not in self.items:`
    if (parts?.operator === 'not in') return isSameValue(file, parts.left, leaf) && untrustedSource(file, parts.right) === undefined;
    // `if info is None:`, `if not info:`, where `info` is what a lookup by the value found.
    const tested = parts?.operator === 'is' && unwrap(parts.right).type === 'none' ? unwrap(parts.left) : condition.type === 'not_operator' ? unwrap(condition.childForFieldName('argument') ?? condition) : undefined;
    if (tested?.type !== 'identifier') return false;
    return file.origins(tested).some((origin) => {
      const found = unwrap(origin.node);
      const site = found.type === 'call' ? file.callSite(found) : undefined;
      if (site?.name === 'next') return recordMatching(file, site.args[0], leaf);
      const mapping = site?.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
      return site?.method === 'get' && site.args[0] !== undefined && isSameValue(file, site.args[0], leaf) && mapping !== null && untrustedSource(file, mapping) === undefined;
    });
  });
}

/**
 * `entry = self.hass.data[DOMAIN][token]` at the top level of the handler, ahead of the use and outside any `try`:
 * an unknown value raises KeyError there, so the handler goes no further.
 */
function raisingLookup(file: FileModel, fn: Node, leaf: Node, use: Node): boolean {
  const body = fn.childForFieldName('body');
  if (!body) return false;
  return descendants(fn, ['subscript']).some((subscript) => {
    const key = subscript.childForFieldName('subscript');
    const mapping = subscript.childForFieldName('value');
    if (!key || !mapping || subscript.startIndex > use.startIndex || !isSameValue(file, key, leaf) || untrustedSource(file, mapping) !== undefined) return false;
    let statement: Node | null = subscript;
    while (statement && statement.parent?.id !== body.id) {
      // Stored into (`cache[token] = ...`) or read inside a branch, a loop, a `try` or a nested function: no check.
      if (statement.parent?.type === 'assignment' && statement.parent.childForFieldName('left')?.id === statement.id) return false;
      if (!['assignment', 'expression_statement', 'attribute', 'subscript', 'await', 'call', 'argument_list', 'parenthesized_expression'].includes(statement.parent?.type ?? '')) return false;
      statement = statement.parent;
    }
    return statement !== null;
  });
}

/**
 * `(item for item in self.items if item["id"] == item_id)`: the first of the integration's own records whose key is the
 * value. Not records the request brought.
 */
function recordMatching(file: FileModel, generator: Node | undefined, leaf: Node): boolean {
  if (generator?.type !== 'generator_expression') return false;
  const clauses = generator.namedChildren;
  const iterated = clauses.find((clause) => clause.type === 'for_in_clause')?.childForFieldName('right');
  if (!iterated || untrustedSource(file, iterated) !== undefined) return false;
  return clauses
    .filter((clause) => clause.type === 'if_clause')
    .some((clause) =>
      descendants(clause, ['comparison_operator']).some((node) => {
        const parts = comparisonParts(node);
        return parts?.operator === '==' && (isSameValue(file, parts.left, leaf) || isSameValue(file, parts.right, leaf));
      }),
    );
}

/** `checked` is `leaf`, or a name `leaf` was assigned to (`subdir = call.data["subdir"]`, then `check(subdir)`). */
export function isSameValue(file: FileModel, checked: Node, leaf: Node): boolean {
  const value = unwrap(checked);
  if (value.text === leaf.text) return true;
  return value.type === 'identifier' && file.origins(value).some((origin) => unwrap(origin.node).id === leaf.id);
}
