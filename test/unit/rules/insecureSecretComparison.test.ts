import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { insecureSecretComparison } from '../../../server/src/analysis/rules/insecureSecretComparison';
import { webhookUnsigned } from '../../../server/src/analysis/rules/webhookUnsigned';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';
import { applyFixAndCheck, syntaxErrors } from '../../helpers/fixChecks';

const rules = [insecureSecretComparison];
const constFile = { 'const.py': 'DOMAIN = "acme"\n' };

describe('insecure-secret-comparison', () => {
  before(setup);

  for (const fixture of fixtureFiles('insecure-secret-comparison')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules, { otherFiles: constFile });
    });
  }

  it('rewrites == on a request signature with hmac.compare_digest, importing hmac once (safe)', () => {
    const source = 'from homeassistant.components import webhook\n\n\nasync def handle(hass, webhook_id, request):\n    if request.headers.get("X-Signature", "") == hass.data["secret"]:\n        return 1\n\n\nwebhook.async_register(hass, "d", "D", "id", handle)\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.equal(finding.fix?.safe, true);
    const fixed = applyFixAndCheck(source, finding.fix, finding, rules);
    assert.equal(fixed, 'import hmac\nfrom homeassistant.components import webhook\n\n\nasync def handle(hass, webhook_id, request):\n    if hmac.compare_digest(request.headers.get("X-Signature", ""), hass.data["secret"]):\n        return 1\n\n\nwebhook.async_register(hass, "d", "D", "id", handle)\n');
  });

  it('rewrites != as not compare_digest and reuses an aliased hmac import', () => {
    const source = 'import hmac as _hmac\n\n\ndef _check(body, signature, key):\n    expected = _hmac.new(key, body, "sha256").hexdigest()\n    if expected != signature:\n        raise ValueError\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const fixed = applyFixAndCheck(source, finding.fix, finding, rules);
    assert.equal(fixed, source.replace('if expected != signature:', 'if not _hmac.compare_digest(expected, signature):'));
  });

  it('offers the rewrite only as a suggestion when a side may be None or mixes bytes and text', () => {
    const maybeNone = 'import hmac\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass V(HomeAssistantView):\n    async def post(self, request):\n        token = (await request.json()).get("token")\n        return token == self._token\n';
    const [none] = analyzeSnippet(maybeNone, { rules }).findings;
    assert.ok(!none.fix && none.suggestions?.[0]?.title === 'Compare with hmac.compare_digest');
    // A JSON value may be a number as well as None: `or ""` covers None only, so a person checks.
    assert.match(applyEdits(maybeNone, none.suggestions![0].edits), /return hmac\.compare_digest\(token or "", self\._token\)/);
    // None given as the default, by get or pop, is None all the same; pop without a default raises instead.
    for (const read of ['.get("token", None)', '.pop("token", None)', '.pop("token", default=None)']) {
      const [given] = analyzeSnippet(maybeNone.replace('.get("token")', read), { rules }).findings;
      assert.ok(!given.fix && given.suggestions?.length === 1, read);
    }
    // Any value of a JSON body may be a number: a person checks the rewrite.
    assert.ok(analyzeSnippet(maybeNone.replace('.get("token")', '.pop("token")'), { rules }).findings[0].suggestions?.length === 1);
    // Made as text from it (a part of a split, a text method's result), it is text, or the code failed before.
    for (const read of ['["token"].split(":")[1]', '["token"].strip()']) {
      assert.ok(analyzeSnippet(maybeNone.replace('.get("token")', read), { rules }).findings[0].fix?.safe, read);
    }
    // A header or query value kept in a name is text or None: with `or ""` a request without it is turned away.
    const query = maybeNone.replace('async def post', 'async def get').replace('(await request.json()).get("token")', 'request.query.get("token")');
    const [text] = analyzeSnippet(query, { rules }).findings;
    assert.ok(text.fix?.safe);
    assert.match(applyEdits(query, text.fix!.edits), /return hmac\.compare_digest\(token or "", self\._token\)/);
    const mixed = 'import hmac\n\n\ndef check(key, body, signature):\n    return hmac.new(key, body, "sha256").digest() == signature\n';
    const [bytes] = analyzeSnippet(mixed, { rules }).findings;
    assert.ok(!bytes.fix && bytes.suggestions?.[0]?.title === 'Compare with hmac.compare_digest');
    // Read in the comparison itself, the header gets "" as its default: a request without it is turned away.
    const direct = 'from aiohttp import web\n\nfrom homeassistant.components import webhook\n\n\nasync def handle_webhook(hass, webhook_id, request):\n    expected = hass.data["demo"]["signature"]\n    if request.headers.get("X-Signature") != expected:\n        return web.Response(status=401)\n    return web.Response(status=200)\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handle_webhook)\n    return True\n';
    const [header] = analyzeSnippet(direct, { rules }).findings;
    assert.ok(header.fix?.safe);
    assert.match(applyEdits(direct, header.fix!.edits), /if not hmac\.compare_digest\(request\.headers\.get\("X-Signature", ""\), expected\):/);
  });

  it('offers no compare_digest rewrite for values that are not text or bytes (a tuple, a number)', () => {
    const handler = (value: string) =>
      `from aiohttp import web\n\n\nasync def handle(request: web.Request):\n    token = ${value}\n    return token == request.app["token"]\n`;
    const [tuple] = analyzeSnippet(handler('tuple(request.query.getall("token"))'), { rules }).findings;
    assert.ok(tuple, 'the comparison is still reported');
    assert.ok(!tuple.fix && !tuple.suggestions);
    const [text] = analyzeSnippet(handler('request.query.get("token", "")'), { rules }).findings;
    assert.ok(text.fix?.safe);
  });

  it('imports compare_digest by name where a local variable is called hmac', () => {
    const source = 'import base64\nimport hashlib\nfrom hmac import new as hmac_new\n\nfrom aiohttp import web\n\nSECRET = b"configured"\n\n\nasync def handle_webhook(hass, webhook_id, request):\n    body = await request.read()\n    hmac = request.headers.get("X-Hmac-Sha256", "")\n    digest = base64.b64encode(hmac_new(SECRET, body, hashlib.sha256).digest()).decode()\n    if digest != hmac:\n        return web.Response(status=401)\n    return web.Response(status=200)\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.ok(finding.fix?.safe);
    const fixed = applyEdits(source, finding.fix!.edits);
    assert.match(fixed, /^from hmac import new as hmac_new\nfrom hmac import compare_digest\n\nfrom aiohttp import web$/m);
    assert.match(fixed, /if not compare_digest\(digest, hmac\):/);
    assert.equal(syntaxErrors(fixed), 0);
  });

  it('keeps multi-line operands intact', () => {
    const source = 'import hmac\n\n\ndef check(key, body, signature):\n    return (\n        hmac.new(key, body, "sha256").hexdigest()\n        == signature\n    )\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const fixed = applyFixAndCheck(source, finding.fix, finding, rules);
    assert.match(fixed, /hmac\.compare_digest\(hmac\.new\(key, body, "sha256"\)\.hexdigest\(\), signature\)/);
  });

  it('marks the item used when secrets are compared at all, so clean code passes', () => {
    const result = analyzeSnippet('import hmac\n\n\ndef same(a_signature, b):\n    return hmac.compare_digest(a_signature, b)\n', { rules });
    assert.equal(result.checklist.find((item) => item.id === 'webhook-signature')?.status, 'pass');
    const unused = analyzeSnippet('def add(a, b):\n    return a == b\n', { rules });
    assert.equal(unused.checklist.find((item) => item.id === 'webhook-signature')?.status, 'not-applicable');
  });

  it("takes a cookie the client sent, matched against a value the integration holds, for a session check", () => {
    const view = (condition: string) =>
      `import uuid\n\nfrom aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\nPLAYER_COOKIE = "stream-session"\nPLAYER_SESSION = str(uuid.uuid4())\n\n\nclass SegmentView(HomeAssistantView):\n    url = "/api/demo/{name}"\n    name = "api:demo"\n    requires_auth = False\n\n    async def get(self, request, name):\n        if ${condition}:\n            raise web.HTTPUnauthorized()\n        return web.Response(text=name)\n`;
    assert.equal(analyzeSnippet(view('request.cookies.get(PLAYER_COOKIE) != PLAYER_SESSION'), { rules }).findings.length, 1);
    // A preference cookie compared with a literal is no session.
    assert.deepEqual(analyzeSnippet(view('request.cookies.get("theme") != "dark"'), { rules }).findings, []);
  });

  it("takes a webhook body's `auth` matched against the stored one for a shared-secret check, and counts it as the handler's check", () => {
    const source = (condition: string) =>
      `from homeassistant.components.webhook import async_register\n\nDOMAIN = "doorpad"\n\n\nclass DoorpadEvent:\n    def __init__(self, data):\n        self._webhook_id = data["webhook_id"]\n        self._auth = data["auth"]\n\n    async def async_added_to_hass(self):\n        async def handler(hass, webhook_id, request):\n            if ${condition}:\n                self.fire()\n\n        async_register(self.hass, DOMAIN, "Doorpad", self._webhook_id, handler)\n`;
    const result = analyzeSnippet(source('(await request.json())["auth"] == self._auth'), { rules: [insecureSecretComparison, webhookUnsigned] });
    assert.deepEqual(result.findings.map((finding) => finding.rule), ['insecure-secret-comparison']);
    // Which kind of authentication a request asks for is no secret.
    assert.deepEqual(analyzeSnippet(source('(await request.json())["auth"] == "basic"'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('(await request.json())["auth_type"] == self._auth_type'), { rules }).findings, []);
  });

  it('does not take a switch compared with its value ("1", "true") for a secret check', () => {
    const source = (compared: string) =>
      `import os\n\nfrom aiohttp import web\n\n\ndef set_cookie(response: web.Response, request: web.Request, value: str) -> None:\n    secure = request.secure or ${compared}\n    response.set_cookie("session", value, secure=secure)\n`;
    assert.deepEqual(analyzeSnippet(source('os.environ.get("APP_SESSION_TOKEN_CHECK", "") == "1"'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('request.headers.get("X-Token") == "true"'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('request.headers.get("X-Token") == os.environ["APP_TOKEN"]'), { rules }).findings.length, 1);
  });

  it('follows a name reassigned from a method call on itself without running away (value = value.strip().lower())', () => {
    const answer = analyzeSnippet(
      'class Confirm:\n    choices = ["y", "n"]\n\n    def process_response(self, value: str) -> bool:\n        value = value.strip().lower()\n        return value == self.choices[0]\n',
      { rules },
    );
    assert.deepEqual(answer.errors, []);
    assert.deepEqual(answer.findings, []);
    const token = analyzeSnippet(
      'from aiohttp import web\n\n\nasync def handle(request: web.Request, token: str):\n    token = token.strip().lower()\n    if request.headers.get("X-Auth") != token:\n        raise web.HTTPUnauthorized\n',
      { rules },
    );
    assert.deepEqual(token.errors, []);
    assert.equal(token.findings.length, 1);
  });

  it('does not take names about signatures, field-by-field equality or punctuation for a signature check', () => {
    const quiet = [
      'def pick(request):\n    return request.signature_method == SIGNATURE_RSA_SHA1\n',
      'def size_ok(buflen):\n    return buflen[0] == _ED25519_SIG_SIZE\n',
      'def kind(nid, lib):\n    return nid != lib.NID_pkcs7_signed\n',
      'def options_ok(verify, options):\n    return verify != options["verify_signature"]\n',
      'def empty(signature):\n    return signature == "()"\n',
      'import inspect\n\n\ndef same(fn, other):\n    sig = inspect.signature(fn)\n    return sig == inspect.signature(other)\n',
      'class Token:\n    def __eq__(self, other):\n        return self.signature == other.signature\n',
      // A name alone, outside any request: an entity noticing that its schema changed (pfsense).
      'class Sensors:\n    def update(self, state):\n        schema_signature = tuple(sorted(state))\n        if schema_signature == self._last_schema_signature:\n            return\n        self._last_schema_signature = schema_signature\n',
      'def same(self, signature):\n    return self.signature == signature\n',
    ];
    for (const source of quiet) assert.deepEqual(analyzeSnippet(source, { rules }).findings, [], source);
    const reported = [
      'from aiohttp import web\n\n\nasync def handle(request: web.Request):\n    return request.headers["X-Hub-Signature"] == request.app["expected"]\n',
      'import hmac\n\n\ndef check(key, body, signature):\n    return hmac.new(key, body, "sha256").hexdigest() == signature\n',
      'import base64\nimport hmac\n\n\ndef check(key, body, signature):\n    expected = base64.b64encode(hmac.new(key, body, "sha256").digest()).decode()\n    return signature != expected\n',
    ];
    for (const source of reported) assert.equal(analyzeSnippet(source, { rules }).findings.length, 1, source);
  });

  it('does not count an options flow noticing a changed API key as a secret check', () => {
    const flow = [
      'from homeassistant import config_entries',
      '',
      'CONF_API_KEY = "api_key"',
      '',
      '',
      'class Options(config_entries.OptionsFlow):',
      '    async def async_step_init(self, user_input=None):',
      '        current_api_key = self.config_entry.data.get(CONF_API_KEY, "")',
      '        if user_input is not None:',
      '            updated_api_key = user_input.get(CONF_API_KEY, "").strip() or current_api_key',
      '            if updated_api_key != current_api_key:',
      '                self._changed = True',
      '            return self.async_create_entry(title="", data={})',
      '',
    ].join('\n');
    const result = analyzeSnippet(flow, { rules, fileName: 'config_flow.py' });
    assert.deepEqual(result.findings, []);
    assert.equal(result.checklist.find((item) => item.id === 'webhook-signature')?.status, 'not-applicable');
  });

  it("follows a request's header through a helper's parsing of it (strip, split, b64decode) to the comparison", () => {
    const source = [
      'from base64 import b64decode',
      '',
      'from aiohttp import web',
      'from homeassistant.components.http import HomeAssistantView',
      '',
      '',
      'def check_api_auth(request, password):',
      '    header_auth = request.headers["Authorization"]',
      '    split = header_auth.strip().split(" ")',
      '    if len(split) != 2 or split[0].strip().lower() != "basic":',
      '        return False',
      '    username, header_password = b64decode(split[1]).decode().split(":", 1)',
      '    return header_password == password',
      '',
      '',
      'class PushView(HomeAssistantView):',
      '    requires_auth = False',
      '    url = "/api/acme/{state}"',
      '    name = "api:acme"',
      '',
      '    def __init__(self, password):',
      '        self.password = password',
      '',
      '    async def get(self, request, state):',
      '        if not check_api_auth(request, self.password):',
      '            return web.Response(status=401)',
      '        return web.Response(status=200)',
      '',
    ].join('\n');
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => finding.range.start.line), [12]);
    // The same helper called with something that is not a request compares nothing a caller sent.
    const offline = source.replace('check_api_auth(request, self.password)', 'check_api_auth(self.stored, self.password)');
    assert.deepEqual(analyzeSnippet(offline, { rules }).findings, []);
  });

  it("takes a header's name from aiohttp.hdrs for a name, not a secret", () => {
    const source = (imports: string, name: string) =>
      `from aiohttp import web\n${imports}\n\n\ndef forward_headers(request: web.Request):\n    headers = {}\n    for name, value in request.headers.items():\n        if name == ${name}:\n            continue\n        headers[name] = value\n    return headers\n`;
    assert.deepEqual(analyzeSnippet(source('from aiohttp import hdrs', 'hdrs.COOKIE'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('from aiohttp.hdrs import AUTHORIZATION', 'AUTHORIZATION'), { rules }).findings, []);
  });

  it('follows a value taken from either of two places (a or b) to the secret either names', () => {
    const source = (expected: string, provided: string) =>
      `from aiohttp.web import Response\nfrom homeassistant.components import webhook\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle(hass, webhook_id, request):\n        expected = ${expected}\n        provided = ${provided}\n        if not expected or provided != expected:\n            return Response(status=401)\n        return Response(text="ok")\n\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handle)\n    return True\n`;
    assert.equal(analyzeSnippet(source('entry.options.get("webhook_token") or entry.options.get("secret")', 'request.headers.get("X-Token") or request.query.get("token")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('entry.options.get("room") or entry.options.get("zone")', 'request.query.get("room") or request.query.get("zone")'), { rules }).findings, []);
  });
});
