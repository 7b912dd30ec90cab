import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { hardcodedSecret, looksLikeSecretValue } from '../../../server/src/analysis/rules/hardcodedSecret';
import { analyzeSnippet, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [hardcodedSecret];

describe('hardcoded-secret', () => {
  before(setup);

  for (const fixture of fixtureFiles('hardcoded-secret')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('tells secret values from names and placeholders', () => {
    for (const [value, name] of [['9f8b7c6d5e4f3a2b', 'api_key'], ['hunter2hunter2', 'password'], ['AKIAIOSFODNN7EXAMPLE', 'x']]) assert.ok(looksLikeSecretValue(value, name), value);
    for (const [value, name] of [['password', 'CONF_PASSWORD'], ['api_key', 'CONF_API_KEY'], ['https://x.io/token', 'TOKEN_URL'], ['<your token>', 'token'], ['invalid_auth', 'error'], ['accessToken', 'ACCESS_TOKEN_FIELD'], ['changeme', 'password'], ['', 'password']]) {
      assert.ok(!looksLikeSecretValue(value, name), value);
    }
  });

  it('skips test files', () => {
    assert.deepEqual(analyzeSnippet('API_KEY = "9f8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"\n', { rules, fileName: 'tests/test_api.py' }).findings, []);
  });

  it('finds known formats whatever the name', () => {
    const findings = analyzeSnippet('DATA = ["AIzaSyA1234567890abcdefghijklmnopqrstuv"]\n', { rules }).findings;
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /Google API key/);
  });
});
