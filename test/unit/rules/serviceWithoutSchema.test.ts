import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { serviceWithoutSchema } from '../../../server/src/analysis/rules/serviceWithoutSchema';
import { analyzeSnippet, applyEdits, assertFixture, FIXTURES, setup } from '../../helpers/analysis';
import { applyFixAndCheck } from '../../helpers/fixChecks';

const rules = [serviceWithoutSchema];
const folder = path.join(FIXTURES, 'rules', 'service-without-schema');
const read = (name: string) => fs.readFileSync(path.join(folder, name), 'utf8');
const otherFiles = {
  'services.py': read('services.py'),
  'entities.py': read('entities.py'),
  'const.py': 'DOMAIN = "acme"\nSERVICE_SEND = "send"\nATTR_MESSAGE = "message"\n',
};

describe('service-without-schema', () => {
  before(setup);

  for (const name of ['bad.py', 'good.py']) {
    it(`matches the expectations in ${name}`, () => {
      assertFixture(path.join(folder, name), rules, { otherFiles });
    });
  }

  it("follows the call into the integration's helper it is passed to: one that reads only call.hass reads no data", () => {
    const source = (helperBody: string) =>
      `from homeassistant.core import ServiceCall\n\n\ndef get_entry(call: ServiceCall):\n${helperBody}\n\n\nasync def refresh(call: ServiceCall) -> None:\n    await get_entry(call).runtime_data.async_request_refresh()\n\n\nasync def async_setup(hass, config):\n    hass.services.async_register("demo", "refresh", refresh)\n    return True\n`;
    const noData = analyzeSnippet(source('    return call.hass.config_entries.async_loaded_entries("demo")[0]'), { rules }).findings;
    assert.deepEqual(noData.map((finding) => finding.severity), ['info']);
    assert.match(noData[0].suggestions?.[0].title ?? '', /accepts no data/);
    const readsData = analyzeSnippet(source('    return call.hass.config_entries.async_get_entry(call.data["entry_id"])'), { rules }).findings;
    assert.deepEqual(readsData.map((finding) => finding.severity), ['warning']);
  });

  it('takes an empty schema (None, "" or a constant holding one) for none: Home Assistant validates only with a truthy one', () => {
    const source = (schema: string) =>
      `import voluptuous as vol\n\nDOMAIN = "demo"\nOTS_SCHEME = ""\nSEND_SCHEMA = vol.Schema({vol.Required("message"): str})\n\n\nasync def async_setup(hass, config):\n    async def handle(call):\n        await hass.data[DOMAIN].send(call.data["message"])\n\n    hass.services.async_register(DOMAIN, "ots", handle, schema=${schema})\n    return True\n`;
    for (const schema of ['OTS_SCHEME', '""', 'None']) {
      assert.match(analyzeSnippet(source(schema), { rules }).findings[0]?.message ?? '', /^Service ots is registered without a schema/, schema);
    }
    assert.deepEqual(analyzeSnippet(source('SEND_SCHEMA'), { rules }).findings, []);
  });

  it('reads the schema of each service description a loop registers, given or defaulted by the class', () => {
    const source = (rows: string) =>
      `from dataclasses import dataclass\n\nimport voluptuous as vol\n\nDOMAIN = "demo"\nZONE_SCHEMA = vol.Schema({vol.Required("zone"): int})\nOTS_SCHEMA = ""\n\n\n@dataclass\nclass ServiceDescription:\n    key: str\n    schema: object = None\n\n\nSERVICES = [\n${rows}]\n\n\nasync def async_setup(hass, config):\n    async def handle(call):\n        await hass.data[DOMAIN].send(call.service, call.data["zone"])\n\n    for service in SERVICES:\n        hass.services.async_register(DOMAIN, service.key, handle, schema=service.schema)\n    return True\n`;
    const messages = (rows: string) => analyzeSnippet(source(rows), { rules }).findings.map((finding) => finding.message.split(' is registered')[0]);
    assert.deepEqual(messages('    ServiceDescription(key="zone", schema=ZONE_SCHEMA),\n    ServiceDescription(key="ots", schema=OTS_SCHEMA),\n    ServiceDescription(key="raw"),\n'), ['Service ots', 'Service raw']);
    assert.deepEqual(messages('    ServiceDescription(key="zone", schema=ZONE_SCHEMA),\n'), []);
    // Descriptions this code cannot read (positional fields, built elsewhere) are taken to carry a schema.
    assert.deepEqual(messages('    ServiceDescription("raw"),\n'), []);
  });

  it('names the service and lowers the severity when the handler reads no data', () => {
    const findings = assertFixture(path.join(folder, 'bad.py'), rules, { otherFiles });
    assert.deepEqual(findings.map((finding) => finding.severity), ['warning', 'warning', 'warning', 'info']);
    assert.match(findings[0].message, /^Service send is registered without a schema/);
  });

  it('suggests a schema built from the keys the handler reads, naming constants the file imports', () => {
    const source = read('bad.py');
    const findings = analyzeSnippet(source, { rules, fileName: 'bad.py', otherFiles }).findings.filter((finding) => finding.path.endsWith('bad.py'));
    const [send] = findings;
    const [suggestion] = send.suggestions ?? [];
    assert.equal(suggestion.safe, false);
    const fixed = applyFixAndCheck(source, suggestion, send, rules, { fileName: 'bad.py', otherFiles });
    assert.match(fixed, /async_register\(DOMAIN, SERVICE_SEND, handle_send, schema=vol\.Schema\(\{vol\.Required\(ATTR_MESSAGE\): cv\.string, vol\.Optional\("title"\): cv\.string\}\)\)/);
    assert.match(fixed, /^import voluptuous as vol\n/m);
    assert.match(fixed, /^from homeassistant\.helpers import config_validation as cv\n/m);
    // Without a field that needs config_validation, it is not imported.
    const counting = 'async def async_setup(hass, config):\n    async def count(call):\n        hass.states.async_set("demo.count", int(call.data["amount"]))\n\n    hass.services.async_register("demo", "count", count)\n    return True\n';
    const [finding] = analyzeSnippet(counting, { rules }).findings;
    const counted = applyFixAndCheck(counting, finding.suggestions![0], finding, rules);
    assert.match(counted, /schema=vol\.Schema\(\{vol\.Required\("amount"\): vol\.Coerce\(int\)\}\)/);
    assert.doesNotMatch(counted, /config_validation/);
  });

  it('writes the suggested schema with probatio in a module that uses it instead of voluptuous', () => {
    const source = 'import probatio\n\n\nasync def async_setup(hass, config):\n    async def count(call):\n        hass.states.async_set("demo.count", int(call.data["amount"]))\n\n    hass.services.async_register("demo", "count", count)\n    return True\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const fixed = applyFixAndCheck(source, finding.suggestions![0], finding, rules);
    assert.match(fixed, /schema=probatio\.Schema\(\{probatio\.Required\("amount"\): probatio\.Coerce\(int\)\}\)/);
    assert.doesNotMatch(fixed, /voluptuous/);
  });

  it('adds schema= on its own line where the arguments stand one per line, keeping the trailing comma', () => {
    const source = (close: string) =>
      `import voluptuous as vol\nfrom homeassistant.helpers import config_validation as cv\n\n\nasync def async_setup(hass, config):\n    async def rename(call):\n        hass.states.async_set("demo.x", call.data["new"])\n\n    hass.services.async_register(\n        "demo",\n        "rename",\n        rename${close}\n    )\n    return True\n`;
    for (const close of [',', '']) {
      const [finding] = analyzeSnippet(source(close), { rules }).findings;
      const fixed = applyEdits(source(close), finding.suggestions![0].edits);
      assert.match(fixed, new RegExp(`        rename,\\n        schema=vol\\.Schema\\(\\{vol\\.Required\\("new"\\): cv\\.string\\}\\)${close}\\n    \\)`), fixed);
      assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
    }
  });

  it('accepts a handler that validates its data with a schema itself', () => {
    const source = (first: string) =>
      `import voluptuous as vol\n\nREMOVE_SCHEMA = vol.Schema({vol.Required("event_id"): str})\n\n\nasync def async_setup_entry(hass, entry):\n    async def remove_event(call):\n        ${first}\n        await entry.runtime_data.remove(data["event_id"])\n\n    hass.services.async_register("demo", "remove", remove_event)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('data = REMOVE_SCHEMA(dict(call.data))'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('data = vol.Schema({vol.Required("event_id"): str})(call.data)'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('data = dict(call.data)'), { rules }).findings.length, 1);
  });

  it('reads fields through a name holding call.data, and lets fields it cannot name through', () => {
    const source = (body: string[]) =>
      ['import voluptuous as vol', 'from homeassistant.helpers import config_validation as cv', '', 'DOMAIN = "demo"', 'ATTR_TARGET = f"{DOMAIN}_target"', '', '', 'async def async_setup(hass, config):', '    async def handle_send(call):', ...body.map((line) => `        ${line}`), '', '    hass.services.async_register(DOMAIN, "send", handle_send)', '    return True', ''].join('\n');
    const schemaOf = (body: string[]) => {
      const [finding] = analyzeSnippet(source(body), { rules }).findings;
      return { severity: finding.severity, schema: finding.suggestions![0].edits[0].newText };
    };
    assert.deepEqual(schemaOf(['data = call.data', 'hass.bus.async_fire(DOMAIN, {"host": call.data["host"], "level": data["level"], "note": data.get("note")})']), {
      severity: 'warning',
      schema: ', schema=vol.Schema({vol.Required("host"): cv.string, vol.Required("level"): cv.string, vol.Optional("note"): cv.string})',
    });
    // A key computed at run time is still data the handler reads: no "reads no data", and the schema lets it through.
    assert.deepEqual(schemaOf(['hass.states.async_set(f"sensor.{DOMAIN}", call.data.get(ATTR_TARGET))']), { severity: 'warning', schema: ', schema=vol.Schema({}, extra=vol.ALLOW_EXTRA)' });
    assert.deepEqual(schemaOf(['data = call.data', 'hass.bus.async_fire(DOMAIN, dict(data))']).schema, ', schema=vol.Schema({}, extra=vol.ALLOW_EXTRA)');
    // Each field validated as the handler takes it: by its default or by the conversion it goes through.
    assert.deepEqual(schemaOf(['client.consume(call.data["product_id"], int(call.data["amount"]), spoiled=call.data.get("spoiled", False), ratio=call.data.get("ratio", 0.5), tags=call.data.get("tags", []))']).schema, ', schema=vol.Schema({vol.Required("product_id"): cv.string, vol.Required("amount"): vol.Coerce(int), vol.Optional("spoiled"): cv.boolean, vol.Optional("ratio"): vol.Coerce(float), vol.Optional("tags"): cv.ensure_list})');
    // A handler that takes one id or a list of them (`isinstance(device_id, str)`) gets either through.
    assert.deepEqual(schemaOf(['device_id = call.data.get("device_id")', 'if isinstance(device_id, str):', '    device_id = [device_id]', 'hass.bus.async_fire(DOMAIN, {"ids": device_id})']).schema, ', schema=vol.Schema({vol.Optional("device_id"): vol.Any(cv.string, [cv.string])})');
    // Read only after a test that it was given, a field is optional.
    assert.deepEqual(schemaOf(['if "options" in call.data:', '    hass.bus.async_fire(DOMAIN, {"extra": call.data["options"]})']).schema, ', schema=vol.Schema({vol.Optional("options"): cv.string})');
    assert.deepEqual(schemaOf(['timeout = call.data["timeout"] if "timeout" in call.data else 15', 'hass.bus.async_fire(DOMAIN, {"timeout": timeout})']).schema, ', schema=vol.Schema({vol.Optional("timeout"): cv.string})');
    assert.deepEqual(schemaOf(['timeout = 15 if "timeout" in call.data else call.data["timeout"]', 'hass.bus.async_fire(DOMAIN, {"timeout": timeout})']).schema, ', schema=vol.Schema({vol.Required("timeout"): cv.string})');
    // Its title says that it checks nothing yet, not that it accepts no data.
    const [finding] = analyzeSnippet(source(['data = call.data', 'hass.bus.async_fire(DOMAIN, dict(data))']), { rules }).findings;
    assert.match(finding.suggestions![0].title, /names no field yet and lets every field through/);
  });

  it('replaces a None schema, and builds one from a handler in another module', () => {
    const source = read('bad.py');
    const findings = analyzeSnippet(source, { rules, fileName: 'bad.py', otherFiles }).findings.filter((finding) => finding.path.endsWith('bad.py'));
    const reset = applyFixAndCheck(source, findings[1].suggestions?.[0], findings[1], rules, { fileName: 'bad.py', otherFiles });
    assert.match(reset, /async_register\(DOMAIN, SERVICE_RESET, handle_send, vol\.Schema\(\{vol\.Required\(ATTR_MESSAGE\): cv\.string, vol\.Optional\("title"\): cv\.string\}\)\)/);
    const exported = applyFixAndCheck(source, findings[2].suggestions?.[0], findings[2], rules, { fileName: 'bad.py', otherFiles });
    assert.match(exported, /"export", async_handle_export, schema=vol\.Schema\(\{vol\.Required\("filename"\): cv\.string, vol\.Optional\("content"\): cv\.string\}\)\)/);
    const refresh = applyFixAndCheck(source, findings[3].suggestions?.[0], findings[3], rules, { fileName: 'bad.py', otherFiles });
    assert.match(refresh, /"refresh", handle_refresh, schema=vol\.Schema\(\{\}\)\)/);
  });

  it('keeps the file\'s quotes and its existing voluptuous alias', () => {
    const source = "import voluptuous as v\n\n\nasync def handle(call):\n    await send(call.data['message'])\n\n\ndef setup(hass):\n    hass.services.async_register('acme', 'send', handle)\n";
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const fixed = applyFixAndCheck(source, finding.suggestions?.[0], finding, rules);
    assert.match(fixed, /schema=v\.Schema\(\{v\.Required\('message'\): cv\.string\}\)\)/);
    assert.equal(fixed.match(/import voluptuous/g)?.length, 1);
  });

  it('marks the item used for admin services, which are not findings', () => {
    const result = analyzeSnippet('from homeassistant.helpers.service import async_register_admin_service\n\n\nasync def reload(call):\n    pass\n\n\ndef setup(hass):\n    async_register_admin_service(hass, "acme", "reload", reload)\n', { rules });
    assert.deepEqual(result.findings, []);
    assert.equal(result.checklist.find((item) => item.id === 'input-validation')?.status, 'pass');
  });

  it('reports the services a table registers in a loop with a None schema, by name', () => {
    const source = (table: string, loop = 'for service, schema in SERVICES.items():') =>
      `import voluptuous as vol\n\nSNAPSHOT_SCHEMA = vol.Schema({vol.Optional("name"): str})\nSERVICES = ${table}\n\n\nasync def handle(call):\n    await run(call.service, call.data.get("name"))\n\n\nasync def async_setup(hass, config):\n    ${loop}\n        hass.services.async_register("snapper", service, handle, schema)\n    return True\n`;
    const messages = (table: string, loop?: string) => analyzeSnippet(source(table, loop), { rules }).findings.map((finding) => finding.message.split(' is registered')[0]);
    assert.deepEqual(messages('{"snapshot": SNAPSHOT_SCHEMA, "purge": None, "prune": None}'), ['Service purge', 'Service prune']);
    assert.deepEqual(messages('{"snapshot": SNAPSHOT_SCHEMA, "purge": SNAPSHOT_SCHEMA}'), []);
    assert.deepEqual(messages('[("snapshot", SNAPSHOT_SCHEMA), ("purge", None)]', 'for service, schema in SERVICES:'), ['Service purge']);
    // A table the rule cannot read stays as it was: a schema is given.
    assert.deepEqual(messages('load_services()'), []);
    // A table built in the function, with the handler in each row.
    const local = `import voluptuous as vol\n\nID_SCHEMA = vol.Schema({vol.Required("charger_id"): str})\n\n\nasync def async_setup_services(hass):\n    async def handle_stop(call):\n        await stop(call.data["charger_id"])\n\n    async def handle_limit(call):\n        await limit(call.data["current"])\n\n    services = [\n        ("stop_charging", ID_SCHEMA, handle_stop),\n        ("limit_current", None, handle_limit),\n    ]\n    for name, schema, handler in services:\n        hass.services.async_register("evbox", name, handler, schema=schema)\n`;
    assert.deepEqual(analyzeSnippet(local, { rules }).findings.map((finding) => finding.message.split(' is registered')[0]), ['Service limit_current']);
  });

  it('names a service it cannot read by the expression that names it', () => {
    const source = 'async def handle(call):\n    await run(call.data["name"])\n\n\nasync def async_setup(hass, config):\n    for name in ("start", "stop"):\n        hass.services.async_register("acme", name, handle)\n    return True\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.match(finding.message, /^The service named by `name` is registered without a schema/);
  });

  it("asks to review a schema that allows extra keys when the handler hands the call's data on whole", () => {
    const source = (schema: string, use: string) =>
      `import voluptuous as vol\n\n\nasync def async_setup(hass, config):\n    def download(call):\n        options = {}\n${use}\n        run(options)\n\n    hass.services.async_register("grabber", "download", download, schema=${schema})\n    return True\n`;
    const item = (schema: string, use: string) => analyzeSnippet(source(schema, use), { rules }).checklist.find((entry) => entry.id === 'input-validation');
    const forwards = '        for key, value in call.data.items():\n            options[key] = value';
    const found = item('vol.Schema({vol.Required("url"): str}, extra=vol.ALLOW_EXTRA)', forwards);
    assert.equal(found?.status, 'review');
    assert.match(found?.note ?? '', /Service download \(__init__\.py\) accepts keys its schema does not name/);
    assert.equal(item('vol.Schema({vol.Required("url"): str}, extra=vol.ALLOW_EXTRA)', '        options.update(**call.data)')?.status, 'review');
    assert.equal(item('vol.Schema({vol.Required("url"): str})', forwards)?.status, 'pass');
    assert.equal(item('vol.Schema({vol.Required("url"): str}, extra=vol.ALLOW_EXTRA)', '        options["url"] = call.data["url"]')?.status, 'pass');
  });
});
