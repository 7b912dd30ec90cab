import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { viewWithoutAuth } from '../../../server/src/analysis/rules/viewWithoutAuth';
import { analyzeSnippet, applyEdits, assertFixture, FIXTURES, setup } from '../../helpers/analysis';
import { syntaxErrors } from '../../helpers/fixChecks';

const rules = [viewWithoutAuth];
const folder = path.join(FIXTURES, 'rules', 'view-without-auth');
const otherFiles = { 'base_view.py': fs.readFileSync(path.join(folder, 'base_view.py'), 'utf8'), 'const.py': 'DOMAIN = "acme"\n' };

describe('view-without-auth', () => {
  before(setup);

  for (const name of ['bad_http.py', 'good_http.py']) {
    it('asks for a review of a websocket command any logged-in user can send that writes files or removes entries', () => {
    const command = (decorators: string, body: string) =>
      `import voluptuous as vol\nfrom homeassistant.components import websocket_api\n\n\n${decorators}@websocket_api.websocket_command({vol.Required("type"): "demo/do", vol.Required("entry_id"): str})\n@websocket_api.async_response\nasync def ws_do(hass, connection, msg):\n${body}\n    connection.send_result(msg["id"])\n`;
    const item = (decorators: string, body: string) => analyzeSnippet(command(decorators, body), { rules }).checklist.find((entry) => entry.id === 'unauthenticated-endpoint');
    const removes = item('', '    await hass.config_entries.async_remove(msg["entry_id"])');
    assert.equal(removes?.status, 'review');
    assert.match(removes?.note ?? '', /Websocket command ws_do \(__init__\.py\) removes config entries and has no @websocket_api\.require_admin/);
    assert.equal(item('', '    with open(hass.config.path("demo.yaml"), "a") as handle:\n        handle.write("x")')?.status, 'review');
    assert.equal(item('@websocket_api.require_admin\n', '    await hass.config_entries.async_remove(msg["entry_id"])')?.status, 'pass');
    assert.equal(item('', '    entry = hass.config_entries.async_get_entry(msg["entry_id"])')?.status, 'pass');
  });

  it("does not credit one handler with another's check through a call of `.get` on parsed data", () => {
    const view = (loop: string) =>
      `import hmac\n\nfrom aiohttp.web import Response\nfrom homeassistant.components.http import HomeAssistantView\n\nDOMAIN = "fbhook"\n\n\nclass HookView(HomeAssistantView):\n    requires_auth = False\n    url = "/api/fbhook/webhook"\n    name = "api:fbhook:webhook"\n\n    async def get(self, request):\n        hass = request.app["hass"]\n        token = request.query.get("hub.verify_token", "")\n        if hmac.compare_digest(token, hass.data[DOMAIN]["verify_token"]):\n            return Response(text=request.query.get("hub.challenge", ""))\n        return Response(status=403)\n\n    async def post(self, request):\n        hass = request.app["hass"]\n        data = await request.json()\n${loop}\n        return Response(status=200)\n`;
    for (const loop of ['        for entry in data.get("entry", []):\n            hass.bus.async_fire("fbhook_message", {"text": entry.get("text")})', '        for entry in data["entry"]:\n            hass.bus.async_fire("fbhook_message", {"text": entry.get("text")})']) {
      assert.deepEqual(analyzeSnippet(view(loop), { rules }).findings.map((finding) => finding.message.split(' without')[0]), ['HookView sets requires_auth = False and its handlers change things (post)'], loop);
    }
  });

  it("accepts a public view that looks the token it was sent up among the integration's own, ahead of everything else", () => {
    const view = (lookup: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\nDOMAIN = "proxy"\n\n\nclass ProxyView(HomeAssistantView):\n    url = "/api/proxy/{token}/{path:.*}"\n    name = "api:proxy"\n    requires_auth = False\n\n    def __init__(self, hass, session):\n        self.hass = hass\n        self._session = session\n\n    async def post(self, request, token, path):\n${lookup}        async with self._session.post(f"https://nvr.local/{path}", data=await request.read()) as resp:\n            return web.Response(status=resp.status, body=await resp.read())\n`;
    assert.deepEqual(analyzeSnippet(view('        entry = self.hass.data[DOMAIN][token]\n'), { rules }).findings, []);
    assert.equal(analyzeSnippet(view(''), { rules }).findings.length, 1);
    // A value not named as a credential (a path) looked up checks no caller.
    assert.equal(analyzeSnippet(view('        entry = self.hass.data[DOMAIN][path]\n'), { rules }).findings.length, 1);
    // Streamed: starting the response with the request (`response.prepare(request)`) hands no check to anyone.
    const stream = (lookup: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\nDOMAIN = "cam"\n\n\nclass StreamView(HomeAssistantView):\n    url = "/api/cam/stream/{token}"\n    name = "api:cam:stream"\n    requires_auth = False\n\n    async def get(self, request, token):\n        hass = request.app["hass"]\n${lookup}        response = web.StreamResponse(status=200)\n        await response.prepare(request)\n        await response.write(hass.data[DOMAIN]["frames"][-1])\n        return response\n`;
    assert.deepEqual(analyzeSnippet(stream('        camera_id = hass.data[DOMAIN].get("lookup", {}).get(token)\n        if camera_id is None:\n            raise web.HTTPNotFound\n'), { rules }).findings, []);
    assert.equal(analyzeSnippet(stream(''), { rules }).findings.length, 1);
  });

  it(`matches the expectations in ${name}`, () => {
      assertFixture(path.join(folder, name), rules, { otherFiles });
    });
  }

  it('is a warning for read-only views and an error for views that act, also through GET', () => {
    const findings = assertFixture(path.join(folder, 'bad_http.py'), rules, { otherFiles });
    assert.deepEqual(findings.map((finding) => [finding.message.split(' ')[0], finding.severity]), [
      ['AcmeStatusView', 'warning'],
      ['AcmeCommandView', 'error'],
      ['AcmeTriggerView', 'error'],
      ['AcmeSnapshotView', 'warning'],
    ]);
  });

  it('names only the handlers that change things when some do', () => {
    const source = 'from homeassistant.components.http import HomeAssistantView\n\n\nclass NotesView(HomeAssistantView):\n    url = "/api/demo/notes"\n    name = "api:demo:notes"\n    requires_auth = False\n\n    async def get(self, request):\n        return self.json(self.notes)\n\n    async def post(self, request):\n        self.notes.append(await request.json())\n        return self.json_message("saved")\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.match(finding.message, /its handlers change things \(post\) without checking the caller/);
    assert.equal(finding.severity, 'error');
  });

  it('asks for a review of a view that serves only callers from accepted addresses', () => {
    const source = [
      'from http import HTTPStatus',
      'from ipaddress import ip_address',
      '',
      'from homeassistant.components.http import KEY_HASS, HomeAssistantView',
      'from homeassistant.util.network import is_local',
      '',
      '',
      'def _remote_is_allowed(address):',
      '    return is_local(ip_address(address))',
      '',
      '',
      'class LocalStateView(HomeAssistantView):',
      '    url = "/api/local/{entity_id}"',
      '    name = "api:local"',
      '    requires_auth = False',
      '',
      '    def get(self, request, entity_id):',
      '        if request.remote is None or not _remote_is_allowed(request.remote):',
      '            return self.json_message("Only local IPs allowed", HTTPStatus.UNAUTHORIZED)',
      '        return self.json({"state": request.app[KEY_HASS].states.get(entity_id).state})',
      '',
    ].join('\n');
    const result = analyzeSnippet(source, { rules });
    assert.deepEqual(result.findings, []);
    const item = result.checklist.find((entry) => entry.id === 'unauthenticated-endpoint');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /LocalStateView\.get .* only serves callers whose address it accepts/);
    assert.equal(analyzeSnippet(source.replace(/ {8}if request\.remote[^\n]*\n[^\n]*\n/, ''), { rules }).findings.length, 1);
    // The address read into a variable first, the accepted ones held by the view.
    const held = [
      'from aiohttp import web',
      'from homeassistant.components.http import HomeAssistantView',
      '',
      '',
      'class RefreshView(HomeAssistantView):',
      '    url = "/api/demo/refresh"',
      '    name = "api:demo:refresh"',
      '    requires_auth = False',
      '',
      '    def __init__(self, allowed_ips):',
      '        self.allowed_ips = allowed_ips',
      '',
      '    async def post(self, request):',
      '        client_ip = request.remote',
      '        if client_ip not in self.allowed_ips:',
      '            return web.Response(status=403)',
      '        await request.app["hass"].services.async_call("homeassistant", "update_entity", {"entity_id": "sensor.demo"})',
      '        return web.Response(text="OK")',
      '',
    ].join('\n');
    const heldResult = analyzeSnippet(held, { rules });
    assert.deepEqual(heldResult.findings, []);
    assert.match(heldResult.checklist.find((entry) => entry.id === 'unauthenticated-endpoint')?.note ?? '', /RefreshView\.post .* only serves callers whose address it accepts \(`client_ip not in self\.allowed_ips`\)/);
  });

  it('reads requires_auth = False set on the instance in __init__', () => {
    const source = 'from homeassistant.components.http import HomeAssistantView\n\n\nclass AlarmPushView(HomeAssistantView):\n    def __init__(self, hass):\n        self.requires_auth = False\n        self.url = "/api/demo/alarm"\n        self.name = "api:demo:alarm"\n        self.hass = hass\n\n    async def post(self, request):\n        self.hass.states.async_set("binary_sensor.demo_alarm", await request.text())\n\n\nasync def async_setup_entry(hass, entry):\n    hass.http.register_view(AlarmPushView(hass))\n    return True\n';
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => [finding.range.start.line, finding.severity]), [[5, 'error']]);
    assert.deepEqual(analyzeSnippet(source.replace('self.requires_auth = False', 'self.requires_auth = True'), { rules }).findings, []);
  });

  it('prefers requires_auth set in __init__ over the class body, and asks for a review when a setting decides it', () => {
    const source = (value: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass FeedView(HomeAssistantView):\n    requires_auth = True\n    url = "/api/feed"\n    name = "api:feed"\n\n    def __init__(self, requires_auth, body):\n        self.requires_auth = ${value}\n        self._body = body\n\n    async def get(self, request):\n        return web.Response(text=self._body.async_render())\n\n\ndef setup(hass, config):\n    hass.http.register_view(FeedView(config["feed"].get("requires_auth"), config["feed"]["body"]))\n    return True\n`;
    const fromSetting = analyzeSnippet(source('requires_auth'), { rules });
    assert.deepEqual(fromSetting.findings, []);
    const item = fromSetting.checklist.find((entry) => entry.id === 'unauthenticated-endpoint');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /FeedView \(__init__\.py\) takes requires_auth from `requires_auth`/);
    assert.equal(analyzeSnippet(source('False'), { rules }).findings.length, 1, 'the instance overrides the class body');
    assert.equal(analyzeSnippet(source('True'), { rules }).checklist.find((entry) => entry.id === 'unauthenticated-endpoint')?.status, 'pass');
  });

  it('takes a session cookie matched against a value the integration handed out for a caller check', () => {
    const source = `import uuid\n\nfrom aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\nHLS_COOKIE = "demo-hls"\nHLS_SESSION = str(uuid.uuid4())\n\n\nclass HlsView(HomeAssistantView):\n    url = "/api/demo/hls/{name}"\n    name = "api:demo:hls"\n    requires_auth = False\n\n    async def get(self, request, name):\n        if request.cookies.get(HLS_COOKIE) != HLS_SESSION:\n            raise web.HTTPUnauthorized()\n        return web.Response(body=request.app["hass"].data["demo"][name])\n`;
    assert.deepEqual(analyzeSnippet(source, { rules }).findings, []);
    assert.equal(analyzeSnippet(source.replace('        if request.cookies.get(HLS_COOKIE) != HLS_SESSION:\n            raise web.HTTPUnauthorized()\n', ''), { rules }).findings.length, 1);
  });

  it('takes a page filled in from constants by a helper of the module for a constant answer', () => {
    const source = (answer: string) =>
      [
        'from aiohttp import web',
        'from homeassistant.components.http import HomeAssistantView',
        '',
        'PAGE = "<html><body><script src=\'__PATH__/app.js\'></script></body></html>"',
        '',
        '',
        'def render(template: str, path: str) -> str:',
        '    """Fills in where the page is served."""',
        '    return template.replace("__PATH__", path)',
        '',
        '',
        'class PageView(HomeAssistantView):',
        '    url = "/demo"',
        '    name = "demo:page"',
        '    requires_auth = False',
        '',
        '    async def get(self, request: web.Request) -> web.Response:',
        `        return web.Response(text=${answer}, content_type="text/html")`,
        '',
      ].join('\n');
    assert.deepEqual(analyzeSnippet(source('render(PAGE, "/demo")'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('PAGE.replace("__PATH__", "/demo")'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('render(PAGE, request.query.get("path", ""))'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('render(PAGE, "/demo")').replace('    return template.replace', '    open("/tmp/seen", "w").close()\n    return template.replace'), { rules }).findings.length, 1);
  });

  it("takes a file shipped with the integration, served or read and sent, for a constant answer", () => {
    const view = (body: string) =>
      `import os\nfrom pathlib import Path\n\nfrom aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass PanelView(HomeAssistantView):\n    url = "/api/demo/panel.js"\n    name = "api:demo:panel"\n    requires_auth = False\n\n    async def get(self, request):\n${body}\n`;
    const found = (body: string) => analyzeSnippet(view(body), { rules }).findings.length;
    assert.equal(found('        return web.FileResponse(os.path.join(os.path.dirname(__file__), "panel.js"))'), 0);
    assert.equal(found('        path = Path(__file__).parent / "www" / "panel.js"\n        return web.FileResponse(path)'), 0);
    assert.equal(found('        path = os.path.join(os.path.dirname(__file__), "panel.js")\n        with open(path, "r", encoding="utf-8") as handle:\n            content = handle.read()\n        return web.Response(body=content, content_type="application/javascript")'), 0);
    // A name from the request picks the file; a file outside the integration's folder is someone's data.
    assert.equal(found('        return web.FileResponse(os.path.join(os.path.dirname(__file__), request.match_info["name"]))'), 1);
    assert.equal(found('        return web.FileResponse(os.path.join(self.hass.config.config_dir, "panel.js"))'), 1);
    assert.equal(found('        with open(os.path.join(os.path.dirname(__file__), "seen.log"), "a") as handle:\n            handle.write("x")\n        return web.Response(text="ok")'), 1);
  });

  it('asks for a review of a public view registered from a library base class', () => {
    const source = 'from hass_web_proxy_lib import ProxyView\n\n\nclass SnapshotView(ProxyView):\n    url = "/api/demo/snapshot"\n    name = "api:demo:snapshot"\n    requires_auth = False\n\n\ndef async_setup(hass, session):\n    hass.http.register_view(SnapshotView(session))\n';
    const result = analyzeSnippet(source, { rules });
    assert.deepEqual(result.findings, []);
    const item = result.checklist.find((entry) => entry.id === 'unauthenticated-endpoint');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /SnapshotView .* serves through ProxyView from outside the integration/);
    assert.equal(analyzeSnippet(source.replace('requires_auth = False', 'requires_auth = True'), { rules }).checklist.find((entry) => entry.id === 'unauthenticated-endpoint')?.status, 'pass');
    // Left to the library's base class, requires_auth is not known here.
    const inherited = analyzeSnippet(source.replace('    requires_auth = False\n', ''), { rules }).checklist.find((entry) => entry.id === 'unauthenticated-endpoint');
    assert.equal(inherited?.status, 'review');
    assert.match(inherited?.note ?? '', /SnapshotView .* takes requires_auth from ProxyView, outside the integration/);
  });

  it("takes a view that acts through the integration's own methods, in another module too, for one that acts", () => {
    const view = (publish: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass ReceiveView(HomeAssistantView):\n    url = "/api/demo"\n    name = "api:demo"\n    requires_auth = False\n\n    async def get(self, request):\n        self._publish(dict(request.query))\n        return web.Response(text="OK!")\n\n    def _publish(self, data):\n        ${publish}\n`;
    const coordinator = 'from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nclass Coordinator(DataUpdateCoordinator):\n    def update_from_view(self, data):\n        self.async_set_updated_data(data)\n';
    const severities = (publish: string) => analyzeSnippet(view(publish), { rules, fileName: 'api.py', otherFiles: { 'coordinator.py': coordinator } }).findings.map((finding) => finding.severity);
    assert.deepEqual(severities('self.coordinator.update_from_view(data)'), ['error']);
    assert.deepEqual(severities('self.last = len(data)'), ['warning']);
  });

  it('judges work handed to the executor by what the function does', () => {
    const view = (job: string) =>
      [
        'import json',
        'from os import walk',
        '',
        'from homeassistant.components.http import HomeAssistantView',
        '',
        '',
        job,
        '',
        '',
        'class IconView(HomeAssistantView):',
        '    url = "/api/icons"',
        '    name = "api:icons"',
        '    requires_auth = False',
        '',
        '    async def get(self, request):',
        '        hass = request.app["hass"]',
        '        return self.json(await hass.async_add_executor_job(job, hass.config.path("www")))',
        '',
      ].join('\n');
    const severity = (job: string) => analyzeSnippet(view(job), { rules }).findings.map((finding) => [finding.severity, /return data/.test(finding.message)]);
    assert.deepEqual(severity('def job(base):\n    return [name for _, _, names in walk(base) for name in names]'), [['warning', true]]);
    assert.deepEqual(severity('def job(base):\n    with open(base + "/seen.json", "w") as out:\n        json.dump([], out)'), [['error', false]]);
    assert.deepEqual(severity('job = print'), [['error', false]]);
    // A method of an object the handler made, handed to the executor, is judged by that method.
    const streamed = (method: string) =>
      view(`class Reader:\n    def __init__(self, path):\n        self.path = path\n\n    def load(self):\n        ${method}`).replace('return self.json(await hass.async_add_executor_job(job, hass.config.path("www")))', 'reader = Reader(hass.config.path("demo.txt"))\n        return self.json(await hass.async_add_executor_job(reader.load))');
    assert.deepEqual(analyzeSnippet(streamed('return open(self.path, "rb").read()'), { rules }).findings.map((finding) => finding.severity), ['warning']);
    assert.deepEqual(analyzeSnippet(streamed('open(self.path, "w").close()'), { rules }).findings.map((finding) => finding.severity), ['error']);
    const reading = view('').replace('await hass.async_add_executor_job(job, hass.config.path("www"))', 'await hass.async_add_executor_job(pathlib.Path(hass.config.path("www/card.js")).read_text, "utf-8")').replace('import json', 'import json\nimport pathlib');
    assert.deepEqual(analyzeSnippet(reading, { rules }).findings.map((finding) => finding.severity), ['warning']);
    // A function the handler defines for the executor is judged the same way.
    const nested = (body: string) =>
      view('').replace('return self.json(await hass.async_add_executor_job(job, hass.config.path("www")))', `def count():\n            ${body}\n\n        return self.json(await hass.async_add_executor_job(count))`);
    assert.deepEqual(analyzeSnippet(nested('return len([names for _, _, names in walk(hass.config.path("www"))])'), { rules }).findings.map((finding) => finding.severity), ['warning']);
    assert.deepEqual(analyzeSnippet(nested('open(hass.config.path("seen"), "w").close()'), { rules }).findings.map((finding) => finding.severity), ['error']);
    // Saving what the request brought is a change.
    const saving = view('').replace('return self.json(await hass.async_add_executor_job(job, hass.config.path("www")))', 'save_json(hass.config.path("demo.conf"), {"code": request.query.get("code")})\n        return self.json({})').replace('import json', 'import json\nfrom homeassistant.util.json import save_json');
    assert.deepEqual(analyzeSnippet(saving, { rules }).findings.map((finding) => finding.severity), ['error']);
  });

  it('suggests requires_auth = True (a behaviour change, so not a safe fix) where the setting is written', () => {
    const source = fs.readFileSync(path.join(folder, 'bad_http.py'), 'utf8');
    const findings = analyzeSnippet(source, { rules, fileName: 'bad_http.py', otherFiles }).findings.filter((finding) => finding.path.endsWith('bad_http.py'));
    const [status] = findings;
    assert.equal(status.fix, undefined);
    const [suggestion] = status.suggestions ?? [];
    assert.equal(suggestion.safe, false);
    const fixed = applyEdits(source, suggestion.edits);
    assert.match(fixed, /name = "api:acme:status"\n    requires_auth = True {2}# expect/);
    assert.ok(syntaxErrors(fixed) === 0);
    const after = analyzeSnippet(fixed, { rules, fileName: 'bad_http.py', otherFiles }).findings.filter((finding) => finding.path.endsWith('bad_http.py'));
    assert.equal(after.length, findings.length - 1);
    // Inherited from base_view.py: nothing to edit in this file.
    assert.deepEqual(findings[3].suggestions, undefined);
  });

  it('asks for a review of an OAuth-style callback that hands its request to a config flow', () => {
    const result = analyzeSnippet(fs.readFileSync(path.join(folder, 'good_http.py'), 'utf8'), { rules, otherFiles });
    const entry = result.checklist.find((item) => item.id === 'unauthenticated-endpoint');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /AcmeAuthorizeView/);
  });

  it('reports an OAuth callback that starts a flow from an unchecked code without suggesting a token it cannot get', () => {
    const view = (reads: string) =>
      `from homeassistant.components.http import HomeAssistantView\n\n\nclass CallbackView(HomeAssistantView):\n    requires_auth = False\n    url = "/api/demo/callback"\n    name = "api:demo:callback"\n\n    async def get(self, request):\n${reads}        hass = request.app["hass"]\n        hass.async_create_task(hass.config_entries.flow.async_init("demo", context={"source": "code"}, data=data))\n        return "OK!"\n`;
    const [finding, ...rest] = analyzeSnippet(view('        data = request.query.get("code")\n'), { rules }).findings;
    assert.equal(rest.length, 0);
    assert.match(finding.message, /starts a config flow .* check it here/);
    assert.equal(finding.suggestions, undefined);
    // With the state passed on, whether it is checked is the flow's business: a review.
    const withState = analyzeSnippet(view('        data = {"code": request.query["code"], "state": request.query["state"]}\n'), { rules });
    assert.deepEqual(withState.findings, []);
    assert.equal(withState.checklist.find((item) => item.id === 'unauthenticated-endpoint')?.status, 'review');
  });

  it('accepts a token from the request that turns the caller away unless it matches a known device, not a presence test', () => {
    const view = (condition: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\ndef _station_by(hass, attr, value):\n    for station in hass.data["acme"].values():\n        if getattr(station, attr) == value:\n            return station\n    return None\n\n\nclass EventView(HomeAssistantView):\n    requires_auth = False\n    url = "/api/acme/{event}"\n    name = "api:acme"\n\n    async def get(self, request, event):\n        hass = request.app["hass"]\n        token = request.query.get("token")\n        if ${condition}:\n            return web.Response(status=401)\n        hass.bus.async_fire(f"acme_{event}", {})\n        return web.Response(text="OK")\n`;
    assert.deepEqual(analyzeSnippet(view('token is None or _station_by(hass, "token", token) is None'), { rules }).findings, []);
    assert.equal(analyzeSnippet(view('token is None'), { rules }).findings.length, 1);
    // A look at the token's format lets in anyone who writes it so.
    assert.equal(analyzeSnippet(view('"action=issueToken" not in token'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(view('token != hass.data["acme_token"]'), { rules }).findings, []);
    assert.equal(analyzeSnippet(view('event is None or _station_by(hass, "slug", event) is None'), { rules }).findings.length, 1);
    // What a lookup by the token found, assigned first and tested on its own.
    const assigned = view('station is None').replace('        token = request.query.get("token")\n', '        station = _station_by(hass, "token", request.query.get("token"))\n');
    assert.deepEqual(analyzeSnippet(assigned, { rules }).findings, []);
    assert.equal(analyzeSnippet(assigned.replace('request.query.get("token")', 'request.query.get("slug")'), { rules }).findings.length, 1);
  });

  it('judges a helper of the integration named like a check by what it does', () => {
    const view = (body: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\ndef _validate_snapshot(name):\n${body}\n\n\nclass SnapshotView(HomeAssistantView):\n    requires_auth = False\n    url = "/api/acme/snapshot/{name}"\n    name = "api:acme:snapshot"\n\n    async def get(self, request, name):\n        try:\n            width = _validate_snapshot(name)\n        except ValueError as err:\n            raise web.HTTPBadRequest from err\n        return web.json_response({"width": width})\n`;
    // Checking a size checks no caller.
    assert.equal(analyzeSnippet(view('    width = int(name.partition("x")[0])\n    if width not in (256, 512):\n        raise ValueError(width)\n    return width'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(view('    import hmac\n    if not hmac.compare_digest(name, SECRET):\n        raise ValueError(name)\n    return 1'), { rules }).findings, []);
  });

  it('asks for a review when the token check lets everyone in while no key is configured', () => {
    const source = `import hmac\nfrom aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\ndef _token_ok(expected, given):\n    if not expected:\n        return True\n    return hmac.compare_digest(expected, given or "")\n\n\nclass PushView(HomeAssistantView):\n    requires_auth = False\n    url = "/api/acme/push"\n    name = "api:acme:push"\n\n    async def post(self, request):\n        hass = request.app["hass"]\n        if not _token_ok(hass.data.get("acme_token"), request.query.get("token")):\n            return web.Response(status=401)\n        hass.bus.async_fire("acme_push", await request.json())\n        return web.Response(text="OK")\n`;
    const result = analyzeSnippet(source, { rules });
    assert.deepEqual(result.findings, []);
    const entry = result.checklist.find((item) => item.id === 'unauthenticated-endpoint');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /only while a key is configured/);
  });

  it('counts a value returned bare as data served, as Home Assistant sends it as the body', () => {
    const view = (handler: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass ValidatorView(HomeAssistantView):\n    url = "/api/acme"\n    name = "api:acme"\n    requires_auth = False\n\n    def __init__(self, config):\n        self.validator = config["validator"]\n\n    async def get(self, request):\n${handler}\n`;
    for (const served of ['        return self.validator', '        return self.validator, 200', '        value = self.validator\n        return value']) {
      const findings = analyzeSnippet(view(served), { rules }).findings;
      assert.deepEqual(findings.map((finding) => [finding.rule, finding.severity]), [['view-without-auth', 'warning']], served);
    }
    // Fixed answers stay harmless, also through a variable, a conditional or a nested function's return.
    for (const fixed of [
      '        return "OK"',
      '        return None',
      '        return "OK", 200',
      '        response = web.Response(text="OK")\n        return response',
      '        return web.Response(text="OK") if request else None',
      '        def later():\n            return self.validator\n        return "OK"',
    ]) {
      assert.deepEqual(analyzeSnippet(view(fixed), { rules }).findings, [], fixed);
    }
  });

  it('marks the item used when views exist and is not applicable otherwise', () => {
    const authenticated = analyzeSnippet('from homeassistant.components.http import HomeAssistantView\n\n\nclass V(HomeAssistantView):\n    url = "/api/x"\n\n    async def get(self, request):\n        return self.json({})\n', { rules });
    assert.equal(authenticated.checklist.find((item) => item.id === 'unauthenticated-endpoint')?.status, 'pass');
    const none = analyzeSnippet('class V:\n    requires_auth = False\n\n    async def get(self, request):\n        return request.query\n', { rules });
    assert.deepEqual(none.findings, []);
    assert.equal(none.checklist.find((item) => item.id === 'unauthenticated-endpoint')?.status, 'not-applicable');
  });

  it('asks for a review of a server the integration opens beside Home Assistant, unless it listens on loopback only', () => {
    const item = (setup: string, imports = 'import asyncio\nimport uvicorn\nfrom aiohttp import web\nfrom http.server import HTTPServer, BaseHTTPRequestHandler\n') => {
      const source = `${imports}\n\nasync def async_setup_entry(hass, entry):\n    app = web.Application()\n    ${setup}\n    return True\n`;
      return analyzeSnippet(source, { rules }).checklist.find((entry) => entry.id === 'unauthenticated-endpoint');
    };
    const reviewed = [
      ['runner = web.AppRunner(app)\n    await web.TCPSite(runner, "0.0.0.0", 8099).start()', /`web\.TCPSite` in __init__\.py opens a server of the integration's own on every interface/],
      ['await web.TCPSite(web.AppRunner(app), port=8099).start()', /on every interface/],
      ['config = uvicorn.Config(app, host=entry.data["host"], port=8000)', /on `entry\.data\["host"\]`/],
      ['HTTPServer(("", 8080), BaseHTTPRequestHandler)', /`HTTPServer` .* on every interface/],
      ['await asyncio.start_server(handle, port=7001)', /`asyncio\.start_server`/],
      ['await hass.loop.create_server(Protocol, "192.168.1.2", 7001)', /on 192\.168\.1\.2/],
    ] as const;
    for (const [setup, note] of reviewed) {
      const found = item(setup);
      assert.equal(found?.status, 'review', setup);
      assert.match(found?.note ?? '', note, setup);
    }
    for (const local of ['await web.TCPSite(web.AppRunner(app), "127.0.0.1", 8099).start()', 'uvicorn.run(app, port=8000)', 'HTTPServer(("localhost", 8080), BaseHTTPRequestHandler)', 'await hass.loop.create_connection(Protocol, "192.168.1.2", 7001)']) {
      assert.equal(item(local)?.status, 'not-applicable', local);
    }
  });

  it('reviews raw sockets and UDP endpoints that listen, not a client socket or a port probe', () => {
    const setup = (body: string) => `import asyncio\nimport socket\n\n\nasync def async_setup_entry(hass, entry):\n${body}\n    return True\n`;
    const status = (body: string) => analyzeSnippet(setup(body), { rules }).checklist.find((item) => item.id === 'unauthenticated-endpoint')?.status;
    assert.equal(status('    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n    sock.bind(("", 9999))\n    data, addr = await hass.loop.sock_recvfrom(sock, 4096)'), 'review');
    assert.equal(status('    sock = socket.socket()\n    sock.bind(("", 9999))\n    sock.close()'), 'not-applicable');
    assert.equal(status('    await hass.loop.create_datagram_endpoint(lambda: None, local_addr=("0.0.0.0", 9999))'), 'review');
    assert.equal(status('    await hass.loop.create_datagram_endpoint(lambda: None, local_addr=("0.0.0.0", 0))'), 'not-applicable');
    assert.equal(status('    server = socket.create_server(("", 8080))'), 'review');
    assert.equal(status('    await asyncio.get_running_loop().create_server(lambda: None, "0.0.0.0", 8080)'), 'review');
  });

  it('takes a token looked up with get and tested for None for a check of the caller', () => {
    const view = (test: string) =>
      `from http import HTTPStatus\n\nfrom aiohttp import web\nfrom homeassistant.components.http import KEY_HASS, HomeAssistantView\n\n\nclass PassView(HomeAssistantView):\n    url = "/api/capview/{token}"\n    name = "api:capview"\n    requires_auth = False\n\n    async def get(self, request, token):\n        guest = request.app[KEY_HASS].data["capview"].get(token)\n${test}\n        return self.json(guest)\n`;
    assert.deepEqual(analyzeSnippet(view('        if guest is None:\n            return web.Response(status=HTTPStatus.NOT_FOUND)'), { rules }).findings, []);
    assert.equal(analyzeSnippet(view('        _ = guest'), { rules }).findings.length, 1);
  });
  it("takes no exception the integration raises on its own failed login for a check of the caller", () => {
    const api = (raise: string) =>
      `class ApiAuthenticationError(Exception):\n    pass\n\n\nclass Client:\n    async def async_authenticate(self):\n        await self._request({"password": self._password})\n\n    async def _request(self, variables):\n        resp = await self._session.post(self._url, json=variables)\n        if resp.status in (401, 403):\n            ${raise}\n        return await resp.json()\n`;
    const view =
      'from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\nfrom .api import Client\n\n\nclass ThumbnailView(HomeAssistantView):\n    url = "/api/photos/{path:.*}"\n    name = "api:photos"\n    requires_auth = False\n\n    def __init__(self, client: Client):\n        self._client = client\n\n    async def get(self, request, path):\n        await self._client.async_authenticate()\n        return web.Response(body=await self._client.fetch(path))\n';
    const findings = (raise: string) => analyzeSnippet(view, { rules, otherFiles: { 'api.py': api(raise) } }).findings.length;
    assert.equal(findings('raise ApiAuthenticationError("Invalid credentials")'), 1);
    assert.equal(findings('raise RuntimeError("login failed")'), 1);
  });
  it("reports a route added to Home Assistant's server directly whose handler returns data, not one serving a bundled file", () => {
    const source = (handler: string) =>
      `import os\n\nfrom aiohttp import web\nfrom homeassistant.components.http import KEY_AUTHENTICATED\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle(request):\n${handler}\n\n    hass.http.app.router.add_route("GET", "/rawroute/data", handle)\n    return True\n`;
    const found = (handler: string) => analyzeSnippet(source(handler), { rules }).findings.map((finding) => finding.severity);
    assert.deepEqual(found('        return web.json_response({"key": entry.data["api_key"]})'), ['warning']);
    assert.deepEqual(found('        return web.FileResponse(os.path.join(os.path.dirname(__file__), "card.js"))'), []);
    assert.deepEqual(found('        if not request[KEY_AUTHENTICATED]:\n            raise web.HTTPUnauthorized()\n        return web.json_response({"key": entry.data["api_key"]})'), []);
  });
});
