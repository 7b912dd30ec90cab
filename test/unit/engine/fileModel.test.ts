import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPythonFile } from '../../../server/src/analysis/engine';
import { identifiersMatching } from '../../../server/src/analysis/python/syntax';
import { derivedKey, type FileModel } from '../../../server/src/analysis/model/fileModel';
import { buildIntegration, constantExpression, moduleNameFor } from '../../../server/src/analysis/model/integration';
import { isCredentialKey } from '../../../server/src/analysis/model/secretFlow';
import { isPersonalDataName, isSecretName, SECRET_NAME_WORDS } from '../../../server/src/analysis/model/secrets';
import { analyzeSnippet, setup } from '../../helpers/analysis';
import { unsafeDeserialization } from '../../../server/src/analysis/rules/unsafeDeserialization';
import { unpinnedRequirement } from '../../../server/src/analysis/rules/unpinnedRequirement';
import { logSecret } from '../../../server/src/analysis/rules/logSecret';

function load(source: string, path = '/w/custom_components/demo/sensor.py'): FileModel {
  const file = loadPythonFile(path, source, moduleNameFor('/w/custom_components/demo', path));
  return file;
}

describe('file model', () => {
  before(setup);

  it('cuts lines as splitting on line breaks would, one line at a time', () => {
    const texts = ['', 'x = 1', 'x = 1\n', 'a\r\nb\r\n', 'a\rb\nc\r', '\n\n\r\n', 'a = "\r"\r\n\tb\n', 'é = 1\r\n# ü\n'];
    for (const text of texts) {
      const file = loadPythonFile('/t.py', text);
      const lines = text.split(/\r?\n/);
      assert.equal(file.lineCount, lines.length, JSON.stringify(text));
      for (let line = -1; line <= lines.length; line++) assert.equal(file.lineText(line), lines[line] ?? '', `${JSON.stringify(text)} line ${line}`);
    }
  });

  it('resolves callees through every import form', () => {
    const file = load(`
import subprocess as sp
import os.path
from yaml import load as yaml_load
from homeassistant.helpers import aiohttp_client
from homeassistant.helpers.aiohttp_client import async_get_clientsession as get_session

def f(hass):
    sp.run("x")
    os.path.join("a")
    yaml_load("a")
    aiohttp_client.async_get_clientsession(hass)
    get_session(hass)
    eval("1")
`);
    assert.deepEqual(
      file.calls.map((call) => call.name),
      ['subprocess.run', 'os.path.join', 'yaml.load', 'homeassistant.helpers.aiohttp_client.async_get_clientsession', 'homeassistant.helpers.aiohttp_client.async_get_clientsession', 'eval'],
    );
    assert.ok(file.isBuiltin('eval'));
  });

  it('gives a use the bindings that reach it: an assignment always run before it hides the earlier ones', () => {
    const file = load('x = 1\n\n\ndef f(flag):\n    x = 2\n    if flag:\n        x = 3\n    x = 4\n    if flag:\n        x = 5\n    print(x)\n    x = x + 1\n    print(x)\n\n\ndef g():\n    print(x)\n');
    const uses = file.nodesOfType('call').filter((call) => call.text.startsWith('print')).map((call) => call.childForFieldName('arguments')!.namedChildren[0]!);
    const values = (use: typeof uses[number]) => file.bindingsOf(use).map((binding) => binding.value?.text);
    assert.deepEqual(values(uses[0]), ['4', '5']);
    // `x = x + 1` reads the x before it; the print after it sees only it.
    assert.deepEqual(values(uses[1]), ['x + 1']);
    assert.deepEqual(values(uses[2]), ['1']);
  });

  it('sees imports made inside functions and after first use', () => {
    const file = load('def f():\n    return pickle.loads(b"")\n\nimport pickle\n');
    assert.equal(file.calls[0].name, 'pickle.loads');
  });

  it("finds a module's own functions, not methods or nested functions of the same name", () => {
    const file = load('class Util:\n    @staticmethod\n    def to_attributes(x):\n        return x\n\n    def setup(self):\n        pass\n\n\nif True:\n    def to_attributes(x):\n        return x\n');
    assert.equal(file.moduleFunction('to_attributes')?.startPosition.row, 10);
    assert.equal(file.moduleFunction('setup'), undefined);
  });

  it('lists the identifiers of one spelling found through the text, in the file or inside one scope', () => {
    const file = load('url = "http://a url"\n\ndef f(url):\n    return get(url, urls)  # the url\n\nget(url)\n');
    const rows = (nodes: { startPosition: { row: number } }[]) => nodes.map((node) => node.startPosition.row);
    const named = (name: string, scope = file.root) => identifiersMatching(scope, file.text, new RegExp(`\\b${name}\\b`)).filter((node) => node.text === name);
    assert.deepEqual(rows(named('url')), [0, 2, 3, 5]);
    assert.deepEqual(rows(named('url', file.functions[0])), [2, 3]);
    assert.deepEqual(named('missing'), []);
  });

  it('knows a shadowed builtin is not the builtin', () => {
    const file = load('def eval(x):\n    return x\n\neval("1")\n');
    assert.equal(file.isBuiltin('eval'), false);
  });

  it('resolves relative imports against the module path', () => {
    const file = load('from .const import DOMAIN\nfrom . import api\nfrom ..other import thing\n', '/w/custom_components/demo/sensor.py');
    assert.equal(file.imports.get('DOMAIN'), 'custom_components.demo.const.DOMAIN');
    assert.equal(file.imports.get('api'), 'custom_components.demo.api');
    assert.equal(file.imports.get('thing'), 'custom_components.other.thing');
    const init = load('from .const import DOMAIN\n', '/w/custom_components/demo/__init__.py');
    assert.equal(init.imports.get('DOMAIN'), 'custom_components.demo.const.DOMAIN');
  });

  it('follows local assignments to where a value comes from', () => {
    const file = load(`
from homeassistant.const import CONF_PASSWORD

async def async_setup_entry(hass, entry):
    password = entry.data[CONF_PASSWORD]
    secret = password
    headers = {"Authorization": f"Bearer {secret}"}
    log(headers, secret, entry)
`);
    const call = file.calls.find((site) => site.name === 'log')!;
    const [headers, secret, entry] = call.args;
    assert.deepEqual(file.origins(secret).map((origin) => origin.node.text), ['entry.data[CONF_PASSWORD]']);
    assert.equal(file.origins(headers)[0].node.type, 'dictionary');
    const [parameter] = file.origins(entry);
    assert.equal(parameter.kind, 'parameter');
    assert.equal(parameter.name, 'entry');
  });

  it('binds the names of an unpacking target, not the objects it stores into', () => {
    const file = load(`
def status(self):
    attrs = {"a": 1}
    (attrs["time"], self.area) = self.cleaning()
    first, (second, *rest) = self.parts()
    log(attrs, first, second, rest)
`);
    const call = file.calls.find((site) => site.name === 'log')!;
    const [attrs, first, second, rest] = call.args;
    assert.deepEqual(file.origins(attrs).map((origin) => origin.node.type), ['dictionary']);
    for (const name of [first, second, rest]) assert.deepEqual(file.origins(name).map((origin) => origin.node.text), ['self.parts()'], name.text);
    const opened = load('def save(path):\n    with open(path) as handle, lock as (a, b):\n        log(handle, a)\n');
    const [handle, a] = opened.calls.find((site) => site.name === 'log')!.args;
    assert.deepEqual(opened.origins(handle).map((origin) => origin.node.text), ['open(path)']);
    assert.deepEqual(opened.origins(a).map((origin) => origin.node.text), ['lock']);
  });

  it('keeps scopes apart and prefers the assignment before the use', () => {
    const file = load(`
value = "module"

def first():
    value = "first"
    use(value)

def second():
    use(value)

def third():
    x = "early"
    use(x)
    x = "late"
`);
    const uses = file.calls.filter((site) => site.name === 'use').map((site) => file.origins(site.args[0])[0].node.text);
    assert.deepEqual(uses, ['"first"', '"module"', '"early"']);
  });

  it('reads a name on the right of its own assignment as the value bound before it', () => {
    const file = load(`
def first(hass):
    filename = f"acme-{VERSION}"
    filename = hass.config.path(filename)
    total = 1
    if hass:
        total = total + 1
    use(filename, total)
`);
    const inner = file.calls.find((site) => site.name === 'hass.config.path' || site.method === 'path')!.args[0];
    assert.deepEqual(file.origins(inner).map((origin) => origin.node.text), ['f"acme-{VERSION}"']);
    const [filename, total] = file.calls.find((site) => site.name === 'use')!.args;
    assert.deepEqual(file.origins(filename).map((origin) => origin.node.text), ['hass.config.path(filename)']);
    assert.deepEqual(file.origins(total).map((origin) => origin.node.text).sort(), ['1', 'total + 1']);
  });

  it("binds a name a function declares global in the module, and lets functions read every module binding", () => {
    const file = load(`
DB_PATH = None

def setup(config):
    global DB_PATH
    DB_PATH = config["db"]

def read():
    use(DB_PATH)

def change(call):
    global DB_PATH
    DB_PATH = call.data["path"]

def local_only():
    DB_PATH = "local"
    use(DB_PATH)
`);
    const [read, local] = file.calls.filter((site) => site.name === 'use').map((site) => file.origins(site.args[0]).map((origin) => origin.node.text));
    assert.deepEqual(read, ['None', 'config["db"]', 'call.data["path"]']);
    assert.deepEqual(local, ['"local"']);
  });

  it('reads string values of literals, module constants and Home Assistant constants', () => {
    const file = load(`
from homeassistant.const import CONF_API_KEY
import homeassistant.const as ha_const
KEY = "token"
ALIAS = KEY
use(KEY, ALIAS, CONF_API_KEY, ha_const.CONF_PASSWORD, "lit" "eral", f"no{x}")
`);
    const call = file.calls.find((site) => site.name === 'use')!;
    assert.deepEqual(call.args.map((arg) => file.stringValue(arg)), ['token', 'token', 'api_key', 'password', 'literal', undefined]);
    // Names the table does not list are read by Home Assistant's naming rule, save the few that break it.
    const more = load('from homeassistant.const import ATTR_BATTERY_CHARGING, CONF_SERVICE_DATA, CONF_UNIQUE_ID, STATE_ON\nuse(CONF_UNIQUE_ID, ATTR_BATTERY_CHARGING, CONF_SERVICE_DATA, STATE_ON)\n');
    assert.deepEqual(more.calls.find((site) => site.name === 'use')!.args.map((arg) => more.stringValue(arg)), ['unique_id', 'battery_charging', 'data', undefined]);
  });

  it('reads constants across the modules of an integration', () => {
    const root = '/w/custom_components/demo';
    const constModule = load('from datetime import timedelta\nCONF_SECRET = "client_secret"\nINTERVAL = timedelta(minutes=5)\n', `${root}/const.py`);
    const reexporting = load('from homeassistant.const import CONF_PASSWORD\n', `${root}/keys.py`);
    const sensor = load('from .const import CONF_SECRET, INTERVAL\nfrom .keys import CONF_PASSWORD\nuse(CONF_SECRET, INTERVAL, CONF_PASSWORD)\n', `${root}/sensor.py`);
    const integration = buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [constModule, reexporting, sensor]);
    const call = sensor.calls.find((site) => site.name === 'use')!;
    assert.equal(sensor.stringValue(call.args[0], integration.constantString), 'client_secret');
    assert.equal(constantExpression(sensor, call.args[1], integration)?.node.text, 'timedelta(minutes=5)');
    assert.equal(sensor.stringValue(call.args[2], integration.constantString), 'password', "Home Assistant's constant, re-exported");
  });

  it("reads an entry of a module's dict of key names, in the file or imported", () => {
    const root = '/w/custom_components/demo';
    const constModule = load('CONST = {"SECRET_KEY": "secret_key", "NESTED": {"A": "a"}}\n', `${root}/const.py`);
    const sensor = load('from .const import CONST\nLOCAL = {"ID": "secret_id"}\nuse(CONST["SECRET_KEY"], LOCAL["ID"], CONST["MISSING"], LOCAL[name], CONST["NESTED"])\n', `${root}/sensor.py`);
    const integration = buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [constModule, sensor]);
    const call = sensor.calls.find((site) => site.name === 'use')!;
    assert.deepEqual(call.args.map((arg) => sensor.stringValue(arg, integration.constantString)), ['secret_key', 'secret_id', undefined, undefined, undefined]);
  });

  it("binds what star imports bring in, from the integration's modules and Home Assistant's constants", () => {
    const root = '/w/custom_components/demo';
    const constModule = load('import logging\nfrom datetime import timedelta\nfrom homeassistant.const import CONF_USERNAME\nCONF_SECRET = "client_secret"\n_PRIVATE = "x"\nINTERVAL = timedelta(minutes=5)\n\ndef fetch(url):\n    return url\n', `${root}/const.py`);
    // A package re-exports what it star-imports; a cycle between two modules must not loop.
    const init = load('from .const import *\nfrom .sensor import *\n', `${root}/__init__.py`);
    const sensor = load('from . import *\nfrom homeassistant.const import *\nINTERVAL = 3\nuse(CONF_SECRET, INTERVAL, CONF_PASSWORD, _PRIVATE, CONF_USERNAME)\nfetch("u")\nlogging.getLogger(__name__)\n', `${root}/sensor.py`);
    const integration = buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [constModule, init, sensor]);
    const call = sensor.calls.find((site) => site.name === 'use')!;
    assert.equal(sensor.stringValue(call.args[0], integration.constantString), 'client_secret');
    assert.equal(constantExpression(sensor, call.args[1], integration)?.node.text, '3', 'a name the module binds itself keeps its meaning');
    assert.equal(sensor.stringValue(call.args[2], integration.constantString), 'password');
    assert.equal(sensor.imports.has('_PRIVATE'), false, 'private names are not star-exported');
    assert.equal(sensor.stringValue(call.args[4], integration.constantString), 'username', 'what const.py imported, passed on');
    assert.deepEqual(sensor.calls.map((site) => site.name).slice(1), ['custom_components.demo.const.fetch', 'logging.getLogger']);
    assert.equal(integration.resolveFunction('custom_components.demo.fetch')?.node.childForFieldName('name')?.text, 'fetch');
  });

  it('star-imports only what __all__ lists, and binds afresh when the other module changes', () => {
    const root = '/w/custom_components/demo';
    const sensor = load('from .const import *\nuse(A, B)\n', `${root}/sensor.py`);
    const before = load('__all__ = ["A"]\nA = "a"\nB = "b"\n', `${root}/const.py`);
    let integration = buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [before, sensor]);
    const args = sensor.calls.find((site) => site.name === 'use')!.args;
    assert.deepEqual(args.map((arg) => sensor.stringValue(arg, integration.constantString)), ['a', undefined]);
    // The editor keeps the unchanged sensor.py's model and builds the integration again with the edited const.py.
    const after = load('B = "b"\n', `${root}/const.py`);
    integration = buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [after, sensor]);
    assert.deepEqual(args.map((arg) => sensor.stringValue(arg, integration.constantString)), [undefined, 'b']);
    assert.equal(sensor.isBuiltin('A'), true);
  });

  it('keeps values derived from a file with its model, until a star import rebinds a name', () => {
    const root = '/w/custom_components/demo';
    const store = load('from .const import *\n\nclass Cache(Store):\n    pass\n\nCache(hass, 1, "demo.cache")\n', `${root}/store.py`);
    const key = derivedKey<string | undefined>('the base of Cache');
    let computed = 0;
    const baseOfCache = () =>
      store.derived(key, () => {
        computed++;
        const base = store.classes[0].childForFieldName('superclasses')?.namedChildren[0];
        return base ? store.qualifiedName(base) : undefined;
      });
    const withStore = load('from homeassistant.helpers.storage import Store\n', `${root}/const.py`);
    buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [withStore, store]);
    assert.equal(baseOfCache(), 'homeassistant.helpers.storage.Store');
    buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [load('from homeassistant.helpers.storage import Store\n\n# edited\n', `${root}/const.py`), store]);
    assert.equal(baseOfCache(), 'homeassistant.helpers.storage.Store');
    assert.equal(computed, 1, 'the same names bound again: the value is kept');
    // const.py edited so that `Store` is its own class: store.py's model is kept, the derived value is not.
    buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [load('class Store:\n    pass\n', `${root}/const.py`), store]);
    assert.equal(baseOfCache(), 'custom_components.demo.const.Store');
    assert.equal(computed, 2);
    // A name bound anew (const.py defines one more) is a change too.
    buildIntegration(root, `${root}/manifest.json`, '{"domain": "demo"}', [load('class Store:\n    pass\n\nOTHER = 1\n', `${root}/const.py`), store]);
    assert.equal(baseOfCache(), 'custom_components.demo.const.Store');
    assert.equal(computed, 3);
  });

  it('binds every name of a chained assignment to the final value, in time linear in the chain', { timeout: 20_000 }, () => {
    // CPython's own tests hold chains of hundreds of links; walking the rest of the chain per link never finished.
    const names = Array.from({ length: 2000 }, (_, index) => `a${index}`);
    const file = load(`def f():\n    ${names.join(' = \\\n    ')} = "value"\n    return a1999\n\nX = Y = 3\n`);
    const use = file.root.descendantsOfType('identifier').find((node) => node?.text === 'a1999' && node.parent?.type === 'return_statement')!;
    assert.deepEqual(file.origins(use).map((origin) => origin.node.text), ['"value"']);
    assert.equal(file.constants.get('X')?.text, '3');
    assert.equal(file.constants.get('Y')?.text, '3');
  });

  it('never throws on broken Python and still sees the parts that parse', () => {
    const file = load('import pickle\n\ndef broken(:\n    pass\n\npickle.loads(data)\n');
    assert.ok(file.root.hasError);
    assert.ok(file.calls.some((call) => call.name === 'pickle.loads'));
  });
});

