import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyTextEdits, combineFixes, safeFixes } from '../../../server/src/analysis/fixAll';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { logSecret, percentConversions } from '../../../server/src/analysis/rules/logSecret';
import type { Finding } from '../../../server/src/analysis/types';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup, type SnippetOptions } from '../../helpers/analysis';

const rules = [logSecret];
const constModule = [
  'import logging',
  '',
  'LOGGER = logging.getLogger(__package__)',
  'DOMAIN = "demo"',
  'CONF_REFRESH_TOKEN = "refresh_token"',
  '',
].join('\n');

/** The top of a config flow module asking for a username and a password. */
const FLOW_HEAD = [
  'import logging',
  '',
  'import voluptuous as vol',
  'from homeassistant import config_entries',
  'from homeassistant.const import CONF_PASSWORD, CONF_USERNAME',
  '',
  '_LOGGER = logging.getLogger(__name__)',
  'SCHEMA = vol.Schema({vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str})',
  '',
  '',
];

function errorNodes(source: string): number {
  const tree = parsePython(source);
  const count = tree.rootNode.descendantsOfType('ERROR').length + (tree.rootNode.hasError ? 1 : 0);
  tree.delete();
  return count;
}

function findings(source: string, options: SnippetOptions = {}): Finding[] {
  return analyzeSnippet(source, { rules, ...options }).findings.filter((finding) => finding.path.endsWith(`/${options.fileName ?? '__init__.py'}`));
}

/** Applies the finding's fix (or its only suggestion) and checks the result: parses, the finding is gone, nothing new. */
function applyAndRecheck(source: string, options: SnippetOptions = {}, expectSafe = true): string {
  const before = findings(source, options);
  assert.equal(before.length, 1, `one finding expected, got ${before.map((finding) => finding.message).join(' | ')}`);
  const fix = before[0].fix ?? before[0].suggestions?.[0];
  assert.ok(fix, 'a fix is offered');
  assert.equal(fix.safe, expectSafe, `the fix is ${expectSafe ? 'safe' : 'a suggestion'}`);
  const fixed = applyEdits(source, fix.edits);
  assert.equal(errorNodes(fixed), 0, 'the fixed code parses');
  assert.deepEqual(findings(fixed, options), [], 'the finding is gone and nothing new appears');
  return fixed;
}

