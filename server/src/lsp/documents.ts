import type { Tree } from 'web-tree-sitter';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { parsePython } from '../analysis/python/parser';

/**
 * An open document: its text, and for Python its syntax tree, updated incrementally. Each content change is
 * applied in order (each range is relative to the text after the previous change) to the text and, with
 * `tree.edit`, to the old tree, so the next parse reuses everything the edits did not touch.
 */
export class OpenDocument {
  private tree: Tree | undefined;
  private treeIsCurrent = false;

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

  applyChanges(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      if (!('range' in change) || !change.range) {
        this.text = change.text;
        this.dropTree();
        continue;
      }
      const lineStarts = computeLineStarts(this.text);
      const startIndex = offsetAt(lineStarts, this.text, change.range.start);
      const oldEndIndex = offsetAt(lineStarts, this.text, change.range.end);
      const newText = this.text.slice(0, startIndex) + change.text + this.text.slice(oldEndIndex);
      if (this.tree) {
        // web-tree-sitter indexes JavaScript strings in UTF-16 code units, the same units as LSP positions.
        this.tree.edit({
          startIndex,
          oldEndIndex,
          newEndIndex: startIndex + change.text.length,
          startPosition: { row: change.range.start.line, column: change.range.start.character },
          oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
          newEndPosition: endPosition(change.range.start, change.text),
        });
        this.treeIsCurrent = false;
      }
      this.text = newText;
    }
    this.version = version;
  }

  /** The current syntax tree, re-parsed incrementally when the text changed. The document owns it. */
  syntaxTree(): Tree {
    if (!this.tree || !this.treeIsCurrent) {
      const next = parsePython(this.text, this.tree);
      this.tree?.delete();
      this.tree = next;
      this.treeIsCurrent = true;
    }
    return this.tree;
  }

  dispose(): void {
    this.dropTree();
  }

  private dropTree(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.treeIsCurrent = false;
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) starts.push(index + 1);
  return starts;
}

function offsetAt(lineStarts: number[], text: string, position: { line: number; character: number }): number {
  if (position.line >= lineStarts.length) return text.length;
  // A character past the end of the line means the end of the line (LSP), before its line break.
  let lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] - 1 : text.length;
  if (lineEnd > lineStarts[position.line] && text.charCodeAt(lineEnd - 1) === 13) lineEnd -= 1;
  return Math.min(lineStarts[position.line] + position.character, lineEnd);
}

function endPosition(start: { line: number; character: number }, inserted: string): { row: number; column: number } {
  const lines = inserted.split('\n');
  if (lines.length === 1) return { row: start.line, column: start.character + inserted.length };
  return { row: start.line + lines.length - 1, column: lines[lines.length - 1].length };
}