describe('manifest', () => {
  it('reports malformed JSON with a position instead of failing', () => {
    const integration = buildIntegration('/w/custom_components/demo', '/w/custom_components/demo/manifest.json', '{\n  "domain": "demo",\n  "requirements": [\n}', []);
    assert.equal(integration.domain, 'demo');
    assert.equal(integration.manifestProblems.length, 1);
    assert.match(integration.manifestProblems[0].message, /not valid JSON/);
    assert.equal(integration.manifestProblems[0].range.start.line, 3);
  });

  it("takes no facts from a manifest that is not valid JSON, not even the parser's guesses at its requirements", () => {
    const text = '{\n  "domain": "badmanifest",\n  "requirements": ["somelib==0.3.1],\n  "codeowners": []\n}\n';
    const result = analyzeSnippet('', { manifest: text, rules: [unpinnedRequirement] });
    assert.deepEqual(result.findings, []);
    const item = result.checklist.find((entry) => entry.id === 'dependency-pinning');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /not valid JSON/);
  });

  it('falls back to the folder name when there is no domain', () => {
    const integration = buildIntegration('/w/custom_components/acme', '/w/custom_components/acme/manifest.json', '[]', []);
    assert.equal(integration.domain, 'acme');
    assert.match(integration.manifestProblems[0].message, /must hold a JSON object/);
  });
});

