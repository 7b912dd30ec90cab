import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { webhookUnsigned } from '../../../server/src/analysis/rules/webhookUnsigned';
import { analyzeSnippet, assertFixture, FIXTURES, setup } from '../../helpers/analysis';
import { applyFixAndCheck } from '../../helpers/fixChecks';

const rules = [webhookUnsigned];
const folder = path.join(FIXTURES, 'rules', 'webhook-unsigned');
const read = (name: string) => fs.readFileSync(path.join(folder, name), 'utf8');
/** The rest of the integration: registrations in __init__.py, a coordinator with its own handler, constants. */
const integrationFiles = { '__init__.py': read('__init__.py'), 'coordinator.py': read('coordinator.py'), 'const.py': read('const.py') };

describe('webhook-unsigned', () => {
  before(setup);

  for (const name of ['bad_webhook.py', 'good_webhook.py']) {
    it(`matches the expectations in ${name} (handlers registered in __init__.py)`, () => {
      assertFixture(path.join(folder, name), rules, { fileName: 'webhook.py', otherFiles: integrationFiles });
    });
  }

  it('reports a handler that checks the signature only when the request sends one, not one that rejects it missing', () => {
    const source = (check: string) =>
      `import hashlib\nimport hmac\n\nfrom aiohttp import web\nfrom homeassistant.components import webhook\n\n\nasync def async_setup_entry(hass, entry):\n    secret = entry.data["hmac_secret"]\n\n    async def handle_webhook(hass, webhook_id, request):\n        body = await request.read()\n        signature = request.headers.get("X-Signature")\n${check}\n        hass.bus.async_fire("mower_event", {"size": len(body)})\n        return web.Response(status=204)\n\n    webhook.async_register(hass, "mower", "Mower", entry.entry_id, handle_webhook)\n    return True\n`;
    const compare = 'hmac.compare_digest(signature, hmac.new(secret.encode(), body, hashlib.sha256).hexdigest())';
    const [finding, ...rest] = analyzeSnippet(source(`        if signature:\n            if not ${compare}:\n                return web.Response(status=401)`), { rules }).findings;
    assert.equal(rest.length, 0);
    assert.equal(finding?.severity, 'warning');
    assert.match(finding?.message ?? '', /verifies a signature only when the request carries one \(`handle_webhook: if signature: \.\.\.`\)/);
    for (const check of [
      `        if not signature or not ${compare}:\n            return web.Response(status=401)`,
      `        if signature:\n            if not ${compare}:\n                return web.Response(status=401)\n        else:\n            return web.Response(status=401)`,
    ]) {
      assert.deepEqual(analyzeSnippet(source(check), { rules }).findings, [], check);
    }
  });

  it('finds the handler a factory of the integration returns', () => {
    const source = [
      'from homeassistant.components.webhook import async_register',
      'from homeassistant.helpers.dispatcher import async_dispatcher_send',
      '',
      '',
      'def get_webhook_handler(coordinators):',
      '    async def async_webhook_handler(hass, webhook_id, request):',
      '        params = await request.post()',
      '        async_dispatcher_send(hass, "demo_update", params.get("appli"))',
      '',
      '    return async_webhook_handler',
      '',
      '',
      'async def async_setup_entry(hass, entry):',
      '    async_register(hass, "demo", "Demo", entry.data["webhook_id"], get_webhook_handler(None))',
      '    return True',
      '',
    ].join('\n');
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => finding.range.start.line), [5]);
    // A factory method of the class (`handler=self._make_handler()`).
    const method = [
      'from homeassistant.components import webhook',
      '',
      '',
      'class Bridge:',
      '    def _make_handler(self):',
      '        async def _hook_handler(hass, webhook_id, request):',
      '            body = await request.json()',
      '            hass.bus.async_fire("demo_event", {"lock": body["nukiId"]})',
      '',
      '        return _hook_handler',
      '',
      '    def register(self, hass, webhook_id):',
      '        webhook.async_register(hass, "demo", "Demo", webhook_id, handler=self._make_handler())',
      '',
    ].join('\n');
    assert.deepEqual(analyzeSnippet(method, { rules }).findings.map((finding) => finding.range.start.line), [5]);
    // A lambda passing its parameters on, in order, to a function of the module.
    const lambda = (call: string) =>
      `from homeassistant.components import webhook\n\n\nasync def _handle(hass, webhook_id, request, entry):\n    data = await request.json()\n    hass.states.async_set("sensor.demo", data["value"])\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], lambda h, w, r: ${call})\n    return True\n`;
    assert.deepEqual(analyzeSnippet(lambda('_handle(h, w, r, entry)'), { rules }).findings.map((finding) => finding.range.start.line), [3]);
    // Reordered, the parameters would not line up: not followed.
    assert.deepEqual(analyzeSnippet(lambda('_handle(r, w, h, entry)'), { rules }).findings, []);
  });

  it('follows a handler that is an instance of the integration\'s class, called through __call__', () => {
    const source = (check: string) =>
      `import hmac\n\nfrom aiohttp import web\nfrom homeassistant.components import webhook\n\n\nclass PushHandler:\n    def __init__(self, secret):\n        self._secret = secret\n\n    async def __call__(self, hass, webhook_id, request):\n${check}        hass.bus.async_fire("demo_event", await request.json())\n        return web.Response(status=200)\n\n\nasync def async_setup_entry(hass, entry):\n    handler = PushHandler(entry.data["secret"])\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handler)\n    return True\n`;
    const [finding] = analyzeSnippet(source(''), { rules }).findings;
    assert.match(finding?.message ?? '', /Webhook handler `PushHandler.__call__` acts on requests without verifying/);
    const signed = '        if not hmac.compare_digest(request.headers.get("X-Token", ""), self._secret):\n            return web.Response(status=401)\n';
    assert.deepEqual(analyzeSnippet(source(signed), { rules }).findings, []);
  });

  it('follows a handler registered as a method of another object, in another module', () => {
    const checked = analyzeSnippet(read('good_webhook.py'), { rules, fileName: 'webhook.py', otherFiles: integrationFiles });
    assert.deepEqual(checked.findings.filter((finding) => finding.path.endsWith('coordinator.py')), []);
    const unchecked = read('coordinator.py').replace(/        if not hmac\.compare_digest[^\n]*\n[^\n]*\n/, '');
    const result = analyzeSnippet(read('good_webhook.py'), { rules, fileName: 'webhook.py', otherFiles: { ...integrationFiles, 'coordinator.py': unchecked } });
    assert.deepEqual(result.findings.map((finding) => [finding.path.split('/').pop(), finding.message.match(/`(\w+)`/)?.[1]]), [['coordinator.py', 'async_handle_push']]);
  });

  it('finds the handler in the older registration forms, where it comes last', () => {
    const source = (register: string) =>
      `import json\n\nfrom homeassistant.components import webhook\n\n\nasync def handle_webhook(hass, webhook_id, request):\n    hass.bus.async_fire("acme_hook_received", json.loads(await request.text()))\n\n\nasync def async_setup_entry(hass, entry):\n    ${register}\n    return True\n`;
    for (const register of [
      'webhook.async_register(hass, "acme", "Acme", entry.data["webhook_id"], handle_webhook)',
      'hass.components.webhook.async_register("acme", "Acme", entry.data["webhook_id"], handle_webhook)',
      'webhook.async_register(hass, entry.data["webhook_id"], handle_webhook)',
      'hass.components.webhook.async_register(entry.data["webhook_id"], handle_webhook)',
    ]) {
      const [finding] = analyzeSnippet(source(register), { rules }).findings;
      assert.match(finding?.message ?? '', /Webhook handler `handle_webhook` acts on requests without verifying/, register);
    }
  });

  it('reports local_only webhooks as warnings and the others as errors', () => {
    const result = analyzeSnippet(read('bad_webhook.py'), { rules, fileName: 'webhook.py', otherFiles: integrationFiles });
    const severities = Object.fromEntries(result.findings.map((finding) => [finding.message.match(/`(\w+)`/)?.[1], finding.severity]));
    assert.deepEqual(severities, { handle_webhook: 'error', handle_form: 'warning', handle_presence_only: 'error', handle_event_types: 'error', handle_schema_only: 'error' });
    // Keeping the webhook local is named as the way out only where it is not local already.
    const suggestsLocal = Object.fromEntries(result.findings.map((finding) => [finding.message.match(/`(\w+)`/)?.[1], /local_only=True/.test(finding.message)]));
    assert.equal(suggestsLocal.handle_webhook, true);
    assert.equal(suggestsLocal.handle_form, false);
    // Only for a sender on the local network: a phone app posting from the internet needs a secret of its own.
    const advice = result.findings.find((finding) => finding.message.includes('`handle_webhook`'))?.message ?? '';
    assert.match(advice, /for a sender that cannot sign, register the webhook with local_only=True if the sender is on the local network, or check a shared secret it sends\.$/);
  });

  it('asks for a review when the request goes to code outside the integration or only the address is checked', () => {
    const result = analyzeSnippet(read('good_webhook.py'), { rules, fileName: 'webhook.py', otherFiles: integrationFiles });
    const entry = result.checklist.find((item) => item.id === 'webhook-signature');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /handle_delegated.*async_handle_webhook/);
    assert.match(entry?.note ?? '', /handle_address_checked.*address/);
  });

  it('counts a vendor library given the body and the signature header as verification, but not a log of them', () => {
    const handler = (call: string) =>
      `from homeassistant.components import webhook\n\n\nasync def async_setup_entry(hass, entry):\n    lock = entry.runtime_data\n\n    async def on_event(hass, webhook_id, request):\n        body = await request.text()\n        ${call}\n        hass.bus.async_fire("acme_event", {})\n\n    webhook.async_register(hass, "acme", "Acme", entry.data["webhook_id"], on_event)\n    return True\n`;
    const library = analyzeSnippet(handler('event = await lock.receive_webhook(body, request.headers["HASH"], request.headers["TIMESTAMP"])'), { rules });
    assert.deepEqual(library.findings, []);
    assert.equal(library.checklist.find((item) => item.id === 'webhook-signature')?.status, 'pass');
    const logged = analyzeSnippet(handler('_LOGGER.debug("%s %s", body, request.headers["X-Signature"])'), { rules });
    assert.equal(logged.findings.length, 1);
    const otherHeader = analyzeSnippet(handler('event = await lock.receive_webhook(body, request.headers["Content-Type"])'), { rules });
    assert.equal(otherHeader.findings.length, 1);
  });

  it('takes builtins that only look at the request (getattr, hasattr, len) for no hand-over to a library', () => {
    const handler = (call: string) =>
      `import logging\n\nfrom homeassistant.components import webhook\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def on_event(hass, webhook_id, request):\n    ${call}\n    data = await request.json()\n    hass.bus.async_fire("acme_event", {"text": data.get("text")})\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "acme", "Acme", entry.data["webhook_id"], on_event)\n    return True\n`;
    for (const call of ['_LOGGER.info("from %s", getattr(request, "remote", "?"))', 'if not hasattr(request, "json"):\n        return', 'vendor = getattr(request, "remote", None)']) {
      assert.equal(analyzeSnippet(handler(call), { rules }).findings.length, 1, call);
    }
    const library = analyzeSnippet(handler('await acme_client.handle(request)'), { rules });
    assert.equal(library.checklist.find((item) => item.id === 'webhook-signature')?.status, 'review');
  });

  it("reads the integration's own helper named like a signature check instead of trusting its name", () => {
    const source = (guard: string) =>
      `import hashlib\nimport hmac\n\nfrom aiohttp import web\nfrom homeassistant.components import webhook\n\n\ndef _signature_ok(entry, request, body):\n    key = entry.options.get("shared_key")\n${guard}\n    digest = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()\n    return hmac.compare_digest(digest, request.headers.get("X-Sig", ""))\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle(hass, webhook_id, request):\n        body = await request.read()\n        if not _signature_ok(entry, request, body):\n            return web.Response(status=401)\n        hass.bus.async_fire("hookk", {"size": len(body)})\n\n    webhook.async_register(hass, "hookk", "X", entry.data["webhook_id"], handle)\n    return True\n`;
    assert.match(analyzeSnippet(source('    if not key:\n        return True'), { rules }).findings[0]?.message ?? '', /only while a key is configured/);
    assert.deepEqual(analyzeSnippet(source('    if not key:\n        return False'), { rules }).findings, []);
  });

  it('reports a check made only while a key is set, the key used one step before the comparison', () => {
    const source = (guard: string) =>
      `import hashlib\nimport hmac\n\nfrom aiohttp import web\nfrom homeassistant.components import webhook\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle(hass, webhook_id, request):\n        body = await request.read()\n        key = entry.options.get("shared_key")\n${guard}\n        hass.bus.async_fire("hookk", {"size": len(body)})\n\n    webhook.async_register(hass, "hookk", "X", entry.data["webhook_id"], handle)\n    return True\n`;
    const check = '            digest = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()\n            if not hmac.compare_digest(digest, request.headers.get("X-Sig", "")):\n                return web.Response(status=401)';
    assert.match(analyzeSnippet(source(`        if key:\n${check}`), { rules }).findings[0]?.message ?? '', /only while a key is configured/);
    assert.deepEqual(analyzeSnippet(source(`        if not key:\n            return web.Response(status=401)\n        if True:\n${check}`), { rules }).findings, []);
  });

  it('counts decrypting the body with the shared secret (authenticated encryption) as verification', () => {
    const source = (key: string) =>
      `from aiohttp.web import Response\nfrom homeassistant.components import webhook\n\n\nasync def handle_webhook(hass, webhook_id, request):\n    entry = hass.data["demo"][webhook_id]\n    req_data = await request.json()\n    try:\n        payload = decrypt_payload(${key}, req_data["encrypted_data"])\n    except ValueError:\n        return Response(status=401)\n    hass.bus.async_fire("demo_event", {"zone": str(payload.get("zone", ""))})\n    return Response(status=200)\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handle_webhook)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('entry.data["secret"]'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('entry.data["zone_name"]'), { rules }).findings.length, 1, 'decoding with a key that is no secret authenticates nobody');
  });

  it('warns when the signature check waves every request through while no key is configured', () => {
    const source = (guard: string) =>
      `import hashlib\nimport hmac\nfrom homeassistant.components import webhook\n\n\ndef signed(key, body, signature):\n    if not key:\n        return ${guard}\n    expected = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, signature or "")\n\n\nasync def handle(hass, webhook_id, request):\n    body = await request.read()\n    if signed(hass.data.get("acme"), body, request.headers.get("X-Sig")):\n        hass.bus.async_fire("acme_message", {})\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "acme", "Acme", entry.data["webhook_id"], handle)\n    return True\n`;
    const open = analyzeSnippet(source('True'), { rules });
    assert.deepEqual(open.findings.map((finding) => [finding.severity, /only while a key is configured/.test(finding.message)]), [['warning', true]]);
    const missing = analyzeSnippet(source('True').replace('if not key:', 'if "acme" not in hass_data:').replace('def signed(key,', 'def signed(hass_data, key,').replace('signed(hass.data.get("acme"),', 'signed(hass.data, hass.data.get("acme"),'), { rules });
    assert.equal(missing.findings[0]?.severity, 'warning');
    const closed = analyzeSnippet(source('False'), { rules });
    assert.deepEqual(closed.findings, []);
    assert.equal(closed.checklist.find((item) => item.id === 'webhook-signature')?.status, 'pass');
  });

  it('reads a token check folded into one condition, and a token taken from either of two places', () => {
    const source = (check: string) =>
      `import hmac\nfrom aiohttp.web import Response\nfrom homeassistant.components import webhook\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle(hass, webhook_id, request):\n        expected = entry.options.get("webhook_token") or entry.options.get("secret")\n        provided = request.headers.get("X-Token") or request.query.get("token")\n${check}\n        hass.bus.async_fire("demo_event", {})\n        return Response(text="ok")\n\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handle)\n    return True\n`;
    const verdict = (check: string) => analyzeSnippet(source(check), { rules }).findings.map((finding) => [finding.severity, /only while a key is configured/.test(finding.message)]);
    assert.deepEqual(verdict('        if expected and (not provided or not hmac.compare_digest(provided, expected)):\n            return Response(status=401)'), [['warning', true]]);
    assert.deepEqual(verdict('        if expected:\n            if not provided or not hmac.compare_digest(provided, expected):\n                return Response(status=401)'), [['warning', true]]);
    assert.deepEqual(verdict('        if not expected or not provided or not hmac.compare_digest(provided, expected):\n            return Response(status=401)'), []);
    // Accepting inside the condition fails closed: a request without the token falls through to the refusal.
    assert.deepEqual(verdict('        if provided and hmac.compare_digest(provided, expected):\n            hass.bus.async_fire("demo_ok", {})\n            return Response(text="ok")\n        return Response(status=401)'), []);
  });

  it('is not applicable without webhooks and passes when every handler verifies', () => {
    const none = analyzeSnippet('async def async_setup_entry(hass, entry):\n    return True\n', { rules });
    assert.equal(none.checklist.find((item) => item.id === 'webhook-signature')?.status, 'not-applicable');
    const verified = analyzeSnippet(
      'import hmac\nfrom homeassistant.components import webhook\n\n\nasync def handle(hass, webhook_id, request):\n    if not hmac.compare_digest(request.query.get("token", ""), hass.data["acme"]):\n        return None\n    return await request.json()\n\n\ndef setup(hass):\n    webhook.async_register(hass, "acme", "Acme", "id", handle)\n',
      { rules },
    );
    assert.deepEqual(verified.findings, []);
    assert.equal(verified.checklist.find((item) => item.id === 'webhook-signature')?.status, 'pass');
  });

  it('reports a handler defined in another module at its def, once however often it is registered', () => {
    const init = 'from homeassistant.components import webhook\n\nfrom .webhook import handle\n\n\ndef setup(hass):\n    webhook.async_register(hass, "acme", "A", "a", handle)\n    webhook.async_register(hass, "acme", "B", "b", handle)\n';
    const handler = 'async def handle(hass, webhook_id, request):\n    hass.states.async_set("sensor.acme", (await request.json())["value"])\n';
    const result = analyzeSnippet(handler, { rules, fileName: 'webhook.py', otherFiles: { '__init__.py': init } });
    assert.deepEqual(result.findings.map((finding) => [finding.path.split('/').pop(), finding.range.start.line, finding.range.start.character]), [['webhook.py', 0, 10]]);
  });

  it('suggests a signature check after the docstring that parses, adds each import once and silences the rule', () => {
    const source = [
      'from homeassistant.components import webhook',
      '',
      'DOMAIN = "acme"',
      '',
      '',
      'async def handle(hass, webhook_id, request):',
      '    """Handle a push."""',
      '    return await request.json()',
      '',
      '',
      'def setup(hass):',
      '    webhook.async_register(hass, DOMAIN, "Acme", "id", handle)',
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const [suggestion] = finding.suggestions ?? [];
    assert.equal(suggestion.title, 'Add signature check');
    assert.equal(suggestion.safe, false);
    const fixed = applyFixAndCheck(source, suggestion, finding, rules);
    assert.equal(fixed.match(/^import hmac$/gm)?.length, 1);
    assert.equal(fixed.match(/^import hashlib$/gm)?.length, 1);
    assert.equal(fixed.match(/^from http import HTTPStatus$/gm)?.length, 1);
    assert.equal(fixed.match(/^from aiohttp import web$/gm)?.length, 1);
    assert.match(fixed, /    """Handle a push."""\n    # Reject requests the service did not sign/);
    assert.match(fixed, /hass\.config_entries\.async_entries\(DOMAIN\)/);
    assert.match(fixed, /        return web\.Response\(status=HTTPStatus\.UNAUTHORIZED\)\n    return await request\.json\(\)/);
  });

  it('uses the config entry a partial passes, keeps single quotes and tabs, and reuses existing imports', () => {
    const source = [
      'import hmac',
      'from functools import partial',
      '',
      'from aiohttp import web',
      "from homeassistant.components import webhook",
      '',
      '',
      'async def handle(entry, hass, webhook_id, request):',
      "\tdata = await request.json()",
      "\thass.states.async_set('sensor.acme', data['value'])",
      '',
      '',
      'def setup(hass, entry):',
      "\twebhook.async_register(hass, 'acme', 'Acme', 'id', partial(handle, entry))",
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const fixed = applyFixAndCheck(source, finding.suggestions?.[0], finding, rules);
    assert.match(fixed, /\twebhook_secret = entry\.data\.get\('webhook_secret', ''\)\n/);
    assert.match(fixed, /\tif not webhook_secret or not hmac\.compare_digest\(expected_signature, request\.headers\.get\('X-Signature', ''\)\):\n\t\treturn web\.Response/);
    assert.equal(fixed.match(/^import hmac$/gm)?.length, 1);
    assert.equal(fixed.match(/^from aiohttp import web$/gm)?.length, 1);
  });

  it('offers no signature check for a handler written on one line', () => {
    const source = 'from homeassistant.components import webhook\n\nasync def handle(hass, webhook_id, request): return await request.json()\n\nwebhook.async_register(hass, "acme", "Acme", "id", handle)\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.equal(finding.rule, 'webhook-unsigned');
    assert.equal(finding.suggestions, undefined);
  });
  it("asks for a review of a library handed the body and every header, not of one handed the body alone", () => {
    const source = (call: string) =>
      `from aiohttp import web\nfrom homeassistant.components import webhook\nfrom pysmartapp import SmartAppManager\n\n\nasync def async_setup_entry(hass, entry):\n    hass.data["stapp"] = SmartAppManager("/api/webhook/x")\n    webhook.async_register(hass, "stapp", "SmartApp", entry.data["webhook_id"], handle_webhook)\n    return True\n\n\nasync def handle_webhook(hass, webhook_id, request):\n    manager = hass.data["stapp"]\n    data = await request.json()\n    result = await ${call}\n    return web.json_response(result)\n`;
    const result = (call: string) => analyzeSnippet(source(call), { rules });
    const delegated = result('manager.handle_request(data, request.headers)');
    assert.deepEqual(delegated.findings, []);
    assert.match(delegated.checklist.find((item) => item.id === 'webhook-signature')?.note ?? '', /passes the request to `manager\.handle_request\(\.\.\.\)`/);
    assert.equal(result('manager.handle_request(data)').findings.length, 1);
  });

  it("does not take a method of parsed data for the integration's one method of that name (data.get is no view's get)", () => {
    const view = 'from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass SnapshotView(HomeAssistantView):\n    url = "/api/demo/snapshot"\n    name = "api:demo:snapshot"\n\n    async def get(self, request: web.Request) -> web.StreamResponse:\n        response = web.StreamResponse()\n        await response.prepare(request)\n        return response\n';
    const handler = (read: string) =>
      `from aiohttp import web\nfrom homeassistant.components import webhook\n\nDOMAIN = "demo"\n\n\nasync def handle_webhook(hass, webhook_id, request: web.Request):\n${read}\n    await hass.services.async_call("lock", "unlock", {"entity_id": entity_id}, blocking=True)\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, DOMAIN, "Demo", entry.data["webhook_id"], handle_webhook)\n    return True\n`;
    for (const read of [
      '    data = await request.json()\n    entity_id = data.get("entity")',
      '    data = dict(await request.post())\n    entity_id = data.get("entity")',
      '    data = {"entity": request.query["entity"]}\n    entity_id = data.get("entity")',
    ]) {
      const result = analyzeSnippet(handler(read), { rules, otherFiles: { 'view.py': view } });
      assert.equal(result.findings.length, 1, read);
      assert.equal(result.checklist.find((item) => item.id === 'webhook-signature')?.status, 'fail', read);
    }
  });

  it('does not take a check whose answer is thrown away for verification', () => {
    const source = (check: string, helper = '') =>
      `import hashlib\nimport hmac\nfrom homeassistant.components import webhook\n${helper}\n\nasync def handle(hass, webhook_id, request):\n    body = await request.read()\n    expected = hmac.new(hass.data["acme_secret"], body, hashlib.sha256).hexdigest()\n${check}\n    hass.bus.async_fire("acme_event", {})\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "acme", "Acme", entry.data["webhook_id"], handle)\n    return True\n`;
    assert.equal(analyzeSnippet(source('    hmac.compare_digest(expected, request.headers.get("X-Sig", ""))'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('    if not hmac.compare_digest(expected, request.headers.get("X-Sig", "")):\n        return None'), { rules }).findings, []);
    const returning = '\n\ndef signed(expected, request):\n    return hmac.compare_digest(expected, request.headers.get("X-Sig", ""))\n';
    assert.equal(analyzeSnippet(source('    signed(expected, request)', returning), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('    if not signed(expected, request):\n        return None', returning), { rules }).findings, []);
    // A helper that raises on a mismatch checks whether its answer is read or not.
    const raising = '\n\ndef require_signed(expected, request):\n    if not hmac.compare_digest(expected, request.headers.get("X-Sig", "")):\n        raise ValueError("bad signature")\n';
    assert.deepEqual(analyzeSnippet(source('    require_signed(expected, request)', raising), { rules }).findings, []);
  });
});
