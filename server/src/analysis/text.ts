/** Positions in text: 0-based lines, UTF-16 characters, as LSP and web-tree-sitter count them. */

/** Offsets where lines start. Rows are counted at `\n`, as tree-sitter counts them (`\r\n` ends with one). */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

/** The line an offset lies on, and its column, given the line starts of the text. */
export function lineAndColumn(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low, column: offset - lineStarts[low] };
}

/** Code quoted in a message: on one line, and cut to `limit` characters with an ellipsis. */
export function excerpt(code: string, limit = 60): string {
  const line = code.replace(/\s+/g, ' ');
  return line.length > limit ? `${line.slice(0, limit - 3)}...` : line;
}

/** The last component of a path, as messages name files (`sensor.py`), with either separator. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
