import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { diagnosticsUnredacted } from '../../../server/src/analysis/rules/diagnosticsUnredacted';
import type { Finding } from '../../../server/src/analysis/types';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup, type SnippetOptions } from '../../helpers/analysis';

const rules = [diagnosticsUnredacted];
const constModule = 'from homeassistant.const import CONF_API_KEY, CONF_TOKEN\n\nDOMAIN = "demo"\nTO_REDACT = {CONF_API_KEY, CONF_TOKEN}\n';
const flowModule = [
  'import voluptuous as vol',
  'from homeassistant.config_entries import OptionsFlow',
  'from homeassistant.const import CONF_API_KEY, CONF_TOKEN',
  '',
  'SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): str, vol.Optional(CONF_TOKEN): str})',
  '',
  '',
  'class Flow:',
  '    async def async_step_user(self, user_input=None):',
  '        if user_input is None:',
  '            return self.async_show_form(step_id="user", data_schema=SCHEMA)',
  '        return self.async_create_entry(title="Acme", data=user_input)',
  '',
  '',
  'class Options(OptionsFlow):',
  '    async def async_step_init(self, user_input=None):',
  '        # Lets the user change the API key: the options hold it too.',
  '        if user_input is None:',
  '            return self.async_show_form(step_id="init", data_schema=SCHEMA)',
  '        return self.async_create_entry(data=user_input)',
  '',
].join('\n');

function diagnostics(source: string, options: SnippetOptions = {}): Finding[] {
  return analyzeSnippet(source, { rules, fileName: 'diagnostics.py', ...options }).findings.filter((finding) => finding.path.endsWith('/diagnostics.py'));
}

function parses(source: string): boolean {
  const tree = parsePython(source);
  const ok = !tree.rootNode.hasError;
  tree.delete();
  return ok;
}

