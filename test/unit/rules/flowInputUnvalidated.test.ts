import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { flowInputUnvalidated } from '../../../server/src/analysis/rules/flowInputUnvalidated';
import { analyzeSnippet, assertFixture, FIXTURES, setup } from '../../helpers/analysis';
import { SCHEMA_FLOW } from '../../helpers/snippets';

const rules = [flowInputUnvalidated];
const folder = path.join(FIXTURES, 'rules', 'flow-input-unvalidated');
const otherFiles = { 'base_flow.py': fs.readFileSync(path.join(folder, 'base_flow.py'), 'utf8'), 'const.py': 'DOMAIN = "acme"\nSTEP_USER = "user"\n' };
const status = (source: string) => analyzeSnippet(source, { rules }).checklist.find((item) => item.id === 'input-validation');

describe('flow-input-unvalidated', () => {
  before(setup);

  for (const name of ['bad_flow.py', 'good_flow.py']) {
    it("leaves steps Home Assistant or the integration's own code starts with data they chose, not ones an HTTP request starts", () => {
    const flow = (step: string) =>
      `from homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_${step}(self, data=None):\n        return self.async_create_entry(title=data["host"], data=data)\n`;
    const findingsFor = (step: string, init?: string) => analyzeSnippet(flow(step), { rules, fileName: 'config_flow.py', otherFiles: init ? { '__init__.py': init } : {} }).findings;
    assert.deepEqual(findingsFor('unignore'), []);
    const websocket = 'import voluptuous as vol\nfrom homeassistant.components import websocket_api\n\n\n@websocket_api.websocket_command({vol.Required("type"): "demo/add", vol.Required("host"): str})\n@websocket_api.async_response\nasync def ws_add(hass, connection, msg):\n    await hass.config_entries.flow.async_init("demo", context={"source": "ws"}, data={"host": msg["host"]})\n';
    assert.deepEqual(findingsFor('ws', websocket), []);
    assert.equal(findingsFor('ws').length, 1);
    // An OAuth callback view handing its query on: as unchecked in the step as in the view.
    const view = 'from homeassistant.components.http import HomeAssistantView\n\n\nclass Callback(HomeAssistantView):\n    url = "/api/demo/callback"\n    name = "api:demo:callback"\n    requires_auth = False\n\n    async def get(self, request):\n        hass = request.app["hass"]\n        await hass.config_entries.flow.async_init("demo", context={"source": "code"}, data=request.query["code"])\n        return self.json_message("ok")\n';
    assert.equal(findingsFor('code', view).length, 1);
  });

  it(`matches the expectations in ${name}`, () => {
      assertFixture(path.join(folder, name), rules, { otherFiles });
    });
  }

  it("passes an OAuth2 flow whose steps are Home Assistant's own", () => {
    const flow = 'import logging\n\nfrom homeassistant.helpers import config_entry_oauth2_flow\n\n\nclass OAuth2FlowHandler(config_entry_oauth2_flow.AbstractOAuth2FlowHandler, domain="demo"):\n    DOMAIN = "demo"\n\n    @property\n    def logger(self):\n        return logging.getLogger(__name__)\n';
    const status = (source: string) => analyzeSnippet(source, { rules, fileName: 'config_flow.py' }).checklist.find((item) => item.id === 'input-validation')?.status;
    assert.equal(status(flow), 'pass');
    assert.equal(status(flow.replace('config_entry_oauth2_flow.AbstractOAuth2FlowHandler', 'SomeLibraryBase')), 'not-applicable');
  });

  it('asks to review webhook payloads used without a schema, and passes once they go through one', () => {
    const source = 'from homeassistant.components import webhook\n\nasync def handle(hass, webhook_id, request):\n    data = await request.json()\n    hass.states.async_set("sensor.x", data["value"])\n\ndef setup(hass):\n    webhook.async_register(hass, "d", "D", "id", handle)\n';
    const entry = status(source);
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /`handle`.*webhook's body without a schema/);
    assert.equal(status(source.replace('data = await request.json()', 'data = WEBHOOK_SCHEMA(await request.json())'))?.status, 'pass');
    assert.equal(status(source.replace('data = await request.json()', 'data = json.loads(await request.text())'))?.status, 'review');
    // A typed model rejects malformed data as a schema does.
    assert.equal(status(source.replace('data = await request.json()', 'data = Reading.parse_obj(await request.json()).dict()'))?.status, 'pass');
    assert.equal(status(source.replace('data = await request.json()', 'data = Reading.from_dict(await request.json())'))?.status, 'pass');
    assert.equal(status(source.replace('data = await request.json()\n    hass.states.async_set("sensor.x", data["value"])', 'hass.states.async_set("sensor.x", "pinged")'))?.status, 'pass');
  });

  it('does not count a validation whose failure the handler logs and goes on from', () => {
    const handler = (onFailure: string) =>
      `import voluptuous as vol\nfrom homeassistant.components import webhook\n\nSCHEMA = vol.Schema({vol.Required("value"): int})\n\n\nasync def handle(hass, webhook_id, request):\n    data = await request.json()\n    try:\n        data = SCHEMA(data)\n    except vol.Invalid as err:\n        LOGGER.warning("Invalid payload: %s", err)\n${onFailure}    hass.states.async_set("sensor.x", data["value"])\n\n\ndef setup(hass):\n    webhook.async_register(hass, "d", "D", "id", handle)\n`;
    assert.equal(status(handler(''))?.status, 'review');
    assert.equal(status(handler('        return None\n'))?.status, 'pass');
    assert.equal(status(handler('        raise\n'))?.status, 'pass');
    // Everything that uses the data inside the try: a failure skips it (the response after it is not a use).
    const inside = handler('').replace('        data = SCHEMA(data)\n', '        data = SCHEMA(data)\n        hass.states.async_set("sensor.x", data["value"])\n').replace('    hass.states.async_set("sensor.x", data["value"])\n\n\ndef', '    return web.Response(status=200)\n\n\ndef');
    assert.equal(status(inside)?.status, 'pass');
  });

  it("asks for a review of a webhook whose request a library outside the integration reads", () => {
    const source = (handler: string) =>
      `from weatherlib import StationListener\n\nfrom homeassistant.components import webhook\n\n\nasync def async_setup_entry(hass, entry):\n    listener = StationListener()\n\n    async def handle_webhook(hass, webhook_id, request):\n        ${handler}\n\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handle_webhook)\n    return True\n`;
    const entry = status(source('return await listener.handler(request)'));
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /`handle_webhook` in __init__\.py hands the webhook's request to `listener\.handler`, outside the integration/);
    assert.equal(status(source('return None'))?.status, 'pass');
  });

  it('asks to review a webhook body read by a helper the handler hands its request to, in another module', () => {
    const setupSource = [
      'from homeassistant.components import webhook',
      '',
      'from .handler import handle_webhook',
      '',
      '',
      'async def async_setup_entry(hass, entry):',
      '    async def _handle(hass, webhook_id, request):',
      '        return await handle_webhook(hass, webhook_id, request)',
      '',
      '    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], _handle)',
      '    return True',
      '',
    ].join('\n');
    const helper = 'async def handle_webhook(hass, webhook_id, request):\n    data = await request.json()\n    hass.bus.async_fire("demo_event", {"data": data})\n';
    const entry = analyzeSnippet(setupSource, { rules, otherFiles: { 'handler.py': helper } }).checklist.find((item) => item.id === 'input-validation');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /`handle_webhook` in handler\.py uses a webhook's body without a schema/);
    const validated = helper.replace('data = await request.json()', 'data = WEBHOOK_SCHEMA(await request.json())');
    assert.equal(analyzeSnippet(setupSource, { rules, otherFiles: { 'handler.py': validated } }).checklist.find((item) => item.id === 'input-validation')?.status, 'pass');
    // A function reading some other response's body is no handler's helper.
    const client = 'async def fetch(session):\n    response = await session.get("https://example.com")\n    return await response.json()\n';
    assert.notEqual(analyzeSnippet(client, { rules }).checklist.find((item) => item.id === 'input-validation')?.status, 'review');
  });

  it('passes a flow built with the schema flow helper', () => {
    assert.equal(status(SCHEMA_FLOW)?.status, 'pass');
  });

  it('asks for a review of an import step that hands YAML data on unvalidated, unless a YAML schema checked it', () => {
    const flow = [
      'import voluptuous as vol',
      'from homeassistant import config_entries',
      '',
      'DATA_SCHEMA = vol.Schema({vol.Required("username"): str, vol.Required("password"): str})',
      '',
      '',
      'class Flow(config_entries.ConfigFlow, domain="demo"):',
      '    async def async_step_import(self, import_info):',
      '        return await self.async_step_user(import_info)',
      '',
      '    async def async_step_user(self, user_input=None):',
      '        if user_input is not None:',
      '            return self.async_create_entry(title=user_input["username"], data=user_input)',
      '        return self.async_show_form(step_id="user", data_schema=DATA_SCHEMA)',
      '',
    ].join('\n');
    const item = analyzeSnippet(flow, { rules, fileName: 'config_flow.py' }).checklist.find((entry) => entry.id === 'input-validation');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /async_step_import .* hands its data to `async_step_user` unvalidated/);
    const yaml = 'import voluptuous as vol\n\nCONFIG_SCHEMA = vol.Schema({"demo": vol.Schema({vol.Required("username"): str, vol.Required("password"): str})}, extra=vol.ALLOW_EXTRA)\n';
    assert.equal(analyzeSnippet(flow, { rules, fileName: 'config_flow.py', otherFiles: { '__init__.py': yaml } }).checklist.find((entry) => entry.id === 'input-validation')?.status, 'pass');
    // A form schema that happens to be called CONFIG_SCHEMA checks the form, not configuration.yaml.
    const formNamedLikeYaml = flow.replace(/DATA_SCHEMA/g, 'CONFIG_SCHEMA');
    const named = analyzeSnippet(formNamedLikeYaml, { rules, fileName: 'config_flow.py' }).checklist.find((entry) => entry.id === 'input-validation');
    assert.equal(named?.status, 'review');
    assert.match(named?.note ?? '', /async_step_import .* hands its data to `async_step_user` unvalidated/);
    // A discovery step handing on a dict it builds from what was discovered, as if the user had submitted it.
    const discovery = flow.replace(
      '    async def async_step_import(self, import_info):\n        return await self.async_step_user(import_info)',
      '    async def async_step_zeroconf(self, discovery_info):\n        host = discovery_info.properties["api_domain"]\n        return await self.async_step_user({"username": host, "password": ""})',
    );
    const discovered = analyzeSnippet(discovery, { rules, fileName: 'config_flow.py' }).checklist.find((entry) => entry.id === 'input-validation');
    assert.equal(discovered?.status, 'review');
    assert.match(discovered?.note ?? '', /async_step_zeroconf .* hands its data to `async_step_user` unvalidated/);
    // One that only opens the user step, with no data, leaves the user's form to check it.
    const opens = discovery.replace('self.async_step_user({"username": host, "password": ""})', 'self.async_step_user()');
    assert.equal(analyzeSnippet(opens, { rules, fileName: 'config_flow.py' }).checklist.find((entry) => entry.id === 'input-validation')?.status, 'pass');
    // The import step written as the user step itself (`async_step_import = async_step_user`).
    const aliased = flow.replace('    async def async_step_import(self, import_info):\n        return await self.async_step_user(import_info)\n', '    VERSION = 1\n');
    const aliasedItem = (yamlFiles: Record<string, string> = {}) => analyzeSnippet(`${aliased}\n    async_step_import = async_step_user\n`, { rules, fileName: 'config_flow.py', otherFiles: yamlFiles }).checklist.find((entry) => entry.id === 'input-validation');
    assert.equal(aliasedItem()?.status, 'review');
    assert.match(aliasedItem()?.note ?? '', /async_step_import in config_flow\.py is `async_step_user` itself/);
    assert.equal(aliasedItem({ '__init__.py': yaml })?.status, 'pass');
  });

  it('asks for a review of an import step that stores YAML data no schema of the integration checked', () => {
    const flow = [
      'from homeassistant import config_entries',
      '',
      '',
      'class Flow(config_entries.ConfigFlow, domain="demo"):',
      '    async def async_step_import(self, config):',
      '        host = f"{config[\'host\']}:{config[\'port\']}"',
      '        return self.async_create_entry(title="Demo", data={"url": f"http://{host}", "api_key": config["api_key"]})',
      '',
    ].join('\n');
    const item = analyzeSnippet(flow, { rules, fileName: 'config_flow.py' }).checklist.find((entry) => entry.id === 'input-validation');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /async_step_import .* stores what configuration\.yaml held \(`async_create_entry`\) and no CONFIG_SCHEMA or PLATFORM_SCHEMA/);
    const yaml = 'import voluptuous as vol\nfrom homeassistant.components.sensor import PLATFORM_SCHEMA\n\nPLATFORM_SCHEMA = PLATFORM_SCHEMA.extend({vol.Required("host"): str, vol.Required("port"): int, vol.Required("api_key"): str})\n';
    assert.equal(analyzeSnippet(flow, { rules, fileName: 'config_flow.py', otherFiles: { 'sensor.py': yaml } }).checklist.find((entry) => entry.id === 'input-validation')?.status, 'pass');
    // `cv.deprecated(DOMAIN)` warns and lets the YAML through unchecked.
    const deprecated = 'from homeassistant.helpers import config_validation as cv\n\nCONFIG_SCHEMA = cv.deprecated("demo")\n';
    assert.equal(analyzeSnippet(flow, { rules, fileName: 'config_flow.py', otherFiles: { '__init__.py': deprecated } }).checklist.find((entry) => entry.id === 'input-validation')?.status, 'review');
    // An entry written from constants takes nothing from the YAML.
    const fixed = flow.replace('data={"url": f"http://{host}", "api_key": config["api_key"]}', 'data={}');
    assert.equal(analyzeSnippet(fixed, { rules, fileName: 'config_flow.py' }).checklist.find((entry) => entry.id === 'input-validation')?.status, 'pass');
    // Through a method of the flow that writes the entry from what it is handed.
    const helper = flow.replace(
      '        return self.async_create_entry(title="Demo", data={"url": f"http://{host}", "api_key": config["api_key"]})',
      '        return await self._create_entry(host, config["api_key"])\n\n    async def _create_entry(self, host, api_key):\n        return self.async_create_entry(title=host, data={"url": host, "api_key": api_key})',
    );
    const throughHelper = analyzeSnippet(helper, { rules, fileName: 'config_flow.py' }).checklist.find((entry) => entry.id === 'input-validation');
    assert.equal(throughHelper?.status, 'review');
    assert.match(throughHelper?.note ?? '', /stores what configuration\.yaml held \(`_create_entry`\)/);
  });

  it('takes a step named for validating, handed the import data, for a step and not a validator', () => {
    const flow = (step: string) =>
      `import voluptuous as vol\nfrom homeassistant import config_entries\n\nUSER_SCHEMA = vol.Schema({vol.Required("host"): str, vol.Required("token"): str})\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_import(self, user_input=None):\n        return await self.${step}(user_input)\n\n    async def async_step_user(self, user_input=None):\n        return await self.async_step_validate(user_input)\n\n    async def async_step_validate(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title=user_input["host"], data=user_input)\n        return self.async_show_form(step_id="user", data_schema=USER_SCHEMA)\n`;
    const item = analyzeSnippet(flow('async_step_validate'), { rules, fileName: 'config_flow.py' }).checklist.find((entry) => entry.id === 'input-validation');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /hands its data to `async_step_validate` unvalidated/);
  });

  it("follows the input into the flow's own helpers, and reports only a helper that reads it", () => {
    const flow = (helper: string) =>
      [
        'from homeassistant import config_entries',
        '',
        '',
        'class Flow(config_entries.ConfigFlow, domain="demo"):',
        '    async def async_step_user(self, user_input=None):',
        '        if self._async_current_entries():',
        '            return self.async_abort(reason="single_instance_allowed")',
        '        return await self._show_form(user_input)',
        '',
        '    async def _show_form(self, user_input):',
        `        ${helper}`,
        '        return self.async_show_form(step_id="user", data_schema=None)',
        '',
      ].join('\n');
    assert.deepEqual(analyzeSnippet(flow('self._shown = True'), { rules, fileName: 'config_flow.py' }).findings, []);
    assert.equal(analyzeSnippet(flow('self._host = user_input["host"]'), { rules, fileName: 'config_flow.py' }).findings.length, 1);
  });

  it('knows a flow class named after the base it shadows (class ConfigFlow(ConfigFlow, domain=DOMAIN))', () => {
    const flow = [
      'from homeassistant.config_entries import ConfigFlow',
      '',
      '',
      'class ConfigFlow(ConfigFlow, domain="demo"):',
      '    async def async_step_user(self, user_input=None):',
      '        if user_input is not None:',
      '            return self.async_create_entry(title=user_input["host"], data=user_input)',
      '        return self.async_show_form(step_id="user")',
      '',
    ].join('\n');
    assert.equal(analyzeSnippet(flow, { rules, fileName: 'config_flow.py' }).findings.length, 1);
  });

  it('reports a step other steps call that also shows its own form without a schema, and stores what is submitted', () => {
    const flow = (form: string) =>
      [
        'from homeassistant import config_entries',
        '',
        '',
        'class Flow(config_entries.ConfigFlow, domain="demo"):',
        '    async def async_step_user(self, user_input=None):',
        '        if user_input is None:',
        `            return self.async_show_form(step_id="user"${form})`,
        '        return self.async_create_entry(title="Demo", data=user_input)',
        '',
        '    async def async_step_import(self, import_data):',
        '        return await self.async_step_user(import_data)',
        '',
      ].join('\n');
    assert.equal(analyzeSnippet(flow(''), { rules, fileName: 'config_flow.py' }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(flow(', data_schema=vol.Schema({vol.Required("name"): str})').replace('from homeassistant', 'import voluptuous as vol\nfrom homeassistant'), { rules, fileName: 'config_flow.py' }).findings, []);
  });

  it('does not count reads of a dict the step put in place of its input', () => {
    const flow = (first: string) =>
      ['import voluptuous as vol', 'from homeassistant import config_entries', '', '', 'class Flow(config_entries.ConfigFlow, domain="demo"):', '    async def async_step_user(self, user_input=None):', first, '        user_input["name"] = "demo"', '        return self.async_show_form(step_id="oauth", data_schema=vol.Schema({vol.Required("name", default=user_input["name"]): str}))', '', '    async def async_step_oauth(self, user_input=None):', '        if user_input is not None:', '            return self.async_create_entry(title=user_input["name"], data={})', '        return self.async_show_form(step_id="oauth", data_schema=vol.Schema({vol.Required("name"): str}))', ''].join('\n');
    assert.deepEqual(analyzeSnippet(flow('        user_input = {}'), { rules, fileName: 'config_flow.py' }).findings, []);
    // Replaced only on one path, the input may still be read.
    assert.equal(analyzeSnippet(flow('        if user_input is None:\n            user_input = {}'), { rules, fileName: 'config_flow.py' }).findings.length, 1);
  });

  it('judges a step another step only opens (called without input) by its own form', () => {
    const flow = (show: string) =>
      ['from homeassistant import config_entries', '', '', 'class Options(config_entries.OptionsFlow):', '    async def async_step_init(self, user_input=None):', '        return await self.async_step_hook()', '', '    async def async_step_hook(self, user_input=None):', '        if user_input is not None:', '            return self.async_create_entry(title="", data=user_input)', `        return self.async_show_form(${show})`, ''].join('\n');
    assert.deepEqual(analyzeSnippet(flow('step_id="hook"'), { rules, fileName: 'config_flow.py' }).findings.map((finding) => finding.range.start.line), [7]);
    assert.deepEqual(analyzeSnippet(flow('step_id="hook", data_schema=vol.Schema({})'), { rules, fileName: 'config_flow.py' }).findings, []);
  });

  it("does not count input handed to the base class's own step (Home Assistant's OAuth2 flow shows its form)", () => {
    const flow = (body: string) =>
      ['import logging', '', 'from homeassistant.helpers import config_entry_oauth2_flow', '', '', 'class OAuth2FlowHandler(config_entry_oauth2_flow.AbstractOAuth2FlowHandler, domain="demo"):', '    DOMAIN = "demo"', '', '    async def async_step_user(self, user_input=None):', body, ''].join('\n');
    const forwarded = analyzeSnippet(flow('        return await super().async_step_user(user_input)'), { rules, fileName: 'config_flow.py' });
    assert.deepEqual(forwarded.findings, []);
    assert.notEqual(forwarded.checklist.find((item) => item.id === 'input-validation')?.status, 'fail');
    // Read here, the input is this step's business.
    assert.equal(analyzeSnippet(flow('        self.hass.data["demo"] = user_input["token"]\n        return await super().async_step_user(user_input)'), { rules, fileName: 'config_flow.py' }).findings.length, 1);
  });

  it('does not count the OAuth token handed to a step the class names as its entry hook', () => {
    const flow = (hook: string) =>
      ['from homeassistant.helpers import config_entry_oauth2_flow', '', '', 'class OAuth2FlowHandler(config_entry_oauth2_flow.AbstractOAuth2FlowHandler, domain="demo"):', '    DOMAIN = "demo"', '', '    async def async_step_fetch_devices(self, data):', '        self.devices = await fetch_devices(data["token"]["access_token"])', '        return self.async_create_entry(title="x", data=data)', '', hook, ''].join('\n');
    assert.deepEqual(analyzeSnippet(flow('    async_oauth_create_entry = async_step_fetch_devices'), { rules, fileName: 'config_flow.py' }).findings, []);
    assert.equal(analyzeSnippet(flow('    other_name = async_step_fetch_devices'), { rules, fileName: 'config_flow.py' }).findings.length, 1);
  });

  it('does not take an attribute or a keyword of the same name for a read of the step input', () => {
    const flow = [
      'from homeassistant import config_entries',
      '',
      '',
      'class Flow(config_entries.ConfigFlow, domain="demo"):',
      '    async def async_step_reconfigure(self, entry):',
      '        self.entry = self.hass.config_entries.async_get_entry(self.context["entry_id"])',
      '        return await self.async_step_pick(entry=None)',
      '',
    ].join('\n');
    assert.deepEqual(analyzeSnippet(flow, { rules, fileName: 'config_flow.py' }).findings, []);
  });

  it('asks to review a view that uses its query string without a schema', () => {
    const view = (line: string) => `from homeassistant.components.http import HomeAssistantView\n\n\nclass CallbackView(HomeAssistantView):\n    url = "/api/demo/callback"\n    name = "api:demo:callback"\n    requires_auth = False\n\n    async def get(self, request):\n${line}\n        return self.json({})\n`;
    const item = status(view('        await request.app["hass"].config_entries.flow.async_configure(flow_id=request.query["flow_id"], user_input={"code": request.query.get("code")})'));
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /`get` in __init__\.py uses an HTTP request's query string without a schema/);
    assert.equal(status(view('        query = QUERY_SCHEMA(dict(request.query))'))?.status, 'pass');
  });

  it('asks to review a view whose path parameters set a state or fire an event', () => {
    const view = (line: string) => `from homeassistant.components.http import HomeAssistantView\n\n\nclass StateView(HomeAssistantView):\n    url = "/api/demo/{entity_id}/{state}"\n    name = "api:demo:state"\n\n    async def get(self, request, entity_id, state):\n        hass = request.app["hass"]\n${line}\n        return self.json({})\n`;
    const item = status(view('        hass.states.async_set(entity_id, state)'));
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /`get` in __init__\.py uses an HTTP request's path parameters without a schema/);
    assert.equal(status(view('        hass.bus.async_fire("demo_pushed", {"value": state == "1"})'))?.status, 'review');
    // Looked up, not acted on: the item stays passed.
    assert.equal(status(view('        return self.json({"state": hass.states.get(entity_id).state})'))?.status, 'pass');
  });

  it('accepts views validated by RequestDataValidator', () => {
    const source = [
      'import voluptuous as vol',
      'from homeassistant.components.http import HomeAssistantView',
      'from homeassistant.components.http.data_validator import RequestDataValidator',
      '',
      '',
      'class V(HomeAssistantView):',
      '    @RequestDataValidator(vol.Schema({vol.Required("name"): str}))',
      '    async def post(self, request, data):',
      '        return self.json(await request.json())',
      '',
    ].join('\n');
    assert.equal(status(source)?.status, 'pass');
    assert.equal(status(source.replace(/ {4}@RequestDataValidator.*\n/, ''))?.status, 'review');
  });

  it('asks to review discovery data that reaches a command or a file without validation', () => {
    const source = [
      'import subprocess',
      'from homeassistant import config_entries',
      '',
      '',
      'class Flow(config_entries.ConfigFlow, domain="acme"):',
      '    async def async_step_zeroconf(self, discovery_info):',
      '        subprocess.run(["ping", "-c", "1", discovery_info.host], check=False)',
      '        return await self.async_step_confirm()',
      '',
    ].join('\n');
    const entry = status(source);
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /async_step_zeroconf.*subprocess\.run/);
    assert.deepEqual(analyzeSnippet(source, { rules }).findings, []);
  });

  it('is not applicable without flows, services or request handlers', () => {
    assert.equal(status('VALUE = 1\n')?.status, 'not-applicable');
  });

  it('takes a step that only shows a menu for one that is never given input', () => {
    const flow = (show: string) =>
      `from homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="intercom"):\n    async def async_step_user(self, user_input=None):\n        return ${show}\n`;
    assert.deepEqual(analyzeSnippet(flow('self.async_show_menu(step_id="user", menu_options=["sms", "app"], description_placeholders=user_input)'), { rules, fileName: 'config_flow.py' }).findings, []);
    assert.equal(analyzeSnippet(flow('self.async_create_entry(title="Intercom", data=user_input)'), { rules, fileName: 'config_flow.py' }).findings.length, 1);
  });
});
