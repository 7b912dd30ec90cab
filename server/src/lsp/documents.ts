import * as path from 'path';
import type { Tree } from 'web-tree-sitter';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { FileModel } from '../analysis/model/fileModel';
import { parsePython, syntaxTreeOf } from '../analysis/python/parser';
import type { SyntaxTree } from '../analysis/python/syntaxTree';
import { computeLineStarts, lineAndColumn } from '../analysis/text';

/**
 * An open document: its text, and for Python its syntax tree, updated incrementally. Each content change is
 * applied in order (each range is relative to the text after the previous change) to the text and, with
 * `tree.edit`, to the old tree, so the next parse reuses everything the edits did not touch.
 *
 * Units: LSP positions count UTF-16 code units, and so does web-tree-sitter for JavaScript strings (its glue code
 * halves the parser's UTF-16 byte offsets and columns). Indices into the JS string are therefore tree-sitter
 * indices as they are; test/unit/lsp/documents.test.ts compares edited trees with fresh parses of non-ASCII text.
 */
export class OpenDocument {
  private tree: Tree | undefined;
  private treeIsCurrent = false;
  /** The JavaScript copy of `tree` the model is built on, and the tree it was copied from. */
  private copy: SyntaxTree | undefined;
  private copied: Tree | undefined;
  /** The copy of the tree the current one was parsed from, whose statements the next copy may reuse. */
  private previousCopy: SyntaxTree | undefined;
  private model: FileModel | undefined;

  constructor(
    readonly uri: string,
    readonly path: string | undefined,
    readonly languageId: string,
    public version: number,
    public text: string,
  ) {}

  get isPython(): boolean {
    return this.languageId === 'python' || (this.path?.endsWith('.py') ?? false);
  }

  /** Python files and manifest.json files are analysed; other documents a client sends are only kept in sync. */
  get isAnalysed(): boolean {
    return this.isPython || (this.path !== undefined && path.basename(this.path) === 'manifest.json');
  }

  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        this.text = change.text;
        this.dropTree();
        continue;
      }
      const lineStarts = computeLineStarts(this.text);
      const startIndex = offsetAt(lineStarts, this.text, change.range.start);
      // A reversed range (end before start) is malformed; treat it as an insertion rather than corrupting the text.
      const oldEndIndex = Math.max(startIndex, offsetAt(lineStarts, this.text, change.range.end));
      if (this.tree) {
        // Points come from the clamped offsets, so a position past the end of a line cannot disagree with its index.
        const startPosition = pointAt(lineStarts, startIndex);
        this.tree.edit({
          startIndex,
          oldEndIndex,
          newEndIndex: startIndex + change.text.length,
          startPosition,
          oldEndPosition: pointAt(lineStarts, oldEndIndex),
          newEndPosition: endPoint(startPosition, change.text),
        });
        this.treeIsCurrent = false;
      }
      this.text = this.text.slice(0, startIndex) + change.text + this.text.slice(oldEndIndex);
    }
    this.version = version;
  }

  /** The current syntax tree, re-parsed incrementally when the text changed. The document owns it. */
  syntaxTree(): Tree {
    if (!this.tree || !this.treeIsCurrent) {
      const next = parsePython(this.text, this.tree);
      this.model = undefined;
      this.previousCopy = this.tree !== undefined && this.copied === this.tree ? this.copy : undefined;
      this.tree?.delete();
      this.tree = next;
      this.treeIsCurrent = true;
    }
    return this.tree;
  }

  /**
   * The file model of the current text, kept until the text changes: a keystroke in one file of an integration
   * re-analyses the integration, and the other open files need not be indexed again for it.
   */
  fileModel(filePath: string, moduleName: string): FileModel {
    const tree = this.syntaxTree();
    if (this.copied !== tree) {
      this.copy = syntaxTreeOf(tree, this.text, this.previousCopy);
      this.copied = tree;
      this.previousCopy = undefined;
    }
    if (!this.model || this.model.tree !== this.copy || this.model.path !== filePath || this.model.moduleName !== moduleName) {
      this.model = new FileModel(filePath, this.text, this.copy!, moduleName);
    }
    return this.model;
  }

  dispose(): void {
    this.dropTree();
  }

  private dropTree(): void {
    this.model = undefined;
    this.copy = undefined;
    this.copied = undefined;
    this.previousCopy = undefined;
    this.tree?.delete();
    this.tree = undefined;
    this.treeIsCurrent = false;
  }
}

function offsetAt(lineStarts: number[], text: string, position: { line: number; character: number }): number {
  if (position.line >= lineStarts.length) return text.length;
  if (position.line < 0) return 0;
  // A character past the end of the line means the end of the line (LSP), before its line break.
  let lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] - 1 : text.length;
  if (lineEnd > lineStarts[position.line] && text.charCodeAt(lineEnd - 1) === 13) lineEnd -= 1;
  return Math.min(lineStarts[position.line] + Math.max(0, position.character), lineEnd);
}

function pointAt(lineStarts: number[], offset: number): { row: number; column: number } {
  const { line, column } = lineAndColumn(lineStarts, offset);
  return { row: line, column };
}

function endPoint(start: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak < 0) return { row: start.row, column: start.column + inserted.length };
  let rows = 0;
  for (let index = 0; index <= lastBreak; index++) if (inserted.charCodeAt(index) === 10) rows++;
  return { row: start.row + rows, column: inserted.length - lastBreak - 1 };
}
