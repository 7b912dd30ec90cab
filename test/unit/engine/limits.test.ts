import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FILE_BYTES, skipReason, tooLargeReason } from '../../../server/src/analysis/limits';

describe('files too large or minified to analyse', () => {
  it('analyses ordinary files, short files with one long line, and files just under the limits', () => {
    assert.equal(skipReason('import os\n\n\ndef f():\n    return os.getcwd()\n'), undefined);
    assert.equal(skipReason(`KEY = "${'a'.repeat(2000)}"\n`), undefined, 'a short file with a long key is hand-written');
    assert.equal(skipReason(`X = "${'a'.repeat(10_000 - 6)}"`), undefined, 'a line of exactly 10,000 characters');
    assert.equal(skipReason(`${'x = 1  # padding\n'.repeat(60_000)}`), undefined, 'a long file of short lines');
  });

  it('skips any line over 10,000 characters', () => {
    assert.match(skipReason(`import os\nX = "${'a'.repeat(10_000)}"\n`) ?? '', /^skipped: looks minified or generated \(a line of 10,006 characters; the limit is 10,000\)$/);
  });

  it('skips files of more than 10,000 characters whose lines average more than 500', () => {
    const line = `X = [${'1, '.repeat(200)}]`;
    assert.match(skipReason(`${line}\n`.repeat(30)) ?? '', /^skipped: looks minified or generated \(lines average \d+ characters; the limit is 500\)$/);
  });

  it('skips texts over 1 MB in UTF-8, counting multi-byte characters as bytes', () => {
    // 300,000 emoji: 600,000 UTF-16 units, 1,200,000 UTF-8 bytes; split into short lines so only the size counts.
    const text = '# 😀😀😀😀😀😀😀😀😀😀\n'.repeat(30_000);
    assert.ok(text.length < MAX_FILE_BYTES);
    assert.match(skipReason(text) ?? '', /^skipped: \d+ KB is larger than the 1 MB limit for analysis$/);
    assert.equal(tooLargeReason(MAX_FILE_BYTES), undefined);
    assert.match(tooLargeReason(MAX_FILE_BYTES + 1) ?? '', /larger than the 1 MB limit/);
  });
});
