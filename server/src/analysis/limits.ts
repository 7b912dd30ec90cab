/**
 * Which Python files are not analysed, shared by the CLI and the language server so both skip the same files with
 * the same words. Such files are generated or minified, not written by hand: parsing them costs much and their
 * findings would be noise.
 *
 * - larger than 1 MB (UTF-8);
 * - any line longer than 10,000 characters (a minified one-liner, an embedded blob);
 * - files of more than 10,000 characters whose lines average more than 500 characters (generated code).
 */

export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_LINE_LENGTH = 10_000;
export const MAX_AVERAGE_LINE_LENGTH = 500;
/** Below this many characters a file is small enough to analyse whatever its lines look like (a long URL, a key). */
const AVERAGE_CHECK_MIN_LENGTH = 10_000;

/** What to tell the user about silencing the notice: excluding the file is the only setting that applies. */
export const SKIP_ADVICE = 'exclude it (pyproject.toml [tool.ha-security] exclude, or the haSecurity.exclude setting) to silence this';

export function tooLargeReason(bytes: number): string | undefined {
  return bytes > MAX_FILE_BYTES ? `skipped: ${Math.round(bytes / 1024)} KB is larger than the 1 MB limit for analysis` : undefined;
}

/** Why a Python text is not analysed (too large, minified or generated), or undefined when it is analysed. */
export function skipReason(text: string): string | undefined {
  // UTF-16 length never exceeds the UTF-8 byte count, so only texts that may be over the limit get encoded.
  const large = text.length > MAX_FILE_BYTES / 3 ? tooLargeReason(new TextEncoder().encode(text).length) : undefined;
  if (large) return large;
  let longest = 0;
  let lines = 1;
  let start = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', start)) {
    longest = Math.max(longest, index - start);
    lines++;
    start = index + 1;
  }
  longest = Math.max(longest, text.length - start);
  if (longest > MAX_LINE_LENGTH) {
    return `skipped: looks minified or generated (a line of ${longest.toLocaleString('en')} characters; the limit is ${MAX_LINE_LENGTH.toLocaleString('en')})`;
  }
  const average = text.length / lines;
  if (text.length > AVERAGE_CHECK_MIN_LENGTH && average > MAX_AVERAGE_LINE_LENGTH) {
    return `skipped: looks minified or generated (lines average ${Math.round(average)} characters; the limit is ${MAX_AVERAGE_LINE_LENGTH})`;
  }
  return undefined;
}