describe('diagnostics-unredacted', () => {
  before(setup);

  it("reports the webhook id the entries hold, dumped with the entry data or by name, and redacts it", () => {
    const init = 'from homeassistant.components import webhook\nfrom homeassistant.const import CONF_WEBHOOK_ID\n\n\nasync def async_setup_entry(hass, entry):\n    webhook.async_register(hass, "demo", "Demo", entry.data[CONF_WEBHOOK_ID], handle)\n    return True\n';
    const diagnostics = (body: string) =>
      `from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_WEBHOOK_ID\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n${body}`;
    const flow = 'from homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        return self.async_create_entry(title="Demo", data={"name": "x"})\n';
    const findings = (body: string, initModule = init) =>
      analyzeSnippet(diagnostics(body), { rules, fileName: 'diagnostics.py', otherFiles: { '__init__.py': initModule, 'config_flow.py': flow } }).findings;
    const [dumped, ...rest] = findings('    data = {"info": {"title": entry.title}}\n    data["entry"] = {"data": entry.data}\n    return data\n');
    assert.deepEqual(rest, []);
    assert.match(dumped.message, /holds the webhook's "webhook_id": whoever has it can call the webhook/);
    const fixed = applyEdits(diagnostics('    return {"entry": entry.data}\n'), findings('    return {"entry": entry.data}\n')[0].fix!.edits);
    assert.match(fixed, /TO_REDACT = \{CONF_WEBHOOK_ID\}/);
    assert.match(fixed, /async_redact_data\(entry\.data, TO_REDACT\)/);
    assert.equal(findings('    webhook_url = hass.data["demo"][entry.entry_id].url\n    return {"url": webhook_url}\n').length, 1);
    assert.equal(findings('    return {"webhook_url": entry.runtime_data.url}\n').length, 1);
    for (const safe of [
      '    return {"entry": async_redact_data(entry.data, {CONF_WEBHOOK_ID})}\n',
      '    return {"webhook_id": "**REDACTED**", "webhook_enabled": True}\n',
      '    return {"title": entry.title}\n',
    ]) {
      assert.deepEqual(findings(safe), [], safe);
    }
    // Entries that hold no webhook id dump no webhook.
    assert.deepEqual(findings('    return {"entry": entry.data}\n', init.replace('entry.data[CONF_WEBHOOK_ID]', '"fixed-id"')), []);
  });

  it('leaves the options alone when they can only hold settings', () => {
    const source = 'async def async_get_config_entry_diagnostics(hass, entry):\n    return {"options": dict(entry.options)}\n';
    const settingsOnly = flowModule.replace('data_schema=SCHEMA)\n        return self.async_create_entry(data=user_input)', 'data_schema=vol.Schema({vol.Optional("scan_interval", default=30): int}))\n        return self.async_create_entry(data=user_input)');
    assert.notEqual(settingsOnly, flowModule);
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': settingsOnly } }), []);
    // No options flow at all: the options stay empty.
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': flowModule.slice(0, flowModule.indexOf('class Options')) } }), []);
    // Options whose content cannot be read may hold anything the entry does.
    const unreadable = flowModule.replace('return self.async_create_entry(data=user_input)\n', 'return self.async_create_entry(data=await self._build_options(user_input))\n');
    assert.equal(diagnostics(source, { otherFiles: { 'config_flow.py': unreadable } }).length, 1);
    // Options built by the flow's own method hold what it returns.
    const settingsOnlyFlow = flowModule.slice(0, flowModule.indexOf('class Options'));
    const fromHelper = (returned: string) =>
      settingsOnlyFlow.replace('return self.async_create_entry(title="Acme", data=user_input)', `return self.async_create_entry(title="Acme", data=user_input, options=self._default_options())\n\n    def _default_options(self):\n        return ${returned}`);
    assert.notEqual(fromHelper('{}'), settingsOnlyFlow);
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': fromHelper('{"scan_interval": 10, "name": "Acme"}') } }), []);
    assert.equal(diagnostics(source, { otherFiles: { 'config_flow.py': fromHelper('{"scan_interval": 10, CONF_TOKEN: self._token}') } }).length, 1);
    assert.equal(diagnostics(source, { otherFiles: { 'config_flow.py': fromHelper('self._collected') } }).length, 1);
    // Options written from a constant of the integration's const.py hold what that constant holds.
    const fromConstant = (value: string) =>
      diagnostics(source, {
        otherFiles: {
          'config_flow.py': `from .const import DEFAULT_OPTIONS\n${settingsOnlyFlow.replace('return self.async_create_entry(title="Acme", data=user_input)', 'return self.async_create_entry(title="Acme", data=user_input, options=DEFAULT_OPTIONS)')}`,
          'const.py': `DOMAIN = "demo"\nDEFAULT_OPTIONS = ${value}\n`,
        },
      });
    assert.deepEqual(fromConstant('{"keep_logged_in": False, "generate_json": False}'), []);
    assert.equal(fromConstant('{"keep_logged_in": False, "api_token": "abc"}').length, 1);
    assert.equal(diagnostics(source, { otherFiles: { 'config_flow.py': flowModule } }).length, 1);
    // The old options copied into the flow and updated with the form's settings hold those settings only.
    const copied = settingsOnly
      .replace('    async def async_step_init(self, user_input=None):\n', '    async def async_step_init(self, user_input=None):\n        self.options = dict(self.config_entry.options)\n')
      .replace('return self.async_create_entry(data=user_input)', 'self.options.update(user_input)\n            return self.async_create_entry(data=self.options)');
    assert.match(copied, /self\.options\.update\(user_input\)/);
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': copied } }), []);
    assert.equal(diagnostics(source, { otherFiles: { 'config_flow.py': copied.replace('self.options.update(user_input)', 'self.options.update(user_input, **extra)') } }).length, 1);
  });

  for (const fixture of fixtureFiles('diagnostics-unredacted')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules, { otherFiles: { 'const.py': constModule, 'config_flow.py': flowModule } });
    });
  }

  it('reads the fields a flow groups in a section of its form', () => {
    const source = 'from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"password"}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    const flow = (field: string) =>
      `import voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow\nfrom homeassistant.data_entry_flow import section\n\n\nclass Flow(ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="Demo", data={}, options=user_input)\n        schema = vol.Schema({vol.Required("panel"): section(vol.Schema({vol.Optional("${field}"): str}), {"collapsed": False})})\n        return self.async_show_form(step_id="user", data_schema=schema)\n`;
    assert.match(diagnostics(source, { otherFiles: { 'config_flow.py': flow('alarm_code') } })[0]?.message ?? '', /miss "alarm_code"/);
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': flow('arm_mode') } }), []);
  });

  it('does not ask to redact a password the flow only uses to obtain a token', () => {
    const flow = 'import voluptuous as vol\nfrom homeassistant.const import CONF_PASSWORD\n\nSCHEMA = vol.Schema({vol.Required(CONF_PASSWORD): str})\n\nclass Flow:\n    async def async_step_user(self, user_input=None):\n        token = await login(user_input[CONF_PASSWORD])\n        return self.async_create_entry(title="x", data={"token": token})\n';
    const source = 'from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"token"}\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': flow } }), []);
  });

  it("does not let an options flow it cannot read make the entry's data hold every key the forms ask for", () => {
    const flow = 'import voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow, OptionsFlow\n\n\nclass Flow(ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            self.host = user_input["host"]\n            return await self.async_step_pair()\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required("host"): str}))\n\n    async def async_step_pair(self, user_input=None):\n        if user_input is not None:\n            await pair(self.host, user_input["pin"])\n            return self.async_create_entry(title=self.host, data={"host": self.host})\n        return self.async_show_form(step_id="pair", data_schema=vol.Schema({vol.Required("pin"): str}))\n\n\nclass Options(OptionsFlow):\n    async def async_step_init(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="", data=user_input)\n        return self.async_show_form(step_id="init", data_schema=self._schema())\n';
    const source = 'from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"host"}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data({"data": entry.data}, TO_REDACT)\n';
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': flow } }), []);
    // An unreadable write of the data itself still may put anything there.
    assert.equal(diagnostics(source, { otherFiles: { 'config_flow.py': flow.replace('data={"host": self.host}', 'data=self._build(user_input)') } }).length, 1);
  });

  it("does not count keys read from another integration's entries as keys of its own", () => {
    const source = 'from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"oauth_token"}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    const init = (domain: string) =>
      `from homeassistant.const import CONF_ACCESS_TOKEN\n\nDOMAIN = "demo"\n\n\ndef borrowed_token(hass, unique_id):\n    for entry in hass.config_entries.async_entries(${domain}):\n        if entry.unique_id == unique_id:\n            return entry.data[CONF_ACCESS_TOKEN]\n    return None\n\n\nasync def async_setup_entry(hass, entry):\n    hass.data[DOMAIN] = entry.data.get("oauth_token")\n    return True\n`;
    assert.deepEqual(diagnostics(source, { otherFiles: { '__init__.py': init('"smartthings"') } }), []);
    // Its own entries, looked up by its domain, do hold the token.
    assert.match(diagnostics(source, { otherFiles: { '__init__.py': init('DOMAIN') } })[0]?.message ?? '', /miss "access_token"/);
  });

  it('does not count a one-time code a two-factor step asks for as a key of the entries', () => {
    const flow = (step: string) =>
      `import voluptuous as vol\nfrom homeassistant.const import CONF_PASSWORD, CONF_PIN, CONF_USERNAME\n\n\nclass Flow:\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            self.auth = Auth(user_input[CONF_USERNAME], user_input[CONF_PASSWORD])\n            return await self.async_step_${step}()\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str}))\n\n    async def async_step_${step}(self, user_input=None):\n        if user_input is not None:\n            await self.auth.send_auth_key(user_input.get(CONF_PIN))\n            return self.async_create_entry(title="x", data=self.auth.login_attributes)\n        return self.async_show_form(step_id="${step}", data_schema=vol.Schema({vol.Optional(CONF_PIN): str}))\n`;
    const source = 'from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"username", "password"}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': flow('2fa') } }), []);
    // A PIN asked for in another step may well be kept (an alarm panel's): the set must cover it.
    assert.match(diagnostics(source, { otherFiles: { 'config_flow.py': flow('panel') } })[0]?.message ?? '', /miss "pin"/);
  });

  it('reports a TO_REDACT in const.py that misses a stored credential key, at the call', () => {
    const source = 'from homeassistant.components.diagnostics import async_redact_data\nfrom .const import TO_REDACT\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    const found = diagnostics(source, { otherFiles: { 'const.py': 'TO_REDACT = {"token"}\n', 'config_flow.py': flowModule } });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /miss "api_key"/);
    assert.equal(found[0].range.start.line, 4);
    assert.equal(found[0].fix, undefined, 'const.py cannot be edited from here');
  });

  it("judges one value read from an entry holding a webhook by its key, and asks a cloudhook's URL to be redacted", () => {
    const init = `import secrets\n\nfrom homeassistant.components import cloud, webhook\nfrom homeassistant.const import CONF_WEBHOOK_ID\n\n\nasync def async_setup_entry(hass, entry):\n    if CONF_WEBHOOK_ID not in entry.data:\n        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_WEBHOOK_ID: secrets.token_hex()})\n    url = await cloud.async_create_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])\n    hass.config_entries.async_update_entry(entry, data={**entry.data, "cloudhook_url": url})\n    return True\n`;
    const diag = (keys: string, extra: string) =>
      `from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {${keys}}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"entry": async_redact_data(entry.as_dict(), TO_REDACT)${extra}}\n`;
    const found = (keys: string, extra = '') => diagnostics(diag(keys, extra), { otherFiles: { '__init__.py': init } }).map((finding) => finding.message);
    const all = '"webhook_id", "cloudhook_url"';
    assert.deepEqual(found(all, ', "implementation": entry.data["auth_implementation"], "region": entry.data["settings"]["region"]'), []);
    assert.equal(found(all, ', "hook": entry.data["cloudhook_url"]').length, 1);
    assert.equal(found(all, ', "data": entry.data').length, 1);
    assert.match(found('"webhook_id"')[0] ?? '', /miss "cloudhook_url"/);
  });

  it('takes a key only async_migrate_entry reads from old entries for no key the entries hold now', () => {
    const source = 'from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"token"}\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    const init = (setup: string) =>
      `from homeassistant.const import CONF_PASSWORD, CONF_TOKEN, CONF_USERNAME\n\n\nasync def async_migrate_entry(hass, entry):\n    if entry.version == 1:\n        token = await get_token(entry.data.get(CONF_USERNAME), entry.data[CONF_PASSWORD])\n        hass.config_entries.async_update_entry(entry, data={CONF_TOKEN: token}, version=2)\n    return True\n\n\nasync def async_setup_entry(hass, entry):\n${setup}    return True\n`;
    assert.deepEqual(diagnostics(source, { otherFiles: { '__init__.py': init('    hass.data["demo"] = entry.data[CONF_TOKEN]\n') } }), []);
    // Read again where the entry is set up, the password is still held.
    const kept = diagnostics(source, { otherFiles: { '__init__.py': init('    hass.data["demo"] = (entry.data[CONF_TOKEN], entry.data[CONF_PASSWORD])\n') } });
    assert.equal(kept.length, 1);
    assert.match(kept[0].message, /miss "password"/);
  });

  it("counts a set naming the OAuth token's parts as covering the token", () => {
    const source = 'from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.helpers import config_entry_oauth2_flow\n\nTO_REDACT = {"access_token", "refresh_token"}\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    assert.deepEqual(diagnostics(source), []);
    assert.equal(diagnostics(source.replace('"access_token", "refresh_token"', '"expires_at"')).length, 1);
  });

  it("follows the integration's own helpers whose results the diagnostics return, inside the returned dict too", () => {
    const files = { 'config_flow.py': flowModule };
    const sameModule = 'def entry_snapshot(entry):\n    return {"title": entry.title, "config": {**entry.data}}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"entry": entry_snapshot(entry)}\n';
    assert.deepEqual(diagnostics(sameModule, { otherFiles: files }).map((finding) => finding.range.start.line), [1], 'reported in the helper, where the data is put in');
    const elsewhere = 'from .util import entry_snapshot\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"entry": await entry_snapshot(entry)}\n';
    const util = (body: string) => `from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"api_key", "token"}\n\n\nasync def entry_snapshot(entry):\n    return ${body}\n`;
    const found = diagnostics(elsewhere, { otherFiles: { ...files, 'util.py': util('dict(entry.data)') } });
    assert.deepEqual(found.map((finding) => finding.range.start.line), [4]);
    assert.match(found[0].message, /entry_snapshot\(\) in util\.py returns config entry data/);
    assert.deepEqual(diagnostics(elsewhere, { otherFiles: { ...files, 'util.py': util('async_redact_data(dict(entry.data), TO_REDACT)') } }), []);
    assert.deepEqual(diagnostics(elsewhere, { otherFiles: { ...files, 'util.py': util('{"title": entry.title}') } }), []);
  });

  it('stays silent when the integration stores no credentials, and still marks the item used', () => {
    const hostOnly = flowModule.slice(0, flowModule.indexOf('class Options')).replace('vol.Required(CONF_API_KEY): str, vol.Optional(CONF_TOKEN): str', 'vol.Required("host"): str');
    assert.ok(!hostOnly.includes('SCHEMA = vol.Schema({vol.Required(CONF_API_KEY)'));
    const result = analyzeSnippet('async def async_get_config_entry_diagnostics(hass, entry):\n    return {"data": entry.data}\n', { rules, fileName: 'diagnostics.py', otherFiles: { 'config_flow.py': hostOnly } });
    assert.deepEqual(result.findings, []);
    assert.equal(result.checklist.find((entry) => entry.id === 'credentials-in-logs')?.status, 'pass');
  });

  it("reads what entries hold through a reconfigure form's suggested schema and a migration's copy of the data", () => {
    const flow = [
      'import voluptuous as vol',
      'from homeassistant import config_entries',
      'from homeassistant.const import CONF_LATITUDE, CONF_LONGITUDE, CONF_NAME',
      '',
      'RECONFIGURE_SCHEMA = vol.Schema({vol.Required(CONF_LATITUDE): float, vol.Required(CONF_LONGITUDE): float})',
      '',
      '',
      'class Flow(config_entries.ConfigFlow, domain="demo"):',
      '    async def async_step_user(self, user_input=None):',
      '        if user_input is not None:',
      '            return self.async_create_entry(title=user_input[CONF_NAME], data=user_input)',
      '        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_NAME): str}))',
      '',
      '    async def async_step_reconfigure(self, user_input=None):',
      '        if user_input is not None:',
      '            return self.async_update_reload_and_abort(self._get_reconfigure_entry(), data_updates=user_input)',
      '        return self.async_show_form(step_id="reconfigure", data_schema=self.add_suggested_values_to_schema(data_schema=RECONFIGURE_SCHEMA, suggested_values={}))',
      '',
    ].join('\n');
    const init = (added: string) =>
      `from homeassistant.const import CONF_LATITUDE\n\n\nasync def async_migrate_entry(hass, entry):\n    new_data = entry.data.copy()\n    new_data[${added}] = hass.config.latitude\n    hass.config_entries.async_update_entry(entry, data=new_data, version=2)\n    return True\n`;
    const diagnosticsModule = 'async def async_get_config_entry_diagnostics(hass, entry):\n    return entry.as_dict()\n';
    const result = analyzeSnippet(diagnosticsModule, { rules, fileName: 'diagnostics.py', otherFiles: { 'config_flow.py': flow, '__init__.py': init('CONF_LATITUDE') } });
    assert.deepEqual(result.findings, []);
    assert.equal(result.checklist.find((entry) => entry.id === 'credentials-in-logs')?.status, 'pass');
    // A credential the migration adds is a key the entries hold.
    const added = analyzeSnippet(diagnosticsModule, { rules, fileName: 'diagnostics.py', otherFiles: { 'config_flow.py': flow, '__init__.py': init('"api_key"') } });
    assert.equal(added.findings.length, 1);
  });

  it('reports a copy of the entry masked by hand that leaves a credential the entry holds, not one that masks them all', () => {
    const init = 'from homeassistant.const import CONF_PASSWORD, CONF_TOKEN, CONF_USERNAME\n\n\nasync def async_setup_entry(hass, entry):\n    client = Client(entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD])\n    hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_TOKEN: client.token})\n    return True\n';
    const diagnosticsModule = (masking: string) =>
      `from homeassistant.const import CONF_PASSWORD, CONF_TOKEN\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    data = dict(entry.data)\n${masking}\n    return {"entry": data}\n`;
    const found = (masking: string) => analyzeSnippet(diagnosticsModule(masking), { rules, fileName: 'diagnostics.py', otherFiles: { '__init__.py': init } }).findings;
    assert.match(found('    data[CONF_PASSWORD] = "**REDACTED**"')[0]?.message ?? '', /masked by hand but still holding the credential "token"/);
    assert.equal(found('    data.pop(CONF_PASSWORD)').length, 1);
    assert.deepEqual(found('    data[CONF_PASSWORD] = "**REDACTED**"\n    data.pop(CONF_TOKEN)'), []);
  });

  it('asks for a review of entry data returned whole when nothing shows what the entries hold', () => {
    const status = (result: ReturnType<typeof analyzeSnippet>) => result.checklist.find((entry) => entry.id === 'credentials-in-logs');
    for (const returned of ['{"data": entry.data}', 'entry.as_dict()', '{"entry": entry.as_dict()["data"]}']) {
      const source = `async def async_get_config_entry_diagnostics(hass, entry):\n    return ${returned}\n`;
      const result = analyzeSnippet(source, { rules, fileName: 'diagnostics.py' });
      assert.deepEqual(result.findings, [], returned);
      assert.equal(status(result)?.status, 'review', returned);
      assert.match(status(result)?.note ?? '', /nothing in the integration shows what its config entries hold/);
      // A credential key the integration defines or imports says what the entries keep.
      const defined = analyzeSnippet(source, { rules, fileName: 'diagnostics.py', otherFiles: { 'const.py': 'DOMAIN = "demo"\nCONF_TOKEN = "token"\n' } });
      assert.equal(defined.findings.length, 1, returned);
      assert.match(defined.findings[0].message, /the integration defines CONF_TOKEN/);
      const imported = analyzeSnippet(`from homeassistant.const import CONF_PASSWORD\n\n${source}`, { rules, fileName: 'diagnostics.py' });
      assert.equal(imported.findings.length, 1, returned);
    }
    // Redacted, or masked by hand: nothing to check.
    for (const returned of ['async_redact_data(entry.as_dict(), {"password"})', '{**entry.data, "password": "**REDACTED**"}']) {
      const source = `from homeassistant.components.diagnostics import async_redact_data\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return ${returned}\n`;
      const result = analyzeSnippet(source, { rules, fileName: 'diagnostics.py' });
      assert.deepEqual(result.findings, [], returned);
      assert.equal(status(result)?.status, 'pass', returned);
    }
  });

  it('wraps the returned data in async_redact_data with a new TO_REDACT (safe, idempotent)', () => {
    const source = 'from homeassistant.const import CONF_PASSWORD\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"entry": entry.as_dict(), "password_set": bool(entry.data[CONF_PASSWORD])}\n';
    const [finding] = diagnostics(source);
    assert.ok(finding.fix?.safe);
    const fixed = applyEdits(source, finding.fix.edits);
    assert.equal(
      fixed,
      'from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_PASSWORD\n\nTO_REDACT = {CONF_PASSWORD}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"entry": async_redact_data(entry.as_dict(), TO_REDACT), "password_set": bool(entry.data[CONF_PASSWORD])}\n',
    );
    const after = analyzeSnippet(fixed, { rules, fileName: 'diagnostics.py' });
    assert.deepEqual(after.findings, []);
    assert.equal(after.checklist.find((entry) => entry.id === 'credentials-in-logs')?.status, 'pass');
  });

  it('adds the missing keys to the set when wrapping with an incomplete TO_REDACT of the same module', () => {
    const source = 'from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"token"}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"options": entry.options}\n';
    const options = { otherFiles: { 'config_flow.py': flowModule } };
    const [finding] = diagnostics(source, options);
    assert.ok(finding.fix?.safe);
    const fixed = applyEdits(source, finding.fix.edits);
    assert.match(fixed, /^from homeassistant\.const import CONF_API_KEY$/m);
    assert.match(fixed, /^TO_REDACT = \{"token", CONF_API_KEY\}$/m);
    assert.match(fixed, /"options": async_redact_data\(entry\.options, TO_REDACT\)/);
    assert.ok(parses(fixed));
    assert.deepEqual(diagnostics(fixed, options), []);
  });

  it('reads a TO_REDACT star-imported from const.py', () => {
    const source = 'from homeassistant.components.diagnostics import async_redact_data\nfrom .const import *\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    const found = diagnostics(source, { otherFiles: { 'const.py': 'DOMAIN = "demo"\nTO_REDACT = {"token"}\n', 'config_flow.py': flowModule } });
    assert.deepEqual(found.map((finding) => finding.range.start.line), [4]);
    assert.match(found[0].message, /miss "api_key"/);
    assert.deepEqual(diagnostics(source, { otherFiles: { 'const.py': constModule, 'config_flow.py': flowModule } }), []);
  });

  it('offers the wrap only as a suggestion when the TO_REDACT it must reuse lives elsewhere and misses keys', () => {
    const source = 'from .const import TO_REDACT\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"options": entry.options}\n';
    const [finding] = diagnostics(source, { otherFiles: { 'const.py': 'TO_REDACT = {"token"}\n', 'config_flow.py': flowModule } });
    assert.equal(finding.fix, undefined);
    assert.equal(finding.suggestions?.[0].safe, false);
  });

  it('adds missing keys to a multi-line set (safe)', () => {
    const source = [
      'from homeassistant.components.diagnostics import async_redact_data',
      'from homeassistant.const import CONF_TOKEN',
      '',
      'TO_REDACT = {',
      '    CONF_TOKEN,',
      '}',
      '',
      '',
      'async def async_get_config_entry_diagnostics(hass, entry):',
      '    return async_redact_data(entry.as_dict(), TO_REDACT)',
      '',
    ].join('\n');
    const options = { otherFiles: { 'config_flow.py': flowModule } };
    const [finding] = diagnostics(source, options);
    assert.equal(finding.range.start.line, 3);
    assert.ok(finding.fix?.safe);
    const fixed = applyEdits(source, finding.fix.edits);
    assert.match(fixed, /^from homeassistant\.const import CONF_TOKEN, CONF_API_KEY$/m);
    assert.match(fixed, /TO_REDACT = \{\n {4}CONF_TOKEN,\n {4}CONF_API_KEY,\n\}/);
    assert.deepEqual(diagnostics(fixed, options), []);
    // A comment after the last key stays with that key.
    const commented = source.replace('    CONF_TOKEN,', '    CONF_TOKEN,  # the cloud token');
    const [again] = diagnostics(commented, options);
    assert.match(applyEdits(commented, again.fix!.edits), /TO_REDACT = \{\n {4}CONF_TOKEN, {2}# the cloud token\n {4}CONF_API_KEY,\n\}/);
  });

  it('replaces a credential value in the returned dict with the marker (safe)', () => {
    const source = "async def async_get_device_diagnostics(hass, entry, device):\n    return {'device': device.name, 'key': entry.runtime_data.api.api_key}\n";
    const [finding] = diagnostics(source);
    assert.ok(finding.fix?.safe);
    const fixed = applyEdits(source, finding.fix.edits);
    assert.equal(fixed, "async def async_get_device_diagnostics(hass, entry, device):\n    return {'device': device.name, 'key': '**REDACTED**'}\n");
    assert.deepEqual(diagnostics(fixed), []);
  });

  it('ignores functions that only share a name inside a class, and nested functions\' returns', () => {
    const source = 'class Helper:\n    async def async_get_config_entry_diagnostics(self, hass, entry):\n        return entry.data["token"]\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    def inner():\n        return entry.data["token"]\n    return {"ok": True}\n';
    assert.deepEqual(diagnostics(source), []);
  });
  it('judges the keys handed to another redaction helper like those handed to async_redact_data', () => {
    const source = (call: string) => `from .util import redact_data\n\nREDACT_KEYS = {"access_token", "refresh_token"}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"config_entry": ${call}}\n`;
    const flow = 'import voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow\n\n\nclass Flow(ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="Demo", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required("username"): str, vol.Required("password"): str}))\n';
    assert.match(diagnostics(source('redact_data(entry.data, REDACT_KEYS)'), { otherFiles: { 'config_flow.py': flow } })[0]?.message ?? '', /miss "password"/);
    assert.deepEqual(diagnostics(source('redact_data(entry.data, REDACT_KEYS | {"password"})'), { otherFiles: { 'config_flow.py': flow } }), []);
    // A helper of the module's own that masks the keys it is given is a redaction, not data returned unredacted.
    const own = 'from homeassistant.const import CONF_PASSWORD, CONF_TOKEN\n\nTO_REDACT = {CONF_PASSWORD, CONF_TOKEN}\n\n\ndef _redact_data(data, keys_to_redact):\n    if isinstance(data, dict):\n        redacted = data.copy()\n        for key in redacted:\n            if key in keys_to_redact:\n                redacted[key] = "**REDACTED**"\n        return redacted\n    return data\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"data": _redact_data(dict(entry.data), TO_REDACT)}\n';
    assert.deepEqual(diagnostics(own, { otherFiles: { 'config_flow.py': flow } }), []);
  });
  it('leaves a truth or a number about the entry data alone: a membership test, len(), startswith(), a has_ key', () => {
    const source = (value: string) => `from homeassistant.const import CONF_WEBHOOK_ID\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    webhook_url = entry.data[CONF_WEBHOOK_ID]\n    return {"value": ${value}}\n`;
    for (const value of ['CONF_WEBHOOK_ID in entry.data', 'len(entry.data[CONF_WEBHOOK_ID])', 'entry.data[CONF_WEBHOOK_ID].startswith("https")', 'not entry.data']) {
      assert.deepEqual(diagnostics(source(value)), [], value);
    }
    assert.deepEqual(diagnostics(source('{"has_valid_external_webhook_url": webhook_url.startswith("https")}')), []);
    assert.equal(diagnostics(source('entry.data[CONF_WEBHOOK_ID]')).length, 1);
    assert.equal(diagnostics(source('{"webhook_url": webhook_url}')).length, 1);
  });
  it("asks an OAuth entry's token to be redacted whole, or both its access and refresh tokens", () => {
    const source = (keys: string) => `from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {${keys}}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n`;
    const flow = 'from homeassistant.helpers import config_entry_oauth2_flow\n\n\nclass Flow(config_entry_oauth2_flow.AbstractOAuth2FlowHandler, domain="demo"):\n    pass\n';
    const init = 'async def async_setup_entry(hass, entry):\n    token = entry.data["token"]["access_token"]\n    return True\n';
    const count = (keys: string) => diagnostics(source(keys), { otherFiles: { 'config_flow.py': flow, '__init__.py': init } }).length;
    assert.equal(count('"access_token"'), 1);
    assert.equal(count('"access_token", "refresh_token"'), 0);
    assert.equal(count('"token"'), 0);
  });

  it("takes entry.data for free of a credential the flow writes only into the entry's options", () => {
    const flow = (data: string) =>
      `import voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow\nfrom homeassistant.const import CONF_HOST, CONF_PIN\n\n\nclass Flow(ConfigFlow, domain="alarmx"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="X", ${data})\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_HOST): str, vol.Optional(CONF_PIN): str}))\n`;
    const diagnostics = 'from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_PIN\n\nTO_REDACT = {CONF_PIN}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"data": dict(entry.data), "options": async_redact_data(entry.options, TO_REDACT)}\n';
    const findings = (data: string) => analyzeSnippet(diagnostics, { rules, fileName: 'diagnostics.py', otherFiles: { 'config_flow.py': flow(data) } }).findings.length;
    assert.equal(findings('data={CONF_HOST: user_input[CONF_HOST]}, options={CONF_PIN: user_input.get(CONF_PIN)}'), 0);
    assert.equal(findings('data=user_input'), 1);
  });

  it("takes an alarm panel's CONF_CODE for a credential, and a subentry flow's data for no entry data", () => {
    const flow = (subentry: string) =>
      `import voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow, ConfigSubentryFlow\nfrom homeassistant.const import CONF_CODE, CONF_HOST\n\n\nclass Flow(ConfigFlow, domain="alarmx"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="X", data={CONF_HOST: user_input[CONF_HOST]}, options={CONF_CODE: user_input.get(CONF_CODE)})\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_HOST): str, vol.Optional(CONF_CODE): str}))\n\n\nclass ZoneFlow(ConfigSubentryFlow):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="zone", data=${subentry})\n        return self.async_show_form(step_id="user", data_schema=self._schema)\n`;
    const diagnostics = (data: string) => `from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_CODE\n\nTO_REDACT = {CONF_CODE}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"data": dict(entry.data), "options": ${data}}\n`;
    const findings = (data: string, subentry = 'user_input') => analyzeSnippet(diagnostics(data), { rules, fileName: 'diagnostics.py', otherFiles: { 'config_flow.py': flow(subentry), 'alarm_control_panel.py': 'from homeassistant.components.alarm_control_panel import AlarmControlPanelEntity\n' } }).findings.map((finding) => finding.message.match(/`([^`]+)`/)?.[1]);
    assert.deepEqual(findings('async_redact_data(entry.options, TO_REDACT)'), []);
    assert.deepEqual(findings('dict(entry.options)'), ['entry.options']);
  });

  it("takes a key only a service's schema asks for (a one-time PIN) for none the entries hold", () => {
    const init = (schema: string) =>
      `import voluptuous as vol\nfrom homeassistant.const import CONF_PIN\n\n${schema}\n\n\nasync def async_setup_entry(hass, entry):\n    async def send_pin(call):\n        await entry.runtime_data.send_auth_key(call.data[CONF_PIN])\n\n    hass.services.async_register("blink2fa", "send_pin", send_pin, schema=SEND_SCHEMA)\n    return True\n`;
    const flow = 'import voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow\nfrom homeassistant.const import CONF_PASSWORD, CONF_USERNAME\n\n\nclass Flow(ConfigFlow, domain="blink2fa"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="x", data=self.auth.login_attributes)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str}))\n';
    const diagnostics = 'from homeassistant.components.diagnostics import async_redact_data\n\nTO_REDACT = {"username", "password"}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    const findings = (schema: string) => analyzeSnippet(diagnostics, { rules, fileName: 'diagnostics.py', otherFiles: { '__init__.py': init(schema), 'config_flow.py': flow } }).findings.length;
    assert.equal(findings('SEND_SCHEMA = vol.Schema({vol.Optional(CONF_PIN): str})'), 0);
    assert.equal(findings('SEND_SCHEMA = vol.Schema({})\nENTRY_SCHEMA = vol.Schema({vol.Optional(CONF_PIN): str})'), 1);
  });

  it('reads hand masking done in a loop over listed keys, or in a helper handed the entry data', () => {
    const flow = 'import voluptuous as vol\nfrom homeassistant.config_entries import ConfigFlow\nfrom homeassistant.const import CONF_API_KEY, CONF_PASSWORD\n\n\nclass Flow(ConfigFlow, domain="portx"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="x", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_PASSWORD): str, vol.Required(CONF_API_KEY): str}))\n';
    const findings = (diagnostics: string) => analyzeSnippet(`from homeassistant.const import CONF_API_KEY, CONF_PASSWORD\n\n${diagnostics}`, { rules, fileName: 'diagnostics.py', otherFiles: { 'config_flow.py': flow } }).findings.length;
    const loop = (keys: string) => `\nasync def async_get_config_entry_diagnostics(hass, entry):\n    redacted = dict(entry.data)\n    for key in (${keys}):\n        redacted[key] = "**REDACTED**"\n    return {"data": redacted}\n`;
    assert.equal(findings(loop('CONF_PASSWORD,')), 1);
    assert.equal(findings(loop('CONF_PASSWORD, CONF_API_KEY')), 0);
    const helper = (masks: string) => `\ndef _redact(data):\n    redacted = dict(data)\n${masks}\n    return redacted\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"data": _redact(entry.data)}\n`;
    assert.equal(findings(helper('    redacted[CONF_PASSWORD] = "**REDACTED**"')), 1);
    assert.equal(findings(helper('    redacted[CONF_PASSWORD] = "**REDACTED**"\n    redacted[CONF_API_KEY] = "**REDACTED**"')), 0);
  });

  it('reports the config entry object returned or handed to async_redact_data, which writes it whole through as_dict()', () => {
    const source = (body: string) =>
      `from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.helpers import entity_registry as er\n\nfrom .const import TO_REDACT\n\n\nasync def async_get_config_entry_diagnostics(hass, config_entry):\n${body}\n`;
    const findings = (body: string, flow = flowModule) => diagnostics(source(body), { otherFiles: { 'const.py': constModule, 'config_flow.py': flow } });
    const [handed] = findings('    return {"config": async_redact_data(config_entry, TO_REDACT)}');
    assert.match(handed.message, /hand the config entry object `config_entry` to async_redact_data/);
    const fixed = applyEdits(source('    return {"config": async_redact_data(config_entry, TO_REDACT)}'), handed.fix!.edits);
    assert.match(fixed, /async_redact_data\(config_entry\.as_dict\(\), TO_REDACT\)/);
    assert.ok(parses(fixed));
    assert.deepEqual(diagnostics(fixed, { otherFiles: { 'const.py': constModule, 'config_flow.py': flowModule } }), []);
    assert.equal(findings('    return async_redact_data(config_entry, TO_REDACT)').length, 1);
    const [returned] = findings('    return {"entry": config_entry, "coordinator": config_entry.runtime_data.data}');
    assert.match(returned.message, /return the config entry object `config_entry`/);
    assert.ok(parses(applyEdits(source('    return {"entry": config_entry, "coordinator": config_entry.runtime_data.data}'), returned.fix!.edits)));
    assert.equal(findings('    return [config_entry]').length, 1);
    // What is read from the entry, a redacted dict of it, and registry entries are no entry object.
    assert.deepEqual(findings('    return {"title": config_entry.title, "id": config_entry.entry_id, "entry": async_redact_data(config_entry.as_dict(), TO_REDACT)}'), []);
    assert.deepEqual(findings('    registry = er.async_get(hass)\n    return {"entities": [entry.entity_id for entry in er.async_entries_for_config_entry(registry, config_entry.entry_id)]}'), []);
    // Entries that hold no credential may be dumped whole.
    const hostOnly = 'from homeassistant.config_entries import ConfigFlow\n\n\nclass Flow(ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        return self.async_create_entry(title="x", data={"host": "10.0.0.2"})\n';
    assert.deepEqual(findings('    return {"entry": config_entry}', hostOnly), []);
  });

  it('takes a webhook id given a placeholder or filtered out, update() with placeholders and the | merge for hand masking', () => {
    const flow = 'import voluptuous as vol\nfrom homeassistant.components import webhook\nfrom homeassistant.config_entries import ConfigFlow\nfrom homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_WEBHOOK_ID\n\n\nclass Flow(ConfigFlow, domain="hook"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="x", data={**user_input, CONF_WEBHOOK_ID: webhook.async_generate_id()})\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_API_KEY): str, vol.Required(CONF_PASSWORD): str}))\n';
    const findings = (body: string) => analyzeSnippet(`from homeassistant.components.diagnostics import REDACTED\nfrom homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_WEBHOOK_ID\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n${body}\n`, { rules, fileName: 'diagnostics.py', otherFiles: { 'config_flow.py': flow } }).findings.length;
    assert.equal(findings('    return {**entry.data, CONF_API_KEY: REDACTED, CONF_PASSWORD: REDACTED, CONF_WEBHOOK_ID: REDACTED}'), 0);
    assert.equal(findings('    return {**entry.data, CONF_API_KEY: REDACTED, CONF_PASSWORD: REDACTED}'), 1);
    assert.equal(findings('    return {k: v for k, v in entry.data.items() if k not in (CONF_API_KEY, CONF_PASSWORD, CONF_WEBHOOK_ID)}'), 0);
    assert.equal(findings('    data = dict(entry.data)\n    data.update({CONF_API_KEY: REDACTED, CONF_PASSWORD: REDACTED, CONF_WEBHOOK_ID: REDACTED})\n    return data'), 0);
    assert.equal(findings('    data = dict(entry.data)\n    data.update({CONF_API_KEY: REDACTED})\n    return data'), 1);
    assert.equal(findings('    return entry.data | {CONF_API_KEY: REDACTED, CONF_PASSWORD: REDACTED, CONF_WEBHOOK_ID: REDACTED}'), 0);
    assert.equal(findings('    return entry.data | {CONF_API_KEY: REDACTED}'), 1);
  });
  it("takes an OAuth2Session's valid_token for a truth, also when the session is made in another module", () => {
    const api = 'from homeassistant.helpers import config_entry_oauth2_flow\n\n\nclass OnectaApi:\n    def __init__(self, hass, entry, implementation):\n        self.session = config_entry_oauth2_flow.OAuth2Session(hass, entry, implementation)\n';
    const source = 'from .api import OnectaApi\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    api: OnectaApi = hass.data["onecta"]["api"]\n    return {"oauth2_token_valid": api.session.valid_token}\n';
    assert.deepEqual(diagnostics(source, { otherFiles: { 'api.py': api } }), []);
    assert.equal(diagnostics(source, { otherFiles: { 'api.py': api.replace('config_entry_oauth2_flow.OAuth2Session(hass, entry, implementation)', 'VendorSession(entry)') } }).length, 1);
  });
  it("follows options a flow writes through a helper to what its callers hand it", () => {
    const flow = (options: string) =>
      `import voluptuous as vol\nfrom homeassistant import config_entries\nfrom homeassistant.const import CONF_HOST, CONF_PASSWORD\n\n\nclass Flow(config_entries.ConfigFlow, domain="sprinkler"):\n    async def async_step_user(self, user_input=None):\n        if user_input:\n            return await self.async_finish(data={CONF_HOST: user_input[CONF_HOST], CONF_PASSWORD: user_input[CONF_PASSWORD]}, options=${options})\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required(CONF_HOST): str, vol.Required(CONF_PASSWORD): str}))\n\n    async def async_finish(self, data, options):\n        return self.async_create_entry(title=data[CONF_HOST], data=data, options=options)\n`;
    const source = 'async def async_get_config_entry_diagnostics(hass, entry):\n    return {"options": dict(entry.options)}\n';
    assert.deepEqual(diagnostics(source, { otherFiles: { 'config_flow.py': flow('{"duration": 6}') } }), []);
    assert.equal(diagnostics(source, { otherFiles: { 'config_flow.py': flow('{CONF_PASSWORD: user_input[CONF_PASSWORD]}') } }).length, 1);
  });
  it("takes an alarm panel's code kept under its own CONF_CODE = \"code\" for a credential", () => {
    const panel = 'from homeassistant.components.alarm_control_panel import AlarmControlPanelEntity\n\nfrom .const import CONF_CODE\n\n\nclass Panel(AlarmControlPanelEntity):\n    def __init__(self, entry):\n        self._code = entry.options.get(CONF_CODE)\n';
    const flow = 'import voluptuous as vol\nfrom homeassistant import config_entries\n\nfrom .const import CONF_CODE\n\n\nclass Options(config_entries.OptionsFlow):\n    async def async_step_init(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="", data={CONF_CODE: user_input[CONF_CODE]})\n        return self.async_show_form(step_id="init", data_schema=vol.Schema({vol.Optional(CONF_CODE): str}))\n';
    const source = 'async def async_get_config_entry_diagnostics(hass, config_entry):\n    return {"options": dict(config_entry.options)}\n';
    const found = (files: Record<string, string>) => diagnostics(source, { otherFiles: { 'const.py': 'CONF_CODE = "code"\n', 'config_flow.py': flow, ...files } }).length;
    assert.equal(found({ 'alarm_control_panel.py': panel }), 1);
    // Elsewhere a code is anything: a product code, a tariff code.
    assert.equal(found({ 'sensor.py': panel.replace('alarm_control_panel import AlarmControlPanelEntity', 'sensor import SensorEntity').replace('AlarmControlPanelEntity', 'SensorEntity') }), 0);
  });

  it('judges the keys bound to async_redact_data with functools.partial where the bound name is called', () => {
    const source = (keys: string) =>
      `from functools import partial\n\nfrom homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_API_KEY, CONF_TOKEN\n\nTO_REDACT = {${keys}}\n_redact = partial(async_redact_data, to_redact=TO_REDACT)\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"entry_data": _redact(dict(entry.data))}\n`;
    const missing = diagnostics(source('CONF_API_KEY'), { otherFiles: { 'config_flow.py': flowModule } });
    assert.equal(missing.length, 1);
    assert.match(missing[0].message, /miss "token"/);
    assert.deepEqual(diagnostics(source('CONF_API_KEY, CONF_TOKEN'), { otherFiles: { 'config_flow.py': flowModule } }), []);
  });

  it("reads the keys of the redact helper's mapping form, and offers no set fix for it", () => {
    const source = (mapping: string) =>
      `from homeassistant.const import CONF_API_KEY, CONF_TOKEN\nfrom homeassistant.helpers.redact import async_redact_data, partial_redact\n\nTO_REDACT = ${mapping}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(dict(entry.data), TO_REDACT)\n`;
    const [finding, ...rest] = diagnostics(source('{CONF_API_KEY: partial_redact}'), { otherFiles: { 'config_flow.py': flowModule } });
    assert.equal(rest.length, 0);
    assert.match(finding?.message ?? '', /miss "token"/);
    assert.equal(finding.fix, undefined);
    assert.deepEqual(diagnostics(source('{CONF_API_KEY: partial_redact, CONF_TOKEN: partial_redact}'), { otherFiles: { 'config_flow.py': flowModule } }), []);
  });
  it('judges a copy of a local dict, and a helper that walks it and hands every value on, as the dict itself', () => {
    const source = (rebind: string, redact = 'data') =>
      `import copy\n\nfrom homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_TOKEN\n\n\ndef _walk(obj):\n    if isinstance(obj, dict):\n        return {k: _walk(v) for k, v in obj.items()}\n    if isinstance(obj, list):\n        return [_walk(v) for v in obj]\n    return obj\n\n\ndef _mask(obj):\n    if isinstance(obj, dict):\n        return {k: ("**" if k in (CONF_TOKEN, "api_key") else _mask(v)) for k, v in obj.items()}\n    return obj\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    data = {"entry": {"version": entry.version, "data": dict(entry.data)}}\n    ${rebind}\n    return ${redact}\n`;
    const options = { otherFiles: { 'config_flow.py': flowModule } };
    for (const rebind of ['data = copy.deepcopy(data)', 'data = dict(data)', 'data = data.copy()', 'data = _walk(data)']) {
      assert.deepEqual(diagnostics(source(rebind), options).map((finding) => finding.range.start.line), [21], rebind);
      // Redacted with a set that misses the token, through the copy all the same.
      assert.match(diagnostics(source(rebind, 'async_redact_data(data, {"api_key"})'), options)[0]?.message ?? '', /miss "token"/, rebind);
    }
    // A helper that masks the credentials hides them.
    assert.deepEqual(diagnostics(source('data = _mask(data)'), options), []);
  });
  it("puts a diagnostics handler taken from another integration up for review when the entries hold credentials", () => {
    const borrowed = 'from homeassistant.components.vesync.diagnostics import async_get_config_entry_diagnostics\n\n__all__ = ["async_get_config_entry_diagnostics"]\n';
    const item = (source: string, otherFiles: Record<string, string>) =>
      analyzeSnippet(source, { rules, fileName: 'diagnostics.py', otherFiles }).checklist.find((entry) => entry.id === 'credentials-in-logs');
    const held = item(borrowed, { 'config_flow.py': flowModule });
    assert.equal(held?.status, 'review');
    assert.match(held?.note ?? '', /takes async_get_config_entry_diagnostics from homeassistant\.components\.vesync\.diagnostics/);
    // A handler of this integration's own modules is read where it is written.
    const own = item('from .helpers import async_get_config_entry_diagnostics\n', { 'config_flow.py': flowModule, 'helpers.py': 'from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_API_KEY, CONF_TOKEN\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.data, {CONF_API_KEY, CONF_TOKEN})\n' });
    assert.equal(own?.status, 'pass');
  });
  it("reports an API client's attributes dumped whole (vars(api), api.__dict__) when the entries hold credentials", () => {
    const source = (value: string) =>
      `from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_API_KEY, CONF_TOKEN\n\nTO_REDACT = {CONF_API_KEY, CONF_TOKEN}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    coordinator = entry.runtime_data\n    return {"entry": async_redact_data(entry.data, TO_REDACT), "api": ${value}}\n`;
    const found = (value: string, otherFiles: Record<string, string> = { 'config_flow.py': flowModule }) => diagnostics(source(value), { otherFiles });
    assert.match(found('vars(coordinator.api)')[0]?.message ?? '', /^Diagnostics return `vars\(coordinator\.api\)`, every attribute of an API client, the credentials it logs in with included/);
    assert.equal(found('coordinator.client.__dict__').length, 1);
    // Not a client, or entries that hold no credential.
    assert.deepEqual(found('vars(coordinator.data)'), []);
    assert.deepEqual(found('vars(coordinator.api)', {}), []);
  });
});
