import { computeLineStarts } from './text';
import type { Finding, Fix, Position, TextEdit } from './types';

/**
 * Fix-all: combines the safe fixes of many findings in one file into one set of edits. A fix is taken whole or not
 * at all; a fix overlapping one already taken is dropped (the next run picks it up), and identical edits from
 * different fixes (two fixes adding the same import) are applied once.
 */
export function combineFixes(fixes: readonly Fix[]): { edits: TextEdit[]; applied: Fix[]; skipped: Fix[] } {
  const taken: TextEdit[] = [];
  const applied: Fix[] = [];
  const skipped: Fix[] = [];
  for (const fix of fixes) {
    const fresh = fix.edits.filter((edit) => !taken.some((existing) => sameEdit(existing, edit)));
    if (fresh.some((edit) => taken.some((existing) => overlaps(existing, edit)))) {
      skipped.push(fix);
      continue;
    }
    taken.push(...fresh);
    applied.push(fix);
  }
  return { edits: taken, applied, skipped };
}

/** The safe fixes of a file's findings, in document order. */
export function safeFixes(findings: readonly Finding[]): Fix[] {
  return findings.filter((finding) => finding.fix?.safe).map((finding) => finding.fix as Fix);
}

/** Applies non-overlapping edits to a text; positions are 0-based lines and UTF-16 characters. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = computeLineStarts(text);
  const offsetOf = (position: Position): number => {
    if (position.line >= lineStarts.length) return text.length;
    const lineEnd = position.line + 1 < lineStarts.length ? lineStarts[position.line + 1] - 1 : text.length;
    return Math.min(lineStarts[position.line] + position.character, lineEnd);
  };
  // From the end backwards, so earlier offsets stay valid; inserts at one point keep their given order.
  const ordered = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => offsetOf(b.edit.range.start) - offsetOf(a.edit.range.start) || offsetOf(b.edit.range.end) - offsetOf(a.edit.range.end) || b.index - a.index)
    .map(({ edit }) => edit);
  let result = text;
  for (const edit of ordered) {
    result = result.slice(0, offsetOf(edit.range.start)) + edit.newText + result.slice(offsetOf(edit.range.end));
  }
  return result;
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return comparePositions(a.range.start, b.range.start) === 0 && comparePositions(a.range.end, b.range.end) === 0 && a.newText === b.newText;
}

/** Two edits conflict when their ranges intersect; inserts at one point (two imports) do not. */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  return comparePositions(a.range.start, b.range.end) < 0 && comparePositions(b.range.start, a.range.end) < 0;
}
