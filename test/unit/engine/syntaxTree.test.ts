import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Node as WasmNode } from 'web-tree-sitter';
import { parsePython, syntaxTreeOf } from '../../../server/src/analysis/python/parser';
import type { Node } from '../../../server/src/analysis/python/syntaxTree';
import { setup } from '../../helpers/analysis';

/**
 * The JavaScript copy of a tree (python/syntaxTree.ts) must answer every question the analysis asks exactly as
 * web-tree-sitter's own nodes do. Each test walks both trees side by side and compares them node by node.
 */

const FIELDS = ['name', 'parameters', 'body', 'function', 'arguments', 'left', 'right', 'value', 'object', 'attribute', 'module_name', 'alias', 'condition', 'key', 'operator', 'return_type', 'superclasses', 'subscript', 'argument', 'consequence', 'alternative', 'type'];

function compare(mirror: Node, wasm: WasmNode, where: string[]): void {
  const at = `${where.join(' > ')} > ${wasm.type}@${wasm.startIndex}`;
  assert.equal(mirror.type, wasm.type, at);
  assert.equal(mirror.isNamed, wasm.isNamed, `${at} isNamed`);
  assert.equal(mirror.isMissing, wasm.isMissing, `${at} isMissing`);
  assert.equal(mirror.hasError, wasm.hasError, `${at} hasError`);
  assert.equal(mirror.startIndex, wasm.startIndex, `${at} startIndex`);
  assert.equal(mirror.endIndex, wasm.endIndex, `${at} endIndex`);
  assert.deepEqual(mirror.startPosition, wasm.startPosition, `${at} startPosition`);
  assert.deepEqual(mirror.endPosition, wasm.endPosition, `${at} endPosition`);
  assert.equal(mirror.text, wasm.text, `${at} text`);
  assert.equal(mirror.childCount, wasm.childCount, `${at} childCount`);
  assert.equal(mirror.namedChildCount, wasm.namedChildCount, `${at} namedChildCount`);
  for (const field of FIELDS) {
    const expected = wasm.childForFieldName(field);
    assert.equal(mirror.childForFieldName(field)?.startIndex, expected?.startIndex, `${at} field ${field}`);
    assert.deepEqual(mirror.childrenForFieldName(field).map(span), wasm.childrenForFieldName(field).map((child) => span(child!)), `${at} fields ${field}`);
  }
  assert.deepEqual(mirror.namedChildren.map(span), wasm.namedChildren.map((child) => span(child!)), `${at} namedChildren`);
  assert.equal(mirror.nextSibling?.startIndex, wasm.nextSibling?.startIndex, `${at} nextSibling`);
  assert.equal(mirror.previousSibling?.startIndex, wasm.previousSibling?.startIndex, `${at} previousSibling`);
  const children = mirror.children;
  wasm.children.forEach((child, index) => {
    assert.equal(children[index].parent, mirror, `${at} parent of child ${index}`);
    assert.equal(mirror.child(index), children[index], `${at} child(${index})`);
    compare(children[index], child!, [...where, wasm.type]);
  });
}

function span(node: { type: string; startIndex: number; endIndex: number }): string {
  return `${node.type}@${node.startIndex}-${node.endIndex}`;
}

/** Parses `text` both ways and compares the trees, the type searches and the index lookups. */
function check(text: string): void {
  const wasmTree = parsePython(text);
  try {
    const tree = syntaxTreeOf(wasmTree, text);
    compare(tree.rootNode, wasmTree.rootNode, []);
    // ERROR on its own: in a list web-tree-sitter puts its symbol out of order and finds nothing at all.
    for (const types of [['call', 'identifier', 'string', 'string_content', 'comment', 'assignment', '('], ['ERROR']]) {
      assert.deepEqual(tree.rootNode.descendantsOfType(types).map(span), wasmTree.rootNode.descendantsOfType(types).map((node) => span(node!)));
    }
    // Inside every definition and block too, large ones searched through the tree's type lists: the same nodes as a walk.
    const searched = ['call', 'identifier', 'string', 'block', 'function_definition', 'ERROR'];
    for (const scope of tree.rootNode.descendantsOfType(['function_definition', 'class_definition', 'block'])) {
      assert.deepEqual(scope.descendantsOfType(searched).map(span), walkedOfTypes(scope, searched).map(span), `descendantsOfType in ${span(scope)}`);
    }
    for (let index = 0; index <= text.length; index += Math.max(1, Math.floor(text.length / 400))) {
      assert.equal(span(tree.rootNode.descendantForIndex(index)), span(wasmTree.rootNode.descendantForIndex(index)!), `descendantForIndex(${index})`);
    }
  } finally {
    wasmTree.delete();
  }
}

/** The nodes of `types` at and below `node`, in document order, by walking the children. */
function walkedOfTypes(node: Node, types: string[]): Node[] {
  return [...(types.includes(node.type) ? [node] : []), ...node.children.flatMap((child) => walkedOfTypes(child, types))];
}

function pythonFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return pythonFiles(full);
    return entry.name.endsWith('.py') ? [full] : [];
  });
}

describe('syntax tree copy', () => {
  before(setup);

  it('answers as web-tree-sitter does on every fixture and example file', () => {
    const files = [path.join(__dirname, '..', '..', 'fixtures'), path.join(__dirname, '..', '..', 'corpus'), path.join(__dirname, '..', '..', '..', 'examples')].flatMap(pythonFiles);
    assert.ok(files.length > 50, `found ${files.length} files`);
    for (const file of files) check(fs.readFileSync(file, 'utf8'));
  });

  it('answers as web-tree-sitter does on broken code, missing tokens and non-ASCII text', () => {
    check('def f(:\n    x = [1, 2\n    print("é ü 😀", x\nclass\n');
    check('if x\n    y = 1\n');
    check('s = "\u00e9t\u00e9 \ud83d\ude00"\r\nt = f"{s!r:>10}"\r\n');
    check('');
    check('\n\n# only a comment\n');
  });

  it('gives every node an id no other node of any tree has', () => {
    const one = parsePython('x = 1\n');
    const two = parsePython('y = 2\n');
    try {
      const ids = [...[syntaxTreeOf(one, 'x = 1\n'), syntaxTreeOf(two, 'y = 2\n')].flatMap((tree) => tree.rootNode.descendantsOfType(['module', 'expression_statement', 'assignment', 'identifier', 'integer', '=']))].map((node) => node.id);
      assert.equal(new Set(ids).size, ids.length);
    } finally {
      one.delete();
      two.delete();
    }
  });
});
