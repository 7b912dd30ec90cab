import { describe, it } from 'node:test';
import { fuzz, FUZZ_TEST_TIMEOUT_MS } from './runFuzz';

/**
 * Every Python file under test/ and examples/, mutated (lines deleted, duplicated, swapped; tokens, unicode, NULs,
 * deep nesting inserted; CR and CRLF endings, tabs; truncated) or replaced by random bytes, through the engine as a
 * file of its integration and as a standalone file, and through every fix it offers and fix-all. See cases.ts.
 */
describe('fuzz: Python files', () => {
  it('no rule fails, ranges stay inside the text, fixes keep parsing code parsing', { timeout: FUZZ_TEST_TIMEOUT_MS }, (t) => fuzz(t, 'python', 1600));
});
