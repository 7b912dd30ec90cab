import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { insecureHttpUrl } from '../../../server/src/analysis/rules/insecureHttpUrl';
import { analyzeSnippet, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';
import { applyFixAndCheck, findingsOf } from '../../helpers/fixChecks';

const rules = [insecureHttpUrl];

describe('insecure-http-url', () => {
  before(setup);

  for (const fixture of fixtureFiles('insecure-http-url')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('counts an https URL as TLS in use only when something can call it', () => {
    const status = (source: string) => analyzeSnippet(source, { rules }).checklist.find((item) => item.id === 'tls-verification')?.status;
    assert.equal(status('DOMAIN = "demo"\nURL = "https://github.com/example/demo"\n'), 'not-applicable');
    assert.equal(status('STATUS_URL = "https://api.acme.io/v1/status"\n'), 'not-applicable');
    assert.equal(status('from aiohttp import ClientSession\n\nSTATUS_URL = "https://api.acme.io/v1/status"\n'), 'pass');
    assert.equal(status('API_URL = "https://api.acme.io/v1"\n'), 'pass');
    // Plain HTTP to the user's own device is allowed, and still HTTP in use.
    assert.equal(status('class Client:\n    def call(self, session):\n        return session.post(f"http://{self.host}/ubus", json={})\n'), 'pass');
    assert.equal(status('import voluptuous as vol\n\nSCHEMA = vol.Schema({vol.Optional("url", default="http://localhost:6969"): str})\n'), 'pass');
    assert.equal(status('DOCS = "http://192.168.1.10 is an example"\n'), 'not-applicable');
  });

  it('fills in a constant host of an f-string URL', () => {
    const source = (host: string) => `HOST = "${host}"\nAPI_URL = f"http://{HOST}/api/v1"\n`;
    const [finding] = findingsOf(source('portal.acme-energy.com'), rules);
    assert.match(finding?.message ?? '', /`http:\/\/portal\.acme-energy\.com` is a remote service reached without encryption/);
    assert.deepEqual(findingsOf(source('192.168.1.10'), rules), []);
    // The names a router or a DNS filter answers for itself on the home network.
    for (const local of ['fritz.box', 'pi.hole']) assert.deepEqual(findingsOf(source(local), rules), [], local);
    assert.deepEqual(findingsOf('def url(host):\n    return f"http://{host}/api/v1"\n', rules), []);
  });

  it('is an error only when the request carries a credential', () => {
    const severities = (source: string) => findingsOf(source, rules).map((finding) => finding.severity);
    assert.deepEqual(severities('async def f(session):\n    return await session.get("http://api.acme.io/v1?token=abc")\n'), ['error']);
    assert.deepEqual(severities('async def f(session, key):\n    return await session.get("http://api.acme.io/v1", headers={"X-Api-Key": key})\n'), ['error']);
    assert.deepEqual(severities('BASE = "http://user:pw@api.acme.io/v1"\n'), ['error']);
    assert.deepEqual(severities('async def f(session):\n    return await session.get("http://api.acme.io/v1/public", timeout=10)\n'), ['warning']);
  });

  it('follows a URL through the constant and the local it is built into, to the request that carries a credential', () => {
    const severities = (call: string) =>
      findingsOf(`import requests\n\nURL = "http://api.acme.io/v3/account/"\n\n\nclass Data:\n    def update(self, email, key, user):\n        url = f"{URL}{email}"\n        header = {"acme-api-key": key}\n        return ${call}\n`, rules).map((finding) => finding.severity);
    assert.deepEqual(severities('requests.get(url, headers=header, timeout=5)'), ['error']);
    assert.deepEqual(severities('requests.get(f"{URL}balance", auth=(user, key), timeout=5)'), ['error']);
    assert.deepEqual(severities('requests.get(url, timeout=5)'), ['warning']);
  });

  for (const [name, before, after] of [
    ['a session request with a query token', 'async def f(session):\n    return await session.get("http://api.acme.io/v1?token=abc")\n', 'async def f(session):\n    return await session.get("https://api.acme.io/v1?token=abc")\n'],
    ['an f-string constant with single quotes', "BASE_URL = f'http://api.{REGION}.acme.io/v1'\n", "BASE_URL = f'https://api.{REGION}.acme.io/v1'\n"],
    ['an implicitly concatenated URL', 'API_URL = (\n    "http://api.acme.io"\n    "/v1/status"\n)\n', 'API_URL = (\n    "https://api.acme.io"\n    "/v1/status"\n)\n'],
    ["a URL on plain HTTP's port 80, dropping the port", 'LEGACY_URL = "http://legacy.acme.io:80/v0/"\n', 'LEGACY_URL = "https://legacy.acme.io/v0/"\n'],
  ] as const) {
    it(`switches ${name} to https:// (safe, parses, idempotent)`, () => {
      const [finding] = findingsOf(before, rules);
      assert.ok(finding.fix?.safe);
      const fixed = applyFixAndCheck(before, finding.fix, finding, rules);
      assert.equal(fixed, after);
      assert.deepEqual(findingsOf(fixed, rules), []);
    });
  }

  it('only suggests https on another explicit port, which may not speak TLS', () => {
    const [finding] = findingsOf('API_URL = "http://api.acme.io:8080/v1"\n', rules);
    assert.equal(finding.fix, undefined);
    assert.match(finding.suggestions?.[0].title ?? '', /check that port 8080 answers HTTPS/);
  });

  it('skips test files and standalone scripts are still checked', () => {
    const source = 'API_URL = "http://api.acme.io/v1"\n';
    assert.deepEqual(analyzeSnippet(source, { rules, fileName: 'tests/test_api.py' }).findings, []);
    assert.equal(analyzeSnippet(source, { rules, manifest: null }).findings.length, 1);
  });

  it('marks the item used when the integration calls a remote service, even over HTTPS', () => {
    const result = analyzeSnippet('API_URL = "https://api.acme.io/v1"\n', { rules });
    assert.equal(result.checklist.find((entry) => entry.id === 'tls-verification')?.status, 'pass');
    // A documentation link shown in the webhook flow's form is not a service the integration calls.
    const docs = analyzeSnippet('from homeassistant.helpers import config_entry_flow\n\nconfig_entry_flow.register_webhook_flow("acme", "Acme Webhook", {"acme_url": "https://documentation.acme.io/webhooks"})\n', { rules });
    assert.equal(docs.checklist.find((entry) => entry.id === 'tls-verification')?.status, 'not-applicable');
  });
});