describe('secret names', () => {
  it('tells names that hold credentials from names that describe them', () => {
    for (const name of ['password', 'api_key', 'apiKey', 'self._token', '_access_token', 'CONF_CLIENT_SECRET', 'x-api-key', 'refresh_token', 'pwd', 'auth_token', 'clientSecret', 'CONF_MANAGEMENT_KEY', 'admin_key', 'subscriptionKey', 'webhook_auth', 'session_cookie', 'pass', 'ssh_pass', 'CONF_PASS', 'token_for_device', 'vapid_prv_key', 'ATTR_VAPID_PRV_KEY', 'privkey', 'session_id', 'rf_session_id', 'sessionId', 'passcode', 'usercodes', 'rsa_private_key', 'private_key', '_loginKey', '_loginKey2', 'signKey', 'SIGN_KEY', 'IOT_KEY', '_iotkey', 'AES_KEY', 'token1', 'alarmpanel_code', 'CONF_PANEL_CODE', 'disarm_code', 'network_key', 'CONF_NETWORK_KEY', 'tc_link_key', 'CONF_S0_LEGACY_KEY', 's2_access_control_key', 'lr_s2_authenticated_key', 'api_keys', 'ACCESS_TOKENS', 'private_keys', 'event_hub_sas_key', 'CONF_SAS_TOKEN', 'creds', 'basic_auth_creds', '_user_code', 'user_codes', '_pincode', '_installer_code', 'tech_code', 'CONF_INSTALL_CODE', 'installation_code', 'admin_pin', 'CONF_PAIRING_PIN']) {
      assert.ok(isSecretName(name.replace(/^self\./, '')), name);
    }
    for (const name of ['TOKEN_URL', 'token_type', 'password_hint', 'has_password', 'token_expires_at', 'username', 'host', 'key', 'tokenizer', 'secret_name', 'grant_type', 'unique_key', 'translation_key', 'sort_key', 'site_key', 'requires_auth', 'basic_auth_enabled', 'APP_COOKIE_SECURE', 'cookie_samesite', 'pass_through', 'bypass', 'passive', 'serial_from_credentials', 'expiry_of_token', 'token_type_handler', 'password_validator', 'token_generator', '_password_rsa_n', 'password_rsa_e', 'public_key', 'device_public_key', 'network_key_type', 's2_key_count', 'legacy_key', 'last_issue_token_response_keys', 'token_keys', 'access_token_expires_on', 'token_valid_until', 'tokenRefreshRetrys', 'token_refresh_retries', 'password_attempts', 'TOKEN_REFRESH_INTERVAL', 'token_refresh_task', 'token_exp', 'jwt_exp', 'country_code', 'status_code', 'default_code', 'PASSWORD_HASH_ALGO', 'auth_method', 'MQTT_PASSWORD_TOPIC', 'token_alg', 'led_pin', 'relay_pin']) {
      assert.ok(!isSecretName(name), name);
    }
  });

  it('takes connection strings and database URLs as credential keys', () => {
    for (const key of ['db_url', 'CONF_DB_URL', 'connection_string', 'event_hub_connection_string', 'dsn']) assert.ok(isCredentialKey(key), key);
    for (const key of ['url', 'connection_type', 'sentry_dsn', 'connection_string_format']) assert.ok(!isCredentialKey(key), key);
  });

  it('takes a truth about a credential for no credential', () => {
    for (const name of ['has_token', '_has_token', 'is_token_expired', 'token_expired', 'needs_password', 'token_missing']) assert.ok(!isSecretName(name), name);
    for (const name of ['valid_token', 'token', 'new_access_token']) assert.ok(isSecretName(name), name);
  });

  it("takes a language model's token counts for no credential, and LuCI's stok for one", () => {
    for (const name of ['max_tokens', 'maxOutputTokens', 'max_new_tokens', 'total_tokens', 'tokens_used', 'prompt_tokens', 'completion_tokens', 'input_tokens', 'output_tokens', 'num_tokens', 'token_limit', 'token_usage', 'reasoning_tokens']) {
      assert.ok(!isSecretName(name), name);
    }
    for (const name of ['tokens', '_tokens', 'new_tokens', 'access_tokens', 'cached_tokens', 'stok', '_stok', 'CONF_STOK']) assert.ok(isSecretName(name), name);
    for (const name of ['entry_code', 'guest_code', 'gate_code', 'visitor_code', 'write_community', 'CONF_COMMUNITY_STRING', 'community_write']) assert.ok(isSecretName(name), name);
  });

  it('takes an anti-forgery token for no credential', () => {
    for (const name of ['csrf_token', 'x-csrf-token', 'XSRF-TOKEN', 'csrftoken', '_csrf']) assert.ok(!isSecretName(name), name);
    for (const name of ['session_token', 'x-auth-token', 'refresh_token']) assert.ok(isSecretName(name), name);
  });

  it("takes a paging or sync cursor, or a message's reply handle, for no credential", () => {
    for (const name of ['pageToken', 'nextPageToken', 'next_page_token', 'syncToken', 'continuationToken', 'NextToken', 'deltaToken', 'skip_token', 'replyToken', 'reply_token']) assert.ok(!isSecretName(name), name);
    for (const name of ['access_token', 'pushToken', 'device_token']) assert.ok(isSecretName(name), name);
  });

  it("takes a message's or call's parties for personal data", () => {
    for (const name of ['from_number', 'to_number', 'sender', 'last_sender', 'recipient', 'caller_number', 'last_caller']) assert.ok(isPersonalDataName(name), name);
    for (const name of ['serial_number', 'sender_type', 'message_count', 'model_number', 'emails_bounced', 'emails_opened']) assert.ok(!isPersonalDataName(name), name);
    for (const name of ['emails', 'attendee_emails', 'contact_phones']) assert.ok(isPersonalDataName(name), name);
    for (const name of ['pce', 'pdl', 'cil', 'mprn', 'cust_no', 'custno', 'cust_id', 'acct_no', 'acct_number']) assert.ok(isPersonalDataName(name), name);
    for (const name of ['customs', 'accumulated', 'account_type', 'pdlist', 'cilinder']) assert.ok(!isPersonalDataName(name), name);
  });

  it('tells personal data from device facts', () => {
    for (const name of ['email', 'phone_number', 'home_address', 'latitude', 'account_id', 'date_of_birth', 'address', 'sip_uri', 'sipUri', 'sip_address']) assert.ok(isPersonalDataName(name), name);
    for (const name of ['ip_address', 'mac_address', 'model', 'serial_number', 'firmware', 'sip_port', 'sip_server']) assert.ok(!isPersonalDataName(name), name);
    // A fact about the data (when it was taken, whether it was checked) is not the data; a birth date is.
    for (const name of ['gps_time', 'gpsTime', 'email_verified', 'phone_count', 'latitude_updated']) assert.ok(!isPersonalDataName(name), name);
    for (const name of ['birth_date', 'gps_position', 'email_address']) assert.ok(isPersonalDataName(name), name);
    for (const name of ['accountnumber', 'AccountNumber', 'customerid', 'phonenumber', 'emailaddress']) assert.ok(isPersonalDataName(name), name);
    for (const name of ['accountnumbers_count', 'account_type', 'zipcode_valid']) assert.ok(!isPersonalDataName(name), name);
    // Every word and pair secret names are made of is still judged one (the quick pre-check lets each through).
    for (const word of SECRET_NAME_WORDS) {
      for (const name of [word, word.toUpperCase(), `conf_${word}`, word.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase())]) assert.ok(isSecretName(name), name);
    }
    // Membership numbers name the account holder, meter point numbers the home a supply goes to.
    for (const name of ['member_id', 'memberId', 'membership_number', 'mpan', 'MPRN', 'supply_point_id', 'meter_point_reference']) assert.ok(isPersonalDataName(name), name);
    for (const name of ['group_members', 'member_count', 'meter_id', 'meter_reading', 'point_id']) assert.ok(!isPersonalDataName(name), name);
    // How a position was taken is not the position; a bank account's number and holder name the account holder.
    for (const name of ['gpsCoordinateMethod', 'gps_dimension', 'gps_fix_method', 'latitude_accuracy']) assert.ok(!isPersonalDataName(name), name);
    for (const name of ['bban', 'account_holder', 'ownerName', 'account_holder_name']) assert.ok(isPersonalDataName(name), name);
  });
});

