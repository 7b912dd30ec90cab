import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Rule } from '../../../server/src/analysis/rule';
import { unpinnedRequirement } from '../../../server/src/analysis/rules/unpinnedRequirement';
import { unsafeDeserialization } from '../../../server/src/analysis/rules/unsafeDeserialization';
import { analyzeSnippet, setup } from '../../helpers/analysis';

/** A rule with a bug: it throws on every file, or on every integration. */
function brokenRule(where: 'file' | 'integration'): Rule {
  const fail = () => {
    throw new TypeError("Cannot read properties of null (reading 'text')");
  };
  return {
    meta: { ...unsafeDeserialization.meta, id: `broken-${where}` },
    ...(where === 'file' ? { checkFile: fail } : { checkIntegration: fail }),
  };
}

const SOURCE = 'import yaml\n\n\ndef load(text):\n    return yaml.load(text)\n';
const MANIFEST = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client'] });

describe('a failing rule', () => {
  before(setup);

  for (const where of ['file', 'integration'] as const) {
    it(`throwing in check${where === 'file' ? 'File' : 'Integration'} costs one error; the other rules' findings still arrive`, () => {
      const rules = [brokenRule(where), unsafeDeserialization, unpinnedRequirement];
      const result = analyzeSnippet(SOURCE, { rules, manifest: MANIFEST });
      assert.deepEqual(result.findings.map((finding) => finding.rule).sort(), ['unpinned-requirement', 'unsafe-deserialization']);
      assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
      assert.match(result.errors[0].message, new RegExp(`^rule broken-${where} failed: Cannot read properties of null`));
      assert.equal('range' in result.errors[0], false, 'a rule failure has no place in the file');
    });
  }

  it("puts the failing rule's checklist item up for review instead of passing it as checked", () => {
    const broken: Rule = { ...brokenRule('file'), meta: { ...unsafeDeserialization.meta, id: 'broken-file', checklist: 'data-deletion' } };
    const result = analyzeSnippet(SOURCE, { rules: [broken, unsafeDeserialization], manifest: MANIFEST });
    const item = result.checklist.find((entry) => entry.id === 'data-deletion');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /broken-file could not check __init__\.py \(an internal error: Cannot read properties of null/);
  });

  it('costs one error in a standalone file too', () => {
    const result = analyzeSnippet(SOURCE, { rules: [brokenRule('file'), unsafeDeserialization], manifest: null });
    assert.deepEqual(result.findings.map((finding) => finding.rule), ['unsafe-deserialization']);
    assert.equal(result.errors.length, 1);
  });
});
