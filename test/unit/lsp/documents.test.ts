import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Node, Tree } from 'web-tree-sitter';
import { initParser, parsePython, syntaxTreeOf } from '../../../server/src/analysis/python/parser';
import type { SyntaxTree } from '../../../server/src/analysis/python/syntaxTree';
import { OpenDocument } from '../../../server/src/lsp/documents';
import { bigSource, CodeTypist, Typist } from '../../helpers/editing';

/** Every node with its kind and place, so a tree reused with wrong edit offsets cannot pass for a fresh parse. */
function describeTree(tree: Tree): string[] {
  const lines: string[] = [];
  const cursor = tree.walk();
  let depth = 0;
  for (;;) {
    const node: Node = cursor.currentNode;
    lines.push(
      `${'  '.repeat(depth)}${node.type} ${node.startIndex}-${node.endIndex} ` +
        `${node.startPosition.row}:${node.startPosition.column}-${node.endPosition.row}:${node.endPosition.column}`,
    );
    if (cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return lines;
      }
      depth--;
    }
  }
}

function assertSameAsFreshParse(document: OpenDocument, expectedText: string): void {
  assert.equal(document.text, expectedText);
  const fresh = parsePython(document.text);
  try {
    assert.deepEqual(describeTree(document.syntaxTree()), describeTree(fresh));
  } finally {
    fresh.delete();
  }
}

const range = (startLine: number, startCharacter: number, endLine: number, endCharacter: number) => ({
  start: { line: startLine, character: startCharacter },
  end: { line: endLine, character: endCharacter },
});

describe('open documents: incremental text and tree updates', () => {
  before(() => initParser());

  it('edits the tree in UTF-16 code units, so text after é and emoji keeps its place', () => {
    const text = ['s = "é😀"; x = 1', 'def f(a):', '    return a', ''].join('\n');
    const document = new OpenDocument('file:///t.py', '/t.py', 'python', 1, text);
    document.syntaxTree();

    // After `"é😀"` on the same line (😀 is two UTF-16 code units, so x sits at character 11): rename x to value.
    document.applyChanges([{ range: range(0, 11, 0, 12), text: 'value' }], 2);
    assertSameAsFreshParse(document, ['s = "é😀"; value = 1', 'def f(a):', '    return a', ''].join('\n'));

    // Insert a multi-line block holding more non-ASCII text before existing code.
    document.applyChanges([{ range: range(1, 0, 1, 0), text: 'ü = "naïve 🚀"\nif ü:\n    pass\n' }], 3);
    assertSameAsFreshParse(document, ['s = "é😀"; value = 1', 'ü = "naïve 🚀"', 'if ü:', '    pass', 'def f(a):', '    return a', ''].join('\n'));

    // Delete across lines, from after `"é😀"` to the end of `ü = "naïve 🚀"` (14 code units).
    document.applyChanges([{ range: range(0, 9, 1, 14), text: '' }], 4);
    assertSameAsFreshParse(document, ['s = "é😀"', 'if ü:', '    pass', 'def f(a):', '    return a', ''].join('\n'));
    document.dispose();
  });

  it('applies several changes of one notification in order, each relative to the previous result', () => {
    const document = new OpenDocument('file:///t.py', '/t.py', 'python', 1, 'a = "ß"\nb = 2\n');
    document.syntaxTree();
    document.applyChanges(
      [
        { range: range(0, 7, 0, 7), text: '\nc = "🎉"' },
        // Line 1 exists only because of the first change; `"🎉"` is four UTF-16 code units long.
        { range: range(1, 4, 1, 8), text: '"ok 🎉🎉"' },
        { range: range(2, 4, 2, 5), text: '3' },
      ],
      2,
    );
    assert.equal(document.version, 2);
    assertSameAsFreshParse(document, 'a = "ß"\nc = "ok 🎉🎉"\nb = 3\n');
    document.dispose();
  });

  it('treats a change without a range as the whole new text, and clamps positions past the end of a line', () => {
    const document = new OpenDocument('file:///t.py', '/t.py', 'python', 1, 'x = 1\r\ny = 2\r\n');
    document.syntaxTree();
    // A character past the end of a CRLF line means its end, before the line break.
    document.applyChanges([{ range: range(0, 99, 0, 99), text: ' + 1' }], 2);
    assertSameAsFreshParse(document, 'x = 1 + 1\r\ny = 2\r\n');
    document.applyChanges([{ text: 'print("é")\n' }], 3);
    assertSameAsFreshParse(document, 'print("é")\n');
    document.dispose();
  });

  it('copies a re-parsed tree exactly as a fresh copy, taking the untouched statements from the previous copy', () => {
    const text = bigSource().split('\n').slice(0, 600).join('\n');
    const document = new OpenDocument('file:///t.py', '/t.py', 'python', 1, text);
    document.fileModel('/t.py', '');
    const typist = new Typist(text.split('\n'));
    let reused = 0;
    let statements = 0;
    for (let version = 2; version < 200; version++) {
      document.applyChanges([typist.next()], version);
      const copy = document.fileModel('/t.py', '').tree;
      const fresh = parsePython(document.text);
      try {
        assertSameArrays(copy, syntaxTreeOf(fresh, document.text), `edit ${version}`);
      } finally {
        fresh.delete();
      }
      reused += copy.reusedStatements;
      statements += copy.rootNode.childCount;
    }
    // Most statements lie away from any one keystroke.
    assert.ok(reused > statements * 0.8, `reused ${reused} of ${statements}`);
    document.dispose();
  });
});

describe('the programmer the editor benchmark types with', () => {
  before(() => initParser());

  it('leaves the file free of syntax errors whenever a line is finished', () => {
    const text = bigSource();
    const document = new OpenDocument('file:///t.py', '/t.py', 'python', 1, text);
    assert.equal(document.syntaxTree().rootNode.hasError, false);
    const typist = new CodeTypist(text.split('\n'));
    let finished = 0;
    for (let version = 2; version < 600; version++) {
      document.applyChanges([typist.next()], version);
      if (!typist.betweenLines) continue;
      finished++;
      assert.equal(document.syntaxTree().rootNode.hasError, false, `after edit ${version}`);
    }
    assert.ok(finished >= 10, `${finished} lines finished`);
    document.dispose();
  });
});

function assertSameArrays(actual: SyntaxTree, expected: SyntaxTree, where: string): void {
  assert.equal(actual.arrays.count, expected.arrays.count, `${where}: node count`);
  for (const key of Object.keys(expected.arrays) as (keyof SyntaxTree['arrays'])[]) {
    if (key === 'count') continue;
    const a = actual.arrays[key] as Int32Array | undefined;
    const e = expected.arrays[key] as Int32Array | undefined;
    assert.deepEqual(a ? [...a] : undefined, e ? [...e] : undefined, `${where}: ${key}`);
  }
}