describe('pragmas', () => {
  it('silence a finding by rule or checklist id, and report unused, unknown and reasonless ones', () => {
    const rules = [unsafeDeserialization];
    const source = [
      'import pickle',
      'a = pickle.loads(b"")  # ha-security: ignore[unsafe-deserialization] the blob comes from our own cache file',
      'b = pickle.loads(b"")  # ha-security: ignore[unsafe-deserialization-typo] oops',
      'c = 1  # ha-security: ignore[unsafe-deserialization] stale',
      'd = pickle.loads(b"")  # ha-security: ignore[unsafe-deserialization]',
      'e = pickle.loads(b"")  # ha-security: ignore[command-injection] wrong item',
      'f = pickle.loads(b"")  # ha-security: ignore[unsafe-deserialization] reason:',
    ].join('\n');
    const result = analyzeSnippet(source, { rules });
    assert.deepEqual(result.findings.map((finding) => finding.range.start.line + 1), [3, 6]);
    assert.deepEqual(
      result.pragmaProblems.map((problem) => `${problem.range.start.line + 1} ${problem.kind}`),
      ['3 unknown', '4 unused', '5 no-reason', '7 no-reason'],
      'command-injection did not run here, so its pragma is not judged',
    );
  });

  it("let Bandit's and Ruff's suppressions of the same checks silence a line, unless told not to", () => {
    const rules = [unsafeDeserialization, logSecret];
    const source = [
      'import logging',
      'import pickle',
      '_LOGGER = logging.getLogger(__name__)',
      'a = pickle.loads(b"")  # nosec',
      'b = pickle.loads(b"")  # nosec B301 our own cache',
      'c = pickle.loads(b"")  # nosec: B602',
      'd = pickle.loads(b"")  # noqa: E501, S301',
      'e = pickle.loads(b"")  # noqa',
      'f = pickle.loads(b"")  # noqa: S602',
      'g = pickle.loads(b"")  # NOSEC b301',
      'def setup(entry):',
      '    _LOGGER.debug("login %s", entry.data["password"])  # nosec',
    ].join('\n');
    const lines = (ignoreNosec?: boolean) => analyzeSnippet(source, { rules, ignoreNosec }).findings.map((finding) => `${finding.range.start.line + 1} ${finding.rule}`);
    // A bare nosec silences only what Bandit checks too: a credential in a log is no Bandit test.
    assert.deepEqual(lines(), ['6 unsafe-deserialization', '8 unsafe-deserialization', '9 unsafe-deserialization', '12 log-secret']);
    assert.equal(lines(true).length, 8);
    // Both on one line: this tool's own pragma is the one used, not reported as silencing nothing.
    const both = analyzeSnippet('import pickle\na = pickle.loads(b"")  # nosec B301  # ha-security: ignore[unsafe-deserialization] our own cache\n', { rules });
    assert.deepEqual(both.findings, []);
    assert.deepEqual(both.pragmaProblems, []);
  });
});
