import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { unsafeDeserialization } from '../../../server/src/analysis/rules/unsafeDeserialization';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

describe('unsafe-deserialization', () => {
  before(setup);

  for (const fixture of fixtureFiles('unsafe-deserialization')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, [unsafeDeserialization]);
    });
  }

  it('rewrites yaml.load with an unsafe Loader to yaml.safe_load', () => {
    const source = 'import yaml\n\n\ndef read(text):\n    return yaml.load(text, Loader=yaml.FullLoader)\n';
    const [finding] = analyzeSnippet(source, { rules: [unsafeDeserialization] }).findings;
    assert.ok(finding.fix?.safe);
    const fixed = applyEdits(source, finding.fix.edits);
    assert.equal(fixed, 'import yaml\n\n\ndef read(text):\n    return yaml.safe_load(text)\n');
    assert.deepEqual(analyzeSnippet(fixed, { rules: [unsafeDeserialization] }).findings, []);
  });

  it('marks the item used, so a clean integration passes rather than being not applicable', () => {
    const result = analyzeSnippet('import yaml\nvalue = yaml.safe_load("a: 1")\n', { rules: [unsafeDeserialization] });
    assert.equal(result.checklist.find((entry) => entry.id === 'unsafe-deserialization')?.status, 'pass');
    const unused = analyzeSnippet('value = 1\n', { rules: [unsafeDeserialization] });
    assert.equal(unused.checklist.find((entry) => entry.id === 'unsafe-deserialization')?.status, 'not-applicable');
  });
});
