import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { dynamicEval } from '../../../server/src/analysis/rules/dynamicEval';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [dynamicEval];

describe('dynamic-eval', () => {
  before(setup);

  for (const fixture of fixtureFiles('dynamic-eval')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('names service data as the origin', () => {
    const findings = assertFixture(fixtureFiles('dynamic-eval').find((file) => file.endsWith('bad.py'))!, rules);
    assert.match(findings[0].message, /from service call data/);
  });

  it('does not report a shadowed eval', () => {
    assert.deepEqual(analyzeSnippet('def eval(x):\n    return x\n\n\ndef f(y):\n    return eval(y)\n', { rules }).findings, []);
  });

  it('honours the pragma for scripting engines by design', () => {
    const source = 'def run(code, scope):\n    exec(code, scope)  # ha-security: ignore[dynamic-eval] this integration runs user scripts by design\n';
    assert.deepEqual(analyzeSnippet(source, { rules }).findings, []);
  });

  it('suggests ast.literal_eval, adding the import once', () => {
    const source = 'import json\n\n\ndef parse(text):\n    return eval(text)\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.equal(finding.fix, undefined, 'literal_eval accepts less than eval: never a safe fix');
    const fixed = applyEdits(source, finding.suggestions![0].edits);
    assert.equal(fixed, 'import ast\nimport json\n\n\ndef parse(text):\n    return ast.literal_eval(text)\n');
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
  });
});
