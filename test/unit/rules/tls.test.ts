import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { insecureHttpUrl } from '../../../server/src/analysis/rules/insecureHttpUrl';
import { tlsVerifyDisabled } from '../../../server/src/analysis/rules/tlsVerifyDisabled';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const localManifest = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'local_polling', requirements: [] });

describe('tls-verify-disabled', () => {
  before(setup);
  const rules = [tlsVerifyDisabled];

  for (const fixture of fixtureFiles('tls-verify-disabled')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('is an error for cloud integrations and a warning for local devices', () => {
    const source = 'from homeassistant.helpers.aiohttp_client import async_get_clientsession\nsession = async_get_clientsession(hass, verify_ssl=False)\n';
    assert.equal(analyzeSnippet(source, { rules }).findings[0].severity, 'error');
    assert.equal(analyzeSnippet(source, { rules, manifest: localManifest }).findings[0].severity, 'warning');
  });

  it('ignores test files', () => {
    const source = 'import requests\nrequests.get("https://x.io", verify=False)\n';
    assert.deepEqual(analyzeSnippet(source, { rules, fileName: 'tests/test_api.py' }).findings, []);
  });

  for (const [name, before, after] of [
    ['a positional verify_ssl', 'from homeassistant.helpers import aiohttp_client\ns = aiohttp_client.async_create_clientsession(hass, False)\n', 'from homeassistant.helpers import aiohttp_client\ns = aiohttp_client.async_create_clientsession(hass, True)\n'],
    ['requests verify=False', 'import requests\nr = requests.get(url, verify=False, timeout=5)\n', 'import requests\nr = requests.get(url, timeout=5)\n'],
    ['an aiohttp connector', 'import aiohttp\nc = aiohttp.TCPConnector(ssl=False)\n', 'import aiohttp\nc = aiohttp.TCPConnector()\n'],
  ] as const) {
    it(`turns verification on for ${name} (safe, idempotent)`, () => {
      const [finding] = analyzeSnippet(before, { rules }).findings;
      assert.ok(finding.fix?.safe);
      const fixed = applyEdits(before, finding.fix.edits);
      assert.equal(fixed, after);
      assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
    });
  }
});

describe('insecure-http-url', () => {
  before(setup);
  const rules = [insecureHttpUrl];

  for (const fixture of fixtureFiles('insecure-http-url')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('switches to https:// and is an error when the URL carries a key', () => {
    const source = 'async def f(session):\n    return await session.get("http://api.acme.io/v1?token=abc")\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.equal(finding.severity, 'error');
    const fixed = applyEdits(source, finding.fix!.edits);
    assert.equal(fixed, 'async def f(session):\n    return await session.get("https://api.acme.io/v1?token=abc")\n');
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
  });
});