describe('log-secret', () => {
  before(setup);

  for (const fixture of fixtureFiles('log-secret')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules, { otherFiles: { 'const.py': constModule } });
    });
  }

  it('follows a tuple unpacked from a function of the integration to what it returns at that place', () => {
    const auth = 'import time\n\n\nasync def refresh_access_token(data):\n    token = data["refresh_token"]\n    expires_on = int(time.time()) + 3600\n    return "Bearer " + token, token, expires_on\n';
    const init = (logged: string) =>
      `import logging\n\nfrom .auth import refresh_access_token\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    header, refreshed, access_token_expires_on = await refresh_access_token(dict(entry.data))\n    _LOGGER.info("Token refreshed, expires on %s", ${logged})\n`;
    const found = (logged: string) => analyzeSnippet(init(logged), { rules, otherFiles: { 'auth.py': auth } }).findings;
    assert.deepEqual(found('access_token_expires_on'), []);
    // The other places hold the token, whatever the names they are unpacked into.
    assert.equal(found('header').length, 1);
    assert.equal(found('refreshed').length, 1);
  });

  it('reads the log call a functools.partial builds, and one handed to the executor', () => {
    const module = (call: string) =>
      `import logging\nfrom functools import partial\n\nfrom homeassistant.const import CONF_API_KEY, CONF_HOST\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    api_key = entry.data[CONF_API_KEY]\n    host = entry.data[CONF_HOST]\n    await hass.async_add_executor_job(${call})\n`;
    const found = (call: string) => analyzeSnippet(module(call), { rules }).findings;
    const [partialFinding] = found('partial(_LOGGER.debug, "key %s", api_key)');
    assert.ok(partialFinding?.fix?.safe);
    const fixed = applyEdits(module('partial(_LOGGER.debug, "key %s", api_key)'), partialFinding.fix.edits);
    assert.match(fixed, /partial\(_LOGGER\.debug, "key %s", "\*\*REDACTED\*\*"\)/);
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
    assert.equal(found('_LOGGER.debug, "key %s", api_key').length, 1);
    assert.deepEqual(found('partial(_LOGGER.debug, "host %s", host)'), []);
    assert.deepEqual(found('partial(print, "host", host)'), []);
  });

  it("takes a tokenizer's tokens for source text, and a token getter's result for a credential", () => {
    const source = (call: string) => `import logging\nimport tokenize\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef dump(source, client):\n    tokens = ${call}\n    _LOGGER.debug("%s", tokens)\n`;
    assert.deepEqual(analyzeSnippet(source('tokenize.generate_tokens(source.readline)'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('client.lexer.get_tokens(source)'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('client.generate_tokens()'), { rules }).findings.length, 1);
  });

  it("takes a signed path's authSig for a credential, named by Home Assistant's constant or written out", () => {
    const source = (key: string) =>
      `import logging\n\nfrom homeassistant.components.http.auth import SIGN_QUERY_PARAM\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def get(request):\n    _LOGGER.debug("signature %s", request.query.get(${key}))\n`;
    assert.equal(analyzeSnippet(source('SIGN_QUERY_PARAM'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('"authSig"'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('"server"'), { rules }).findings, []);
  });

  it('follows a token into the URL urljoin or yarl.URL build from it', () => {
    const source = (build: string) =>
      `import logging\nfrom urllib.parse import urljoin\n\nfrom yarl import URL\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Api:\n    def url(self, path):\n        absolute_url = ${build}\n        _LOGGER.debug(absolute_url)\n        return absolute_url\n`;
    assert.equal(analyzeSnippet(source('urljoin(self.base_url, "%s?token=%s" % (path, self.token))'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('URL(f"{self.base_url}/{path}?token={self.token}")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('urljoin(self.base_url, path)'), { rules }).findings, []);
  });

  it("reports a request's whole query string logged where the integration reads a credential from a query", () => {
    const view = (check: string) =>
      `import logging\n\nfrom homeassistant.components.http import HomeAssistantView\nfrom homeassistant.components.http.auth import SIGN_QUERY_PARAM\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass StreamView(HomeAssistantView):\n    url = "/api/demo/ws"\n    name = "api:demo:ws"\n    requires_auth = False\n\n    async def get(self, request):\n        params = request.query\n        _LOGGER.debug(f"New client: {dict(params)}")\n        ${check}\n        return self.json({"server": params.get("server")})\n`;
    const found = analyzeSnippet(view('signature = request.query.get(SIGN_QUERY_PARAM)'), { rules }).findings;
    assert.deepEqual(found.map((finding) => finding.range.start.line), [15]);
    assert.match(found[0].message, /holds the credential "authSig"/);
    assert.deepEqual(analyzeSnippet(view('page = request.query.get("page")'), { rules }).findings, []);
  });

  it('reports credentials as errors and inferred payloads as warnings', () => {
    const source = [
      'import logging',
      'from homeassistant.const import CONF_PASSWORD',
      '_LOGGER = logging.getLogger(__name__)',
      '',
      'async def async_setup_entry(hass, entry):',
      '    _LOGGER.debug("%s", entry.data[CONF_PASSWORD])',
      '    _LOGGER.debug("%s", entry.data)',
      '',
    ].join('\n');
    assert.deepEqual(findings(source).map((finding) => [finding.range.start.line, finding.severity]), [[5, 'error'], [6, 'warning']]);
  });

  it("judges an import step's input by the data the YAML setup hands it, when the setup is found", () => {
    const init = (data: string) =>
      [
        'import voluptuous as vol',
        'from homeassistant import config_entries',
        'from homeassistant.const import CONF_ACCESS_TOKEN, CONF_DEVICES',
        '',
        'DOMAIN = "demo"',
        'CONFIG_SCHEMA = vol.Schema({DOMAIN: vol.Schema({vol.Required(CONF_ACCESS_TOKEN): str, vol.Optional(CONF_DEVICES): list})}, extra=vol.ALLOW_EXTRA)',
        '',
        '',
        'async def async_setup(hass, config):',
        '    conf = config[DOMAIN]',
        '    for device in conf.get(CONF_DEVICES, []):',
        `        hass.async_create_task(hass.config_entries.flow.async_init(DOMAIN, context={"source": config_entries.SOURCE_IMPORT}, data=${data}))`,
        '    return True',
        '',
      ].join('\n');
    const flow = ['import logging', '', 'from homeassistant import config_entries', '', '_LOGGER = logging.getLogger(__name__)', '', '', 'class Flow(config_entries.ConfigFlow, domain="demo"):', '    async def async_step_import(self, device_config):', '        _LOGGER.debug(device_config)', '        return self.async_create_entry(title="demo", data=device_config)', ''].join('\n');
    const logged = (data: string) => analyzeSnippet(flow, { rules, fileName: 'config_flow.py', otherFiles: { '__init__.py': init(data) } }).findings.length;
    assert.equal(logged('device'), 0);
    assert.equal(logged('conf'), 1);
    // Without a setup that imports, the input may hold whatever the YAML schema takes.
    assert.equal(analyzeSnippet(flow, { rules, fileName: 'config_flow.py', otherFiles: { '__init__.py': init('conf').replace(/async_init\(.*\)\)/, 'async_forward()') } }).findings.length, 1);
  });

  it("follows a webhook body into the handlers of a decorator.Registry it is dispatched through", () => {
    const messages = (dispatch: string) =>
      [
        'import logging',
        '',
        'from homeassistant.components import webhook',
        'from homeassistant.util import decorator',
        '',
        '_LOGGER = logging.getLogger(__name__)',
        'HANDLERS = decorator.Registry()',
        '',
        '',
        '@HANDLERS.register("location")',
        'async def handle_location(hass, message):',
        '    _LOGGER.debug("Location message: %s", message)',
        '',
        '',
        'async def handle_webhook(hass, webhook_id, request):',
        '    message = await request.json()',
        `    ${dispatch}`,
        '',
        '',
        'def setup(hass):',
        '    webhook.async_register(hass, "demo", "Demo", "hook", handle_webhook)',
        '',
      ].join('\n');
    const logged = (dispatch: string) => analyzeSnippet(messages(dispatch), { rules }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(logged('await HANDLERS.get(message["_type"])(hass, message)'), [11]);
    assert.deepEqual(logged('handler = HANDLERS[message["_type"]]\n    await handler(hass, message)'), [11]);
    assert.deepEqual(logged('await HANDLERS.get(message["_type"])(hass, {"kind": message["_type"]})'), []);
  });

  it("follows a flow's input into a helper of the module that logs its parameter, unless the helper rebinds it", () => {
    const flow = (helper: string[]) =>
      [
        ...FLOW_HEAD,
        'async def validate_input(hass, data):',
        ...helper.map((line) => `    ${line}`),
        '    return data',
        '',
        '',
        'class Flow(config_entries.ConfigFlow, domain="demo"):',
        '    async def async_step_user(self, user_input=None):',
        '        if user_input is not None:',
        '            await validate_input(self.hass, user_input)',
        '            return self.async_create_entry(title="x", data=user_input)',
        '        return self.async_show_form(step_id="user", data_schema=SCHEMA)',
        '',
      ].join('\n');
    assert.deepEqual(findings(flow(['_LOGGER.debug("validating input: %s", data)'])).map((finding) => finding.range.start.line), [11]);
    assert.deepEqual(findings(flow(['data = await hass.async_add_executor_job(dict)', '_LOGGER.debug("account: %s", data)'])), []);
  });

  it('takes a key a probatio schema wraps in Secret for a credential, whatever its name', () => {
    const source = (key: string) =>
      [
        'import logging',
        '',
        'import probatio',
        'from homeassistant import config_entries',
        '',
        '_LOGGER = logging.getLogger(__name__)',
        'CONF_KEY = "key"',
        `SCHEMA = probatio.Schema({probatio.Required("host"): str, probatio.Required(${key}): str})`,
        '',
        '',
        'class Flow(config_entries.ConfigFlow, domain="demo"):',
        '    async def async_step_user(self, user_input=None):',
        '        if user_input is not None:',
        '            _LOGGER.debug("Setting up with %s", user_input)',
        '            return self.async_create_entry(title="x", data=user_input)',
        '        return self.async_show_form(step_id="user", data_schema=SCHEMA)',
        '',
        '',
        'async def async_setup_entry(hass, entry):',
        '    _LOGGER.debug("Key %s", entry.data[CONF_KEY])',
        '    return True',
        '',
      ].join('\n');
    assert.deepEqual(findings(source('probatio.Secret(CONF_KEY)')).map((finding) => [finding.range.start.line, finding.severity]), [[13, 'warning'], [19, 'error']]);
    assert.deepEqual(findings(source('CONF_KEY')), []);
  });

  it('takes a secret-named piece cut from unseen text for the secret, and a few characters of a credential for none', () => {
    const source = (assigned: string) =>
      `import logging\nimport re\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef read_code(output, header, self):\n    match = re.search(r"code \\w+", output)\n    token = ${assigned}\n    _LOGGER.info("Use the code: " + token)\n`;
    for (const assigned of ['match.group()[-9:]', 'header[7:]']) assert.equal(findings(source(assigned)).length, 1, assigned);
    for (const assigned of ['self._token[:4]', 'self._token[-4:]']) assert.deepEqual(findings(source(assigned)), [], assigned);
    // A few characters of a credential read by its key, whatever holds it.
    const keyed = (assigned: string) => source(assigned).replace('import re\n', 'import re\n\nfrom homeassistant.const import CONF_TOKEN\n');
    for (const assigned of ['self.data.get(CONF_TOKEN, "")[:8]', 'self.data[CONF_TOKEN][-4:]']) assert.deepEqual(findings(keyed(assigned)), [], assigned);
    assert.equal(findings(keyed('self.data.get(CONF_TOKEN, "")')).length, 1);
  });

  it("leaves a lexer's tokens alone: in a class named as one, or a tokenizer module", () => {
    const source = (name: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass ${name}:\n    def read(self, token):\n        _LOGGER.debug("token %r", token)\n        _LOGGER.debug("current %r, next %r", self.token, self.get_token())\n`;
    assert.deepEqual(findings(source('TemplateLexer')), []);
    assert.deepEqual(findings(source('shlex')), []);
    assert.equal(findings(source('CloudClient')).length, 2);
    assert.deepEqual(findings(source('Reader'), { fileName: 'tokenizer.py' }), []);
  });

  it('follows only what an assignment that always runs before the log call put in a name', () => {
    const local = (between: string) =>
      `import logging\n\nfrom homeassistant.const import CONF_PASSWORD\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    password = entry.data[CONF_PASSWORD]\n    await hass.async_add_executor_job(login, password)\n${between}    _LOGGER.debug("logged in with %s", password)\n`;
    assert.deepEqual(findings(local('    password = "***"\n')), []);
    assert.equal(findings(local('    if entry.options.get("hide"):\n        password = "***"\n')).length, 1, 'an assignment in a branch may not run');
    assert.equal(findings(local('    password = "***" if not hass.is_running else password\n')).length, 1);
    assert.equal(findings(local('')).length, 1);
    // A global the service handler sets before logging it holds the service's value, not the setup's database URL.
    const global = (handler: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\nDB_PATH = None\n\n\ndef setup(hass, config):\n    global DB_PATH\n    DB_PATH = config["demo"]["db_url"]\n\n    def set_path(call):\n        global DB_PATH\n${handler}        _LOGGER.info("now using %s", DB_PATH)\n\n    hass.services.register("demo", "set_path", set_path)\n    return True\n`;
    assert.deepEqual(findings(global('        DB_PATH = call.data["path"]\n')), []);
    assert.equal(findings(global('')).length, 1);
  });

  it('counts print as logging, but not print into a file', () => {
    const source = (line: string) =>
      `import sys\n\nfrom homeassistant.const import CONF_TOKEN\n\n\nasync def async_setup_entry(hass, entry):\n    token = entry.data[CONF_TOKEN]\n    ${line}\n    return True\n`;
    for (const line of ['print("token:", token)', 'print(f"token {token}")', 'print(token, file=sys.stderr)']) {
      const found = findings(source(line));
      assert.deepEqual(found.map((finding) => [finding.range.start.line, finding.severity]), [[7, 'error']], line);
      assert.match(found[0].message, /^This print call/);
    }
    const fixed = applyEdits(source('print("token:", token)'), findings(source('print("token:", token)'))[0].fix!.edits);
    assert.match(fixed, /print\("token:", "\*\*REDACTED\*\*"\)/);
    assert.deepEqual(findings(fixed), []);
    for (const silent of ['print("token:", len(token))', 'print(token, file=handle)']) {
      assert.deepEqual(findings(source(silent)), [], silent);
    }
    // A function of the module named print is not the builtin.
    assert.deepEqual(findings(`def print(*args):\n    return None\n\n\n${source('print(token)')}`), []);
  });

  it("judges a form's key whose value it cannot see by the constant's name", () => {
    // The integration asks for a token elsewhere; this form asks only for the key a library (or a module we lack) names.
    const options = (key: string) =>
      [
        'import logging',
        '',
        'import voluptuous as vol',
        'from homeassistant import config_entries',
        `from acme_client.const import ${key}`,
        '',
        '_LOGGER = logging.getLogger(__name__)',
        'CONF_ACCESS_TOKEN = "access_token"',
        '',
        '',
        'class Options(config_entries.OptionsFlow):',
        '    async def async_step_init(self, user_input=None):',
        '        _LOGGER.debug(user_input)',
        '        if user_input is not None:',
        `            return self.async_create_entry(data={${key}: user_input[${key}]})`,
        `        return self.async_show_form(step_id="init", data_schema=vol.Schema({vol.Optional(${key}, default=[]): list}))`,
        '',
        '',
        'def token(entry):',
        '    return entry.data[CONF_ACCESS_TOKEN]',
        '',
      ].join('\n');
    assert.deepEqual(findings(options('OPTION_LOCATIONS')), []);
    assert.deepEqual(findings(options('CONF_API_TOKEN')).map((finding) => finding.range.start.line), [12]);
  });

  it("follows a flow's input into a method of the flow that logs its parameter (await self.async_auth(user_input))", () => {
    const flow = [
      ...FLOW_HEAD,
      'class Flow(config_entries.ConfigFlow, domain="demo"):',
      '    async def async_auth(self, user_input):',
      '        _LOGGER.debug("Authenticating with %s", user_input)',
      '        return {}',
      '',
      '    async def async_step_user(self, user_input=None):',
      '        if user_input is not None and not await self.async_auth(user_input):',
      '            return self.async_create_entry(title="x", data=user_input)',
      '        return self.async_show_form(step_id="user", data_schema=SCHEMA)',
      '',
    ].join('\n');
    assert.deepEqual(findings(flow).map((finding) => finding.range.start.line), [12]);
  });

  it('follows a request body through a schema that lets keys it does not name through', () => {
    const view = (schema: string) =>
      `import logging\n\nimport voluptuous as vol\nfrom aiohttp.web import Response\nfrom homeassistant.components.http import HomeAssistantView\n\n_LOGGER = logging.getLogger(__name__)\nBODY_SCHEMA = ${schema}\n\n\nclass HookView(HomeAssistantView):\n    url = "/api/demo/hook"\n    name = "api:demo:hook"\n\n    async def post(self, request):\n        body = BODY_SCHEMA(await request.json())\n        _LOGGER.debug("Received event: %s", body)\n        return Response(status=200)\n`;
    assert.deepEqual(findings(view('vol.Schema({vol.Required("event"): str}, extra=vol.ALLOW_EXTRA)')).map((finding) => finding.range.start.line), [16]);
    // Without extra keys, what comes out holds the named keys only.
    assert.deepEqual(findings(view('vol.Schema({vol.Required("event"): str})')), []);
  });

  it('does not report a value logged only where a test says it is empty', () => {
    const handler = (test: string, body = '        return') =>
      `import logging\n\nfrom homeassistant.components import webhook\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handle_webhook)\n    return True\n\n\nasync def handle_webhook(hass, webhook_id, request):\n    data = await request.text()\n    if ${test}:\n        _LOGGER.debug("Webhook %s got an unknown payload: %s", webhook_id, data)\n${body}\n`;
    for (const test of ['not data', 'data is None', 'data == ""', 'len(data) == 0', 'not data and webhook_id']) {
      assert.deepEqual(findings(handler(test)), [], test);
    }
    // Where the test does not say it is empty, the body is logged.
    for (const test of ['data', 'not data or webhook_id', 'data != ""', 'not webhook_id']) assert.equal(findings(handler(test)).length, 1, test);
    assert.equal(findings(handler('not data', '        return\n    else:\n        _LOGGER.debug("Payload: %s", data)')).length, 1);
  });

  it('reports a config entry logged through async_redact_data whose keys miss a credential the entries hold, and adds it', () => {
    const flow = 'import voluptuous as vol\nfrom homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="Demo", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required("username"): str, vol.Required("password"): str, vol.Required("api_key"): str}))\n';
    const init = (keys: string) =>
      `import logging\n\nfrom homeassistant.components.diagnostics import async_redact_data\n\n_LOGGER = logging.getLogger(__name__)\nTO_REDACT = {${keys}}\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Setting up with %s", async_redact_data(entry.data, TO_REDACT))\n    return True\n`;
    const options = { otherFiles: { 'config_flow.py': flow } };
    const [finding, ...rest] = findings(init('"password"'), options);
    assert.equal(rest.length, 0);
    assert.match(finding.message, /keys that miss "api_key".*that credential is logged/);
    const fixed = applyAndRecheck(init('"password"'), options);
    assert.match(fixed, /TO_REDACT = \{"password", "api_key"\}/);
    assert.deepEqual(findings(init('"password", "api_key"'), options), []);
  });

  it('takes a database connection URL for a credential: it carries the database password', () => {
    const source = (key: string) =>
      `import logging\n_LOGGER = logging.getLogger(__name__)\nCONF_URL = "${key}"\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Connecting to %s", entry.options[CONF_URL])\n`;
    for (const key of ['db_url', 'database_uri', 'dsn', 'connection_string']) assert.equal(findings(source(key)).length, 1, key);
    for (const key of ['url', 'base_url', 'db_name']) assert.deepEqual(findings(source(key)), [], key);
  });

  it('does not call entry.data a leak when the integration stores no credentials', () => {
    const source = 'import logging\n_LOGGER = logging.getLogger(__name__)\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Config %s", entry.data)\n    host = entry.data["host"]\n';
    assert.deepEqual(findings(source), []);
  });

  it('judges entry.options by what the flows write into the options', () => {
    const source = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def update_listener(hass, entry):\n    _LOGGER.debug(f"Options changed {entry.options}")\n    return entry.data["password"]\n';
    const flow = (optionsWrite: string) =>
      [
        'import voluptuous as vol',
        'from homeassistant import config_entries',
        '',
        '',
        'class Flow(config_entries.ConfigFlow, domain="demo"):',
        '    async def async_step_user(self, user_input=None):',
        '        if user_input is not None:',
        '            return self.async_create_entry(title="x", data=user_input, options={"polling_interval": 60})',
        '        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required("username"): str, vol.Required("password"): str}))',
        '',
        '',
        'class Options(config_entries.OptionsFlow):',
        '    async def async_step_init(self, user_input=None):',
        '        if user_input is not None:',
        optionsWrite,
        '        return self.async_show_form(step_id="init", data_schema=vol.Schema({vol.Required("polling_interval"): int}))',
        '',
      ].join('\n');
    const settings = '            return self.async_create_entry(title="", data={"polling_interval": user_input["polling_interval"]})';
    assert.deepEqual(findings(source, { otherFiles: { 'config_flow.py': flow(settings) } }), []);
    // Saved with async_update_entry, then an empty create_entry: still only the interval.
    const updated = '            self.hass.config_entries.async_update_entry(self.config_entry, options={"polling_interval": user_input["polling_interval"]})\n            return self.async_create_entry(title=None, data=None)';
    assert.deepEqual(findings(source, { otherFiles: { 'config_flow.py': flow(updated) } }), []);
    const withPassword = '            return self.async_create_entry(title="", data={"password": user_input["password"]})';
    assert.equal(findings(source, { otherFiles: { 'config_flow.py': flow(withPassword) } }).length, 1);
    const unreadable = '            return self.async_create_entry(title="", data=self._collected)';
    assert.equal(findings(source, { otherFiles: { 'config_flow.py': flow(unreadable) } }).length, 1);
    // Options nobody can read hold no credential when the integration names none.
    const noCredentials = flow(unreadable).replace(', vol.Required("password"): str', '');
    assert.deepEqual(findings(source.replace('    return entry.data["password"]\n', '    return None\n'), { otherFiles: { 'config_flow.py': noCredentials } }), []);
  });

  it('judges entry.data by what the entries hold, not by a password the flow only exchanges for a token', () => {
    const flow = 'import voluptuous as vol\nfrom homeassistant.const import CONF_PASSWORD\n\nSCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): str})\n\nclass Flow:\n    async def async_step_user(self, user_input=None):\n        token = await login(user_input[CONF_PASSWORD])\n        return self.async_create_entry(title="x", data={"token": token})\n';
    const source = 'import logging\n_LOGGER = logging.getLogger(__name__)\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Config %s", entry.data)\n';
    assert.equal(findings(source, { otherFiles: { 'config_flow.py': flow } }).length, 1, 'the token is stored');
    const noSecrets = flow.replace('data={"token": token}', 'data={"host": "x"}');
    assert.deepEqual(findings(source, { otherFiles: { 'config_flow.py': noSecrets } }), []);
  });

  it("knows the entries hold a password when the flow takes Home Assistant's key through const.py, by name or by star", () => {
    const constKeys = 'from homeassistant.const import CONF_HOST, CONF_PASSWORD\n\nDOMAIN = "demo"\n';
    const flow = (imports: string) => `import voluptuous as vol\n${imports}\n\nSCHEMA = vol.Schema({vol.Required(CONF_HOST): str, vol.Required(CONF_PASSWORD): str})\n\nclass Flow:\n    async def async_step_user(self, user_input=None):\n        return self.async_create_entry(title="x", data=user_input)\n`;
    const source = 'import logging\n_LOGGER = logging.getLogger(__name__)\n\nasync def async_options_updated(hass, entry):\n    _LOGGER.info(f"Entry changed: {entry.as_dict()}")\n';
    for (const imports of ['from .const import CONF_HOST, CONF_PASSWORD, DOMAIN', 'from .const import *']) {
      assert.equal(findings(source, { otherFiles: { 'const.py': constKeys, 'config_flow.py': flow(imports) } }).length, 1, imports);
    }
    assert.deepEqual(findings(source, { otherFiles: { 'const.py': constKeys.replace(', CONF_PASSWORD', ''), 'config_flow.py': flow('from .const import *\nCONF_PASSWORD = "pin_hint"') } }), []);
  });

  it('finds a logger imported from const.py and the credential keys defined there', () => {
    const source = 'from .const import CONF_REFRESH_TOKEN, LOGGER as log\n\nasync def async_setup_entry(hass, entry):\n    log.info("Refresh token %s", entry.data[CONF_REFRESH_TOKEN])\n';
    assert.equal(findings(source, { otherFiles: { 'const.py': constModule } }).length, 1);
  });

  it('knows the entries hold secrets nested in lists and secrets the flow generates, whatever their key', () => {
    const flow = (data: string) =>
      `import secrets\n\nimport voluptuous as vol\nfrom homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is None:\n            return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required("name"): str}))\n        hooks = [{"token": secrets.token_hex(32), "name": user_input["name"]}]\n        return self.async_create_entry(title="x", data=${data})\n`;
    const source = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.info(entry.data)\n    return True\n';
    for (const data of ['{"webhooks": hooks}', '{"auth": secrets.token_hex(32), "webhook_id": "x"}', '{"auth": str(secrets.token_urlsafe())}']) {
      assert.equal(findings(source, { otherFiles: { 'config_flow.py': flow(data) } }).length, 1, data);
    }
    assert.deepEqual(findings(source, { otherFiles: { 'config_flow.py': flow('{"webhooks": [{"name": user_input["name"]}], "auth": "basic"}') } }), []);
  });

  it("reports a service call logged whole (or its data) when the service's schema takes a credential", () => {
    const source = (field: string) =>
      `import logging\n\nimport voluptuous as vol\n\n_LOGGER = logging.getLogger(__name__)\nATTR_USER_CODE = "${field}"\n\n\nasync def async_setup_entry(hass, entry):\n    async def add_code(service):\n        _LOGGER.debug("Add code: %s", service)\n        _LOGGER.debug("Add code data: %s", service.data)\n        _LOGGER.debug("Slot: %s", service.data["code_slot"])\n\n    hass.services.async_register("demo", "add_code", add_code, schema=vol.Schema({vol.Required("code_slot"): int, vol.Required(ATTR_USER_CODE): str}))\n    return True\n`;
    const found = findings(source('usercode'));
    assert.deepEqual(found.map((finding) => finding.range.start.line), [10, 11]);
    assert.match(found[0].message, /a service call whose data holds the credential "usercode"/);
    assert.ok(found.every((finding) => !finding.fix), 'its keys are the service\'s: no redaction set of the integration is sure to cover them');
    assert.deepEqual(findings(source('name')), []);
  });

  it('follows what the module put in hass.data under a key to a log of that key', () => {
    const source = (stored: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    domain_config = ${stored}\n    hass.data["demo-config"] = {"demo": domain_config}\n    _LOGGER.debug(f"update hass data {hass.data['demo-config']}")\n    return entry.data["password"]\n`;
    const flow = `${FLOW_HEAD.join('\n')}class Flow:\n    async def async_step_user(self, user_input=None):\n        if user_input is None:\n            return self.async_show_form(step_id="user", data_schema=SCHEMA)\n        return self.async_create_entry(title="x", data=user_input)\n`;
    assert.equal(findings(source('{**entry.data, "packet_dump": False}'), { otherFiles: { 'config_flow.py': flow } }).length, 1);
    assert.deepEqual(findings(source('{"packet_dump": False}'), { otherFiles: { 'config_flow.py': flow } }), []);
  });

  it('reports a comprehension that keeps only the credentials, and accepts one that leaves them out', () => {
    const source = (test: string) =>
      `import logging\n\nfrom homeassistant.const import CONF_PASSWORD, CONF_USERNAME\n\n_LOGGER = logging.getLogger(__name__)\nONLY_IN_ENTRY = [CONF_USERNAME, CONF_PASSWORD]\n\n\nasync def async_setup_entry(hass, entry):\n    login = {k: v for k, v in entry.data.items() if ${test}}\n    _LOGGER.debug(f"login-data={login}")\n`;
    assert.equal(findings(source('k in ONLY_IN_ENTRY')).length, 1);
    assert.deepEqual(findings(source('k not in ONLY_IN_ENTRY')), []);
    assert.deepEqual(findings(source('k in ("host", "port")')), []);
  });

  it('accepts a copy of the entry data whose secret keys a loop overwrites before it is logged', () => {
    const source = (keys: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    redacted = {**entry.data}\n    for key in ${keys}:\n        if key in redacted:\n            redacted[key] = "********"\n    _LOGGER.debug("Setting up %s: %s", entry.entry_id, redacted)\n    return entry.data["password"]\n`;
    const flow = `${FLOW_HEAD.join('\n')}class Flow:\n    async def async_step_user(self, user_input=None):\n        if user_input is None:\n            return self.async_show_form(step_id="user", data_schema=SCHEMA)\n        return self.async_create_entry(title="x", data=user_input)\n`;
    assert.deepEqual(findings(source('("password", "username")'), { otherFiles: { 'config_flow.py': flow } }), []);
    assert.equal(findings(source('("host", "username")'), { otherFiles: { 'config_flow.py': flow } }).length, 1);
  });

  it("takes an entry's as_dict()[\"data\"] for its data", () => {
    const source = (read: string) =>
      ['import logging', 'from homeassistant.const import CONF_TOKEN', '', '_LOGGER = logging.getLogger(__name__)', '', '', 'async def async_setup_entry(hass, entry):', `    data = ${read}`, '    _LOGGER.debug("setup: %s", data)', '    return entry.data[CONF_TOKEN]', ''].join('\n');
    assert.equal(findings(source('entry.as_dict()["data"]')).length, 1);
    assert.deepEqual(findings(source('entry.as_dict()["title"]')), []);
  });

  it('reports a template naming a credential field filled in from a payload (.format(**entry.data))', () => {
    const source = (template: string) =>
      ['import logging', 'from homeassistant.const import CONF_PASSWORD', '', '_LOGGER = logging.getLogger(__name__)', '', '', 'async def async_setup_entry(hass, entry):', `    _LOGGER.debug("${template}".format(**entry.data))`, '    return entry.data[CONF_PASSWORD]', ''].join('\n');
    assert.match(findings(source('Login {username}:{password}'))[0]?.message ?? '', /from `entry\.data\["password"\]`/);
    assert.deepEqual(findings(source('Login {username} at {host}')), []);
  });

  it("reports a nested part of a webhook's body logged whole", () => {
    const source = (read: string) =>
      `import logging

from homeassistant.components import webhook

_LOGGER = logging.getLogger(__name__)


async def handle_webhook(hass, webhook_id, request):
    req_data = await request.json()
    payload = ${read}
    _LOGGER.debug("Received webhook payload: %s", payload)


async def async_setup_entry(hass, entry):
    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handle_webhook)
    return True
`;
    const [nested] = findings(source('req_data.get("data", {})'));
    assert.match(nested.message, /writes `payload`, a free-form part of a webhook request body \(`req_data\.get\("data", \{\}\)`\)/);
    assert.match(findings(source('req_data'))[0].message, /writes `payload`, a whole webhook request body/);
    assert.deepEqual(findings(source('req_data.get("type", "")')), []);
  });

  it('reports a parameter logged whole when the function reads a credential from it', () => {
    const source = (read: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass ApiClient:\n    def _accept_mqtt_certification(self, resp_json):\n        _LOGGER.info(f"Received MQTT credentials: {resp_json}")\n        self.mqtt = (resp_json["data"]["url"], ${read})\n`;
    const [finding] = findings(source('resp_json["data"]["certificatePassword"]'));
    assert.match(finding?.message ?? '', /holds the credential "certificatePassword"/);
    assert.deepEqual(findings(source('resp_json["data"]["port"]')), []);
  });

  it("reports the result of a flow started with credentials, which holds the new entry's data", () => {
    const source = (data: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def create_device_entry(hass, entry, serial):\n    data = ${data}\n    result = await hass.config_entries.flow.async_init("demo", context={"source": "device"}, data=data)\n    _LOGGER.info("Device entry creation result: %s", result)\n`;
    assert.equal(findings(source('{"serial": serial, "auth_token": entry.data.get("auth_token")}')).length, 1);
    assert.deepEqual(findings(source('{"serial": serial}')), []);
  });

  it('follows the entry data into a helper of another module that logs its parameter', () => {
    const client = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef new_client(config):\n    _LOGGER.debug(f"new_client(): {config}")\n    return config["address"]\n';
    const init = (data: string) => `from .client import new_client\n\n\nasync def async_setup_entry(hass, entry):\n    hass.data["demo"] = new_client(${data})\n    return True\n`;
    const flow = `${FLOW_HEAD.join('\n')}class Flow:\n    async def async_step_user(self, user_input=None):\n        if user_input is None:\n            return self.async_show_form(step_id="user", data_schema=SCHEMA)\n        return self.async_create_entry(title="x", data=user_input)\n`;
    assert.equal(findings(client, { fileName: 'client.py', otherFiles: { '__init__.py': init('entry.data'), 'config_flow.py': flow } }).length, 1);
    assert.deepEqual(findings(client, { fileName: 'client.py', otherFiles: { '__init__.py': init('{"address": entry.data["host"]}'), 'config_flow.py': flow } }), []);
  });

  it('does not take a counter for a token, and knows radio network keys', () => {
    const source = (loop: string) => `import logging\n\nLOGGER = logging.getLogger(__name__)\n\n\nasync def dump(app, tokens):\n    for ${loop}:\n        LOGGER.info("Getting token %s", token)\n`;
    assert.deepEqual(findings(source('token in range(0, 31)')), []);
    assert.deepEqual(findings(source('token, value in enumerate(tokens)').replace('token)', 'token, value)')).length, 1, 'the second of enumerate is the item');
    assert.deepEqual(findings(source('token in tokens')).length, 1);
    const key = 'import logging\n\nLOGGER = logging.getLogger(__name__)\n\n\nasync def network_info(app):\n    (status, network_key) = await app.getKey(app.types.CURRENT_NETWORK_KEY)\n    LOGGER.debug("Network key: %s (status %s)", network_key, status)\n';
    assert.equal(findings(key).length, 1);
  });

  it('does not take a key file path for the key, however it is named', () => {
    const source = (body: string) =>
      `import logging\nimport os\nimport shutil\nfrom pathlib import Path\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def store_key(hass, upload):\n    def _move():\n${body}\n\n    return await hass.async_add_executor_job(_move)\n\n\nasync def async_step_user(self, user_input):\n    client_key = await store_key(self.hass, user_input["key_file"])\n    _LOGGER.debug("Saved client key: %s", client_key)\n`;
    assert.deepEqual(findings(source('        return str(shutil.move(upload, Path(hass.config.path(".storage")) / "pkey"))')), []);
    assert.deepEqual(findings(source('        return os.path.join(hass.config.config_dir, "pkey")')), []);
    // The key itself, read from the file, is reported.
    assert.equal(findings(source('        with open(upload) as handle:\n            return handle.read()')).length, 1);
    assert.equal(findings(source('        if upload:\n            return handle_of(upload).read()\n        return str(Path(upload))')).length, 1, 'a path on one return only');
  });

  it('does not take the files a folder lists for tokens, however they are named', () => {
    const source = (listing: string) => `import glob\nimport logging\nfrom pathlib import Path\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef find_tokens(hass):\n    user_token = ${listing}\n    _LOGGER.warning("Token files: %s", user_token)\n`;
    assert.deepEqual(findings(source('glob.glob("/config/acme/*_token.txt")')), []);
    assert.deepEqual(findings(source('list(Path(hass.config.path("acme")).glob("*_token.txt"))')), []);
    assert.equal(findings(source('load_token(hass)')).length, 1);
  });

  it('works on a Python file outside any integration', () => {
    const source = 'import logging\n\ndef login(password):\n    logging.getLogger(__name__).debug("pw %s", password)\n';
    const result = analyzeSnippet(source, { rules, manifest: null });
    assert.equal(result.findings.length, 1);
  });

  it('marks the item used when the integration logs, so a clean integration passes', () => {
    const clean = analyzeSnippet('import logging\n_LOGGER = logging.getLogger(__name__)\n_LOGGER.debug("hello")\n', { rules });
    assert.equal(clean.checklist.find((entry) => entry.id === 'credentials-in-logs')?.status, 'pass');
    const silent = analyzeSnippet('value = 1\n', { rules });
    assert.equal(silent.checklist.find((entry) => entry.id === 'credentials-in-logs')?.status, 'not-applicable');
  });

  it('reads %-format conversions', () => {
    assert.deepEqual(percentConversions('%s and %r, 100%% %d'), ['s', 'r', 'd']);
    assert.deepEqual(percentConversions('%*d %-5s'), ['*', 'd', 's']);
    assert.equal(percentConversions('%(name)s'), undefined);
  });

  describe('fixes', () => {
    const head = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\n';
    const cases: [string, string, string][] = [
      ['a %s argument', 'def f(password):\n    _LOGGER.debug("Password %s for %s", password, "user")\n', 'def f(password):\n    _LOGGER.debug("Password %s for %s", "**REDACTED**", "user")\n'],
      ['an f-string replacement field', "def f(token, user):\n    _LOGGER.debug(f'Token {token!r:>10} for {user}')\n", "def f(token, user):\n    _LOGGER.debug(f'Token **REDACTED** for {user}')\n"],
      ['a concatenated value', "def f(self):\n    _LOGGER.debug('Key: ' + self._api_key)\n", "def f(self):\n    _LOGGER.debug('Key: ' + '**REDACTED**')\n"],
      ['a %-operator tuple item', 'def f(token, host):\n    _LOGGER.debug("%s at %s" % (token, host))\n', 'def f(token, host):\n    _LOGGER.debug("%s at %s" % ("**REDACTED**", host))\n'],
      ['an extra= value', 'def f(token):\n    _LOGGER.debug("Login", extra={"token": token})\n', 'def f(token):\n    _LOGGER.debug("Login", extra={"token": "**REDACTED**"})\n'],
      ['every credential of one call, an f-string left without fields losing its f', 'def f(password, token):\n    _LOGGER.debug("%s %s", password, f"{token}")\n', 'def f(password, token):\n    _LOGGER.debug("%s %s", "**REDACTED**", "**REDACTED**")\n'],
      ['every field of an f-string, which becomes a plain string', 'def f(api):\n    _LOGGER.debug(f"Logged in, token={api.token!r}, refresh={api.refresh_token}")\n', 'def f(api):\n    _LOGGER.debug("Logged in, token=**REDACTED**, refresh=**REDACTED**")\n'],
      ['every field of an f-string with {{ }} escapes, which stays an f-string', 'def f(token):\n    _LOGGER.debug(f"{{auth}} {token}")\n', 'def f(token):\n    _LOGGER.debug(f"{{auth}} **REDACTED**")\n'],
    ];
    for (const [name, body, expected] of cases) {
      it(`replaces ${name} with the marker (safe)`, () => {
        const fixed = applyAndRecheck(head + body);
        assert.equal(fixed, head + expected);
      });
    }

    it('offers only a suggestion when the placeholder is not %s (a string would break %d)', () => {
      applyAndRecheck(head + 'def f(pin_code):\n    _LOGGER.debug("Pin %d", pin_code)\n', {}, false);
      applyAndRecheck(head + 'def f(token):\n    _LOGGER.debug("Token {}".format(token))\n', {}, false);
    });

    it('offers no fix when the secret is the message itself', () => {
      const [finding] = findings(head + 'def f(token):\n    _LOGGER.debug(token)\n');
      assert.ok(finding && !finding.fix && !finding.suggestions);
    });

    it('wraps a payload, creating TO_REDACT from the constants and importing the helper once', () => {
      const source = [
        'import logging',
        '',
        'from homeassistant.const import CONF_HOST, CONF_PASSWORD',
        '',
        '_LOGGER = logging.getLogger(__name__)',
        '',
        '',
        'async def async_setup_entry(hass, entry):',
        '    _LOGGER.debug("Config: %s", entry.data)',
        '    _LOGGER.debug("As JSON: %s", json.dumps(entry.options))',
        '    return entry.options.get(CONF_PASSWORD, entry.data[CONF_PASSWORD]), entry.data[CONF_HOST]',
        '',
      ].join('\n');
      const result = findings(source);
      assert.equal(result.length, 2);
      const { edits } = combineFixes(safeFixes(result));
      const fixed = applyTextEdits(source, edits);
      assert.equal(
        fixed,
        [
          'import logging',
          '',
          'from homeassistant.components.diagnostics import async_redact_data',
          'from homeassistant.const import CONF_HOST, CONF_PASSWORD',
          '',
          'TO_REDACT = {CONF_PASSWORD}',
          '',
          '_LOGGER = logging.getLogger(__name__)',
          '',
          '',
          'async def async_setup_entry(hass, entry):',
          '    _LOGGER.debug("Config: %s", async_redact_data(entry.data, TO_REDACT))',
          // The string json.dumps makes would pass through async_redact_data untouched: the mapping is wrapped.
          '    _LOGGER.debug("As JSON: %s", json.dumps(async_redact_data(entry.options, TO_REDACT)))',
          '    return entry.options.get(CONF_PASSWORD, entry.data[CONF_PASSWORD]), entry.data[CONF_HOST]',
          '',
        ].join('\n'),
      );
      assert.deepEqual(findings(fixed), []);
      assert.equal(combineFixes(safeFixes(findings(fixed))).edits.length, 0, 'a second fix-all changes nothing');
    });

    it('imports credential constants it needs into an existing import statement', () => {
      const source = [
        'import logging',
        '',
        'from .const import (',
        '    DOMAIN,',
        ')',
        '',
        '_LOGGER = logging.getLogger(__name__)',
        '',
        '',
        'async def async_setup_entry(hass, entry):',
        "    _LOGGER.debug('Config: %s', entry.data)",
        '',
      ].join('\n');
      const otherFiles = { 'const.py': constModule, 'auth.py': 'from .const import CONF_REFRESH_TOKEN\n\ndef token(entry):\n    return entry.data[CONF_REFRESH_TOKEN]\n' };
      const fixed = applyAndRecheck(source, { otherFiles });
      assert.match(fixed, /from \.const import \(\n {4}DOMAIN,\n {4}CONF_REFRESH_TOKEN,\n\)/);
      assert.match(fixed, /\nTO_REDACT = \{CONF_REFRESH_TOKEN\}\n/);
      assert.match(fixed, /from homeassistant\.components\.diagnostics import async_redact_data\n/);
    });

    it('reuses TO_REDACT from const.py and an async_redact_data imported from helpers.redact', () => {
      const source = 'import logging\n\nfrom homeassistant.const import CONF_TOKEN\nfrom homeassistant.helpers.redact import async_redact_data as redact\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Config: %s", entry.data)\n    return entry.data[CONF_TOKEN]\n';
      const otherFiles = { 'const.py': 'from homeassistant.const import CONF_TOKEN\n\nTO_REDACT = {CONF_TOKEN}\n' };
      const fixed = applyAndRecheck(source, { otherFiles });
      assert.match(fixed, /^from \.const import TO_REDACT$/m);
      assert.match(fixed, /redact\(entry\.data, TO_REDACT\)/);
      assert.doesNotMatch(fixed, /^TO_REDACT =|components\.diagnostics/m);
    });

    it('puts a new TO_REDACT after the module constants it names, and only suggests reusing a const.py set that misses keys', () => {
      const source = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\nDOMAIN = "demo"\nCONF_CLIENT_SECRET = "client_secret"\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Config: %s", entry.data)\n    return entry.data[CONF_CLIENT_SECRET]\n';
      const fixed = applyAndRecheck(source);
      assert.ok(fixed.indexOf('TO_REDACT = {CONF_CLIENT_SECRET}') > fixed.indexOf('CONF_CLIENT_SECRET = "client_secret"'), fixed);
      const incomplete = 'import logging\n\nfrom .const import CONF_API_KEY, CONF_PASSWORD\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Config: %s", entry.data)\n    return entry.data[CONF_API_KEY], entry.data[CONF_PASSWORD]\n';
      const otherFiles = { 'const.py': 'CONF_API_KEY = "api_key"\nCONF_PASSWORD = "password"\nTO_REDACT = {CONF_PASSWORD}\n' };
      const [finding] = findings(incomplete, { otherFiles });
      assert.ok(!finding.fix && finding.suggestions?.[0]?.title.startsWith('Redact log'), 'a person adds the API key to the set');
      const complete = findings(incomplete, { otherFiles: { 'const.py': otherFiles['const.py'].replace('{CONF_PASSWORD}', '{CONF_PASSWORD, CONF_API_KEY}') } });
      assert.ok(complete[0].fix?.safe);
      // TO_REDACT joins the module's import from const.py rather than a second one.
      const joined = applyEdits(incomplete, complete[0].fix!.edits);
      assert.match(joined, /^from \.const import CONF_API_KEY, CONF_PASSWORD, TO_REDACT$/m);
      assert.equal(joined.match(/from \.const import/g)?.length, 1);
    });

    it('keeps the file quote style for markers and new keys', () => {
      const source = "import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug('Config: %s', entry.data)\n    return entry.data['api_key']\n";
      const fixed = applyAndRecheck(source);
      assert.match(fixed, /^TO_REDACT = \{'api_key'\}$/m);
    });

    it('does not wrap what async_redact_data cannot redact, such as a webhook body logged as text', () => {
      const source = 'import logging\nfrom homeassistant.components import webhook\n_LOGGER = logging.getLogger(__name__)\n\nasync def handle(hass, webhook_id, request):\n    _LOGGER.debug("Body %s", await request.text())\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "demo", "Demo", "id", handle)\n';
      const [finding] = findings(source);
      assert.equal(finding.severity, 'warning');
      assert.ok(!finding.fix && !finding.suggestions);
    });
  });

  it('reports a logged response the code reads a credential from, without a fix, and leaves other responses alone', () => {
    const client = (reads: string, elsewhere = '') =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Cloud:\n    async def login(self, session, email, password):\n        async with session.post("https://api.acme.io/auth", json={"email": email, "password": password}) as resp:\n            payload = await resp.json()\n        _LOGGER.debug("Login response: %s", payload)\n        ${reads}\n${elsewhere}`;
    const [finding, ...rest] = analyzeSnippet(client('self._token = payload["access_token"]'), { rules }).findings;
    assert.deepEqual(rest, []);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /a whole payload that holds the credential "access_token"/);
    assert.ok(!finding.fix && !finding.suggestions);
    assert.equal(analyzeSnippet(client('self._token = payload.get("refresh_token")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(client('self._status = payload["status"]'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(client('return payload', '\n    def token(self, payload):\n        return payload["access_token"]\n'), { rules }).findings, []);
  });

  it('reads credentials nested in a logged response, and a response logged as the json() call itself', () => {
    const nested = `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef provision(session):\n    body = session.get("https://api.acme.io/provision").json()\n    _LOGGER.debug("Provisioned: %s", body)\n    return body["serviceBus"]["authorizationHeaderValue"]\n`;
    assert.match(analyzeSnippet(nested, { rules }).findings[0]?.message ?? '', /holds the credential "authorizationHeaderValue"/);
    assert.deepEqual(analyzeSnippet(nested.replace('["authorizationHeaderValue"]', '["namespace"]'), { rules }).findings, []);
    const direct = `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef provision(r):\n    _LOGGER.debug("Provisioned: %s", r.json())\n    return r.json()["serviceBus"]["authorizationHeaderValue"]\n`;
    assert.equal(analyzeSnippet(direct, { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(direct.replace('["authorizationHeaderValue"]', '["namespace"]'), { rules }).findings, []);
  });

  it('reads credentials from a part of a response taken out before it is logged', () => {
    const source = (part: string, read: string) =>
      `import logging\n\nimport requests\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef connect(access_key):\n    response = requests.get("https://api.acme.io/cert", headers={"accessKey": access_key}, timeout=10)\n    info = ${part}\n    _LOGGER.debug("Certificate data: %s", info)\n    return info${read}\n`;
    for (const part of ['response.json()["data"]', 'response.json().get("data", {})']) {
      const found = analyzeSnippet(source(part, '["certificatePassword"]'), { rules }).findings;
      assert.equal(found.length, 1, part);
      assert.match(found[0].message, /holds the credential "certificatePassword"/);
      assert.deepEqual(analyzeSnippet(source(part, '["port"]'), { rules }).findings, [], part);
    }
  });

  it('takes a comprehension for masking only when it masks the credential the code reads from the response', () => {
    const source = (masking: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def login(session, entry):\n    async with session.post("https://api.acme.io/login", json=dict(entry.data)) as response:\n        data = await response.json()\n        _LOGGER.debug("Login: %s", ${masking})\n        return data.get("authentication_token")\n`;
    const count = (masking: string) => analyzeSnippet(source(masking), { rules }).findings.length;
    assert.equal(count('{k: v if k != "id_token" else v[:10] + "..." for k, v in data.items()}'), 1);
    assert.equal(count('{k: "***" if k in ("id_token", "refresh_token") else v for k, v in data.items()}'), 1);
    assert.equal(count('{k: v if k != "authentication_token" else "***" for k, v in data.items()}'), 0);
    assert.equal(count('{k: "***" if k in ("id_token", "authentication_token") else v for k, v in data.items()}'), 0);
    assert.equal(count('{k: _mask(k, v) for k, v in data.items()}'), 0);
  });

  it('reports the raw text of a response whose parsed body the code reads a credential from', () => {
    const source = (read: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def login(session, user_input):\n    async with session.post("https://api.acme.io/login", json=user_input) as resp:\n        raw = await resp.text()\n        _LOGGER.debug("Login raw response: %s", raw)\n        ${read}\n`;
    for (const read of ['result = await resp.json()\n        return result["authentication_token"]', 'return (await resp.json())["authentication_token"]']) {
      const found = analyzeSnippet(source(read), { rules }).findings;
      assert.equal(found.length, 1, read);
      assert.match(found[0].message, /holds the credential "authentication_token"/);
    }
    assert.deepEqual(analyzeSnippet(source('result = await resp.json()\n        return result["status"]'), { rules }).findings, []);
    // The body of a failed answer holds no token.
    const failed = source('result = await resp.json()\n        return result["authentication_token"]').replace('        raw = await resp.text()\n        _LOGGER.debug("Login raw response: %s", raw)\n', '        if resp.status != 200:\n            raw = await resp.text()\n            _LOGGER.debug("Login failed: %s", raw)\n            return None\n');
    assert.ok(failed.includes('Login failed'));
    assert.deepEqual(analyzeSnippet(failed, { rules }).findings, []);
    // Also when the status is tested through a name bound to it.
    const aliased = failed.replace('        if resp.status != 200:\n', '        status_code = resp.status\n        if status_code != 200:\n');
    assert.ok(aliased.includes('status_code = resp.status'));
    assert.deepEqual(analyzeSnippet(aliased, { rules }).findings, []);
    const unrelated = failed.replace('        if resp.status != 200:\n', '        retries = 3\n        if retries != 200:\n');
    assert.equal(analyzeSnippet(unrelated, { rules }).findings.length, 1);
    // The branch of a successful answer holds the token.
    const succeeded = failed.replace('        if resp.status != 200:\n', '        if resp.status == 200:\n');
    assert.equal(analyzeSnippet(succeeded, { rules }).findings.length, 1);
    // The else branch of a successful status is the failed answer.
    const otherwise = failed.replace('        if resp.status != 200:\n', '        if resp.status == 200:\n            pass\n        else:\n');
    assert.ok(otherwise.includes('else:'));
    assert.deepEqual(analyzeSnippet(otherwise, { rules }).findings, []);
    assert.equal(analyzeSnippet(failed.replace('        if resp.status != 200:\n', '        if resp.status in (200, 201):\n'), { rules }).findings.length, 1, 'a success listed with in');
    assert.deepEqual(analyzeSnippet(failed.replace('        if resp.status != 200:\n', '        if resp.status in (401, 403):\n'), { rules }).findings, []);
  });

  it("follows a request body handed to a method of the object the integration keeps for its entry, in another module", () => {
    const view = (receiver: string) =>
      `from homeassistant.components.http import HomeAssistantView\n\nDOMAIN = "locks"\n\n\nclass EventView(HomeAssistantView):\n    url = "/api/locks/{entry_id}"\n    name = "api:locks"\n\n    def __init__(self, hass):\n        self.hass = hass\n\n    async def post(self, request, entry_id):\n        data = self.hass.data[DOMAIN][entry_id]\n        payload = await request.json()\n        await ${receiver}.handle_event(payload)\n        return self.json({})\n`;
    const coordinator = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Coordinator:\n    async def handle_event(self, payload):\n        _LOGGER.debug("Event: %s", payload)\n';
    const found = (receiver: string, extra = '') => analyzeSnippet(view(receiver), { rules, otherFiles: { 'coordinator.py': coordinator + extra } }).findings.map((finding) => finding.path.split('/').pop());
    assert.deepEqual(found('data["coordinator"]'), ['coordinator.py']);
    assert.deepEqual(found('self.hass.data[DOMAIN][entry_id]'), ['coordinator.py']);
    assert.deepEqual(found('self.hass.data.get(DOMAIN, {}).get(entry_id)'), ['coordinator.py']);
    // A library object's method of the same name is not the integration's; nor is a name two classes define.
    assert.deepEqual(found('self._client'), []);
    assert.deepEqual(found('data["coordinator"]', '\n\nclass Other:\n    async def handle_event(self, payload):\n        return payload\n'), []);
  });

  it('judges a name bound again to another response by what that response holds', () => {
    const source = (between: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def update(session, entry):\n    async with session.post("https://api.acme.io/login", json=dict(entry.data)) as response:\n        data = await response.json()\n        token = data.get("authentication_token")\n${between}    async with session.get("https://api.acme.io/device", headers={"Authorization": token}) as response:\n        data = await response.json()\n        _LOGGER.debug("Device data: %s", data)\n        return data["state"]\n`;
    assert.deepEqual(analyzeSnippet(source(''), { rules }).findings, []);
    // Logged before it is bound again, the login response still holds its token.
    const loggedFirst = analyzeSnippet(source('    _LOGGER.debug("Login: %s", data)\n'), { rules }).findings;
    assert.deepEqual(loggedFirst.map((finding) => finding.range.start.line), [9]);
    assert.match(loggedFirst[0].message, /holds the credential "authentication_token"/);
  });

  it('follows a webhook request into a helper whose parameter is annotated as a request', () => {
    const source = (annotation: string) =>
      `import logging\n\nfrom aiohttp.web import Request, Response\nfrom homeassistant.components import webhook\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    async def handler(hass, webhook_id, request):\n        return await handle(hass, request)\n\n    webhook.async_register(hass, "demo", "Demo", entry.data["webhook_id"], handler)\n    return True\n\n\nasync def handle(hass, request${annotation}):\n    data = await request.json()\n    _LOGGER.info("Received %s", data)\n    return Response(status=200)\n`;
    for (const annotation of ['', ': Request']) {
      const findings = analyzeSnippet(source(annotation), { rules }).findings;
      assert.deepEqual(findings.map((finding) => finding.range.start.line), [18], annotation);
      assert.match(findings[0].message, /webhook request body/);
    }
    // One field of the body at a time is not the whole body.
    const fields = source(': Request').replace('    _LOGGER.info("Received %s", data)\n', '    for name, value in data.items():\n        _LOGGER.debug("Field %s is %s", name, value)\n');
    assert.deepEqual(analyzeSnippet(fields, { rules }).findings, []);
  });
  it('takes a credential key masked in a dict before the log call (and put back after) as masked', () => {
    const source = (mask: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\nATTR_PASSWORD = "password"\n\n\nasync def create_backup(hass, data, entry):\n    data[ATTR_PASSWORD] = entry.data["password"]\n    password = data.get(ATTR_PASSWORD)\n${mask}    _LOGGER.debug("Creating backup: %s", data)\n    if password:\n        data[ATTR_PASSWORD] = password\n`;
    assert.deepEqual(findings(source('    if password:\n        data[ATTR_PASSWORD] = "<hidden>"\n')), []);
    assert.deepEqual(findings(source('    del data["password"]\n')), []);
    assert.deepEqual(findings(source('    data.pop(ATTR_PASSWORD)\n')), []);
    assert.equal(findings(source('')).length, 1);
    assert.equal(findings(source('    data["username"] = "<hidden>"\n')).length, 1, 'another key masked');
    assert.equal(findings(source('    data[ATTR_PASSWORD] = entry.data["password"].strip()\n')).length, 1, 'written again with the secret');
    // A key constant from another package, whose value is not known here, is the same key by its name.
    const imported = (mask: string) =>
      `import logging\n\nfrom homeassistant.components.hassio import ATTR_PASSWORD\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def create_backup(manager, data):\n    data[ATTR_PASSWORD] = manager.config.create_backup.password\n${mask}    _LOGGER.debug("Creating backup: %s", data)\n`;
    assert.deepEqual(findings(imported('    data[ATTR_PASSWORD] = "<hidden>"\n')), []);
    assert.equal(findings(imported('')).length, 1);
  });
  it("reports a whole item or answer logged before the code reads a credential from it", () => {
    const source = (body: string) => `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    api = entry.runtime_data\n${body}\n    return True\n`;
    const loop = '    for device in await api.list_devices():\n        _LOGGER.debug("Got device: %s", device)\n        await api.connect(device["devId"], device["localKey"])';
    assert.match(findings(source(loop))[0]?.message ?? '', /writes `device`, a whole payload that holds the credential "localKey"/);
    const answer = '    payload = await api.login()\n    _LOGGER.debug("Login response: %s", payload)\n    await api.connect(payload["access_token"])';
    assert.match(findings(source(answer))[0]?.message ?? '', /writes `payload`, a whole payload that holds the credential "access_token"/);
    // Read for other fields only, the item is not a credential.
    assert.deepEqual(findings(source(loop.replace('device["localKey"]', 'device["name"]'))), []);
    assert.deepEqual(findings(source(answer.replace('payload["access_token"]', 'payload["expires_in"]'))), []);
  });
  it("follows a credential into a method of the integration's class that an object annotated with it is called through", () => {
    const service = (annotation: string) =>
      `from .api import VendorAPI\n\n\nclass VendorService:\n    def __init__(self, api${annotation}):\n        self._api = api\n\n    async def login(self, user, password):\n        submit_data = {"email": user}\n        submit_data["password"] = password\n        return await self._api.request("POST", "https://login.example.com", submit_data)\n`;
    const api = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass VendorAPI:\n    async def request(self, method, url, data):\n        _LOGGER.debug("Data: %s", data)\n        return await self._session.request(method, url, data=data)\n';
    const found = (annotation: string) => analyzeSnippet(service(annotation), { rules, fileName: 'service.py', otherFiles: { 'api.py': api } }).findings.filter((finding) => finding.path.endsWith('/api.py'));
    assert.equal(found(': VendorAPI').length, 1);
    assert.equal(found(': "VendorAPI | None" = None').length, 0, 'a string annotation is not read');
    assert.equal(found('').length, 0, 'without the annotation, the object could be anything');
  });

  it('reports the raw text of an answer the code parses and reads a credential from, not in the branch where that part is missing', () => {
    const login = (log: string) =>
      `import json\nimport logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def login(rest):\n    await rest.async_update()\n    response = json.loads(rest.data)\n${log}\n    return response["result"]["token"]\n`;
    assert.match(findings(login('    _LOGGER.debug("Login successful " + rest.data)'))[0]?.message ?? '', /writes `rest\.data`, a whole payload that holds the credential "token"/);
    assert.deepEqual(findings(login('    if response["result"] is None:\n        _LOGGER.error("Login failed: %s", rest.data)\n        return None')), []);
    assert.deepEqual(findings(login('    if not response.get("result"):\n        raise UpdateFailed(f"Login failed: {rest.data}")')), []);
    assert.equal(findings(login('    if response["result"] is None:\n        return None\n    else:\n        _LOGGER.debug("Login successful %s", rest.data)')).length, 1);
    // Text read into a name first, then parsed.
    const text = 'import json\nimport logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def login(session):\n    resp = await session.post("https://cloud.example.com/login")\n    body = await resp.text()\n    _LOGGER.debug("Login successful " + body)\n    return json.loads(body)["result"]["token"]\n';
    assert.equal(findings(text).length, 1);
    assert.deepEqual(findings(text.replace('["result"]["token"]', '["result"]["expires"]')), []);
    // Logged in a branch that leaves the function before the text is parsed: a rejected login's answer.
    const rejected = (test: string, exit = 'return False') => text.replace('    _LOGGER.debug("Login successful " + body)\n', `    if ${test}:\n        _LOGGER.error("Login rejected: %s", body)\n        ${exit}\n`);
    assert.deepEqual(findings(rejected('"Incorrect login or password" in body')), []);
    assert.deepEqual(findings(rejected('"token" not in body', 'raise ConfigEntryAuthFailed')), []);
    // A branch that goes on to the parse logs the answer the token is read from.
    assert.equal(findings(rejected('resp.status == 200', 'pass')).length, 1);
  });

  it('follows a credential through helpers that wrap it into a message, however many names it is given on the way', () => {
    const client = (alias: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass HubClient:\n    async def _send_message(self, message):\n        _LOGGER.debug("Sending message to hub: %s", message)\n        await self._ws.send_json(message)\n\n    async def _send_request(self, path, body):\n        await self._send_message({"type": "REQUEST", "body": {"path": path, "body": body}})\n\n    async def device_control(self, path, body):\n${alias}\n\n    async def set_lock_state(self, state, pin):\n        body = {"targetLockState": state}\n        body["authorizationPin"] = pin\n        await self.device_control("/hmip/device/control/setLockState", body)\n`;
    assert.match(findings(client('        payload = body\n        await self._send_request(path, payload)'))[0]?.message ?? '', /writes the credential `message` \(from `pin`\)/);
    assert.equal(findings(client('        payload = body\n        await self._send_request(path, {"state": payload["targetLockState"]})')).length, 0);
  });

  it('reports an answer kept in a self attribute and logged whole, when another method reads a credential from it', () => {
    const panel = (read: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass AlarmPanel:\n    def __init__(self, client):\n        self.client = client\n        self.status = None\n\n    async def async_connect(self):\n        self.status = await self.client.get_status()\n        _LOGGER.debug(self.status)\n\n    def current_settings(self):\n        settings = self.status["settings"] or {}\n        return {"value": ${read}}\n`;
    assert.match(findings(panel('settings.get("token")'))[0]?.message ?? '', /writes `self\.status`, a whole payload that holds the credential "token"/);
    assert.equal(findings(panel('self.status["auth"]["api_key"]')).length, 1);
    // Read for other fields only, the answer is no credential.
    assert.deepEqual(findings(panel('settings.get("endpoint")')), []);
  });
  it("takes OAuth2Session's valid_token for the truth it is, not for the token", () => {
    const source = (session: string) => `import logging\n\nfrom homeassistant.helpers import config_entry_oauth2_flow\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry, implementation):\n    session = ${session}\n    valid = session.valid_token\n    _LOGGER.debug("Valid token: %s %s", session.valid_token, valid)\n    return True\n`;
    assert.deepEqual(findings(source('config_entry_oauth2_flow.OAuth2Session(hass, entry, implementation)')), []);
    assert.equal(findings(source('AcmeTokens(entry)')).length, 1);
  });
  it("reports a caught exception logged whole when the code it wraps raises it with a credential in its message", () => {
    const source = (message: string, handler = '_LOGGER.error("Failed to get data: %s", err)') => `import logging\n\nimport requests\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Bridge:\n    def _get(self, path):\n        url = f"http://{self.host}:8080{path}?token={self.token}"\n        response = requests.get(url, timeout=10)\n        if not response.ok:\n            raise ConnectionError(${message})\n        return response.json()\n\n    def update(self):\n        try:\n            return self._get("/list")\n        except Exception as err:\n            ${handler}\n            return {}\n`;
    assert.deepEqual(findings(source('f"No answer from {url}: {response.status_code}"')).map((finding) => finding.range.start.line), [19]);
    // A session of no library the code names raises its own errors, which quote nothing of the URL.
    assert.deepEqual(findings(source('f"No answer from {self.host}: {response.status_code}"').replace('requests.get(url', 'self._session.get(url')), []);
    assert.deepEqual(findings(source('f"No answer from {url}"', '_LOGGER.error("Failed to get data: %s", type(err).__name__)')), []);
    // Two functions raising what the other caught do not loop.
    const cycle = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef a():\n    try:\n        b()\n    except ValueError as err:\n        raise RuntimeError(err)\n\n\ndef b():\n    try:\n        a()\n    except RuntimeError as err:\n        _LOGGER.error("%s", err)\n        raise ValueError(err)\n';
    assert.deepEqual(findings(cycle), []);
  });
  it('follows only the raises an except clause catches: its class or a subclass, not a base class or a sibling', () => {
    const source = (caught: string, raised = 'ApiError') =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass ApiError(Exception):\n    pass\n\n\nclass AuthError(ApiError):\n    pass\n\n\nclass Client:\n    def _get(self, path):\n        url = f"https://api.example.com{path}?token={self.token}"\n        if not self.ok:\n            raise ${raised}(f"No answer from {url}")\n        return {}\n\n    def update(self):\n        try:\n            return self._get("/list")\n        except ${caught} as err:\n            _LOGGER.error("Failed: %s", err)\n            return {}\n`;
    assert.equal(findings(source('ApiError')).length, 1);
    assert.equal(findings(source('ApiError', 'AuthError')).length, 1, 'a subclass is caught');
    assert.equal(findings(source('(ValueError, ApiError)')).length, 1);
    assert.deepEqual(findings(source('AuthError')), [], 'a base class is not');
    assert.deepEqual(findings(source('ValueError')), []);
    assert.equal(findings(source('OSError', 'ConnectionError')).length, 1, "a built-in's built-in base");
    assert.deepEqual(findings(source('ValueError', 'ConnectionError')), []);
    assert.equal(findings(source('aiohttp.ClientError', 'LibraryError')).length, 1, "a library's class may be caught by anything");
  });
  it("reports a response's json() logged when the same answer, parsed again into a name, has a credential read from it", () => {
    const source = (read: string) =>
      `import logging\n\nimport requests\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Api:\n    def refresh(self):\n        res = requests.post("https://idp.example.com", json={}, timeout=10)\n        _LOGGER.debug("refresh response: %s", res.json())\n        res_json = res.json()\n        ${read}\n`;
    assert.match(findings(source('self.token_set["access_token"] = res_json["AuthenticationResult"]["AccessToken"]'))[0]?.message ?? '', /writes `res\.json\(\)`, a whole payload that holds the credential "AccessToken"/);
    assert.deepEqual(findings(source('self.expires = res_json["AuthenticationResult"]["ExpiresIn"]')), []);
  });
  it("reports an API client's attributes logged whole when the entries hold credentials", () => {
    const source = `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    client = Client(entry.data["host"], entry.data["password"])\n    _LOGGER.debug("Client: %s", vars(client))\n    _LOGGER.debug("State: %s", vars(entry.runtime_data))\n    return True\n`;
    const found = findings(source);
    assert.deepEqual(found.map((finding) => finding.range.start.line), [7]);
    assert.match(found[0].message, /writes `vars\(client\)`, every attribute of an API client/);
    assert.equal(found[0].fix, undefined);
  });
  it('reports a raw message logged when its parse is handed to a method that reads a credential from it, not one that writes one in', () => {
    const client = (handle: string) =>
      `import json\nimport logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Client:\n    async def listen(self):\n        async for message in self.websocket:\n            _LOGGER.debug("Received message: %s", message)\n            data = json.loads(message)\n            self._handle(data)\n\n    def _handle(self, data):\n        ${handle}\n`;
    assert.match(findings(client('self.token = data["result"]["token"]'))[0]?.message ?? '', /writes `message`, a whole payload that holds the credential "token"/);
    assert.deepEqual(findings(client('data["auth"] = {"token": self.token}')), []);
    assert.deepEqual(findings(client('self.state = data["result"]["state"]')), []);
  });
  it("does not take a key written into a self dict further down the same method for one the dict holds when logged", () => {
    const flow = (order: string) =>
      `import logging\n\nfrom homeassistant import config_entries\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass ConfigFlow(config_entries.ConfigFlow, domain="school"):\n    def __init__(self):\n        self._inputs = {}\n\n    async def async_step_qr(self, user_input=None):\n        client = await self.hass.async_add_executor_job(qr_login, user_input)\n${order}\n        return self.async_create_entry(title="School", data=self._inputs)\n`;
    const log = '        _LOGGER.debug("Inputs so far: %s", self._inputs)';
    const write = '        self._inputs["token_password"] = client.password';
    assert.deepEqual(findings(flow(`${log}\n${write}`)), []);
    assert.equal(findings(flow(`${write}\n${log}`)).length, 1);
    // Written in a loop's body, a later statement runs before the next round's read.
    assert.equal(findings(flow(`        for attempt in range(3):\n    ${log}\n    ${write}`)).length, 1);
  });
  it("reads the keys an options flow saves through a comprehension that filters its form's input", () => {
    const flow = (fields: string) =>
      `import voluptuous as vol\nfrom homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="optdns"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="DNS", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required("api_url"): str, vol.Required("token"): str}))\n\n\nclass Options(config_entries.OptionsFlow):\n    async def async_step_init(self, user_input=None):\n        if user_input is not None:\n            data_to_save = {k: v for k, v in user_input.items() if k != "test_dhcp"}\n            return self.async_create_entry(title="", data=data_to_save)\n        return self.async_show_form(step_id="init", data_schema=vol.Schema({${fields}}))\n`;
    const init = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Options: %s", entry.options)\n    return True\n';
    const logged = (fields: string) => findings(init, { otherFiles: { 'config_flow.py': flow(fields) } }).length;
    assert.equal(logged('vol.Optional("enable_dhcp_tracking", default=False): bool, vol.Optional("test_dhcp", default=False): bool'), 0);
    assert.equal(logged('vol.Optional("token"): str, vol.Optional("test_dhcp", default=False): bool'), 1);
  });
  it("does not take a library object's method for the integration's method of the same name", () => {
    const camera = (session: string) =>
      `import logging\n\nfrom homeassistant.helpers.aiohttp_client import async_get_clientsession\n\nfrom .view import StreamClient\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass DemoCamera:\n    async def async_camera_image(self, width=None, height=None):\n        session = ${session}\n        try:\n            return await session.get("https://example.com/cover.jpg")\n        except Exception as err:\n            _LOGGER.debug("Failed to fetch cover image: %s", err)\n        return None\n`;
    const view = 'class StreamClient:\n    def __init__(self, hass):\n        self.hass = hass\n\n    async def get(self, url):\n        token = self.hass.data["token"]\n        raise RuntimeError(f"init rejected for {url} with {token}")\n';
    assert.deepEqual(findings(camera('async_get_clientsession(self.hass)'), { otherFiles: { 'view.py': view } }), []);
    // The integration's own client does raise with the token.
    assert.equal(findings(camera('StreamClient(self.hass)'), { otherFiles: { 'view.py': view } }).length, 1);
  });
  it("reports a caught HTTP error logged whole when its text quotes a URL that carries a credential", () => {
    const requestsSource = (request: string, caught = 'requests.exceptions.RequestException', handler = '_LOGGER.error("Update failed: %s", err)') =>
      `import logging\n\nimport requests\n\n_LOGGER = logging.getLogger(__name__)\nAPI = "https://api.example.com/data/2.5/weather"\n\n\nclass Weather:\n    def __init__(self, api_key, city):\n        self._api_key = api_key\n        self._city = city\n\n    def update(self):\n        try:\n            response = ${request}\n            return response.json()\n        except ${caught} as err:\n            ${handler}\n            return None\n`;
    const inQuery = 'requests.get(f"{API}?q={self._city}&appid={self._api_key}", timeout=10)';
    const [finding, ...rest] = findings(requestsSource(inQuery));
    assert.equal(rest.length, 0);
    assert.equal(finding?.range.start.line, 18);
    assert.match(finding?.message ?? '', /writes the error `err` whole, and its text quotes the URL of the request that failed, which carries the credential `self\._api_key`/);
    assert.equal(finding?.fix, undefined);
    assert.equal(findings(requestsSource('requests.get(API, params={"q": self._city, "appid": self._api_key}, timeout=10)')).length, 1);
    assert.equal(findings(requestsSource(inQuery, 'Exception')).length, 1);
    assert.equal(findings(requestsSource(inQuery, '(requests.ConnectionError, ValueError)')).length, 1);
    assert.equal(findings(requestsSource(inQuery, 'Exception', 'raise RuntimeError(f"Update failed: {err}") from err')).length, 0, 'a plain exception is not logged where raised');
    // What does not quote the URL: a read timeout, an HTTPError nothing raises, the error's class, a key in a header.
    assert.deepEqual(findings(requestsSource(inQuery, 'requests.exceptions.ReadTimeout')), []);
    assert.deepEqual(findings(requestsSource(inQuery, 'requests.HTTPError')), []);
    assert.equal(findings(requestsSource(`${inQuery}\n            response.raise_for_status()`, 'requests.HTTPError')).length, 1);
    assert.deepEqual(findings(requestsSource(inQuery, 'Exception', '_LOGGER.error("Update failed: %s", type(err).__name__)')), []);
    assert.deepEqual(findings(requestsSource('requests.get(f"{API}?q={self._city}", headers={"x-api-key": self._api_key}, timeout=10)', 'Exception')), []);
    // A clause after one that catches the library's errors first never sees them.
    assert.deepEqual(findings(requestsSource(inQuery, 'requests.RequestException:\n            return None\n        except Exception')), []);
    assert.equal(findings(requestsSource(inQuery, 'requests.Timeout:\n            return None\n        except Exception')).length, 1, 'a refused connection still reaches it');
  });
  it("reports an aiohttp or httpx status error logged whole, in a coordinator's UpdateFailed too, only where raise_for_status raises it", () => {
    const source = (fetch: string, caught = 'aiohttp.ClientError') =>
      `import aiohttp\nfrom homeassistant.helpers.aiohttp_client import async_get_clientsession\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed\n\nBASE = "https://api.example.com/v1"\n\n\nclass Coordinator(DataUpdateCoordinator):\n    def __init__(self, hass, entry):\n        super().__init__(hass, None, name="demo")\n        self._session = async_get_clientsession(hass)\n        self._token = entry.data["token"]\n\n    async def _fetch(self, path):\n        url = f"{BASE}/{path}?token={self._token}"\n${fetch}\n\n    async def _async_update_data(self):\n        try:\n            return await self._fetch("status")\n        except ${caught} as err:\n            raise UpdateFailed(f"Error communicating with API: {err}") from err\n`;
    const checked = '        async with self._session.get(url) as resp:\n            resp.raise_for_status()\n            return await resp.json()';
    const [finding, ...rest] = findings(source(checked));
    assert.equal(rest.length, 0);
    assert.equal(finding?.range.start.line, 23);
    assert.match(finding?.message ?? '', /^This exception's message, which Home Assistant logs, writes the error `err` whole/);
    assert.equal(findings(source('        async with self._session.get(url, raise_for_status=True) as resp:\n            return await resp.json()', 'Exception')).length, 1);
    // aiohttp's connection errors name only the host; an error handled inside the helper never reaches the caller.
    assert.deepEqual(findings(source('        async with self._session.get(url) as resp:\n            return await resp.text()')), []);
    // But json() raises a ClientResponseError for an answer that is not JSON, unless told to take any content type.
    assert.equal(findings(source('        async with self._session.get(url) as resp:\n            return await resp.json()')).length, 1);
    assert.deepEqual(findings(source('        async with self._session.get(url) as resp:\n            return await resp.json(content_type=None)')), []);
    assert.deepEqual(findings(source(checked, 'aiohttp.ClientConnectorError')), []);
    assert.deepEqual(findings(source(checked, 'aiohttp.ClientError:\n            raise UpdateFailed("Error communicating with API")\n        except Exception')), []);
    assert.deepEqual(findings(source(`        try:\n    ${checked.replace(/\n/g, '\n    ')}\n        except aiohttp.ClientError:\n            return None`)), []);
    const httpx = source('        resp = await self._client.get(url)\n        resp.raise_for_status()\n        return resp.json()', 'httpx.HTTPError').replace('import aiohttp', 'import httpx');
    assert.equal(findings(httpx).length, 1);
    // `.get` of a mapping with a secret key is no request.
    assert.deepEqual(findings(source('        cached = self._cache.get(self._token)\n        cached.raise_for_status()\n        return cached', 'Exception')), []);
  });
  it("reports an aiohttp response written whole (or its unread text method), whose text shows a URL that carries a credential, and the error json() raises for a non-JSON answer", () => {
    const client = (handler: string, read = 'return await response.json()') =>
      `import logging\n\nimport aiohttp\n\n_LOGGER = logging.getLogger(__name__)\nENDPOINT = "https://api.example.com/timetable"\n\n\nclass StopClient:\n    def __init__(self, session: aiohttp.ClientSession, api_key: str):\n        self._session = session\n        self._params = {"apikey": api_key, "stop": "7009"}\n\n    async def get(self):\n        try:\n            async with self._session.get(ENDPOINT, params=self._params) as response:\n                if response.status != 200:\n                    ${handler}\n                    return None\n                ${read}\n        except aiohttp.ClientError as err:\n            _LOGGER.error("Fetching failed: %s", err)\n            return None\n`;
    const lines = (source: string) => findings(source).map((finding) => finding.range.start.line);
    const whole = findings(client('_LOGGER.error("Error fetching data: %s", response)'));
    assert.deepEqual(whole.map((finding) => finding.range.start.line), [17, 21]);
    assert.match(whole[0].message, /writes `response`, an aiohttp response, whose text shows the URL of its request, which carries the credential/);
    assert.deepEqual(lines(client('_LOGGER.error(f"Error fetching data: {response.text}")')), [17, 21]);
    // Its status, its read text, and json() that accepts any content type quote nothing of the URL.
    assert.deepEqual(lines(client('_LOGGER.error("Error fetching data: %s", response.status)', 'return await response.json(content_type=None)')), []);
    assert.deepEqual(lines(client('_LOGGER.error("Error fetching data: %s", await response.text())')), [21]);
    // requests' responses show only their status.
    const requestsClient = 'import logging\n\nimport requests\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef fetch(api_key):\n    response = requests.get("https://api.example.com/x", params={"apikey": api_key}, timeout=10)\n    _LOGGER.debug("Answer: %s", response)\n    return response.json()\n';
    assert.deepEqual(lines(requestsClient), []);
  });
  it('follows a credential through values that only change its form (encode, base64, str) at no cost of depth', () => {
    const source = (log: string) =>
      `import base64\nimport logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def login(session, host, username, password):\n    credentials = f"{username}:{password}"\n    b64_auth = base64.b64encode(credentials.encode()).decode()\n    login_url = f"http://{host}/login.cgi?Basic%20{b64_auth}"\n    ${log}\n    await session.post(login_url)\n`;
    assert.deepEqual(findings(source('_LOGGER.debug("Calling %s", login_url)')).map((finding) => finding.range.start.line), [10]);
    assert.deepEqual(findings(source('_LOGGER.debug("Calling %s", host)')), []);
  });
  it('takes a parameter typed bool, or a function annotated -> bool, for a flag about a credential, not the credential', () => {
    const source = (renew: string, ensure: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Api:\n    def _ensure_token(self, renew${renew})${ensure}:\n        _LOGGER.debug("fetching token (renew=%s)", renew)\n        return self._token is not None\n\n    def get_data(self, sn, renewToken${renew}):\n        ok = self._ensure_token(renew=renewToken)\n        _LOGGER.debug("get_data(%s, renewToken=%s, ok=%s)", sn, renewToken, ok)\n`;
    assert.deepEqual(findings(source(': bool = False', ' -> bool')), []);
    assert.deepEqual(findings(source('=False', ' -> Optional[bool]')), []);
    assert.deepEqual(findings(source(': bool | None = None', ' -> bool')), []);
    // Untyped, the names are taken at their word; a string annotation is no flag.
    assert.deepEqual(findings(source(': str', ' -> str')).map((finding) => finding.range.start.line), [7, 12]);
    assert.deepEqual(findings(source('', '')).map((finding) => finding.range.start.line), [7, 12]);
  });
  it('reports a dict comprehension whose values take a secret from outside the loop, not one that only copies or masks', () => {
    const source = (comprehension: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\nAPI_HEADERS = {"Pool-Auth-Token": "{}", "Accept": "application/json"}\n\n\nclass Client:\n    def __init__(self, api_key):\n        self._api_key = api_key\n\n    def request(self, url, params):\n        headers = ${comprehension}\n        _LOGGER.debug("Request to %s: %s", url, headers)\n`;
    assert.match(findings(source('{k: v.format(self._api_key) for k, v in API_HEADERS.items()}'))[0]?.message ?? '', /writes the credential `headers` \(from `self\._api_key`\)/);
    assert.equal(findings(source('{k: f"{v} {self._api_key}" for k, v in API_HEADERS.items() if k != "Accept"}')).length, 1);
    assert.deepEqual(findings(source('{k: v.strip() for k, v in API_HEADERS.items()}')), []);
    assert.deepEqual(findings(source('{k: str(v) for k, v in params.items()}')), []);
  });
  it('reports a whole login answer logged when the code keeps a part of it as a credential (token_dict = answer["data"])', () => {
    const source = (kept: string) =>
      `import logging\n\nimport requests\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef login(url, account, password):\n    json_response = requests.post(url, json={"account": account, "pwd": password}, timeout=30).json()\n    _LOGGER.debug("Login JSON response %s", json_response)\n    ${kept} = json_response["data"]\n    return ${kept}\n`;
    assert.match(findings(source('token_dict'))[0]?.message ?? '', /writes `json_response`, a whole payload that holds the credential "token_dict"/);
    assert.deepEqual(findings(source('station_info')), []);
  });
  it("reports the data Home Assistant's OAuth2 flow hands async_oauth_create_entry, logged whole", () => {
    const source = (method: string) =>
      `import logging\n\nfrom homeassistant.helpers import config_entry_oauth2_flow\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass OAuth2FlowHandler(config_entry_oauth2_flow.AbstractOAuth2FlowHandler, domain="demo"):\n    DOMAIN = "demo"\n\n    async def ${method}(self, data):\n        _LOGGER.debug("Creating entry with %s", data)\n        return self.async_create_entry(title="Demo", data=data)\n`;
    assert.match(findings(source('async_oauth_create_entry'))[0]?.message ?? '', /writes `data` \(OAuth token data\) whole/);
    assert.deepEqual(findings(source('async_pick_home')), []);
  });
  it("reports an OAuth token endpoint's answer logged whole, not another endpoint's", () => {
    const source = (url: string, read = 'cast(dict, await resp.json())') =>
      `import logging\nfrom typing import cast\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Implementation:\n    async def _token_request(self, session, data):\n        resp = await session.post(${url}, data=data)\n        result = ${read}\n        _LOGGER.debug("Token endpoint returned %s", result)\n        return result\n`;
    for (const url of ['self.token_url', 'OAUTH2_TOKEN', '"https://api.example.com/oauth/token"']) {
      const [finding, ...rest] = findings(source(url));
      assert.equal(rest.length, 0, url);
      assert.match(finding?.message ?? '', /writes `result`, an OAuth token endpoint's answer, which holds the access and refresh tokens/, url);
      assert.equal(finding.severity, 'warning', url);
    }
    assert.deepEqual(findings(source('self.status_url')), []);
    assert.deepEqual(findings(source('"https://api.example.com/v1/token_info"')), []);
  });
  it('reports a dataclass or NamedTuple logged whole whose repr shows a credential field', () => {
    const source = (declaration: string, field = 'access_token: str') =>
      `import logging\nfrom dataclasses import dataclass, field\nfrom typing import NamedTuple\n\n_LOGGER = logging.getLogger(__name__)\n\n\n${declaration}\n    ${field}\n    expires_at: int\n\n\nasync def login(email, password) -> LoginResult:\n    return await fetch_login(email, password)\n\n\nasync def setup(email, password):\n    result = await login(email, password)\n    _LOGGER.debug("Login result: %s", result)\n    direct = LoginResult("a", 0)\n    _LOGGER.debug("Built: %s", direct)\n`;
    for (const declaration of ['@dataclass\nclass LoginResult:', '@dataclass(frozen=True)\nclass LoginResult:', 'class LoginResult(NamedTuple):']) {
      const found = findings(source(declaration));
      const shift = declaration.split('\n').length - 2;
      assert.deepEqual(found.map((finding) => finding.range.start.line), [19 + shift, 21 + shift], declaration);
      assert.match(found[0].message, /writes the credential `result` \(from `LoginResult\.access_token`\)/);
    }
    assert.deepEqual(findings(source('@dataclass\nclass LoginResult:', 'access_token: str = field(repr=False)')), []);
    assert.deepEqual(findings(source('@dataclass(repr=False)\nclass LoginResult:')), []);
    assert.deepEqual(findings(source('@dataclass\nclass LoginResult:', 'account_id: str')), []);
    assert.deepEqual(findings(source('class LoginResult:')), []);
  });
  it('reports a copy that leaves out some keys but not every credential the form asks for', () => {
    const flow = (filter: string) =>
      `import logging\n\nimport voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow\nfrom homeassistant.const import CONF_PASSWORD, CONF_USERNAME\n\n_LOGGER = logging.getLogger(__name__)\nCONF_TOTP_SECRET = "totp_secret"\nSECRETS = (CONF_PASSWORD, CONF_TOTP_SECRET)\n\n\nclass Flow(ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            _LOGGER.debug("Login with %s", {k: v for k, v in user_input.items() if ${filter}})\n            return self.async_create_entry(title=user_input[CONF_USERNAME], data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str, vol.Optional(CONF_TOTP_SECRET): str}))\n`;
    assert.match(findings(flow('k != CONF_PASSWORD'))[0]?.message ?? '', /a copy that leaves out or masks some keys but still holds the credential "totp_secret"/);
    assert.match(findings(flow('k != "utility"'))[0]?.message ?? '', /still holds the credential "password"/);
    assert.deepEqual(findings(flow('k not in SECRETS')), []);
    assert.deepEqual(findings(flow('k not in (CONF_PASSWORD, CONF_TOTP_SECRET)')), []);
    // A filter that is no key test is taken for a filter, as before.
    assert.deepEqual(findings(flow('not isinstance(v, str)')), []);
    // Masked in a copy: every credential masked, or one left.
    const masked = (pairs: string) => findings(flow('k != "x"').replace(/\{k: v for k, v in user_input\.items\(\) if k != "x"\}/, `{**user_input, ${pairs}}`));
    assert.match(masked('CONF_PASSWORD: "***"')[0]?.message ?? '', /leaves out or masks some keys but still holds the credential "totp_secret"/);
    assert.deepEqual(masked('CONF_PASSWORD: "***", CONF_TOTP_SECRET: "***"'), []);
  });
  it("reports a session's cookies logged as a dict or one by one", () => {
    const source = (logged: string) =>
      `import logging\n\nimport requests\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef login(user, password):\n    session = requests.Session()\n    resp = session.post("https://portal.example.com/login", data={"u": user, "p": password}, timeout=30)\n    _LOGGER.debug("Session: %s", ${logged})\n    return session\n`;
    for (const logged of ['session.cookies.get_dict()', 'resp.cookies["PHPSESSID"]', 'resp.cookies']) assert.equal(findings(source(logged)).length, 1, logged);
    assert.deepEqual(findings(source('len(resp.cookies)')), []);
    assert.deepEqual(findings(source('resp.headers["content-type"]')), []);
  });

  it("takes the headers of a request to a view that requires authentication for the caller's access token", () => {
    const view = (auth: string) =>
      `import logging\n\nfrom homeassistant.components.http import HomeAssistantView\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass RegisterView(HomeAssistantView):\n    url = "/api/demo/register"\n    name = "api:demo:register"\n${auth}\n    async def post(self, request):\n        _LOGGER.debug("Request headers: %s", dict(request.headers))\n        return self.json({})\n`;
    const severities = (auth: string) => analyzeSnippet(view(auth), { rules }).findings.map((finding) => finding.severity);
    assert.deepEqual(severities(''), ['error']);
    assert.deepEqual(severities('    requires_auth = True\n'), ['error']);
    assert.match(analyzeSnippet(view(''), { rules }).findings[0].message, /access token/);
    // A public view's caller sends no Home Assistant token; its headers may still carry a signature or a key.
    assert.deepEqual(severities('    requires_auth = False\n'), ['warning']);
  });

  it('names the credentials an entry holds, not a password the flow only exchanged for a token', () => {
    const flow = (data: string) =>
      `import voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow\nfrom homeassistant.const import CONF_EMAIL, CONF_PASSWORD\n\nSCHEMA = vol.Schema({vol.Required(CONF_EMAIL): str, vol.Required(CONF_PASSWORD): str})\n\n\nclass Flow(ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            res = await self._login(user_input[CONF_EMAIL], user_input[CONF_PASSWORD])\n            return self.async_create_entry(title="Demo", data=${data})\n        return self.async_show_form(step_id="user", data_schema=SCHEMA)\n`;
    const init = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Setting up %s", entry.data)\n    return True\n';
    const message = (data: string) => analyzeSnippet(init, { rules, otherFiles: { 'config_flow.py': flow(data) } }).findings[0]?.message ?? '';
    assert.match(message('{"token": res["token"], "housing": res["housing"]}'), /holds credentials \(token\)/);
    assert.match(message('user_input'), /holds credentials \(password\)/);
  });

  it("takes the code of an alarm panel's or a lock's command for a credential", () => {
    const panel = (method: string) =>
      `import logging\n\nfrom homeassistant.components.alarm_control_panel import AlarmControlPanelEntity\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Panel(AlarmControlPanelEntity):\n    async def ${method}(self, code=None):\n        _LOGGER.debug("Command with code %s", code)\n`;
    const severities = (method: string) => analyzeSnippet(panel(method), { rules, fileName: 'alarm_control_panel.py' }).findings.map((finding) => finding.severity);
    assert.deepEqual(severities('async_alarm_disarm'), ['error']);
    assert.deepEqual(severities('async_alarm_arm_away'), ['error']);
    assert.deepEqual(severities('async_set_country'), []);
  });

  it('reports a helper that logs every answer it parses, when a caller reads a credential from what it returns', () => {
    const api = (read: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass LockApi:\n    async def _parse_resp(self, resp):\n        body = await resp.json()\n        _LOGGER.debug("Received response: %s", body)\n        return body\n\n    async def login(self, session, username, password):\n        resp = await session.post("https://api.example.com/oauth2/token", data={"username": username, "password": password})\n        res = await self._parse_resp(resp)\n        return res["${read}"]\n`;
    assert.deepEqual(analyzeSnippet(api('access_token'), { rules, fileName: 'api.py' }).findings.map((finding) => finding.range.start.line), [8]);
    assert.deepEqual(analyzeSnippet(api('device_list'), { rules, fileName: 'api.py' }).findings, []);
    // An answer logged on the way to a raise is never returned: no caller reads a credential from it.
    const failed = api('access_token').replace('        _LOGGER.debug("Received response: %s", body)\n', '        if body.get("error_code"):\n            _LOGGER.debug("Received error: %s", body)\n            raise ValueError("failed")\n');
    assert.deepEqual(analyzeSnippet(failed, { rules, fileName: 'api.py' }).findings, []);
  });

  it("takes the integration's own logging wrapper for a log call", () => {
    const logger = 'import logging\n\n_LOGGER = logging.getLogger("demo")\n\n\nclass DemoLogger:\n    @staticmethod\n    def debug(msg):\n        _LOGGER.debug(msg)\n\n    @staticmethod\n    def error(msg):\n        return len(msg)\n';
    const init = (method: string) => `from .logger import DemoLogger\n\n\nasync def async_setup_entry(hass, entry):\n    DemoLogger.${method}(f"token={entry.data['token']}")\n    return True\n`;
    assert.equal(analyzeSnippet(init('debug'), { rules, otherFiles: { 'logger.py': logger } }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(init('error'), { rules, otherFiles: { 'logger.py': logger } }).findings, []);
  });

  it("takes a logger's method held in a name, or bound with partial, for a log call", () => {
    const api = (setup: string, call: string) => `import logging\nfrom functools import partial\n\n_LOGGER = logging.getLogger(__name__)\n${setup}\n\n\nclass Api:\n    def login(self):\n        ${call}\n`;
    const count = (setup: string, call: string) => analyzeSnippet(api(setup, call), { rules, fileName: 'api.py' }).findings.length;
    assert.equal(count('log = _LOGGER.debug', 'log("Logging in with %s", self.password)'), 1);
    assert.equal(count('dbg = partial(_LOGGER.debug, "Using token %s")', 'dbg(self._api_token)'), 1);
    assert.equal(count('log = print_nothing = len', 'log(self.password)'), 0);
  });

  it('takes update() with placeholders and the | merge for masking a copy before it is logged', () => {
    const flow = (shown: string) =>
      `import logging\n\nimport voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow\nfrom homeassistant.const import CONF_HOST, CONF_PASSWORD\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Flow(ConfigFlow, domain="logupd"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n${shown}\n            _LOGGER.debug("Input: %s", shown)\n            return self.async_create_entry(title="x", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_HOST): str, vol.Required(CONF_PASSWORD): str}))\n`;
    const count = (shown: string) => analyzeSnippet(flow(shown), { rules, fileName: 'config_flow.py' }).findings.length;
    assert.equal(count('            shown = dict(user_input)\n            shown.update({CONF_PASSWORD: "**REDACTED**"})'), 0);
    assert.equal(count('            shown = user_input | {CONF_PASSWORD: "**REDACTED**"}'), 0);
    assert.equal(count('            shown = user_input | {CONF_HOST: "**REDACTED**"}'), 1);
  });

  it("takes a response's URL for the credential its request sent in the query string", () => {
    const client = (params: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass WxClient:\n    async def current(self, session, station):\n        async with session.get(f"https://api.example.com/{station}", params=${params}) as resp:\n            _LOGGER.debug("GET %s -> %s", resp.url, resp.status)\n            return await resp.json()\n`;
    assert.equal(analyzeSnippet(client('{"api-key": self._api_key}'), { rules, fileName: 'api.py' }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(client('{"units": "metric"}'), { rules, fileName: 'api.py' }).findings, []);
  });

  it('follows keywords its callers give a **kwargs parameter that is logged', () => {
    const api = (json: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Api:\n    async def _request(self, method, path, **kwargs):\n        _LOGGER.debug("Request %s %s kwargs=%s", method, path, kwargs)\n        return await self._session.request(method, path, **kwargs)\n\n    async def login(self):\n        return await self._request("post", "/login", json=${json})\n`;
    assert.equal(analyzeSnippet(api('{"email": self._email, "password": self._password}'), { rules, fileName: 'api.py' }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(api('{"page": 1}'), { rules, fileName: 'api.py' }).findings, []);
    // Spread from a dict the caller builds (`**params`).
    const spread = api('None').replace('return await self._request("post", "/login", json=None)', 'params = {"lockId": 1, "keyboardPwd": self._passcode}\n        return await self._request("post", "/login", **params)');
    assert.equal(analyzeSnippet(spread, { rules, fileName: 'api.py' }).findings.length, 1);
  });
  it('takes neither a caught exception named after a token nor a parameter every caller hands an expiry for a credential', () => {
    const api = (argument: string) =>
      `import logging\nfrom datetime import datetime\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Api:\n    @staticmethod\n    def check_token_is_valid(token):\n        _LOGGER.debug("checking token validity: %s", token)\n        try:\n            return datetime.now() < datetime.strptime(str(token), "%Y-%m-%d")\n        except ValueError as excpt_token:\n            _LOGGER.debug("failed to check token: %s", excpt_token)\n        return False\n\n    def ok(self):\n        return self.check_token_is_valid(${argument})\n`;
    assert.deepEqual(findings(api('self.token_exp')), []);
    assert.equal(findings(api('self.access_token')).length, 1);
    const creds = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef connect(basic_auth_creds):\n    _LOGGER.debug(f"basic_auth_creds: {basic_auth_creds}")\n';
    assert.equal(findings(creds).length, 1);
  });
  it("reports a part of the YAML configuration whose schema takes credentials, not one that takes none", () => {
    const source = (logged: string) =>
      `import logging\n\nimport voluptuous as vol\n\nimport homeassistant.helpers.config_validation as cv\nfrom homeassistant.const import CONF_PASSWORD, CONF_USERNAME\n\n_LOGGER = logging.getLogger(__name__)\n\nDOMAIN = "sbx"\n\nACCOUNT_SCHEMA = vol.Schema({vol.Required(CONF_USERNAME): cv.string, vol.Required(CONF_PASSWORD): cv.string})\nCONFIG_SCHEMA = vol.Schema({DOMAIN: vol.Schema({vol.Required("accounts"): vol.All(cv.ensure_list, [ACCOUNT_SCHEMA]), vol.Optional("zones"): [cv.string]})}, extra=vol.ALLOW_EXTRA)\n\n\nasync def async_setup(hass, config):\n    section = config[DOMAIN]["${logged}"]\n    _LOGGER.debug(f"${logged}: {section}")\n    return True\n`;
    assert.match(findings(source('accounts'))[0]?.message ?? '', /YAML configuration "accounts"/);
    assert.deepEqual(findings(source('zones')), []);
  });
  it("leaves an answer logged in the branch where its token is missing, however the absence is tested", () => {
    const api = (test: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def get_token(session, url):\n    async with session.get(url) as resp:\n        data = await resp.json()\n    if ${test}:\n        _LOGGER.error("No token: %s", data)\n        return None\n    return data["access_token"]\n`;
    for (const test of ['not data.get("access_token")', '"access_token" not in data', 'data.get("access_token") is None']) assert.deepEqual(findings(api(test)), [], test);
    assert.equal(findings(api('data.get("errcode")')).length, 1);
  });
  it("reads what a function two calls below the try block raises, with the credential in its message", () => {
    const client = (read: string) =>
      `class InverterClient:\n    def __init__(self, host, username, password):\n        self.url = "http://{0}:{1}@{2}/status.php".format(username, password, host)\n\n    async def connect(self):\n        await self._read()\n\n    async def _read(self):\n        ${read}\n`;
    const flow = 'import logging\n\nfrom .client import InverterClient\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def probe(host, username, password):\n    client = InverterClient(host, username, password)\n    try:\n        await client.connect()\n    except Exception as error:\n        _LOGGER.error("Unexpected exception: %s", error)\n';
    const count = (read: string) => findings(flow, { fileName: 'config_flow.py', otherFiles: { 'client.py': client(read) } }).length;
    assert.equal(count('raise ValueError("No valid CSV received from {0}".format(self.url))'), 1);
    assert.equal(count('raise ValueError("No valid CSV received")'), 0);
  });
  it("takes a flow step no form is shown for as given no form's input, unlike a step whose form asks for the key", () => {
    const flow = (final: string) =>
      `import logging\n\nimport voluptuous as vol\nfrom homeassistant import config_entries\nfrom homeassistant.const import CONF_API_KEY\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass DemoFlow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            self.data = user_input\n            return await self.async_step_final()\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_API_KEY): str}))\n\n    async def async_step_final(self, user_input=None):\n        _LOGGER.debug("final: %s", user_input)\n${final}        return self.async_create_entry(title="Demo", data=self.data)\n`;
    assert.deepEqual(findings(flow(''), { fileName: 'config_flow.py' }), []);
    assert.equal(findings(flow('        if user_input is None:\n            return self.async_show_form(step_id="final")\n'), { fileName: 'config_flow.py' }).length, 1);
  });

  it('reads a loop over literal rows column by column: the label beside a key is not the key', () => {
    const source = (logged: string) =>
      `import logging\nfrom homeassistant.const import CONF_API_KEY\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass DemoFlow(ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            for name, value in [("API key", user_input[CONF_API_KEY]), ("Region", "eu")]:\n                if "<" in value:\n                    _LOGGER.warning("%s is invalid", ${logged})\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_API_KEY): str}))\n`;
    assert.deepEqual(analyzeSnippet(source('name'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('value'), { rules }).findings.length, 1);
  });

  it("follows a secret through a str method called through its class (str.encode(secret))", () => {
    const source = (encoded: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef command(auth_code):\n    body = b'{"authCode":"' + ${encoded} + b'"}'\n    _LOGGER.debug("Sending %s", body)\n`;
    assert.equal(analyzeSnippet(source('str.encode(auth_code)'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('auth_code.encode()'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('str.encode("fixed")'), { rules }).findings, []);
  });

  it("follows a credential written into another object's dict before that dict is logged", () => {
    const source = (write: string) =>
      `import logging\n\nfrom wallbox import Wallbox\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    client = Wallbox(entry.data["username"], entry.data["password"])\n${write}\n    _LOGGER.debug("Request headers: %s", client.headers)\n    return True\n`;
    assert.match(analyzeSnippet(source('    client.headers["Authorization"] = f"Bearer {entry.data[\'access_token\']}"'), { rules }).findings[0]?.message ?? '', /writes the credential `client\.headers`/);
    assert.equal(analyzeSnippet(source('    client.headers["X-Api-Key"] = api_key'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('    client.headers["Accept"] = "application/json"'), { rules }).findings, []);
    // Written after the log line: not in what was logged.
    assert.deepEqual(analyzeSnippet(source('    pass').replace('    return True', '    client.headers["X-Api-Key"] = api_key\n    return True'), { rules }).findings, []);
  });

  it("reports an answer's parse a helper logs and returns as written, when a caller reads a credential from it", () => {
    const source = (read: string, parse = 'resp.json()') =>
      `import logging\n\nimport httpx\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def send_http(url, params):\n    async with httpx.AsyncClient() as client:\n        resp = await client.post(url, json=params)\n        _LOGGER.debug("HTTP data received = %s", ${parse})\n        return ${parse}\n\n\nclass Api:\n    async def login(self):\n        resp = await send_http("https://api.example.com/login", {"user": self.user})\n        self.value = resp${read}\n`;
    assert.match(analyzeSnippet(source('["result"]["auth"]["apiKey"]'), { rules }).findings[0]?.message ?? '', /writes `resp\.json\(\)`, a whole payload that holds the credential "apiKey"/);
    assert.deepEqual(analyzeSnippet(source('["result"]["devices"]'), { rules }).findings, []);
  });

  it("takes a device's pin for a credential where the integration asks the user for a PIN as text, not a GPIO pin", () => {
    const platform = (schema: string) =>
      `import logging\n\nimport voluptuous as vol\nimport homeassistant.helpers.config_validation as cv\nfrom homeassistant.components.media_player import PLATFORM_SCHEMA\n\n_LOGGER = logging.getLogger(__name__)\nPLATFORM_SCHEMA = PLATFORM_SCHEMA.extend({vol.Required("host"): cv.string, vol.Optional("pin"): ${schema}})\n\n\nclass Tv:\n    def __init__(self, device):\n        _LOGGER.debug("Paired with %s", device.pin)\n`;
    assert.equal(analyzeSnippet(platform('cv.string'), { rules, fileName: 'media_player.py' }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(platform('cv.positive_int'), { rules, fileName: 'media_player.py' }).findings, []);
    const configurator = 'import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\ndef setup_platform(hass, config, add_entities, discovery_info=None):\n    hass.components.configurator.request_config("TV", lambda data: None, fields=[{"id": "pin", "name": "PIN", "type": ""}])\n\n\nclass Tv:\n    def __init__(self, device):\n        _LOGGER.error(device.pin)\n';
    assert.equal(analyzeSnippet(configurator, { rules, fileName: 'media_player.py' }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(configurator.replace('"id": "pin"', '"id": "host"'), { rules, fileName: 'media_player.py' }).findings, []);
  });

  it('leaves an answer alone where the code found it lacks the credential: below a branch that leaves with it, or named for tokens', () => {
    const flow = (name: string, check: string) =>
      `import logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Flow(ConfigFlow, domain="acme"):\n    async def async_step_user(self, user_input=None):\n        async with self.session.post("https://auth.acme.io/token", json=user_input) as resp:\n            ${name} = await resp.json()\n${check}\n`;
    const below = (test: string) => flow('answer', `        if ${test}:\n            return self.async_create_entry(title="x", data={"token": answer["access_token"]})\n        _LOGGER.error("Login failed: %s", answer)`);
    assert.deepEqual(analyzeSnippet(below('"access_token" in answer'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(below('answer.get("access_token")'), { rules }).findings, []);
    // A branch that does not leave, or a test of something else, says nothing about what the answer holds.
    assert.equal(analyzeSnippet(below('"access_token" in answer').replace('            return self.async_create_entry', '            self.result = self.async_create_entry'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(below('self.ready'), { rules }).findings.length, 1);
    const named = (test: string) => flow('tokens', `        if ${test}:\n            _LOGGER.error("Login failed: %s", tokens)\n            return None\n        return tokens["access_token"]`);
    assert.deepEqual(analyzeSnippet(named('"access_token" not in tokens'), { rules }).findings, []);
    assert.equal(analyzeSnippet(named('self.ready'), { rules }).findings.length, 1);
  });
});
