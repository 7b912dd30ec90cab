import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { requestBodyUnvalidated } from '../../../server/src/analysis/rules/requestBodyUnvalidated';
import { analyzeSnippet, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [requestBodyUnvalidated];

describe('request-body-unvalidated', () => {
  before(setup);

  for (const fixture of fixtureFiles('request-body-unvalidated')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('follows the body into a helper the handler hands it to, and fails the input validation item', () => {
    const source = `import json\n\nfrom homeassistant.components.http import HomeAssistantView\n\n\ndef _save_config(hass, data):\n    with open(hass.config.path("demo.json"), "w", encoding="utf-8") as handle:\n        json.dump(data, handle)\n\n\nclass ConfigView(HomeAssistantView):\n    url = "/api/demo/config"\n    name = "api:demo:config"\n    requires_auth = False\n\n    async def post(self, request):\n        hass = request.app["hass"]\n        _save_config(hass, await request.json())\n        return self.json({"status": "ok"})\n`;
    const result = analyzeSnippet(source, { rules });
    assert.deepEqual(result.findings.map((finding) => finding.range.start.line), [7]);
    assert.match(result.findings[0].message, /whole body of an HTTP request is written to a file/);
    assert.equal(result.checklist.find((item) => item.id === 'input-validation')?.status, 'fail');
  });

  it("follows the body through the dispatcher into an event entity's attributes", () => {
    const init = (signal: string) =>
      `from homeassistant.components import webhook\nfrom homeassistant.helpers.dispatcher import async_dispatcher_send\n\nDOMAIN = "demo"\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, DOMAIN, "Demo", entry.data["webhook_id"], handle_webhook)\n    return True\n\n\nasync def handle_webhook(hass, webhook_id, request):\n    data = await request.json()\n    async_dispatcher_send(hass, ${signal}, data)\n`;
    const event = (signal: string) =>
      `from homeassistant.components.event import EventEntity\nfrom homeassistant.helpers.dispatcher import async_dispatcher_connect\n\nDOMAIN = "demo"\n\n\nclass RequestEvent(EventEntity):\n    async def async_added_to_hass(self):\n        self.async_on_remove(async_dispatcher_connect(self.hass, ${signal}, self._handle))\n\n    def _handle(self, event):\n        self._trigger_event(event["type"], event)\n        self.async_write_ha_state()\n`;
    const found = (sent: string, connected: string) => analyzeSnippet(init(sent), { rules, otherFiles: { 'event.py': event(connected) } }).findings.map((finding) => finding.message.match(/is (set as event attributes)/)?.[1]);
    assert.deepEqual(found('f"{DOMAIN}_event"', 'f"{DOMAIN}_event"'), ['set as event attributes']);
    assert.deepEqual(found('f"{DOMAIN}_event_{webhook_id}"', 'f"{DOMAIN}_event_{self.entity_id}"'), ['set as event attributes']);
    // Another signal connects another handler.
    assert.deepEqual(found('f"{DOMAIN}_event"', 'f"{DOMAIN}_status"'), []);
    // A signal held in a local variable is what was assigned to it; one whose value is unseen matches nothing.
    const local = (sendValue: string, connectValue: string) =>
      analyzeSnippet(init('signal').replace('    data = await request.json()\n', `    data = await request.json()\n    signal = ${sendValue}\n`), {
        rules,
        otherFiles: { 'event.py': event('signal').replace('    async def async_added_to_hass(self):\n', `    async def async_added_to_hass(self):\n        signal = ${connectValue}\n`) },
      }).findings.length;
    assert.equal(local('f"{DOMAIN}_event"', 'f"{DOMAIN}_event"'), 1);
    assert.equal(local('f"{DOMAIN}_event"', 'f"{DOMAIN}_other"'), 0);
    assert.equal(local('webhook_id', 'self.unique_id'), 0);
    // Through a helper of the module that drops a key and returns the rest.
    const parsed = (body: string) =>
      analyzeSnippet(init('f"{DOMAIN}_event"'), {
        rules,
        otherFiles: { 'event.py': `${event('f"{DOMAIN}_event"').replace('self._trigger_event(event["type"], event)', 'self._trigger_event(event["type"], parse_event(event))')}\n\ndef parse_event(event):\n${body}\n` },
      }).findings.length;
    assert.equal(parsed('    event.pop("image")\n    return event'), 1);
    assert.equal(parsed('    return {"title": event["title"]}'), 0);
  });

  it('takes an uploaded file read raw as checked once its size or kind is, in the handler or before a helper writes it', () => {
    const view = (checks: string, write = '        await self.hass.async_add_executor_job(Path(self.hass.config.path("avatar.png")).write_bytes, payload)\n') =>
      `from pathlib import Path\n\nfrom homeassistant.components.http import HomeAssistantView\n\nMAX_BYTES = 3_000_000\n\n\ndef _store(directory, payload):\n    (directory / "avatar.png").write_bytes(payload)\n\n\nclass AvatarView(HomeAssistantView):\n    url = "/api/demo/avatar"\n    name = "api:demo:avatar"\n\n    async def post(self, request):\n        payload = await request.read()\n${checks}${write}        return self.json({"stored": len(payload)})\n`;
    const messages = (checks: string, write?: string) => analyzeSnippet(view(checks, write), { rules }).findings.map((finding) => finding.message);
    const unchecked = messages('');
    assert.equal(unchecked.length, 1);
    assert.match(unchecked[0], /raw body of an HTTP request is written to a file unchecked.* check its size and its kind/);
    const refuse = '            return self.json_message("refused", status_code=400)\n';
    assert.deepEqual(messages(`        if len(payload) > MAX_BYTES:\n${refuse}`), []);
    assert.deepEqual(messages(`        if not payload.startswith(b"\\x89PNG"):\n${refuse}`), []);
    assert.deepEqual(messages(`        if payload[:4] != b"\\x89PNG":\n${refuse}`), []);
    assert.deepEqual(messages(`        if imghdr.what(None, payload) != "png":\n${refuse}`), []);
    assert.deepEqual(messages(`        if request.content_length is None or request.content_length > MAX_BYTES:\n${refuse}`), []);
    // The size logged is no check of it.
    assert.equal(messages('        _LOGGER.debug("received %d bytes", len(payload))\n').length, 1);
    // A helper the handler hands the bytes to, through the executor.
    const helper = '        await self.hass.async_add_executor_job(_store, Path(self.hass.config.path("demo")), payload)\n';
    assert.equal(messages('', helper).length, 1);
    assert.deepEqual(messages(`        if len(payload) > MAX_BYTES:\n${refuse}`, helper), []);
  });

  it('leaves a body that is only logged or answered, and data that is not a request body', () => {
    const source = `from homeassistant.helpers.storage import Store\n\n\nclass Flow:\n    async def async_step_user(self, user_input=None):\n        await Store(self.hass, 1, "demo").async_save(user_input)\n`;
    assert.deepEqual(analyzeSnippet(source, { rules }).findings, []);
  });

  it('follows a body appended to a list that is then saved', () => {
    const source = (added: string) =>
      `from homeassistant.components import webhook\nfrom homeassistant.helpers.storage import Store\n\n\nasync def async_setup_entry(hass, entry):\n    store = Store(hass, 1, f"rbody.{entry.entry_id}")\n\n    async def handle(hass, webhook_id, request):\n        reading = await request.json()\n        history = await store.async_load() or []\n        history.append(${added})\n        await store.async_save(history)\n\n    webhook.async_register(hass, "rbody", "Readings", entry.data["webhook_id"], handle)\n    return True\n`;
    assert.equal(analyzeSnippet(source('reading'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('{"value": float(reading["value"])}'), { rules }).findings, []);
  });
});
