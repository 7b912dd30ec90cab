/** Positions in text: 0-based lines, UTF-16 characters, as LSP and web-tree-sitter count them. */

/** Offsets where lines start. Rows are counted at `\n`, as tree-sitter counts them (`\r\n` ends with one). */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) === 10) starts.push(index + 1);
  return starts;
}
