import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { credentialsOutsideEntry } from '../../../server/src/analysis/rules/credentialsOutsideEntry';
import { analyzeSnippet, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';
import { SCHEMA_FLOW } from '../../helpers/snippets';

const rules = [credentialsOutsideEntry];

describe('credentials-outside-entry', () => {
  before(setup);

  for (const fixture of fixtureFiles('credentials-outside-entry')) {
    it("reports an OAuth token endpoint's answer saved to a Store, not another answer", () => {
    const source = (url: string) =>
      `from homeassistant.helpers.aiohttp_client import async_get_clientsession\nfrom homeassistant.helpers.storage import Store\n\n\nasync def async_setup_entry(hass, entry):\n    store = Store(hass, 1, f"demo.{entry.entry_id}")\n    resp = await async_get_clientsession(hass).post(${url}, data={"grant_type": "password"})\n    answer = await resp.json()\n    await store.async_save(answer)\n    return True\n`;
    assert.match(analyzeSnippet(source('"https://api.example.com/oauth/token"'), { rules }).findings[0]?.message ?? '', /Credentials \(a response holding access and refresh tokens\) are saved to a Store/);
    assert.deepEqual(analyzeSnippet(source('"https://api.example.com/v1/devices"'), { rules }).findings, []);
  });

  it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('passes when credentials go only into the entry, and asks to review a stored password', () => {
    const flow = `from homeassistant.const import CONF_PASSWORD, CONF_USERNAME\n\nclass Flow:\n    async def async_step_user(self, user_input=None):\n        return self.async_create_entry(title="x", data={CONF_USERNAME: user_input[CONF_USERNAME], CONF_PASSWORD: user_input[CONF_PASSWORD]})\n`;
    const result = analyzeSnippet(flow, { rules });
    assert.deepEqual(result.findings, []);
    const entry = result.checklist.find((item) => item.id === 'credentials-storage');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /store a token instead/);
    // Kept beside a token, the password is there to log in again: the note asks whether it is needed.
    const withToken = analyzeSnippet(flow.replace('CONF_PASSWORD: user_input[CONF_PASSWORD]}', 'CONF_PASSWORD: user_input[CONF_PASSWORD], "access_token": token}'), { rules });
    assert.match(withToken.checklist.find((item) => item.id === 'credentials-storage')?.note ?? '', /stores a password next to a token; if the token can be renewed without the password, drop the password/);
  });

  it('knows what an entry created from the form\'s user_input holds', () => {
    const flow = (fields: string) =>
      `import voluptuous as vol\nfrom homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="Demo", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({${fields}}))\n`;
    const withPassword = analyzeSnippet(flow('vol.Required("url"): str, vol.Optional("password"): str'), { rules, fileName: 'config_flow.py' });
    assert.deepEqual(withPassword.findings, []);
    assert.equal(withPassword.checklist.find((item) => item.id === 'credentials-storage')?.status, 'review');
    const withToken = analyzeSnippet(flow('vol.Required("url"): str, vol.Required("api_token"): str'), { rules, fileName: 'config_flow.py' });
    assert.equal(withToken.checklist.find((item) => item.id === 'credentials-storage')?.status, 'pass');
    const withoutCredentials = analyzeSnippet(flow('vol.Required("url"): str'), { rules, fileName: 'config_flow.py' });
    assert.equal(withoutCredentials.checklist.find((item) => item.id === 'credentials-storage')?.status, 'not-applicable');
    // A password the flow exchanges for a session it stores under a plain key: credentials handled, kept in the entry.
    const exchanged = flow('vol.Required("url"): str, vol.Required("password"): str').replace('data=user_input', 'data={"url": user_input["url"], "account": await login(user_input["password"])}');
    assert.equal(analyzeSnippet(exchanged, { rules, fileName: 'config_flow.py' }).checklist.find((item) => item.id === 'credentials-storage')?.status, 'pass');
    // Merged into a local dict, then into the flow's own, before the entry is made of it.
    const merged = flow('vol.Required("url"): str, vol.Required("password"): str').replace(
      '            return self.async_create_entry(title="Demo", data=user_input)',
      '            data = {}\n            data.update(user_input)\n            self._data.update(data)\n            return self.async_create_entry(title="Demo", data=self._data)',
    ).replace('class Flow(config_entries.ConfigFlow, domain="demo"):\n', 'class Flow(config_entries.ConfigFlow, domain="demo"):\n    def __init__(self):\n        self._data = {}\n\n');
    assert.equal(analyzeSnippet(merged, { rules, fileName: 'config_flow.py' }).checklist.find((item) => item.id === 'credentials-storage')?.status, 'review');
  });

  it('asks for a review of a login file a library keeps in the configuration folder, not of a cache', () => {
    const tracker = (file: string) =>
      `from acme_location import Service\nfrom homeassistant.util import slugify\n\n\ndef setup_scanner(hass, config, see, discovery_info=None):\n    username = config["username"]\n    service = Service(f"{hass.config.path(${file})}.{slugify(username)}", username)\n    return service is not None\n`;
    const status = (file: string) => analyzeSnippet(tracker(file), { rules, fileName: 'device_tracker.py' }).checklist.find((item) => item.id === 'credentials-storage');
    assert.equal(status('".acme_location.cookies"')?.status, 'review');
    assert.match(status('".acme_location.cookies"')?.note ?? '', /keeps its login/);
    assert.equal(status('".acme_location.cache"')?.status, 'not-applicable');
  });

  it("asks for a review of a login session's state kept in a Store", () => {
    const source = (key: string) =>
      `class SessionManager:\n    def __init__(self, client, store):\n        self._client = client\n        self._store = store\n\n    async def async_persist(self, session):\n        await self._store.async_save({"${key}": session.to_dict(), "transport_url": self._client.url})\n`;
    const item = (key: string) => analyzeSnippet(source(key), { rules }).checklist.find((entry) => entry.id === 'credentials-storage');
    assert.equal(item('nest_session')?.status, 'review');
    assert.match(item('nest_session')?.note ?? '', /keeps "nest_session", a login session's state/);
    assert.notEqual(item('device_state')?.status, 'review');
  });

  it('reports credentials copied into the process environment, and leaves other variables alone', () => {
    const source = (body: string) =>
      `import os\nfrom os import environ as env\n\nfrom homeassistant.const import CONF_PASSWORD, CONF_TOKEN\n\n\nasync def async_setup_entry(hass, entry):\n    settings = {**entry.data, **entry.options}\n${body}    return True\n`;
    const findings = (body: string) => analyzeSnippet(source(body), { rules }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(findings('    os.environ["SMTP_PASSWORD"] = str(settings.get(CONF_PASSWORD) or "")\n'), [8]);
    assert.deepEqual(findings('    env.update({"API_TOKEN": entry.data[CONF_TOKEN]})\n'), [8]);
    assert.deepEqual(findings('    os.putenv("MQTT_PASS", settings[CONF_PASSWORD])\n'), [8]);
    assert.deepEqual(findings('    os.environ.setdefault("VENDOR_SECRET", entry.data["secret"])\n'), [8]);
    const safe = [
      '    os.environ["TZ"] = hass.config.time_zone\n',
      '    os.environ.setdefault("PASSWORD_STORE_DIR", hass.config.path("pass"))\n',
      '    os.environ["API_TOKEN"] = ""\n',
      '    token = os.environ.get("API_TOKEN")\n',
      '    env["HOST"] = settings["host"]\n',
    ];
    for (const body of safe) assert.deepEqual(findings(body), [], body);
  });

  it('reports a credential used as a unique id, not a truncated or hashed one', () => {
    const flow = (uniqueId: string) =>
      `import hashlib\n\nfrom homeassistant import config_entries\nfrom homeassistant.const import CONF_API_KEY, CONF_USERNAME\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        await self.async_set_unique_id(${uniqueId})\n        return self.async_create_entry(title="Demo", data=user_input)\n`;
    const findings = (uniqueId: string) => analyzeSnippet(flow(uniqueId), { rules, fileName: 'config_flow.py' }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(findings('user_input[CONF_API_KEY]'), [8]);
    for (const safe of ['user_input[CONF_USERNAME]', 'user_input[CONF_API_KEY][-8:]', 'hashlib.sha256(user_input[CONF_API_KEY].encode()).hexdigest()', 'self._account_id']) {
      assert.deepEqual(findings(safe), [], safe);
    }
    const entity = (uniqueId: string) =>
      `from homeassistant.components.sensor import SensorEntity\nfrom homeassistant.const import CONF_TOKEN\n\n\nclass Demo(SensorEntity):\n    def __init__(self, entry, key):\n        self._attr_unique_id = ${uniqueId}\n`;
    const entityFindings = (uniqueId: string) => analyzeSnippet(entity(uniqueId), { rules, fileName: 'sensor.py' }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(entityFindings('f"{entry.data[CONF_TOKEN]}_{key}"'), [6]);
    assert.deepEqual(entityFindings('f"{entry.entry_id}_{key}"'), []);
    assert.deepEqual(entityFindings('f"{entry.unique_id}_{key}"'), []);
    // A unique_id property returning it, through what the constructor kept (plaato).
    const property = (kept: string) =>
      `from homeassistant.components.sensor import SensorEntity\nfrom homeassistant.const import CONF_TOKEN\n\n\nasync def async_setup_entry(hass, entry, async_add_entities):\n    async_add_entities([Demo(${kept})])\n\n\nclass Demo(SensorEntity):\n    def __init__(self, device_id):\n        self._device_id = device_id\n\n    @property\n    def unique_id(self):\n        return f"{self._device_id}_temperature"\n`;
    const propertyFindings = (kept: string) => analyzeSnippet(property(kept), { rules, fileName: 'sensor.py' }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(propertyFindings('entry.data[CONF_TOKEN]'), [14]);
    assert.deepEqual(propertyFindings('entry.entry_id'), []);
    // Handed over in a dict, the entry read by its key: the token under "device_id", not the name beside it.
    const handed = (key: string) =>
      analyzeSnippet(
        `from homeassistant.components.sensor import SensorEntity\nfrom homeassistant.const import CONF_TOKEN\n\n\nasync def async_setup_entry(hass, entry, async_add_entities):\n    async_add_entities([Demo({"device_id": entry.data[CONF_TOKEN], "name": entry.title})])\n\n\nclass Demo(SensorEntity):\n    def __init__(self, data):\n        self._attr_unique_id = f"{data['${key}']}_temperature"\n`,
        { rules, fileName: 'sensor.py' },
      ).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(handed('device_id'), [10]);
    assert.deepEqual(handed('name'), []);
  });

  it('reports a credential used as the config entry\'s title, not a shortened one or the host', () => {
    const flow = (title: string) =>
      `from homeassistant import config_entries\nfrom homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_TOKEN\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        token_display = user_input.get(CONF_TOKEN, "")[:8]\n        return self.async_create_entry(title=${title}, data=user_input)\n`;
    const findings = (title: string) => analyzeSnippet(flow(title), { rules, fileName: 'config_flow.py' }).findings;
    const reported = findings('user_input[CONF_API_KEY]');
    assert.deepEqual(reported.map((finding) => finding.range.start.line), [7]);
    assert.match(reported[0].message, /title is a credential/);
    assert.equal(findings('f"Tracker {user_input[CONF_TOKEN]}"').length, 1);
    for (const safe of ['user_input[CONF_HOST]', 'f"Demo {token_display}"', 'user_input[CONF_API_KEY][-4:]', '"Demo"']) {
      assert.deepEqual(findings(safe), [], safe);
    }
  });

  it("reports an entity whose state is the webhook's URL built from its id", () => {
    const sensor = (value: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass WebhookUrl(SensorEntity):\n    def __init__(self, entry):\n        self._entry = entry\n\n    @property\n    def native_value(self):\n        webhook_id = self._entry.data["webhook_id"]\n        return ${value}\n`;
    const count = (value: string) => analyzeSnippet(sensor(value), { rules, fileName: 'sensor.py' }).findings.length;
    assert.equal(count('f"http://ha.local/api/webhook/{webhook_id}"'), 1);
    assert.equal(count('f"{len(webhook_id)} characters"'), 0);
    assert.equal(count('"registered"'), 0);
  });

  it("leaves an attribute alone whose every value is the code's own plain text, whatever its name", () => {
    const entity = (assigned: string) =>
      `from homeassistant.components.camera import Camera\n\nMAIN_PROFILE = "MainStream"\n\n\nclass OnvifCam(Camera):\n    def __init__(self, device):\n        self._device = device\n        self._profile_token = ${assigned}\n\n    @property\n    def extra_state_attributes(self):\n        return {"profile_token": self._profile_token}\n`;
    assert.deepEqual(analyzeSnippet(entity('MAIN_PROFILE'), { rules, fileName: 'camera.py' }).findings, []);
    assert.deepEqual(analyzeSnippet(entity('"Profile_1"'), { rules, fileName: 'camera.py' }).findings, []);
    assert.equal(analyzeSnippet(entity('device.token'), { rules, fileName: 'camera.py' }).findings.length, 1);
    assert.equal(analyzeSnippet(entity('"kXABXqQgfRzLmWpTvBnYcDs"'), { rules, fileName: 'camera.py' }).findings.length, 1);
  });

  it('leaves a few characters of a credential published to recognise it by', () => {
    const entity = (value: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass Status(SensorEntity):\n    def __init__(self, bridge):\n        self._bridge = bridge\n\n    @property\n    def extra_state_attributes(self):\n        return {"token_prefix": ${value}}\n`;
    const count = (value: string) => analyzeSnippet(entity(value), { rules, fileName: 'sensor.py' }).findings.length;
    assert.equal(count('self._bridge.token[:8]'), 0);
    assert.equal(count('self._bridge.token[:8] if self._bridge.token else "-"'), 0);
    assert.equal(count('self._bridge.token[8:]'), 1);
    assert.equal(count('self._bridge.token if self._bridge.token else "-"'), 1);
    // Marked as cut short, under a key that names the credential itself.
    const keyed = (value: string) => analyzeSnippet(entity(value).replace('"token_prefix"', '"app_key"'), { rules, fileName: 'sensor.py' }).findings.length;
    assert.equal(keyed('self._bridge.app_key[:8] + "..." if self._bridge.app_key else None'), 0);
    assert.equal(keyed('self._bridge.app_key + "..."'), 1);
  });

  it('leaves a YAML schema kept only to tell users their YAML was removed', () => {
    const platform = (body: string) =>
      `import voluptuous as vol\nfrom homeassistant.components.notify import PLATFORM_SCHEMA\nfrom homeassistant.const import CONF_API_KEY\nimport homeassistant.helpers.config_validation as cv\nfrom homeassistant.helpers.issue_registry import IssueSeverity, async_create_issue\n\nPLATFORM_SCHEMA = PLATFORM_SCHEMA.extend({vol.Required(CONF_API_KEY): cv.string})\n\n\nasync def async_get_service(hass, config, discovery_info=None):\n${body}`;
    const removed = '    if discovery_info is None:\n        async_create_issue(hass, "demo", "removed_yaml", is_fixable=False, severity=IssueSeverity.WARNING, translation_key="removed_yaml")\n        return None\n    return DemoService(hass.data["demo"][discovery_info["entry_id"]])\n';
    assert.deepEqual(analyzeSnippet(platform(removed), { rules, fileName: 'notify.py' }).findings, []);
    const stillRead = '    async_create_issue(hass, "demo", "deprecated_yaml", is_fixable=False, severity=IssueSeverity.WARNING, translation_key="deprecated_yaml")\n    return DemoService(config[CONF_API_KEY])\n';
    assert.equal(analyzeSnippet(platform(stillRead), { rules, fileName: 'notify.py' }).findings.length, 1);
    assert.equal(analyzeSnippet(platform('    return DemoService(config[CONF_API_KEY])\n'), { rules, fileName: 'notify.py' }).findings.length, 1);
    // A component's YAML only asked whether it is there, to raise the issue.
    const component = (body: string, validate = '{DOMAIN: vol.Schema({vol.Required("access_key"): cv.string})}') =>
      `import voluptuous as vol\nimport homeassistant.helpers.config_validation as cv\nfrom homeassistant.helpers import issue_registry as ir\n\nDOMAIN = "demo"\nCONFIG_SCHEMA = vol.Schema(${validate}, extra=vol.ALLOW_EXTRA)\n\n\nasync def async_setup(hass, config):\n${body}    return True\n`;
    const asked = '    if DOMAIN in config:\n        ir.async_create_issue(hass, DOMAIN, "manual_migration", is_fixable=False, severity=ir.IssueSeverity.ERROR, translation_key="manual_migration")\n';
    assert.deepEqual(analyzeSnippet(component(asked), { rules, fileName: '__init__.py' }).findings, []);
    assert.equal(analyzeSnippet(component(asked + '    hass.data[DOMAIN] = config[DOMAIN]\n'), { rules, fileName: '__init__.py' }).findings.length, 1);
    // `cv.removed(DOMAIN)` drops the domain's YAML after validating it.
    const dropped = 'vol.All({DOMAIN: vol.Schema({vol.Required("password"): cv.string})}, cv.removed(DOMAIN, raise_if_present=False))';
    assert.deepEqual(analyzeSnippet(component('    hass.data[DOMAIN] = config.get(DOMAIN, {})\n', dropped), { rules, fileName: '__init__.py' }).findings, []);
    assert.equal(analyzeSnippet(component('    hass.data[DOMAIN] = config.get(DOMAIN, {})\n', dropped.replace('cv.removed(DOMAIN', 'cv.removed("circles"')), { rules, fileName: '__init__.py' }).findings.length, 1);
  });

  it("reports a platform's YAML schema in the platform module, not a copy left in __init__.py that nothing reads", () => {
    const schema = `import voluptuous as vol\nfrom homeassistant.components.sensor import PLATFORM_SCHEMA\nfrom homeassistant.const import CONF_PASSWORD\nimport homeassistant.helpers.config_validation as cv\n\nPLATFORM_SCHEMA = PLATFORM_SCHEMA.extend({vol.Required(CONF_PASSWORD): cv.string})\n`;
    assert.deepEqual(analyzeSnippet(schema, { rules, fileName: '__init__.py' }).findings, []);
    assert.equal(analyzeSnippet(schema, { rules, fileName: 'sensor.py' }).findings.length, 1);
  });

  it('sees a credential put into a nested dict (setdefault chains, nested keys) before the dict is written', () => {
    const flow = (fill: string) =>
      `import yaml\n\n\nasync def write_config(hass, user_input):\n    config = {}\n    if pasw := user_input.get("password"):\n        ${fill}\n    with open(hass.config.path("go2rtc.yaml"), "w") as handle:\n        yaml.dump(config, handle)\n`;
    const count = (fill: string) => analyzeSnippet(flow(fill), { rules }).findings.length;
    assert.equal(count('config.setdefault("api", {}).setdefault("password", pasw)'), 1);
    assert.equal(count('config["api"] = {}; config["api"]["password"] = pasw'), 1);
    assert.equal(count('config.setdefault("api", {}).setdefault("listen", ":1984")'), 0);
  });

  it("asks for a review of a legacy core integration's YAML credentials, and reports new code's", () => {
    const schema = `import voluptuous as vol\nfrom homeassistant.const import CONF_API_KEY\nimport homeassistant.helpers.config_validation as cv\n\nDOMAIN = "demo"\nCONFIG_SCHEMA = vol.Schema({DOMAIN: vol.Schema({vol.Required(CONF_API_KEY): cv.string})}, extra=vol.ALLOW_EXTRA)\n`;
    const manifest = (configFlow: boolean) => JSON.stringify({ domain: 'demo', name: 'Demo', config_flow: configFlow, requirements: [] });
    const legacy = analyzeSnippet(schema, { rules, root: '/virtual/homeassistant/components/demo', manifest: manifest(false) });
    assert.deepEqual(legacy.findings, []);
    assert.equal(legacy.checklist.find((item) => item.id === 'credentials-storage')?.status, 'review');
    assert.match(legacy.checklist.find((item) => item.id === 'credentials-storage')?.note ?? '', /legacy Home Assistant integration without a config flow/);
    assert.equal(analyzeSnippet(schema, { rules, root: '/virtual/custom_components/demo', manifest: manifest(false) }).findings.length, 1);
    assert.equal(analyzeSnippet(schema, { rules, root: '/virtual/homeassistant/components/demo', manifest: manifest(true) }).findings.length, 1);
  });

  it('reads YAML keys wrapped in probatio.Secret, and takes the wrapper for a declared credential', () => {
    const schema = (key: string) =>
      `import probatio\nimport homeassistant.helpers.config_validation as cv\n\nDOMAIN = "demo"\nCONF_KEY = "key"\nCONFIG_SCHEMA = probatio.Schema({DOMAIN: probatio.Schema({probatio.Required(${key}): cv.string})}, extra=probatio.ALLOW_EXTRA)\n`;
    const manifest = JSON.stringify({ domain: 'demo', name: 'Demo', config_flow: true, requirements: [] });
    const found = (key: string) => analyzeSnippet(schema(key), { rules, root: '/virtual/custom_components/demo', manifest }).findings;
    assert.equal(found('probatio.Secret(CONF_KEY)').length, 1);
    assert.match(found('probatio.Secret(CONF_KEY)')[0].message, /"key"/);
    assert.deepEqual(found('CONF_KEY'), []);
  });

  it('sees credentials written by a function handed to the executor', () => {
    const source = `from homeassistant.helpers.json import save_json\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(save_json, hass.config.path("demo.json"), {"password": entry.data["password"]})\n    return True\n`;
    const findings = analyzeSnippet(source, { rules }).findings;
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /written to a file/);
  });

  it('counts a webhook URL or id published as a state attribute as a credential, not a device fact', () => {
    const entity = (attributes: string) =>
      `from homeassistant.components.lock import LockEntity\nfrom homeassistant.components.webhook import async_generate_url\n\n\nclass CloudLock(LockEntity):\n    def __init__(self, hass, entry):\n        self._webhook_url = async_generate_url(hass, entry.data["webhook_id"])\n\n    @property\n    def extra_state_attributes(self):\n        return ${attributes}\n`;
    assert.equal(analyzeSnippet(entity('{"webhook_url": self._webhook_url}'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(entity('{"push_endpoint": self._webhook_url}'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(entity('{"battery_voltage": 5.9, "webhook_registered": True}'), { rules }).findings, []);
  });

  it('asks for a review, not a fix, of a YAML schema whose credentials are imported into a config entry', () => {
    const platform = `import voluptuous as vol\nfrom homeassistant.components.sensor import PLATFORM_SCHEMA\nfrom homeassistant.config_entries import SOURCE_IMPORT\nfrom homeassistant.const import CONF_HOST, CONF_PASSWORD\n\nPLATFORM_SCHEMA = PLATFORM_SCHEMA.extend({vol.Required(CONF_HOST): str, vol.Required(CONF_PASSWORD): str})\n\n\nasync def async_setup_platform(hass, config, async_add_entities, discovery_info=None):\n    hass.async_create_task(hass.config_entries.flow.async_init("demo", context={"source": SOURCE_IMPORT}, data=config))\n`;
    const imported = analyzeSnippet(platform, { rules, fileName: 'sensor.py' });
    assert.deepEqual(imported.findings, []);
    const entry = imported.checklist.find((item) => item.id === 'credentials-storage');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /remove it from configuration\.yaml once imported/);

    // The same schema in an integration whose YAML stays the configuration is reported.
    const yamlOnly = platform.replace(/\n\n\nasync def async_setup_platform[\s\S]*$/, '\n').replace('from homeassistant.config_entries import SOURCE_IMPORT\n', '');
    assert.equal(analyzeSnippet(yamlOnly, { rules, fileName: 'sensor.py' }).findings.length, 1);
    // A config flow elsewhere that accepts the import counts as well, once something starts the import.
    const flow = 'from homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_import(self, import_data):\n        return self.async_create_entry(title="demo", data=import_data)\n';
    const start = 'from homeassistant.config_entries import SOURCE_IMPORT\n\n\nasync def async_setup(hass, config):\n    hass.async_create_task(hass.config_entries.flow.async_init("demo", context={"source": SOURCE_IMPORT}, data=config["demo"]))\n    return True\n';
    assert.deepEqual(analyzeSnippet(yamlOnly, { rules, fileName: 'sensor.py', otherFiles: { 'config_flow.py': flow, '__init__.py': start } }).findings, []);
    const discovery = start.replace('hass.config_entries.flow.async_init("demo", context={"source": SOURCE_IMPORT}, data=config["demo"])', 'discovery_flow.async_create_flow(hass, "demo", {"source": SOURCE_IMPORT}, config["demo"])');
    assert.deepEqual(analyzeSnippet(yamlOnly, { rules, fileName: 'sensor.py', otherFiles: { 'config_flow.py': flow, '__init__.py': discovery } }).findings, []);
    // An import step nothing starts moves nothing: the credentials stay in configuration.yaml.
    assert.equal(analyzeSnippet(yamlOnly, { rules, fileName: 'sensor.py', otherFiles: { 'config_flow.py': flow } }).findings.length, 1);
    // An import step that ignores what it is given leaves the credentials in configuration.yaml.
    const ignoring = flow.replace('data=import_data', 'data={}');
    assert.equal(analyzeSnippet(yamlOnly, { rules, fileName: 'sensor.py', otherFiles: { 'config_flow.py': ignoring, '__init__.py': start } }).findings.length, 1);
    // A flow started without data only opens the config flow: nothing of the YAML reaches an entry.
    for (const data of ['', ', data={}', ', data=None']) {
      const trigger = start.replace(', data=config["demo"]', data);
      assert.equal(analyzeSnippet(yamlOnly, { rules, fileName: 'sensor.py', otherFiles: { 'config_flow.py': flow, '__init__.py': trigger } }).findings.length, 1, data);
    }
    // Unless the import step fetches the YAML from where setup left it in hass.data (ecobee does).
    const handOff = start.replace('    hass.async_create_task', '    hass.data["demo_config"] = config["demo"]\n    hass.async_create_task').replace(', data=config["demo"]', '');
    const fetching = flow.replace('data=import_data', 'data=dict(self.hass.data["demo_config"])');
    assert.deepEqual(analyzeSnippet(yamlOnly, { rules, fileName: 'sensor.py', otherFiles: { 'config_flow.py': fetching, '__init__.py': handOff } }).findings, []);
  });

  it("reports an entity whose state is a credential, not one whose state only describes it", () => {
    const sensor = (value: string) => `from homeassistant.components.sensor import SensorEntity\n\n\nclass TokenSensor(SensorEntity):\n    def __init__(self, device):\n        self._device = device\n\n    @property\n    def native_value(self):\n        return ${value}\n`;
    const [finding] = analyzeSnippet(sensor('self._device.auth_token'), { rules, fileName: 'sensor.py' }).findings;
    assert.match(finding.message, /The entity's state is a credential \(auth_token\)/);
    assert.deepEqual(analyzeSnippet(sensor('self._device.token_expires_at'), { rules, fileName: 'sensor.py' }).findings, []);
    assert.deepEqual(analyzeSnippet(sensor('None'), { rules, fileName: 'sensor.py' }).findings, []);
    // An entity through the integration's own base class, defined in another module.
    const base = 'from homeassistant.helpers.entity import Entity\n\n\nclass AcmeDevice(Entity):\n    name = "acme"\n';
    const derived = sensor('self._device.auth_token').replace('from homeassistant.components.sensor import SensorEntity', 'from .entity import AcmeDevice').replace('(SensorEntity)', '(AcmeDevice)');
    assert.equal(analyzeSnippet(derived, { rules, fileName: 'sensor.py', otherFiles: { 'entity.py': base } }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(derived, { rules, fileName: 'sensor.py', otherFiles: { 'entity.py': base.replace('(Entity)', '') } }).findings, []);
  });

  it("reports a flow's input that holds a password written whole to a file", () => {
    const flow = (write: string) =>
      ['import json', '', 'import voluptuous as vol', 'from homeassistant.config_entries import ConfigFlow', 'from homeassistant.const import CONF_HOST, CONF_PASSWORD', '', '', 'class Flow(ConfigFlow, domain="demo"):', '    async def async_step_user(self, user_input=None):', '        if user_input is not None:', '            with open(self.hass.config.path("demo_login.json"), "w") as handle:', `                json.dump(${write}, handle)`, '            return self.async_create_entry(title="demo", data=user_input)', '        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_HOST): str, vol.Required(CONF_PASSWORD): str}))', ''].join('\n');
    const findings = analyzeSnippet(flow('user_input'), { rules, fileName: 'config_flow.py' }).findings;
    assert.deepEqual(findings.map((finding) => [finding.range.start.line, /Credentials \(config flow input\) are written to a file/.test(finding.message)]), [[11, true]]);
    assert.deepEqual(analyzeSnippet(flow('{"host": user_input[CONF_HOST]}'), { rules, fileName: 'config_flow.py' }).findings, []);
  });

  it('reads a YAML schema built from other schema constants, also from const.py', () => {
    const init = 'import voluptuous as vol\nfrom homeassistant.helpers import config_validation as cv\n\nfrom .const import APP_SCHEMA, DOMAIN\n\nCONFIG_SCHEMA = vol.Schema({DOMAIN: vol.All(cv.ensure_list, [APP_SCHEMA])}, extra=vol.ALLOW_EXTRA)\n';
    const constModule = 'import voluptuous as vol\nfrom homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET\n\nDOMAIN = "demo"\nAPP_SCHEMA = vol.Schema({vol.Required(CONF_CLIENT_ID): str, vol.Required(CONF_CLIENT_SECRET): str})\n';
    const findings = analyzeSnippet(init, { rules, otherFiles: { 'const.py': constModule } }).findings;
    assert.deepEqual(findings.map((finding) => [finding.path.split('/').pop(), finding.range.start.line, /"client_secret"/.test(finding.message)]), [['__init__.py', 5, true]]);
    const local = 'import voluptuous as vol\nfrom homeassistant.const import CONF_PASSWORD\n\nDEVICE_SCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): str})\nCONFIG_SCHEMA = vol.Schema({"demo": vol.All(cv.ensure_list, [DEVICE_SCHEMA])})\n';
    assert.deepEqual(analyzeSnippet(local, { rules }).findings.map((finding) => finding.range.start.line), [3]);
    // Schema keys kept in a dict constant of any name.
    const keys = 'import voluptuous as vol\nfrom homeassistant.const import CONF_HOST, CONF_PASSWORD\n\nCONNECTION_KEYS = {vol.Optional(CONF_HOST): str, vol.Optional(CONF_PASSWORD): str}\nCONFIG_SCHEMA = vol.Schema({"demo": vol.Schema(CONNECTION_KEYS)}, extra=vol.ALLOW_EXTRA)\n';
    assert.deepEqual(analyzeSnippet(keys, { rules }).findings.map((finding) => finding.range.start.line), [3]);
  });

  it('takes a YAML switch about a credential (requires_api_password: true) for no credential', () => {
    const schema = (validator: string) =>
      `import voluptuous as vol\nimport homeassistant.helpers.config_validation as cv\n\nCONFIG_SCHEMA = vol.Schema({"demo": vol.Schema({vol.Optional("requires_api_password", default=True): ${validator}})}, extra=vol.ALLOW_EXTRA)\n`;
    for (const validator of ['cv.boolean', 'bool', 'vol.Boolean()', 'vol.Coerce(bool)']) {
      assert.deepEqual(analyzeSnippet(schema(validator), { rules }).findings, [], validator);
    }
    assert.equal(analyzeSnippet(schema('cv.string'), { rules }).findings.length, 1, 'a text value is the password itself');
  });

  it('reads bare keys of a YAML schema (voluptuous takes them as required) as it reads marked ones', () => {
    const schema = (entries: string) =>
      `import voluptuous as vol\nimport homeassistant.helpers.config_validation as cv\n\nDOMAIN = "demo"\nCONFIG_SCHEMA = vol.Schema({DOMAIN: vol.Schema({${entries}})}, extra=vol.ALLOW_EXTRA)\n`;
    const found = analyzeSnippet(schema('"account_user": cv.string, "api_password": cv.string'), { rules }).findings;
    assert.deepEqual(found.map((finding) => [finding.range.start.line, finding.range.start.character]), [[4, 75]]);
    assert.match(found[0].message, /CONFIG_SCHEMA takes "api_password" from YAML/);
    // A switch about a credential, and a dict of labels handed to a validator, are no credential settings.
    assert.deepEqual(analyzeSnippet(schema('"requires_password": cv.boolean, "login": vol.In({"password": "Password login", "token": "Token"})'), { rules }).findings, []);
    const platform = 'from homeassistant.components.notify import PLATFORM_SCHEMA\nimport homeassistant.helpers.config_validation as cv\n\nPLATFORM_SCHEMA = PLATFORM_SCHEMA.extend({"api_password": cv.string})\n';
    assert.equal(analyzeSnippet(platform, { rules, fileName: 'notify.py' }).findings.length, 1);
  });

  it("takes a YAML PIN code and a database URL for credentials, and a GPIO pin's number for none", () => {
    const schema = (key: string, validator: string) =>
      `import voluptuous as vol\nfrom homeassistant.components.alarm_control_panel import PLATFORM_SCHEMA\nfrom homeassistant.const import CONF_PIN\nimport homeassistant.helpers.config_validation as cv\n\nPLATFORM_SCHEMA = PLATFORM_SCHEMA.extend({vol.Required(${key}): ${validator}})\n`;
    const count = (key: string, validator: string) => analyzeSnippet(schema(key, validator), { rules, fileName: 'alarm_control_panel.py' }).findings.length;
    assert.equal(count('CONF_PIN', 'cv.string'), 1);
    assert.equal(count('"code"', 'cv.string'), 0);
    assert.equal(count('"db_url"', 'cv.string'), 1);
    // A key constant imported from a module whose value is unknown here is read by Home Assistant's naming of such constants.
    assert.equal(analyzeSnippet(schema('CONF_DB_URL', 'cv.string').replace('from homeassistant.const import CONF_PIN', 'from homeassistant.components.recorder import CONF_DB_URL'), { rules, fileName: 'alarm_control_panel.py' }).findings.length, 1);
    assert.equal(analyzeSnippet(schema('CONF_ZONE', 'cv.string').replace('from homeassistant.const import CONF_PIN', 'from .const import CONF_ZONE'), { rules, fileName: 'alarm_control_panel.py' }).findings.length, 0);
    for (const validator of ['cv.positive_int', 'int', 'vol.Coerce(int)', 'vol.In(list(PIN_TO_ZONE))']) assert.equal(count('CONF_PIN', validator), 0, validator);
    // A key file's path is not the key.
    assert.equal(count('"private_key"', 'cv.isfile'), 0);
    assert.equal(count('"private_key"', 'cv.string'), 1);
    assert.equal(count('"pin_code"', 'vol.Coerce(int)'), 1, 'a PIN code given as a number is still the code');
  });

  it('reports credentials read straight from the YAML config when no schema names them', () => {
    const source = 'DOMAIN = "demo"\n\n\nasync def async_setup(hass, config):\n    for device in config[DOMAIN]:\n        hass.data[device["host"]] = device.get("api_key")\n    return True\n';
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => [finding.range.start.line, /"api_key" is read from configuration\.yaml/.test(finding.message)]), [[5, true]]);
    assert.deepEqual(analyzeSnippet(source.replace('device.get("api_key")', 'device.get("name")'), { rules }).findings, []);
  });

  it("reads a legacy notify platform's YAML config, also in the class it is handed to whole, once per credential", () => {
    const notify = (service: string, init: string) =>
      `from homeassistant.components.notify import BaseNotificationService\nfrom homeassistant.const import CONF_PASSWORD, CONF_URL\n\n\ndef get_service(hass, config, discovery_info=None):\n    return ${service}\n\n\nclass PushService(BaseNotificationService):\n    def __init__(self, ${init}):\n        self._url = conf.get(CONF_URL)\n        if conf.get(CONF_PASSWORD) is None:\n            raise ValueError("password missing")\n        self._password = conf.get(CONF_PASSWORD)\n`;
    const lines = (service: string, init = 'conf') => analyzeSnippet(notify(service, init), { rules, fileName: 'notify.py' }).findings.map((finding) => [finding.range.start.line, finding.message.match(/"(\w+)" is read from configuration\.yaml/)?.[1]]);
    assert.deepEqual(lines('PushService(config)'), [[11, 'password']]);
    assert.deepEqual(lines('PushService(config.get(CONF_URL), config.get(CONF_PASSWORD))', 'url, password'), [[5, 'password']]);
    // Handed something else, the class reads no YAML.
    assert.deepEqual(lines('PushService({"url": "https://push.example"})'), []);
  });

  it('reads subscripts of the YAML config too, and asks for a review when they are imported into an entry', () => {
    const setup = (use: string) =>
      `from homeassistant.config_entries import SOURCE_IMPORT\n\nDOMAIN = "demo"\nCONF_TOKEN = "access_token"\n\n\nasync def async_setup(hass, config):\n    conf = config.get(DOMAIN)\n    if conf is None:\n        return True\n${use}    return True\n`;
    const kept = analyzeSnippet(setup('    hass.data[DOMAIN] = conf[CONF_TOKEN]\n'), { rules });
    assert.deepEqual(kept.findings.map((finding) => [finding.range.start.line, /"access_token" is read from configuration\.yaml/.test(finding.message)]), [[10, true]]);
    const imported = analyzeSnippet(setup('    hass.async_create_task(hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_IMPORT}, data={CONF_TOKEN: conf[CONF_TOKEN]}))\n'), { rules });
    assert.deepEqual(imported.findings, []);
    assert.equal(imported.checklist.find((entry) => entry.id === 'credentials-storage')?.status, 'review');
    assert.match(imported.checklist.find((entry) => entry.id === 'credentials-storage')?.note ?? '', /async_setup still reads "access_token" from YAML, which the integration imports into config entries/);
  });

  it('does not take a config flow form schema called CONFIG_SCHEMA for a YAML schema', () => {
    const flow = 'import voluptuous as vol\nfrom homeassistant import config_entries\nfrom homeassistant.const import CONF_API_KEY\n\nCONFIG_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): str})\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="demo", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=CONFIG_SCHEMA)\n';
    assert.deepEqual(analyzeSnippet(flow, { rules, fileName: 'config_flow.py' }).findings, []);
    assert.deepEqual(analyzeSnippet(flow, { rules, fileName: 'flow.py' }).findings, []);
  });

  it('knows an entry created from a dict that spreads the form input holds the form\'s keys', () => {
    const flow = 'import voluptuous as vol\nfrom homeassistant import config_entries\nfrom homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="demo", data={**user_input, CONF_URL: "http://demo.local"})\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str}))\n';
    assert.equal(analyzeSnippet(flow, { rules, fileName: 'config_flow.py' }).checklist.find((item) => item.id === 'credentials-storage')?.status, 'review');
  });

  it('passes an integration that reads its credentials back from the entry', () => {
    const source = 'from homeassistant.const import CONF_PASSWORD, CONF_USERNAME\n\n\nasync def async_setup_entry(hass, entry):\n    return entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD]\n';
    assert.equal(analyzeSnippet(source, { rules }).checklist.find((item) => item.id === 'credentials-storage')?.status, 'pass');
    const host = 'from homeassistant.const import CONF_HOST\n\n\nasync def async_setup_entry(hass, entry):\n    return entry.data[CONF_HOST]\n';
    assert.equal(analyzeSnippet(host, { rules }).checklist.find((item) => item.id === 'credentials-storage')?.status, 'not-applicable');
  });

  it('knows a schema flow keeps what its forms ask for in the entry', () => {
    assert.equal(analyzeSnippet(SCHEMA_FLOW, { rules, fileName: 'config_flow.py' }).checklist.find((item) => item.id === 'credentials-storage')?.status, 'pass');
  });

  it('sees a credential saved in another form (token.to_json())', () => {
    const source = 'from homeassistant.helpers.storage import Store\n\n\nclass TokenStorage:\n    def __init__(self, hass):\n        self._store = Store(hass, 1, "demo.token")\n\n    async def save(self, oAuthToken):\n        await self._store.async_save(oAuthToken.toJson())\n';
    assert.match(analyzeSnippet(source, { rules, fileName: 'storage.py' }).findings[0]?.message ?? '', /Credentials \(oAuthToken\) are saved to a Store/);
    assert.deepEqual(analyzeSnippet(source.replace('oAuthToken', 'settings').replace('oAuthToken', 'settings'), { rules, fileName: 'storage.py' }).findings, []);
  });

  it('reads what a function handed to async_delay_save returns', () => {
    const source = (save: string) =>
      `from homeassistant.helpers.storage import Store\n\n\nclass Tokens:\n    def __init__(self, hass, entry):\n        self._store = Store(hass, 1, "demo.tokens")\n        self._entry = entry\n\n    def _data_to_save(self):\n        return {"refresh_token": self._entry.data["refresh_token"]}\n\n    def _settings(self):\n        return {"interval": 30}\n\n    def schedule(self):\n        self._store.async_delay_save(${save}, 10)\n`;
    const found = (save: string) => analyzeSnippet(source(save), { rules, fileName: 'storage.py' }).findings.length;
    assert.equal(found('self._data_to_save'), 1);
    assert.equal(found('lambda: {"refresh_token": self._entry.data["refresh_token"]}'), 1);
    assert.equal(found('self._settings'), 0);
  });

  it('passes an OAuth2 flow, whose framework keeps the token in the entry', () => {
    const flow = 'import logging\n\nfrom homeassistant.helpers import config_entry_oauth2_flow\n\n\nclass OAuth2FlowHandler(config_entry_oauth2_flow.AbstractOAuth2FlowHandler, domain="demo"):\n    DOMAIN = "demo"\n';
    assert.equal(analyzeSnippet(flow, { rules, fileName: 'config_flow.py' }).checklist.find((item) => item.id === 'credentials-storage')?.status, 'pass');
  });

  it('does not take a template of placeholder values written to a file for credentials', () => {
    const source = (secret: string) => `from homeassistant.util.json import save_json\n\n\ndef setup_platform(hass, config, add_entities, discovery_info=None):\n    save_json(hass.config.path("demo.conf"), {"client_id": "CLIENT_ID_HERE", "client_secret": ${secret}})\n`;
    assert.deepEqual(analyzeSnippet(source('"CLIENT_SECRET_HERE"'), { rules, fileName: 'sensor.py' }).findings, []);
    // The YAML value is written to the file, and read from configuration.yaml in the first place: both are reported.
    const messages = analyzeSnippet(source('config["client_secret"]'), { rules, fileName: 'sensor.py' }).findings.map((finding) => finding.message);
    assert.equal(messages.length, 2);
    assert.ok(messages.some((message) => /written to a file/.test(message)), messages.join('\n'));
    assert.ok(messages.some((message) => /"client_secret" is read from configuration\.yaml/.test(message)), messages.join('\n'));
  });

  it('is not applicable when the integration handles no credentials', () => {
    const result = analyzeSnippet('async def async_setup_entry(hass, entry):\n    return True\n', { rules });
    assert.equal(result.checklist.find((item) => item.id === 'credentials-storage')?.status, 'not-applicable');
  });

  it('reports a credential put into the data of an event the integration fires', () => {
    const source = (data: string) => `async def async_setup_entry(hass, entry):\n    token = entry.data["api_token"]\n    hass.bus.async_fire("acme_event", ${data})\n    return True\n`;
    const found = analyzeSnippet(source('{"event": "pushed", "token": token}'), { rules }).findings;
    assert.equal(found.length, 1);
    assert.match(found[0].message, /^Event data "token" carries a credential/);
    assert.equal(analyzeSnippet(source('{"event": "pushed", "auth": entry.data["api_token"]}'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('{"event": "pushed", "token": None, "device": entry.data["device_id"]}'), { rules }).findings, []);
    // A local dict built first and filled in before it is fired.
    const built = (fill: string, fire = 'hass.bus.async_fire("acme_event", data)') =>
      `async def async_setup_entry(hass, entry):\n    data = {"host": entry.data["host"]}\n    ${fill}\n    ${fire}\n    return True\n`;
    assert.equal(analyzeSnippet(built('data["password"] = entry.data["password"]'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(built('data["port"] = entry.data["port"]'), { rules }).findings, []);
    // Home Assistant fires every service call as an event, with its data; a lock's or panel's code is what those take.
    const called = analyzeSnippet(built('data["password"] = entry.data["password"]', 'await hass.services.async_call("acme", "reboot", data, blocking=True)'), { rules }).findings;
    assert.match(called[0]?.message ?? '', /^Service call data "password" carries a credential \(password\); Home Assistant fires every service call as a call_service event/);
    assert.deepEqual(analyzeSnippet(built('data["code"] = entry.data["code"]', 'await hass.services.async_call("lock", "unlock", data)'), { rules }).findings, []);
  });
  it("puts YAML OAuth client credentials moved into application credentials up for review, not as a finding", () => {
    const source = (setup: string) => `import voluptuous as vol\nfrom homeassistant.components.application_credentials import ClientCredential, async_import_client_credential\nfrom homeassistant.const import CONF_CLIENT_ID, CONF_CLIENT_SECRET\n\nDOMAIN = "demo"\nCONFIG_SCHEMA = vol.Schema({DOMAIN: vol.Schema({vol.Required(CONF_CLIENT_ID): str, vol.Required(CONF_CLIENT_SECRET): str})}, extra=vol.ALLOW_EXTRA)\n\n\nasync def async_setup(hass, config):\n${setup}    return True\n`;
    const imported = analyzeSnippet(source('    await async_import_client_credential(hass, DOMAIN, ClientCredential(config[DOMAIN][CONF_CLIENT_ID], config[DOMAIN][CONF_CLIENT_SECRET]))\n'), { rules });
    assert.deepEqual(imported.findings, []);
    assert.equal(imported.checklist.find((item) => item.id === 'credentials-storage')?.status, 'review');
    assert.equal(analyzeSnippet(source('    hass.data[DOMAIN] = config[DOMAIN]\n'), { rules }).findings.length, 1);
  });
  it("takes a step that needs more than the form's input for one the flow's own code calls, not a form", () => {
    const flow = (signature: string, call: string) => `from homeassistant.config_entries import ConfigFlow\n\nDOMAIN = "demo"\n\n\nclass Flow(ConfigFlow, domain=DOMAIN):\n    async def async_step_user(self, user_input=None):\n        return await ${call}\n\n    async def ${signature}:\n        await self.async_set_unique_id(unique_id)\n        return self.async_create_entry(title="Demo", data={})\n`;
    const schema = 'import voluptuous as vol\nSCHEMA = vol.Schema({vol.Required("api_key"): str})\n';
    const count = (signature: string, call: string) => analyzeSnippet(flow(signature, call), { rules, fileName: 'config_flow.py', otherFiles: { 'const.py': schema } }).findings.length;
    assert.equal(count('async_step_finish(self, unique_id, data)', 'self.async_step_finish(DOMAIN, user_input)'), 0);
    assert.equal(count('async_step_finish(self, unique_id=None)', 'self.async_step_finish(user_input)'), 1);
  });

  it("reads the YAML config in a service handler the setup function defines, unless the handler has a config of its own", () => {
    const source = (handler: string) =>
      `import requests\n\nDOMAIN = "llm_chat"\n\n\ndef setup(hass, config):\n    def chat(${handler}):\n        api_key = config[DOMAIN]["api_key"]\n        requests.post("https://api.example.com/chat", headers={"Authorization": f"Bearer {api_key}"}, timeout=30)\n\n    hass.services.register(DOMAIN, "chat", chat)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('call'), { rules, fileName: '__init__.py' }).findings.map((finding) => finding.range.start.line), [7]);
    assert.deepEqual(analyzeSnippet(source('call, config'), { rules, fileName: '__init__.py' }).findings, []);
  });

  it("takes an alarm panel's or lock's CONF_CODE in a YAML schema for a credential, not another integration's", () => {
    const init = 'import voluptuous as vol\nfrom homeassistant.const import CONF_CODE, CONF_HOST\nfrom homeassistant.helpers import config_validation as cv\n\nDOMAIN = "alarmx"\n\nCONFIG_SCHEMA = vol.Schema({DOMAIN: vol.Schema({vol.Required(CONF_HOST): cv.string, vol.Optional(CONF_CODE): cv.string})}, extra=vol.ALLOW_EXTRA)\n\n\nasync def async_setup(hass, config):\n    return True\n';
    const count = (platform: string) => analyzeSnippet(init, { rules, fileName: '__init__.py', otherFiles: { [platform]: 'X = 1\n' } }).findings.length;
    assert.equal(count('alarm_control_panel.py'), 1);
    assert.equal(count('lock.py'), 1);
    assert.equal(count('sensor.py'), 0);
  });

  it('follows a token into a state attribute through a formatting helper, a list it is appended to and json.dumps', () => {
    const sensor = (body: string) =>
      `import json\n\nfrom homeassistant.components.sensor import SensorEntity\n\n\ndef image_url(host, token, path):\n    return "http://{0}{1}?X-Plex-Token={2}".format(host, path, token)\n\n\nclass RecentSensor(SensorEntity):\n    def __init__(self, host, token):\n        self._host = host\n        self._token = token\n\n    @property\n    def extra_state_attributes(self):\n${body}\n`;
    const count = (body: string) => analyzeSnippet(sensor(body), { rules, fileName: 'sensor.py' }).findings.length;
    assert.equal(count('        return {"poster": image_url(self._host, self._token, "/thumb")}'), 1);
    assert.equal(count('        cards = []\n        cards.append({"poster": f"http://{self._host}/thumb?X-Plex-Token={self._token}"})\n        return {"data": json.dumps(cards)}'), 1);
    assert.equal(count('        cards = []\n        cards.append({"poster": f"http://{self._host}/thumb"})\n        return {"data": json.dumps(cards)}'), 0);
    assert.equal(count('        return {"poster": image_url(self._host, "public", "/thumb")}'), 0);
  });
  it("takes a handle from pathlib's open in a writing mode for a file written", () => {
    const source = (mode: string) =>
      `from pathlib import Path\n\n\nasync def async_setup_entry(hass, entry):\n    token = await entry.runtime_data.async_login()\n    token_file = Path(hass.config.path(".demo_token"))\n\n    def save():\n        with token_file.open(${mode}) as handle:\n            handle.write(token)\n\n    await hass.async_add_executor_job(save)\n    return True\n`;
    assert.equal(analyzeSnippet(source('"w"'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('mode="r+"'), { rules }).findings.length, 1);
    // A handle open for reading writes nothing; neither does another object's open() in no writing mode.
    assert.deepEqual(analyzeSnippet(source('"rb"'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source(''), { rules }).findings, []);
  });
  it('takes a key every schema makes a switch or a number for no credential, whatever its name', () => {
    const source = (validator: string) =>
      `import voluptuous as vol\n\nimport homeassistant.helpers.config_validation as cv\n\nDOMAIN = "feedview"\n\nCONFIG_SCHEMA = vol.Schema({DOMAIN: vol.Schema({vol.Optional("requires_api_password", default=True): ${validator}})}, extra=vol.ALLOW_EXTRA)\n\n\ndef setup(hass, config):\n    hass.data[DOMAIN] = config[DOMAIN]["requires_api_password"]\n    return True\n`;
    const status = (validator: string) => analyzeSnippet(source(validator), { rules }).checklist.find((item) => item.id === 'credentials-storage')?.status;
    assert.equal(status('cv.boolean'), 'not-applicable');
    const numbered = (validator: string) => analyzeSnippet(source(validator).replaceAll('requires_api_password', 'token_lifetime'), { rules }).checklist.find((item) => item.id === 'credentials-storage')?.status;
    assert.equal(numbered('vol.All(vol.Coerce(int), vol.Range(min=0))'), 'not-applicable');
    assert.notEqual(numbered('cv.string'), 'not-applicable');
    assert.notEqual(status('cv.string'), 'not-applicable');
    // A number may be a PIN.
    const pin = source('vol.Coerce(int)').replaceAll('requires_api_password', 'pin_code');
    assert.equal(analyzeSnippet(pin, { rules }).findings.length, 1);
  });
  it("follows a dict a helper method fills in place (self._merge(data, token)) to the Store it is saved to", () => {
    const store = (merge: string) =>
      `from homeassistant.helpers.storage import Store\n\n\nclass CarStore(Store):\n    async def async_update(self, *, access_token=None, refresh_token=None):\n        data = await self.async_load() or {}\n${merge}\n        await self.async_save(data)\n\n    def _merge(self, data, access_token, refresh_token):\n        if access_token is not None:\n            data["access_token"] = access_token\n        data["refresh_token"] = refresh_token\n`;
    const count = (merge: string) => analyzeSnippet(store(merge), { rules, fileName: 'store.py' }).findings.length;
    assert.equal(count('        self._merge(data, access_token, refresh_token)'), 1);
    // Filled in another branch than the one that saves, nothing the save is handed was filled.
    assert.equal(count('        if not access_token:\n            self._merge(data, access_token, refresh_token)\n            return'), 0);
    assert.equal(count('        self._merge({}, access_token, refresh_token)'), 0);
  });
  it('follows a token set into a ConfigParser that writes itself into a file', () => {
    const source = (option: string) =>
      `import configparser\nimport os\n\n\nclass Api:\n    def __init__(self):\n        self.jwt_token = None\n\n    def save_token_file(self):\n        config = configparser.ConfigParser()\n        config.add_section("weback")\n        config.set("weback", "${option}", str(self.jwt_token if "${option}" == "jwt_token" else self.region))\n        with open(os.path.join(os.path.dirname(__file__), "wb_creds"), "w") as handle:\n            config.write(handle)\n`;
    assert.equal(analyzeSnippet(source('jwt_token'), { rules, fileName: 'api.py' }).findings.length, 1);
    const plain = 'import configparser\n\n\ndef save(region):\n    config = configparser.ConfigParser()\n    config.set("app", "region", region)\n    with open("/config/app.ini", "w") as handle:\n        config.write(handle)\n';
    assert.deepEqual(analyzeSnippet(plain, { rules, fileName: 'api.py' }).findings, []);
  });
});
