import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { pollingTooFast } from '../../../server/src/analysis/rules/pollingTooFast';
import { analyzeSnippet, applyEdits, assertFixture, FIXTURES, setup } from '../../helpers/analysis';

const rules = [pollingTooFast];
const folder = path.join(FIXTURES, 'rules', 'polling-too-fast');
const constModule = fs.readFileSync(path.join(folder, 'const.py'), 'utf8');
const manifest = (iotClass: string) => JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: iotClass, requirements: [] });

describe('polling-too-fast', () => {
  before(setup);

  for (const name of ['bad.py', 'good.py']) {
    it(`matches the expectations in ${name} (cloud_polling)`, () => {
      assertFixture(path.join(folder, name), rules, { otherFiles: { 'const.py': constModule } });
    });
  }

  it('reads the interval of async_track_time_interval reached through hass.helpers, where hass is not an argument', () => {
    const source = (interval: string) =>
      `from datetime import timedelta\n\n\nasync def async_setup(hass, config):\n    async def update(now):\n        pass\n\n    hass.helpers.event.async_track_time_interval(update, ${interval})\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('timedelta(seconds=5)'), { rules }).findings.map((finding) => finding.rule), ['polling-too-fast']);
    assert.deepEqual(analyzeSnippet(source('timedelta(minutes=10)'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('timedelta(minutes=10)'), { rules }).checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
  });

  it("counts entities Home Assistant polls at its default interval as polling that passes", () => {
    const entity = (bases: string, extra = '') =>
      `import requests\nfrom homeassistant.helpers.entity import Entity\nfrom homeassistant.helpers.update_coordinator import CoordinatorEntity\n\n\nclass Meter(${bases}):\n${extra}    def update(self):\n        self._state = requests.get("https://api.example.com/reading", timeout=10).json()\n`;
    const status = (source: string) => analyzeSnippet(source, { rules, manifest: manifest('cloud_polling'), fileName: 'sensor.py' }).checklist.find((item) => item.id === 'rate-limiting')?.status;
    assert.equal(status(entity('Entity')), 'pass');
    assert.equal(status(entity('Entity', '    _attr_should_poll = False\n\n')), 'not-applicable');
    assert.equal(status(entity('CoordinatorEntity')), 'not-applicable');
    // An update that copies what a listener received asks nothing of the service.
    const listener = `from homeassistant.helpers.entity import Entity\n\n\nclass Pushes(Entity):\n    def update(self):\n        self._attr_native_value = self.listener.data["title"]\n`;
    assert.equal(status(listener), 'not-applicable');
    // An update that has a method of its own class make the request.
    const helper = `import requests\nfrom homeassistant.helpers.entity import Entity\n\n\nclass Meter(Entity):\n    def update(self):\n        self._state = self.call_api()\n\n    def call_api(self):\n        return requests.get("https://api.example.com/reading", timeout=10).json()\n`;
    assert.equal(status(helper), 'pass');
    assert.equal(status(helper.replace('requests.get("https://api.example.com/reading", timeout=10).json()', 'self._cache')), 'not-applicable');
    // A sync update asking the library object it holds (`self._device.refresh()`) polls the device or service.
    const refreshes = (call: string) => `from homeassistant.components.climate import ClimateEntity\n\n\nclass Thermostat(ClimateEntity):\n    def update(self):\n        ${call}\n`;
    assert.equal(status(refreshes('self._device.refresh()')), 'pass');
    assert.equal(status(refreshes('self._client.get_status()')), 'pass');
    assert.equal(status(refreshes('self._attributes.update({"mode": "heat"})')), 'not-applicable');
    // Reading a file or querying a database on every update polls too.
    assert.equal(status(refreshes('with open(self._path, encoding="utf-8") as handle:\n            self._attr_native_value = handle.readline()')), 'pass');
    assert.equal(status(refreshes('self._attr_native_value = self._session.execute(self._query).first()')), 'pass');
    // A docstring that speaks of should_poll does not turn polling off; a property that does, does.
    assert.equal(status(refreshes('"""Polled: should_poll defaults to True."""\n        self._device.refresh()')), 'pass');
    assert.equal(status(refreshes('self._device.refresh()\n\n    @property\n    def should_poll(self):\n        return False')), 'not-applicable');
    // A should_poll that throttles its own updates and returns True keeps the entity polled (ics_calendar).
    assert.equal(status(refreshes('self._device.refresh()\n\n    @property\n    def should_poll(self):\n        if self._stale():\n            self.async_schedule_update_ha_state(True)\n        return True')), 'pass');
    assert.equal(status(entity('Entity', '    _attr_should_poll = True\n\n')), 'pass');
    assert.equal(status(refreshes('self._device.refresh()\n\n    @property\n    def should_poll(self):\n        return self._polling')), 'not-applicable');
  });

  it("knows an entity by its lineage: the camera platform's Camera, and the integration's own base classes in other modules", () => {
    const status = (source: string, otherFiles: Record<string, string> = {}) =>
      analyzeSnippet(source, { rules, manifest: manifest('local_polling'), fileName: 'camera.py', otherFiles }).checklist.find((item) => item.id === 'rate-limiting')?.status;
    const camera = (bases: string, imports: string) => `${imports}\n\n\nclass Cam(${bases}):\n    async def async_update(self):\n        self._attr_available = await self.client.ping()\n`;
    assert.equal(status(camera('Camera', 'from homeassistant.components.camera import Camera')), 'pass');
    // A library's own Camera class is no entity.
    assert.equal(status(camera('Camera', 'from pyacme import Camera')), 'not-applicable');
    const entityModule = 'from homeassistant.helpers.entity import Entity\n\n\nclass AcmeDevice(Entity):\n    name = "acme"\n';
    assert.equal(status(camera('AcmeDevice', 'from .entity import AcmeDevice'), { 'entity.py': entityModule }), 'pass');
    const notPolled = entityModule + '    _attr_should_poll = False\n';
    assert.equal(status(camera('AcmeDevice', 'from .entity import AcmeDevice'), { 'entity.py': notPolled }), 'not-applicable');
  });

  it('reads an interval its callers hand to the coordinator, positionally, from another module', () => {
    const coordinator = `from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nclass Coordinator(DataUpdateCoordinator):\n    def __init__(self, hass, entry, api_key, update_interval):\n        super().__init__(hass, None, config_entry=entry, name="demo", update_interval=update_interval)\n`;
    const init = (interval: string) =>
      `import datetime\n\nfrom .coordinator import Coordinator\n\n\nasync def async_setup_entry(hass, entry):\n    update_interval = ${interval}\n    coordinator = Coordinator(hass, entry, entry.data["api_key"], update_interval)\n    return True\n`;
    const result = (interval: string) => analyzeSnippet(init(interval), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'coordinator.py': coordinator } });
    const slow = result('datetime.timedelta(minutes=30)');
    assert.deepEqual(slow.findings, []);
    assert.equal(slow.checklist.find((item) => item.id === 'rate-limiting')?.status, 'pass');
    assert.equal(result('datetime.timedelta(seconds=5)').findings.length, 1);
  });

  it('reports an interval once, where it is chosen, when a coordinator only hands on what its callers pass by keyword', () => {
    const coordinator = `from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nclass Coordinator(DataUpdateCoordinator):\n    def __init__(self, hass, *, update_interval):\n        super().__init__(hass, None, name="demo", update_interval=update_interval)\n`;
    const init = (call: string) => `from datetime import timedelta\n\nfrom .coordinator import Coordinator\n\n\nasync def async_setup_entry(hass, entry):\n    coordinator = ${call}\n    return True\n`;
    const findings = (call: string) =>
      analyzeSnippet(init(call), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'coordinator.py': coordinator } }).findings.map((finding) => `${finding.path.split('/').pop()}:${finding.range.start.line}`);
    assert.deepEqual(findings('Coordinator(hass, update_interval=timedelta(seconds=5))'), ['__init__.py:6']);
    // A value that is no interval where it is passed (a plain helper's argument) is judged where it becomes one.
    const helper = `from datetime import timedelta\n\nfrom .coordinator import Coordinator\n\n\ndef make(hass, interval):\n    return Coordinator(hass, update_interval=interval)\n\n\nasync def async_setup_entry(hass, entry):\n    coordinator = make(hass, timedelta(seconds=5))\n    return True\n`;
    const once = analyzeSnippet(helper, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'coordinator.py': coordinator } }).findings;
    assert.deepEqual(once.map((finding) => `${finding.path.split('/').pop()}:${finding.range.start.line}`), ['__init__.py:6']);
  });

  it("puts a coordinator that polls at an interval another integration's or a library's base class sets up for review", () => {
    const coordinator = (base: string, init = '') =>
      `from homeassistant.components.vesync.coordinator import VeSyncDataCoordinator\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nclass AcmeCoordinator(${base}):\n${init}    async def _async_update_data(self):\n        return await super()._async_update_data()\n`;
    const item = (source: string, iotClass = 'cloud_polling') =>
      analyzeSnippet(source, { rules, fileName: 'coordinator.py', manifest: manifest(iotClass) }).checklist.find((entry) => entry.id === 'rate-limiting');
    const borrowed = item(coordinator('VeSyncDataCoordinator'));
    assert.equal(borrowed?.status, 'review');
    assert.match(borrowed?.note ?? '', /AcmeCoordinator in coordinator\.py polls at the interval its base class homeassistant\.components\.vesync\.coordinator\.VeSyncDataCoordinator sets/);
    // Home Assistant's own coordinator, an interval given here, or a local device: nothing to ask.
    assert.notEqual(item(coordinator('DataUpdateCoordinator'))?.status, 'review');
    assert.notEqual(item(coordinator('VeSyncDataCoordinator', '    def __init__(self, hass):\n        super().__init__(hass, update_interval=timedelta(minutes=5))\n\n'))?.note ?? '', borrowed?.note);
    assert.notEqual(item(coordinator('VeSyncDataCoordinator'), 'local_polling')?.status, 'review');
  });

  it('reads an interval a coordinator takes from a record its callers build (a config dataclass)', () => {
    const coordinator = `from dataclasses import dataclass\nfrom datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\n@dataclass\nclass WxConfig:\n    api_key: str\n    update_interval: timedelta\n\n\nclass WxCoordinator(DataUpdateCoordinator):\n    def __init__(self, hass, config):\n        super().__init__(hass, None, name="wx", update_interval=config.update_interval)\n`;
    const init = (interval: string) => `from datetime import timedelta\n\nfrom .coordinator import WxConfig, WxCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n    config = WxConfig(api_key=entry.data["api_key"], update_interval=${interval})\n    coordinator = WxCoordinator(hass, config)\n    return True\n`;
    const result = (interval: string) => analyzeSnippet(init(interval), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'coordinator.py': coordinator } });
    assert.equal(result('timedelta(seconds=5)').findings.length, 1);
    const slow = result('timedelta(minutes=5)');
    assert.deepEqual(slow.findings, []);
    assert.equal(slow.checklist.find((item) => item.id === 'rate-limiting')?.status, 'pass');
  });

  it('judges local integrations against the local minimum', () => {
    const source = 'from datetime import timedelta\nSCAN_INTERVAL = timedelta(seconds=5)\n';
    assert.deepEqual(analyzeSnippet(source, { rules, manifest: manifest('local_polling') }).findings, []);
    const fast = 'from datetime import timedelta\nSCAN_INTERVAL = timedelta(milliseconds=200)\n';
    assert.equal(analyzeSnippet(fast, { rules, manifest: manifest('local_polling') }).findings.length, 1);
  });

  it('honours configured thresholds', () => {
    const source = 'from datetime import timedelta\nSCAN_INTERVAL = timedelta(minutes=2)\n';
    assert.deepEqual(analyzeSnippet(source, { rules }).findings, []);
    const strict = analyzeSnippet(source, { rules, settings: { cloudPollingMinSeconds: 300 } });
    assert.equal(strict.findings.length, 1);
    assert.match(strict.findings[0].message, /2 minutes, below the 5 minutes minimum for a cloud_polling/);
  });

  it('leaves integrations without a polling iot_class and standalone files alone', () => {
    const source = 'from datetime import timedelta\nSCAN_INTERVAL = timedelta(seconds=1)\n';
    const calculated = analyzeSnippet(source, { rules, manifest: manifest('calculated') });
    assert.deepEqual(calculated.findings, []);
    // It polls, at a pace no minimum governs: checked, not "does not poll".
    assert.equal(calculated.checklist.find((item) => item.id === 'rate-limiting')?.status, 'pass');
    assert.deepEqual(analyzeSnippet(source, { rules, manifest: null }).findings, []);
    assert.equal(analyzeSnippet('x = 1\n', { rules, manifest: manifest('calculated') }).checklist.find((item) => item.id === 'rate-limiting')?.status, 'not-applicable');
  });

  it('asks for a review when the manifest declares no iot_class to judge the interval by', () => {
    const source = 'from datetime import timedelta\nSCAN_INTERVAL = timedelta(seconds=5)\n';
    const result = analyzeSnippet(source, { rules, manifest: JSON.stringify({ domain: 'demo', name: 'Demo', requirements: [] }) });
    assert.deepEqual(result.findings, []);
    const item = result.checklist.find((entry) => entry.id === 'rate-limiting');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /declares no iot_class/);
    // Long enough even for a cloud API: no need to know which.
    const slow = analyzeSnippet(source.replace('seconds=5', 'minutes=5'), { rules, manifest: JSON.stringify({ domain: 'demo', name: 'Demo', requirements: [] }) });
    assert.equal(slow.checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
    // A diagnostics dict that reports an update_interval key sets no interval.
    const diagnostics = analyzeSnippet('async def async_get_config_entry_diagnostics(hass, entry):\n    return {"update_interval": 30}\n', { rules, fileName: 'diagnostics.py', manifest: JSON.stringify({ domain: 'demo', name: 'Demo', requirements: [] }) });
    assert.equal(diagnostics.checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'not-applicable');
  });

  it('follows an interval kept in a local variable', () => {
    const source = (value: string) =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n    interval = ${value}\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=interval)\n`;
    assert.match(analyzeSnippet(source('timedelta(seconds=5)'), { rules, manifest: manifest('cloud_polling') }).findings[0]?.message ?? '', /update_interval is 5 seconds/);
    assert.deepEqual(analyzeSnippet(source('timedelta(minutes=5)'), { rules, manifest: manifest('cloud_polling') }).findings, []);
    assert.deepEqual(analyzeSnippet(source('timedelta(seconds=entry.options["interval"])'), { rules, manifest: manifest('cloud_polling') }).findings, []);
  });

  it('judges a function that schedules itself again with async_call_later', () => {
    const source = (delay: string, action = 'partial(self._update)') =>
      `from functools import partial\n\nfrom homeassistant.helpers.event import async_call_later\n\n\nclass Data:\n    async def _update(self, now=None):\n        if not await self.fetch():\n            async_call_later(self.hass, ${delay}, ${action})\n`;
    assert.match(analyzeSnippet(source('20'), { rules, manifest: manifest('cloud_polling') }).findings[0]?.message ?? '', /runs itself again is 20 seconds/);
    assert.deepEqual(analyzeSnippet(source('300'), { rules, manifest: manifest('cloud_polling') }).findings, []);
    assert.deepEqual(analyzeSnippet(source('20', 'self._notify'), { rules, manifest: manifest('cloud_polling') }).findings, []);
    // A delay that grows with each failure is the backoff a retry needs.
    assert.deepEqual(analyzeSnippet(source('2 ** min(self.attempts, 5) * 5'), { rules, manifest: manifest('cloud_polling') }).findings, []);
    // No delay at all runs it again as fast as the event loop lets it.
    assert.match(analyzeSnippet(source('timedelta(seconds=0)'), { rules, manifest: manifest('cloud_polling') }).findings[0]?.message ?? '', /runs itself again is 0 seconds/);
    assert.equal(analyzeSnippet(source('0'), { rules, manifest: manifest('cloud_polling') }).findings.length, 1);
  });

  it('does not take a function that waits for a local value, rescheduling itself before any request, for polling', () => {
    const wait = (check: string) =>
      `from homeassistant.helpers.event import async_call_later


class Flow:
    async def _wait_for_activation(self, _=None):
        if self._device is None:
${check}            async_call_later(self.hass, 1, self._wait_for_activation)
            return
        self.activation = await self.api.activate(self._device)
`;
    assert.deepEqual(analyzeSnippet(wait(''), { rules, manifest: manifest('cloud_polling') }).findings, []);
    // Asking the service on every round is polling.
    assert.equal(analyzeSnippet(wait('            self._device = await self.api.poll_device()\n'), { rules, manifest: manifest('cloud_polling') }).findings.length, 1);
  });

  it('asks for a review of an interval option whose schema lets users go below the minimum', () => {
    const setup = 'from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(seconds=entry.options.get("scan_interval", 60)))\n';
    const flow = (validator: string) => `import voluptuous as vol\n\nSCHEMA = vol.Schema({vol.Optional("scan_interval", default=60): ${validator}})\n`;
    const status = (validator: string) => {
      const item = analyzeSnippet(setup, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow(validator) } }).checklist.find((entry) => entry.id === 'rate-limiting');
      return [item?.status, item?.note.match(/sets no minimum|allows \d+ seconds/)?.[0]];
    };
    assert.deepEqual(status('vol.All(vol.Coerce(int), vol.Clamp(min=0))'), ['review', 'allows 0 seconds']);
    assert.deepEqual(status('int'), ['review', 'sets no minimum']);
    assert.deepEqual(status('vol.All(int, vol.Range(min=30))')[0], 'pass');
    // Bounds written as constants, and a number selector's bounds.
    assert.deepEqual(status('vol.All(int, vol.Range(min=MIN_SCAN, max=3600))').slice(0, 1), ['review'], 'an unknown constant bounds nothing');
    const withConstant = (validator: string) =>
      analyzeSnippet(setup, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': `MIN_SCAN = 30\n${flow(validator)}` } }).checklist.find((entry) => entry.id === 'rate-limiting')?.status;
    assert.equal(withConstant('vol.All(int, vol.Range(min=MIN_SCAN, max=3600))'), 'pass');
    assert.equal(withConstant('NumberSelector(NumberSelectorConfig(min=MIN_SCAN, max=3600, step=1))'), 'pass');
    assert.equal(withConstant('NumberSelector(NumberSelectorConfig(max=3600))'), 'review');
    // The option read into a local variable first (`seconds = int(entry.options.get(...))`).
    const local = setup.replace('    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(seconds=entry.options.get("scan_interval", 60)))', '    seconds = int(entry.options.get("scan_interval", 60))\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(seconds=seconds))');
    assert.notEqual(local, setup);
    const viaLocal = (validator: string) => analyzeSnippet(local, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow(validator) } }).checklist.find((entry) => entry.id === 'rate-limiting');
    assert.equal(viaLocal('vol.All(int, vol.Range(min=30))')?.status, 'pass');
    assert.match(viaLocal('int')?.note ?? '', /sets no minimum/);
    // The whole span bound to a name first (`interval = timedelta(...)`, then `update_interval=interval`).
    const span = setup.replace('    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(seconds=entry.options.get("scan_interval", 60)))', '    interval = timedelta(seconds=entry.options.get("scan_interval", 60))\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=interval)');
    assert.notEqual(span, setup);
    const viaSpan = (validator: string) => analyzeSnippet(span, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow(validator) } }).checklist.find((entry) => entry.id === 'rate-limiting');
    assert.match(viaSpan('vol.All(vol.Coerce(int), vol.Range(min=1))')?.note ?? '', /whose schema allows 1 second;/);
    assert.equal(viaSpan('vol.All(int, vol.Range(min=30))')?.status, 'pass');
    // Read by subscript (`entry.options["scan_interval"]`), the option is judged the same way.
    const subscript = setup.replace('entry.options.get("scan_interval", 60)', 'entry.options["scan_interval"]');
    const viaSubscript = (validator: string) => analyzeSnippet(subscript, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow(validator) } }).checklist.find((entry) => entry.id === 'rate-limiting');
    assert.match(viaSubscript('int')?.note ?? '', /sets no minimum; give it a minimum of at least 30 seconds/);
    assert.equal(viaSubscript('vol.All(int, vol.Range(min=30))')?.status, 'pass');
    // Handed to a coordinator's constructor, which makes the interval from its parameter.
    const handed = 'from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nclass Coordinator(DataUpdateCoordinator):\n    def __init__(self, hass, interval):\n        super().__init__(hass, None, name="demo", update_interval=timedelta(seconds=interval))\n\n\nasync def async_setup_entry(hass, entry):\n    return Coordinator(hass, entry.options.get("scan_interval", 60))\n';
    const viaConstructor = (validator: string) => analyzeSnippet(handed, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow(validator) } }).checklist.find((entry) => entry.id === 'rate-limiting');
    assert.match(viaConstructor('int')?.note ?? '', /option "scan_interval", whose schema sets no minimum/);
    assert.equal(viaConstructor('vol.All(int, vol.Range(min=30))')?.status, 'pass');
    // Read from any dict that holds what the form asked for (a coordinator's `config`).
    const viaConfig = (key: string) =>
      analyzeSnippet(setup.replace('entry.options.get("scan_interval", 60)', `config.get("${key}", 60)`).replace('async def async_setup_entry(hass, entry):', 'async def start(hass, config):'), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow('int') } }).checklist.find((entry) => entry.id === 'rate-limiting')?.status;
    assert.equal(viaConfig('scan_interval'), 'review');
    assert.equal(viaConfig('other'), 'pass', 'a key no form asks for is no option');
    // Such a key read from the entry is a setting the integration wrote; read from its own Store, nothing tells.
    const viaRead = (read: string) =>
      analyzeSnippet(subscript.replace('entry.options["scan_interval"]', read).replace('    return DataUpdateCoordinator', '    store_data = await entry.runtime_data.store.async_load()\n    return DataUpdateCoordinator'), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow('int') } }).checklist.find((entry) => entry.id === 'rate-limiting')?.status;
    assert.equal(viaRead('entry.data["poll_seconds"]'), 'pass');
    assert.equal(viaRead('store_data["poll_seconds"]'), 'review');
  });

  it('reports tight loops whatever the iot_class, in async code and in threads', () => {
    const asyncLoop = 'import asyncio\n\n\nasync def run(client):\n    while True:\n        await client.fetch()\n        await asyncio.sleep(0.5)\n';
    assert.equal(analyzeSnippet(asyncLoop, { rules, manifest: JSON.stringify({ domain: 'demo', name: 'Demo', requirements: [] }) }).findings.length, 1);
    const threadLoop = 'import time\n\n\ndef run(client):\n    while True:\n        client.get("/status")\n        time.sleep(0.5)\n';
    assert.equal(analyzeSnippet(threadLoop, { rules, manifest: manifest('local_push') }).findings.length, 1);
    const idle = 'import time\n\n\ndef run(queue):\n    while True:\n        handle(queue.pop())\n        time.sleep(0.1)\n';
    assert.deepEqual(analyzeSnippet(idle, { rules, manifest: manifest('local_push') }).findings, []);
  });

  it('reads update_interval= of a coordinator, not of a record the integration builds', () => {
    const source = (cls: string) =>
      `from dataclasses import dataclass\nfrom datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\n${cls}\n\n\nDEFAULT = Profile(name="default", update_interval=timedelta(seconds=5))\n`;
    const found = (cls: string) => analyzeSnippet(source(cls), { rules, manifest: manifest('cloud_polling') }).findings.length;
    assert.equal(found('@dataclass\nclass Profile:\n    name: str\n    update_interval: timedelta'), 0);
    assert.equal(found('class Profile(object):\n    def __init__(self, name, update_interval):\n        self.name = name\n        self.interval = update_interval'), 0);
    assert.equal(found('class Profile(DataUpdateCoordinator):\n    def __init__(self, name, update_interval):\n        super().__init__(None, None, name=name, update_interval=update_interval)') > 0, true);
  });

  it("reads a coordinator's interval parameter with its default where a caller leaves it out", () => {
    const coordinator = (fallback: string) =>
      `import logging\nfrom datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass BikeCoordinator(DataUpdateCoordinator):\n    def __init__(self, hass, api, update_interval=${fallback}):\n        super().__init__(hass, _LOGGER, name="bike", update_interval=update_interval)\n`;
    const init = (calls: string) => `from datetime import timedelta\n\nfrom .coordinator import BikeCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n${calls}\n    return True\n`;
    const result = (fallback: string, calls: string) => analyzeSnippet(init(calls), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'coordinator.py': coordinator(fallback) } });
    const status = (fallback: string, calls: string) => result(fallback, calls).checklist.find((item) => item.id === 'rate-limiting')?.status;
    assert.equal(status('timedelta(seconds=5)', '    BikeCoordinator(hass, None)\n    BikeCoordinator(hass, None, update_interval=timedelta(hours=1))'), 'fail');
    assert.equal(status('timedelta(seconds=5)', '    BikeCoordinator(hass, None, timedelta(hours=1))'), 'pass');
    assert.equal(status('timedelta(minutes=1)', '    BikeCoordinator(hass, None)'), 'pass');
  });

  it("reads what a subclass hands its base coordinator's interval parameter through super().__init__", () => {
    const source = (interval: string) =>
      `import logging\nfrom datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass BaseCoordinator(DataUpdateCoordinator):\n    def __init__(self, hass, update_interval):\n        super().__init__(hass, _LOGGER, name="mail", update_interval=update_interval)\n\n\nclass CountCoordinator(BaseCoordinator):\n    def __init__(self, hass):\n        super().__init__(hass, ${interval})\n`;
    const status = (interval: string) => analyzeSnippet(source(interval), { rules, manifest: manifest('cloud_polling'), fileName: 'coordinator.py' }).checklist.find((item) => item.id === 'rate-limiting')?.status;
    assert.equal(status('timedelta(seconds=3600)'), 'pass');
    assert.equal(status('timedelta(seconds=5)'), 'fail');
  });

  it('takes a handler that clears the flag the loop runs on for a way out of the loop', () => {
    const socket = (handling: string) =>
      `import websockets\n\n\nclass ChargerSocket:\n    def __init__(self, ws):\n        self._websocket = ws\n        self._connected = True\n\n    async def receive_loop(self, handle):\n        while self._connected:\n            try:\n                handle(await self._websocket.recv())\n            except websockets.ConnectionClosed:\n${handling}\n`;
    const found = (handling: string) => analyzeSnippet(socket(handling), { rules, manifest: manifest('local_push') }).findings.length;
    assert.equal(found('                self._connected = False\n                handle(None)'), 0);
    assert.equal(found('                handle(None)'), 1);
  });

  it("holds a cloud service polled by a loop's regular pause to the cloud minimum, not its retry delay", () => {
    const loop = (body: string) =>
      `import asyncio\n\n\nasync def poll_door_log(session, hass):\n    while True:\n${body}\n`;
    const request = '        resp = await session.get("https://cloud.example.com/log")\n        hass.bus.async_fire("door", await resp.json())';
    const lines = (body: string, iotClass = 'cloud_polling') => analyzeSnippet(loop(body), { rules, manifest: manifest(iotClass) }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(lines(`${request}\n        await asyncio.sleep(2)`), [7]);
    assert.deepEqual(lines(`${request}\n        await asyncio.sleep(60)`), []);
    assert.deepEqual(lines('        messages = await hass.async_add_executor_job(session.messages.list)\n        hass.bus.async_fire("sms", {"count": len(messages)})\n        await asyncio.sleep(2)'), [7]);
    assert.deepEqual(lines(`${request}\n        await asyncio.sleep(2)`, 'local_polling'), []);
    // Waiting for a command's result, read anew each round, ends when the result comes.
    const waiting = 'import asyncio\n\n\nasync def wait_result(session):\n    status = "Running"\n    while status == "Running":\n        await asyncio.sleep(2)\n        resp = await session.get("https://cloud.example.com/job")\n        status = (await resp.json())["status"]\n';
    assert.deepEqual(analyzeSnippet(waiting, { rules, manifest: manifest('cloud_polling') }).findings, []);
    // A pause after a failure is a retry delay, judged by the retry checks.
    assert.deepEqual(lines(`        try:\n            resp = await session.get("https://cloud.example.com/stream")\n            await resp.read()\n        except OSError:\n            await asyncio.sleep(5)`), []);
  });

  it("takes a thread's wait on a stop event for the loop's pause", () => {
    const thread = (loop: string, event = 'threading.Event()') =>
      `import threading\n\nimport requests\n\n\nclass Poller(threading.Thread):\n    def __init__(self, url):\n        super().__init__()\n        self._url = url\n        self._stop_event = ${event}\n\n    def run(self):\n${loop}\n`;
    const found = (loop: string, event?: string) => analyzeSnippet(thread(loop, event), { rules, manifest: manifest('cloud_polling') }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(found('        while not self._stop_event.wait(0.1):\n            requests.get(self._url, timeout=10)'), [12]);
    assert.deepEqual(found('        while not self._stop_event.is_set():\n            requests.get(self._url, timeout=10)\n            self._stop_event.wait(timeout=0.2)'), [14]);
    assert.deepEqual(found('        while not self._stop_event.wait(60):\n            requests.get(self._url, timeout=10)'), []);
    // Waiting on a queue or a condition for work is no pause between requests.
    assert.deepEqual(found('        while not self._stop_event.wait(0.1):\n            requests.get(self._url, timeout=10)', 'SomethingElse()'), []);
    assert.deepEqual(found('        while not self._stop_event.wait(0.1):\n            self._handle()'), []);
  });

  it('asks for a review of a cloud interval it cannot read, instead of passing it unchecked', () => {
    const source = (interval: string) =>
      `from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\nfrom pycloud.const import DEFAULT_POLL_INTERVAL\n\n\nclass Coordinator(DataUpdateCoordinator):\n    def __init__(self, hass):\n        super().__init__(hass, None, name="demo", update_interval=${interval})\n`;
    const unread = analyzeSnippet(source('DEFAULT_POLL_INTERVAL'), { rules, manifest: manifest('cloud_polling') });
    assert.deepEqual(unread.findings, []);
    assert.equal(unread.checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'review');
    // A local device's interval is left alone; a plain number of seconds is read.
    assert.equal(analyzeSnippet(source('DEFAULT_POLL_INTERVAL'), { rules, manifest: manifest('local_polling') }).checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
    assert.equal(analyzeSnippet('SCAN_INTERVAL = 60\n', { rules, manifest: manifest('cloud_polling') }).checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
    assert.equal(analyzeSnippet('SCAN_INTERVAL = 5\n', { rules, manifest: manifest('cloud_polling') }).findings.length, 1);
    // In const.py, a plain number's unit is the one of the code that reads it (econnect_alarm).
    const readAs = (unit: string) =>
      analyzeSnippet(`from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\nfrom .const import SCAN_INTERVAL\n\n\nasync def async_setup_entry(hass, entry):\n    DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(${unit}=SCAN_INTERVAL))\n    return True\n`, {
        rules,
        manifest: manifest('cloud_polling'),
        otherFiles: { 'const.py': 'SCAN_INTERVAL = 5\n' },
      }).findings.map((finding) => `${finding.path.split('/').pop()}:${finding.range.start.line}`);
    assert.deepEqual(readAs('minutes'), []);
    assert.deepEqual(readAs('seconds'), ['__init__.py:8']);
    // `update_interval=None`: a coordinator refreshed by pushes, which never polls.
    assert.equal(analyzeSnippet(source('None'), { rules, manifest: manifest('cloud_polling') }).checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'not-applicable');
  });

  it('reports SCAN_INTERVAL once, where it is defined, not again where a coordinator is given it', () => {
    const source = 'from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\nSCAN_INTERVAL = timedelta(seconds=5)\n\n\nclass Coordinator(DataUpdateCoordinator):\n    def __init__(self, hass):\n        super().__init__(hass, None, name="demo", update_interval=SCAN_INTERVAL)\n';
    assert.deepEqual(analyzeSnippet(source, { rules, manifest: manifest('cloud_polling') }).findings.map((finding) => finding.range.start.line), [4]);
    const imported = source.replace('SCAN_INTERVAL = timedelta(seconds=5)\n', 'from .const import SCAN_INTERVAL\n');
    const found = analyzeSnippet(imported, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'const.py': 'from datetime import timedelta\n\nSCAN_INTERVAL = timedelta(seconds=5)\n' } }).findings;
    assert.deepEqual(found.map((finding) => finding.path.split('/').pop()), ['const.py']);
  });

  it('judges the interval a coordinator sets on every update, not the start value it replaces', () => {
    const coordinator = (update: string) =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nclass SiteCoordinator(DataUpdateCoordinator):\n    def __init__(self, hass, api):\n        super().__init__(hass, None, name="site", update_interval=timedelta(seconds=10))\n        self.api = api\n\n    async def _async_update_data(self):\n${update}        return await self.api.live_status()\n`;
    const every = analyzeSnippet(coordinator('        self.update_interval = timedelta(seconds=60)\n'), { rules, manifest: manifest('cloud_polling') });
    assert.deepEqual(every.findings, []);
    assert.equal(every.checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
    // Set only sometimes, the start value may stay; set too fast, that value is reported.
    assert.equal(analyzeSnippet(coordinator('        if self.api.slow:\n            self.update_interval = timedelta(seconds=60)\n'), { rules, manifest: manifest('cloud_polling') }).findings.length, 1);
    const [fast] = analyzeSnippet(coordinator('        self.update_interval = timedelta(seconds=5)\n'), { rules, manifest: manifest('cloud_polling') }).findings;
    assert.equal(fast.range.start.line, 11);
  });

  it('does not count a request made once on the way out of a waiting loop', () => {
    const wait = (exit: string) =>
      `import asyncio\n\n\nasync def wait_ready(coordinator):\n    tries = 0\n    while not coordinator.ready:\n        if tries == 60:\n            await coordinator.client.poll_once()\n            ${exit}\n        await asyncio.sleep(0.5)\n        tries += 1\n`;
    for (const exit of ['break', 'return', 'raise TimeoutError']) assert.deepEqual(analyzeSnippet(wait(exit), { rules, manifest: manifest('cloud_push') }).findings, [], exit);
    assert.equal(analyzeSnippet(wait('tries = 0'), { rules, manifest: manifest('cloud_push') }).findings.length, 1);
  });

  it('reports a coroutine that starts itself again at once after a failure, not one that waits first', () => {
    const source = (handler: string) =>
      `import asyncio\n\nfrom aiohttp import ClientConnectorError\n\n\ndef _register(hass, entry):\n    hass.data["demo"] = asyncio.create_task(_subscribe(hass, entry))\n\n\nasync def _subscribe(hass, entry):\n    try:\n        result = await entry.runtime_data.subscribe_for_data()\n        hass.bus.async_fire("demo_update", result)\n        _register(hass, entry)\n    except ClientConnectorError:\n${handler}\n`;
    const found = analyzeSnippet(source('        _register(hass, entry)'), { rules, manifest: manifest('cloud_push') }).findings;
    assert.deepEqual(found.map((finding) => finding.range.start.line), [14]);
    assert.match(found[0].message, /_subscribe\(\) starts itself again at once/);
    assert.deepEqual(analyzeSnippet(source('        await asyncio.sleep(30)\n        _register(hass, entry)'), { rules, manifest: manifest('cloud_push') }).findings, []);
    assert.deepEqual(analyzeSnippet(source('        hass.data["demo"] = None'), { rules, manifest: manifest('cloud_push') }).findings, []);
  });

  it("judges a SCAN_INTERVAL a library defines where it is used, also re-exported through const.py", () => {
    const coordinator = 'from homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\nfrom .const import DOMAIN, SCAN_INTERVAL\n\n\nclass PollCoordinator(DataUpdateCoordinator):\n    def __init__(self, hass, logger):\n        super().__init__(hass, logger, name=DOMAIN, update_interval=SCAN_INTERVAL)\n';
    const item = (constModuleText: string) =>
      analyzeSnippet(coordinator, { rules, fileName: 'coordinator.py', manifest: manifest('cloud_polling'), otherFiles: { 'const.py': constModuleText } }).checklist.find((entry) => entry.id === 'rate-limiting');
    const reexported = item('from pollx.const import SCAN_INTERVAL\n\nDOMAIN = "demo"\n');
    assert.equal(reexported?.status, 'review');
    assert.match(reexported?.note ?? '', /update_interval in coordinator\.py \(`SCAN_INTERVAL`\) cannot be read here/);
    assert.equal(item('from datetime import timedelta\n\nDOMAIN = "demo"\nSCAN_INTERVAL = timedelta(minutes=5)\n')?.status, 'pass');
  });

  it('reports an endless loop that sends a request again at once whenever the answer is not a success', () => {
    const client = (body: string) =>
      `import asyncio\n\nAPI_URL = "https://api.example.com/devices"\n\n\nclass Client:\n    def __init__(self, session):\n        self._session = session\n\n    async def get_devices(self):\n        while True:\n${body}\n`;
    const found = (body: string) => analyzeSnippet(client(body), { rules, fileName: 'api.py', manifest: manifest('cloud_polling') }).findings;
    const hammering = '            async with self._session.get(API_URL) as resp:\n                if resp.status == 200:\n                    return await resp.json()';
    assert.match(found(hammering)[0]?.message ?? '', /When the answer is not a success, this loop sends `self\._session\.get` again at once/);
    assert.equal(found('            resp = await self._session.get(API_URL)\n            if resp.ok:\n                return await resp.json()').length, 1);
    // Waiting, giving up on failures, or a way out whatever the answer: not hammering.
    assert.deepEqual(found(`${hammering}\n            await asyncio.sleep(30)`), []);
    assert.deepEqual(found(`${hammering}\n                if resp.status >= 500:\n                    raise ConnectionError(resp.status)`), []);
    assert.deepEqual(found('            async with self._session.get(API_URL) as resp:\n                return await resp.json()'), []);
    // A failed answer sent round again at once, whatever else leaves the loop.
    const limited = (test: string) => `            async with self._session.get(API_URL) as resp:\n                if ${test}:\n                    continue\n                resp.raise_for_status()\n                return await resp.json()`;
    assert.equal(found(limited('resp.status == 429')).length, 1);
    assert.equal(found(limited('resp.status in (429, 503)')).length, 1);
    assert.equal(found(limited('not resp.ok')).length, 1);
    assert.deepEqual(found(limited('resp.status == 204')), [], 'an empty answer is no failure');
    assert.deepEqual(found(limited('resp.status == 429').replace('continue', 'await asyncio.sleep(int(resp.headers["Retry-After"]))\n                    continue')), []);
  });

  it('reports an endless loop that calls again at once after a failure, not one that waits, gives up or is paced', () => {
    const loop = (handler: string, head = 'while True:', before = '') =>
      `import asyncio\nimport logging\n\nfrom aiohttp import ClientError\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def subscribe_loop(client, queue):\n    ${head}\n${before}        try:\n            data = await client.subscribe_for_data()\n            client.handle(data)\n        except ClientError:\n${handler}\n`;
    const found = analyzeSnippet(loop('            _LOGGER.debug("cannot connect, retrying")\n            continue'), { rules, manifest: manifest('cloud_push') }).findings;
    assert.deepEqual(found.map((finding) => finding.range.start.line), [13]);
    assert.match(found[0].message, /calls `client\.subscribe_for_data` again at once/);
    assert.equal(analyzeSnippet(loop('            pass', 'while self._running:'), { rules, manifest: manifest('cloud_push') }).findings.length, 1, 'falls through to the next round');
    const quiet = [
      loop('            await asyncio.sleep(30)'),
      loop('            _LOGGER.debug("retrying")\n        await asyncio.sleep(self._backoff)'.replace('self._backoff', '5')),
      loop('            return'),
      loop('            raise'),
      loop('            await self._reconnect()'),
      loop('            continue', 'while attempts < 3:'),
      // A counter the loop raises, checked against a limit in the handler: a few tries, then it gives up.
      loop('            if attempts >= MAX_ATTEMPTS:\n                raise\n            attempts += 1'),
      loop('            if MAX_ATTEMPTS <= self._tries:\n                return\n            self._tries += 1'),
      // A queue's get paces the loop: a failed item is dropped, not retried at once.
      loop('            continue', 'while True:', '        item = await queue.get()\n'),
    ];
    for (const source of quiet) assert.deepEqual(analyzeSnippet(source, { rules, manifest: manifest('cloud_push') }).findings, [], source);
    // A limit on a counter nothing raises never ends the loop.
    assert.equal(analyzeSnippet(loop('            if attempts >= MAX_ATTEMPTS:\n                raise\n            _LOGGER.debug("retrying")'), { rules, manifest: manifest('cloud_push') }).findings.length, 1);
  });

  it("reports a thread's blocking loop that opens its stream again at once after a failure, not one that waits", () => {
    const thread = (call: string, handler = '                pass') =>
      `import json\nimport threading\nimport time\n\n\nclass EventThread(threading.Thread):\n    def run(self):\n        while not self._should_stop:\n            try:\n                response = self._client.${call}()\n                for line in response.stream():\n                    self._hass.bus.fire("acme", json.loads(line))\n            except (json.JSONDecodeError, OSError):\n${handler}\n`;
    const found = (call: string, handler?: string) => analyzeSnippet(thread(call, handler), { rules, manifest: manifest('cloud_push') }).findings.map((finding) => finding.message);
    for (const call of ['open_notification_stream', 'connect', 'login']) assert.match(found(call)[0] ?? '', new RegExp(`calls \`self\\._client\\.${call}\` again at once`), call);
    assert.deepEqual(found('open_notification_stream', '                time.sleep(30)'), []);
    // A call that asks the service nothing (building a parser) is no retry.
    assert.deepEqual(found('make_parser'), []);
  });

  it('judges a point-in-time timer that the function it runs arms again as polling at that delay', () => {
    const poller = (again: string, first = 'timedelta(seconds=1)') =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.aiohttp_client import async_get_clientsession\nfrom homeassistant.helpers.event import async_track_point_in_utc_time\nfrom homeassistant.util import dt as dt_util\n\n\nclass Poller:\n    def __init__(self, hass):\n        self._hass = hass\n\n    async def async_update(self, *_):\n        async with async_get_clientsession(self._hass).get("https://api.example.com/status") as resp:\n            self.data = await resp.json()\n        ${again}\n\n    def schedule_update(self, delay):\n        when = dt_util.utcnow() + delay\n        async_track_point_in_utc_time(self._hass, self.async_update, when)\n\n\nasync def async_setup_entry(hass, entry):\n    Poller(hass).schedule_update(${first})\n    return True\n`;
    const found = (again: string, first?: string) => analyzeSnippet(poller(again, first), { rules, manifest: manifest('cloud_polling') }).findings.map((finding) => finding.message);
    assert.equal(found('self.schedule_update(timedelta(seconds=2))', 'timedelta(seconds=2)').length, 1);
    assert.match(found('self.schedule_update(timedelta(seconds=2))', 'timedelta(seconds=2)')[0], /The delay before the function runs itself again is 2 seconds, below the 30 seconds minimum/);
    assert.deepEqual(found('self.schedule_update(timedelta(minutes=5))', 'timedelta(minutes=5)'), []);
    // A timer the action does not arm again runs once.
    assert.deepEqual(found('pass'), []);
  });

  it("paces a loop by a wait for its stop signal that times out, not by a short sleep of a bounded inner wait", () => {
    const client = (timeout: string) =>
      `import asyncio\nimport json\n\n\nclass Client:\n    def __init__(self, websocket):\n        self.websocket = websocket\n        self.token = None\n        self.last_auth = 0.0\n        self._stop = asyncio.Event()\n\n    async def health_loop(self):\n        while not self._stop.is_set():\n            try:\n                await asyncio.wait_for(self._stop.wait(), timeout=${timeout})\n                break\n            except asyncio.TimeoutError:\n                pass\n            before = self.last_auth\n            await self.websocket.send(json.dumps({"method": "refresh"}))\n            for _ in range(20):\n                await asyncio.sleep(0.5)\n                if self.last_auth > before:\n                    break\n`;
    const found = (timeout: string) => analyzeSnippet(client(timeout), { rules, fileName: 'coordinator.py', manifest: manifest('local_push') }).findings.map((finding) => finding.message);
    assert.deepEqual(found('60'), []);
    assert.deepEqual(found('0.2'), ['This loop polls every 0.2 seconds; sleep longer between requests, and back off after failures.']);
  });

  it('does not take a stream read that skips an over-long line for a retry at once', () => {
    const reader = (caught: string, read = 'self._process.stderr.readline()') =>
      `import asyncio\nimport logging\n\n_LOGGER = logging.getLogger(__name__)\n\n\nclass Helper:\n    async def _read_stderr(self):\n        while True:\n            try:\n                line = await ${read}\n                if not line:\n                    return\n                _LOGGER.debug(line)\n            except ${caught}:\n                _LOGGER.error("line over the limit")\n`;
    const count = (caught: string, read?: string) => analyzeSnippet(reader(caught, read), { rules, manifest: manifest('local_push') }).findings.length;
    for (const caught of ['ValueError', '(ValueError, asyncio.LimitOverrunError) as err', 'UnicodeDecodeError']) assert.equal(count(caught), 0, caught);
    // A reset connection raises on every read: that loop spins.
    assert.equal(count('ConnectionResetError'), 1);
    assert.equal(count('(ValueError, OSError)'), 1);
    assert.equal(count('ValueError', 'self._client.fetch_status()'), 1);
    // Moving on through an iterator skips an item; it asks nothing again.
    assert.equal(count('ConnectionResetError', 'self._lines.__anext__()'), 0);
    assert.equal(count('ConnectionResetError', 'anext(self._lines)'), 0);
  });

  it('judges the interval of a Throttle decorator', () => {
    const source = (interval: string) =>
      `from datetime import timedelta\n\nfrom homeassistant.util import Throttle\n\nMIN_TIME_BETWEEN_UPDATES = timedelta(${interval})\n\n\nclass Sensor:\n    @Throttle(MIN_TIME_BETWEEN_UPDATES)\n    async def async_update(self):\n        return None\n`;
    const [finding] = analyzeSnippet(source('seconds=5'), { rules, manifest: manifest('cloud_polling') }).findings;
    assert.match(finding?.message ?? '', /The Throttle interval is 5 seconds/);
    const slow = analyzeSnippet(source('minutes=15'), { rules, manifest: manifest('cloud_polling') });
    assert.deepEqual(slow.findings, []);
    assert.equal(slow.checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
  });

  it('reads an interval the class keeps in an attribute (Throttle(self._scan_interval) set in __init__)', () => {
    const source = (interval: string, extra = '') =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.entity import Entity\nfrom homeassistant.util import Throttle\n\n\nclass Sensor(Entity):\n    def __init__(self, api):\n        self._api = api\n        self._scan_interval = timedelta(${interval})\n        self.async_update = Throttle(self._scan_interval)(self.async_update)\n${extra}\n    async def async_update(self):\n        self._attr_native_value = await self._api.fetch()\n`;
    const [finding] = analyzeSnippet(source('seconds=5'), { rules, manifest: manifest('cloud_polling') }).findings;
    assert.match(finding?.message ?? '', /5 seconds/);
    const slow = analyzeSnippet(source('minutes=15'), { rules, manifest: manifest('cloud_polling') });
    assert.deepEqual(slow.findings, []);
    assert.equal(slow.checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
    // Set elsewhere to something unknown: a person looks.
    const changed = analyzeSnippet(source('minutes=15', '\n    def set_interval(self, interval):\n        self._scan_interval = interval\n'), { rules, manifest: manifest('cloud_polling') });
    assert.deepEqual(changed.findings, []);
    assert.equal(changed.checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'review');
  });

  it('follows numbers and intervals through local names and the arguments callers hand a parameter', () => {
    const zone = (throttle: string) =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.entity import Entity\nfrom homeassistant.util import Throttle\n\n\nclass Zone(Entity):\n    def __init__(self, api, interval):\n        self._api = api\n        self.throttled_update = Throttle(${throttle})(self._update)\n\n    async def _update(self):\n        self._attr_native_value = await self._api.fetch()\n`;
    const setup = (value: string) => `from .zone import Zone\n\nDEFAULT_INTERVAL = 5\n\n\nasync def async_setup_platform(hass, config, add_entities, discovery_info=None):\n    interval = ${value}\n    add_entities([Zone(config["api"], interval)])\n`;
    const run = (throttle: string, value: string) => analyzeSnippet(setup(value), { rules, manifest: manifest('cloud_polling'), fileName: 'sensor.py', otherFiles: { 'zone.py': zone(throttle) } });
    const status = (result: ReturnType<typeof run>) => result.checklist.find((entry) => entry.id === 'rate-limiting')?.status;
    assert.equal(status(run('timedelta(hours=interval)', '1')), 'pass');
    assert.equal(run('timedelta(seconds=interval)', '5').findings.length, 1);
    assert.equal(run('timedelta(seconds=interval)', 'config.get("scan_interval", DEFAULT_INTERVAL)').findings.length, 1);
    assert.equal(status(run('timedelta(seconds=interval)', 'config.get("scan_interval", 300)')), 'pass');
    // Options falling back to the entry's data, and that to a constant.
    assert.equal(run('timedelta(seconds=interval)', 'config.get("scan_interval", config.get("interval", DEFAULT_INTERVAL))').findings.length, 1);
    // A YAML option whose default is an interval, handed on whole.
    assert.equal(run('interval', 'config.get("scan_interval", timedelta(seconds=5))').findings.length, 1);
    assert.equal(status(run('interval', 'config.get("scan_interval", timedelta(minutes=5))')), 'pass');
  });

  it('takes the least of an option\'s fixed choices as its minimum (vol.In)', () => {
    const setup = 'from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n    seconds = entry.data.get("scan_interval", 60)\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(seconds=seconds))\n';
    const status = (choices: string) =>
      analyzeSnippet(setup, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': `import voluptuous as vol\n\nCHOICES = ${choices}\nSCHEMA = vol.Schema({vol.Optional("scan_interval", default=60): vol.In(CHOICES)})\n` } }).checklist.find((entry) => entry.id === 'rate-limiting');
    assert.equal(status('[30, 60, 120]')?.status, 'pass');
    assert.match(status('[5, 60, 120]')?.note ?? '', /allows 5 seconds/);
  });

  it("judges a YAML schema's default scan_interval as the interval users get, not a bare number or SCAN_INTERVAL twice", () => {
    const platform = (fallback: string, extra = '') =>
      `from datetime import timedelta\n\nimport voluptuous as vol\n\nfrom homeassistant.components.sensor import PLATFORM_SCHEMA\nfrom homeassistant.const import CONF_SCAN_INTERVAL\nimport homeassistant.helpers.config_validation as cv\n${extra}\nPLATFORM_SCHEMA = PLATFORM_SCHEMA.extend({vol.Optional(CONF_SCAN_INTERVAL, default=${fallback}): cv.time_period})\n`;
    const findings = (source: string) => analyzeSnippet(source, { rules, manifest: manifest('cloud_polling'), fileName: 'sensor.py' }).findings;
    const [finding, ...rest] = findings(platform('timedelta(seconds=15)'));
    assert.deepEqual(rest, []);
    assert.match(finding.message, /default scan_interval of the schema is 15 seconds/);
    assert.equal(findings(platform('DEFAULT_INTERVAL', 'DEFAULT_INTERVAL = timedelta(seconds=10)\n')).length, 1);
    assert.deepEqual(findings(platform('timedelta(minutes=5)')), []);
    assert.deepEqual(findings(platform('15')), []);
    // Judged once, where SCAN_INTERVAL is set.
    assert.equal(findings(platform('SCAN_INTERVAL', 'SCAN_INTERVAL = timedelta(seconds=10)\n')).length, 1);
    assert.deepEqual(analyzeSnippet(platform('timedelta(seconds=15)'), { rules, manifest: manifest('local_polling'), fileName: 'sensor.py' }).findings, []);
  });

  it('leaves a SCAN_INTERVAL nothing reads outside the entity platforms alone', () => {
    const module = 'from datetime import timedelta\n\n# SCAN_INTERVAL is kept from an old version\nSCAN_INTERVAL = timedelta(seconds=10)\n';
    const count = (fileName: string, otherFiles: Record<string, string> = {}) =>
      analyzeSnippet(module, { rules, manifest: manifest('cloud_polling'), fileName, otherFiles }).findings.length;
    assert.equal(count('coordinator.py'), 0);
    assert.equal(count('sensor.py'), 1, 'Home Assistant reads it from a platform module');
    assert.equal(count('coordinator.py', { 'sensor.py': 'from .coordinator import SCAN_INTERVAL\n' }), 1);
    assert.equal(analyzeSnippet(`${module}\n\nclass Coordinator:\n    def __init__(self, hass):\n        self.interval = SCAN_INTERVAL\n`, { rules, manifest: manifest('cloud_polling'), fileName: 'coordinator.py' }).findings.length, 1);
  });

  it('suggests the minimum interval, and is silent after it', () => {
    const source = 'from datetime import timedelta\nSCAN_INTERVAL = timedelta(seconds=5)\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const [suggestion] = finding.suggestions ?? [];
    assert.equal(suggestion.safe, false);
    const fixed = applyEdits(source, suggestion.edits);
    assert.equal(fixed, 'from datetime import timedelta\nSCAN_INTERVAL = timedelta(seconds=30)\n');
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
  });

  it('is used (pass) when the integration polls sensibly', () => {
    const result = analyzeSnippet('from datetime import timedelta\nSCAN_INTERVAL = timedelta(minutes=5)\n', { rules });
    assert.equal(result.checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
  });

  it('takes the shorter branch of an interval chosen by a condition, without offering to rewrite it', () => {
    const source = (choice: string) =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import CoordinatorEntity\n\n\nclass BankSensor(CoordinatorEntity):\n    def _handle_coordinator_update(self):\n        linked = self.coordinator.data.get("status") == "LN"\n        seconds = ${choice}\n        self.coordinator.update_interval = timedelta(seconds=seconds)\n`;
    const found = analyzeSnippet(source('120 if linked else 15'), { rules, manifest: manifest('cloud_polling') }).findings;
    assert.equal(found.length, 1);
    assert.match(found[0].message, /update_interval is 15 seconds/);
    assert.deepEqual(found[0].suggestions ?? [], []);
    assert.deepEqual(analyzeSnippet(source('120 if linked else 300'), { rules, manifest: manifest('cloud_polling') }).findings, []);
  });
  it('passes a function that retries itself after a growing delay', () => {
    const source = (delay: string) => `from homeassistant.helpers.event import async_call_later\n\n\nclass Panel:\n    async def async_connect(self, now=None):\n        try:\n            await self.client.get_status()\n        except OSError:\n            self.attempts += 1\n            async_call_later(self.hass, ${delay}, self.async_connect)\n`;
    const status = (delay: string) => analyzeSnippet(source(delay), { rules, manifest: manifest('local_polling') }).checklist.find((item) => item.id === 'rate-limiting')?.status;
    assert.equal(status('2 ** min(self.attempts, 5) * 5'), 'pass');
    assert.equal(analyzeSnippet(source('0.1'), { rules, manifest: manifest('local_polling') }).findings.length, 1);
  });
  it('takes an interval floored with max() at its known bound', () => {
    const source = (floor: string) => `from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n    seconds = max(entry.options.get("scan_interval", 1200), ${floor})\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(seconds=seconds))\n`;
    const result = (floor: string) => analyzeSnippet(source(floor), { rules, manifest: manifest('cloud_polling') });
    assert.equal(result('60').checklist.find((item) => item.id === 'rate-limiting')?.status, 'pass');
    assert.match(result('5').findings[0]?.message ?? '', /update_interval is 5 seconds/);
  });
  it('takes 0 for "never" when the interval is only scheduled if the option is above 0', () => {
    const setup = (guard: string) =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.event import async_track_time_interval\n\n\nasync def async_setup_entry(hass, entry):\n    minutes = int(entry.options.get("assembly_minutes", 0))\n${guard}\n        entry.async_on_unload(async_track_time_interval(hass, _assemble, timedelta(minutes=minutes)))\n    return True\n\n\nasync def _assemble(now):\n    await _client.fetch()\n`;
    const flow = 'import voluptuous as vol\nfrom homeassistant import config_entries\n\n\nclass Options(config_entries.OptionsFlow):\n    async def async_step_init(self, user_input=None):\n        return self.async_show_form(step_id="init", data_schema=vol.Schema({vol.Required("assembly_minutes", default=0): vol.All(int, vol.Range(min=0, max=1440))}))\n';
    const status = (guard: string) => analyzeSnippet(setup(guard), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow } }).checklist.find((entry) => entry.id === 'rate-limiting');
    assert.equal(status('    if minutes > 0:')?.status, 'pass');
    assert.equal(status('    if minutes:')?.status, 'pass');
    assert.match(status('    if entry.options:')?.note ?? '', /allows 0 seconds/);
  });
  it("takes the least value the options flow's code lets through where its schema sets no minimum", () => {
    const coordinator = 'from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(minutes=entry.options.get("poll_minutes", 30)))\n';
    const flow = (check: string) =>
      `import voluptuous as vol\nfrom homeassistant.helpers.schema_config_entry_flow import SchemaFlowError, SchemaFlowFormStep\n\nPOLL_MIN = 1\n\n\nasync def validate(handler, user_input):\n    interval = user_input["poll_minutes"]\n${check}\n    return user_input\n\n\nOPTIONS_FLOW = {"init": SchemaFlowFormStep(vol.Schema({vol.Optional("poll_minutes"): int}), validate_user_input=validate)}\n`;
    const status = (check: string) => analyzeSnippet(coordinator, { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow(check) } }).checklist.find((entry) => entry.id === 'rate-limiting')?.status;
    assert.equal(status('    if not POLL_MIN <= interval <= 1440:\n        raise SchemaFlowError("invalid_interval")'), 'pass');
    assert.equal(status('    if interval < POLL_MIN:\n        raise SchemaFlowError("invalid_interval")'), 'pass');
    // A check that lets small values through, or only logs, sets no minimum.
    assert.equal(status('    if interval > 1440:\n        raise SchemaFlowError("invalid_interval")'), 'review');
    assert.equal(status('    if interval < POLL_MIN:\n        print("small")'), 'review');
  });
  it("reports a cloud loop whose request is sent by a helper of the integration it awaits", () => {
    const source = (send: string) =>
      `import asyncio\n\nimport requests\n\n\nclass Client:\n    def __init__(self, hass):\n        self.hass = hass\n\n    async def _api_wrapper(self, url):\n        ${send}\n\n    async def poll_door_log(self):\n        while True:\n            await self._api_wrapper("https://cloud.example.com/doorlog")\n            await asyncio.sleep(2)\n`;
    const found = (send: string) => analyzeSnippet(source(send), { rules, manifest: manifest('cloud_polling') }).findings.length;
    assert.equal(found('return await self.hass.async_add_executor_job(requests.get, url)'), 1);
    assert.equal(found('self._last = url'), 0);
  });
  it("judges each value a global SCAN_INTERVAL is set to in the setup, an option's included", () => {
    const setup = (value: string) =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\nSCAN_INTERVAL = timedelta(seconds=60)\n\n\nasync def async_setup_entry(hass, entry):\n    global SCAN_INTERVAL\n    if entry.options.get("polling_rate") is not None:\n        SCAN_INTERVAL = ${value}\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=SCAN_INTERVAL)\n`;
    const flow = 'import voluptuous as vol\nfrom homeassistant import config_entries\n\n\nclass Options(config_entries.OptionsFlow):\n    async def async_step_init(self, user_input=None):\n        return self.async_show_form(step_id="init", data_schema=vol.Schema({vol.Optional("polling_rate", default=60): int}))\n';
    const result = (value: string) => analyzeSnippet(setup(value), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow } });
    assert.match(result('timedelta(seconds=entry.options.get("polling_rate"))').checklist.find((entry) => entry.id === 'rate-limiting')?.note ?? '', /option "polling_rate", whose schema sets no minimum/);
    assert.equal(result('timedelta(seconds=5)').findings.length, 1);
    assert.equal(result('timedelta(minutes=5)').checklist.find((entry) => entry.id === 'rate-limiting')?.status, 'pass');
  });
  it("reports the interval a setup form offers by default below the minimum, once", () => {
    const setup = (read: string) =>
      `from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(seconds=${read}))\n`;
    const flow = (fallback: number) =>
      `import voluptuous as vol\nfrom homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            return self.async_create_entry(title="x", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Optional("delay", default=${fallback}): vol.All(int, vol.Range(min=10))}))\n`;
    const found = (read: string, fallback: number) => analyzeSnippet(setup(read), { rules, manifest: manifest('cloud_polling'), otherFiles: { 'config_flow.py': flow(fallback) } }).findings.length;
    assert.equal(found('entry.data["delay"]', 10), 1);
    assert.equal(found('entry.data["delay"]', 60), 0);
    assert.equal(found('entry.data.get("delay", 10)', 10), 1);
  });
  it("judges a time pattern scheduler by the shortest time between its runs", () => {
    const source = (pattern: string, body = 'await hass.data["mowx"].fetch_state()') =>
      `from homeassistant.helpers.event import async_track_utc_time_change\n\n\nasync def async_setup(hass, config):\n    async def _refresh(now):\n        ${body}\n\n    async_track_utc_time_change(hass, _refresh, ${pattern})\n    return True\n`;
    const messages = (pattern: string, body?: string) => analyzeSnippet(source(pattern, body), { rules, manifest: manifest('cloud_polling') }).findings.map((finding) => finding.message.match(/is ([\d.]+ \w+)/)?.[1]);
    assert.deepEqual(messages('second=range(0, 60, 2)'), ['2 seconds']);
    assert.deepEqual(messages('second="*"'), ['1 second']);
    assert.deepEqual(messages('minute=0'), ['1 second'], 'the seconds left out match every second');
    assert.deepEqual(messages('second=0'), []);
    assert.deepEqual(messages('minute="/5", second=0'), []);
    assert.deepEqual(messages('second=[0, 15, 30, 45]'), ['15 seconds']);
    // An offset that spreads clients over the step (`now.second % 2`), and a part set to the moment it starts.
    assert.deepEqual(messages('second=range(dt_util.utcnow().second % 2, 60, 2)'), ['2 seconds']);
    assert.deepEqual(messages('minute=range(dt_util.utcnow().minute % 5, 60, 5), second=dt_util.utcnow().second'), []);
    assert.equal(analyzeSnippet(source('minute=range(dt_util.utcnow().minute % 5, 60, 5), second=dt_util.utcnow().second'), { rules, manifest: manifest('cloud_polling') }).checklist.find((item) => item.id === 'rate-limiting')?.status, 'pass');
    // A clock that only writes its own state asks no service for anything.
    assert.deepEqual(messages('second="*"', 'hass.states.async_set("sensor.clock", str(now))'), []);
    // Forcing the entity's update before writing its state polls it: a state written as it is does not.
    assert.deepEqual(messages('second="*"', 'self.schedule_update_ha_state(True)'), ['1 second']);
    assert.deepEqual(messages('second="*"', 'self.async_schedule_update_ha_state(force_refresh=True)'), ['1 second']);
    assert.deepEqual(messages('second="*"', 'self.schedule_update_ha_state()'), []);
  });
  it("takes an old config flow's CONNECTION_CLASS for the iot_class a manifest without one does not give", () => {
    const setup = 'from datetime import timedelta\n\nfrom homeassistant.helpers.update_coordinator import DataUpdateCoordinator\n\n\nasync def async_setup_entry(hass, entry):\n    return DataUpdateCoordinator(hass, None, name="demo", update_interval=timedelta(seconds=5))\n';
    const flow = (connection: string) => `from homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    CONNECTION_CLASS = config_entries.${connection}\n`;
    const noIotClass = JSON.stringify({ domain: 'demo', name: 'Demo', requirements: [] });
    const found = (connection: string) => analyzeSnippet(setup, { rules, manifest: noIotClass, otherFiles: { 'config_flow.py': flow(connection) } }).findings.length;
    assert.equal(found('CONN_CLASS_CLOUD_POLL'), 1);
    assert.equal(found('CONN_CLASS_LOCAL_POLL'), 0);
  });
});
