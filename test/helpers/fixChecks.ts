import assert from 'node:assert/strict';
import { parsePython } from '../../server/src/analysis/python/parser';
import type { Rule } from '../../server/src/analysis/rule';
import type { Finding, Fix } from '../../server/src/analysis/types';
import { analyzeSnippet, applyEdits, findingsIn, type SnippetOptions } from './analysis';

/** ERROR and MISSING nodes of a parse. */
export function syntaxErrors(source: string): number {
  const tree = parsePython(source);
  try {
    let count = tree.rootNode.descendantsOfType('ERROR').length;
    const visit = (node: typeof tree.rootNode): void => {
      if (node.isMissing) count++;
      for (const child of node.children) if (child) visit(child);
    };
    if (tree.rootNode.hasError) visit(tree.rootNode);
    return count;
  } finally {
    tree.delete();
  }
}

/** The findings of `rules` in one file of a snippet analysis. */
export function findingsOf(source: string, rules: readonly Rule[], options: SnippetOptions = {}): Finding[] {
  return findingsIn(analyzeSnippet(source, { ...options, rules }), options.fileName ?? '__init__.py');
}

/**
 * Applies a fix and checks what every fix owes: the result parses as well as the original did, the finding it
 * fixed is gone, no new finding of `rules` appears, and no import line is added twice. Once the finding is gone
 * nothing offers the fix again, which is what makes a fix idempotent.
 */
export function applyFixAndCheck(source: string, fix: Fix | undefined, finding: Finding, rules: readonly Rule[], options: SnippetOptions = {}): string {
  assert.ok(fix, `a fix is offered for: ${finding.message}`);
  const fixed = applyEdits(source, fix.edits);
  assert.ok(syntaxErrors(fixed) <= syntaxErrors(source), `the fix leaves code that parses:\n${fixed}`);
  const key = (item: Finding) => `${item.rule}:${item.message}`;
  const counts = (items: Finding[]) => items.reduce((map, item) => map.set(key(item), (map.get(key(item)) ?? 0) + 1), new Map<string, number>());
  const before = counts(findingsOf(source, rules, options));
  const after = findingsOf(fixed, rules, options);
  const afterCounts = counts(after);
  before.set(key(finding), (before.get(key(finding)) ?? 1) - 1);
  assert.ok((afterCounts.get(key(finding)) ?? 0) <= (before.get(key(finding)) ?? 0), `the finding is gone:\n${fixed}`);
  const added = [...afterCounts].filter(([name, count]) => count > (before.get(name) ?? 0)).map(([name]) => name);
  assert.deepEqual(added, [], `no new finding appears:\n${fixed}`);
  // Each import once: a fix never adds an import line the file already has.
  const importLines = fixed.split('\n').filter((line) => /^(import |from \S+ import )/.test(line));
  assert.deepEqual(importLines.filter((line, index) => importLines.indexOf(line) !== index), [], `no import is added twice:\n${fixed}`);
  return fixed;
}
