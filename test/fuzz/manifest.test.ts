import { describe, it } from 'node:test';
import { fuzz, FUZZ_TEST_TIMEOUT_MS } from './runFuzz';

/**
 * Every integration's manifest.json under test/ and examples/, mutated (wrong types for known keys, deep nesting,
 * duplicate keys, stray tokens, truncation, other line endings), through the integration model and every rule,
 * and through every manifest fix. See cases.ts.
 */
describe('fuzz: manifest.json', () => {
  it('no rule fails, ranges stay inside the text, fixes keep JSON valid', { timeout: FUZZ_TEST_TIMEOUT_MS }, (t) => fuzz(t, 'manifest', 800));
});
