import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { personalDataAttribute } from '../../../server/src/analysis/rules/personalDataAttribute';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [personalDataAttribute];

describe('personal-data-attribute', () => {
  before(setup);

  for (const fixture of fixtureFiles('personal-data-attribute')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('sees personal data in dicts nested in an attribute, not a nested place', () => {
    const source = (nested: string) =>
      `from homeassistant.helpers.entity import Entity\n\n\nclass NextMeetingSensor(Entity):\n    @property\n    def extra_state_attributes(self):\n        return {"subject": self.event.subject, "attendees": [${nested} for x in self.event.attendees]}\n`;
    const [finding] = analyzeSnippet(source('{"email": x.address}'), { rules }).findings;
    assert.match(finding?.message ?? '', /"attendees" exposes personal data \(email\)/);
    assert.deepEqual(analyzeSnippet(source('{"name": x.room, "latitude": x.lat, "address": x.street}'), { rules }).findings, []);
  });

  it("reads a legacy DeviceScanner's get_extra_attributes as the attributes of its devices' entities", () => {
    const scanner = (pairs: string) =>
      analyzeSnippet(`from homeassistant.components.device_tracker import DeviceScanner\n\n\nclass FamilyScanner(DeviceScanner):\n    def scan_devices(self):\n        return list(self.results)\n\n    def get_extra_attributes(self, device):\n        found = self.results[device]\n        return {${pairs}}\n`, { rules, fileName: 'device_tracker.py' });
    const leaking = scanner('"ip": found.get("ip"), "owner_email": found.get("email")');
    assert.deepEqual(leaking.findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]), ['owner_email']);
    assert.equal(scanner('"ip": found.get("ip")').checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
  });

  it('asks for a review of attributes whose keys the data picks (each column of a query row), not of named keys', () => {
    const status = (write: string) =>
      analyzeSnippet(`from homeassistant.helpers.entity import Entity\n\nATTR_MODE = "mode"\n\n\nclass QuerySensor(Entity):\n    def __init__(self):\n        self._attributes = {}\n\n    @property\n    def extra_state_attributes(self):\n        return self._attributes\n\n    def update(self):\n        for row in self._session.execute(self._query):\n            for key, value in row.items():\n                ${write}\n`, { rules }).checklist.find((item) => item.id === 'data-minimization');
    const picked = status('self._attributes[key] = value');
    assert.equal(picked?.status, 'review');
    assert.match(picked?.note ?? '', /keys cannot be read here \(`self\._attributes\[key\] = value`/);
    for (const named of ['self._attributes["rows"] = value', 'self._attributes[ATTR_MODE] = value']) assert.equal(status(named)?.status, 'pass', named);
  });

  it("reports an entity name made from a street address or phone number, not from the account's user name", () => {
    const named = (value: string) =>
      analyzeSnippet(`from homeassistant.components.sensor import SensorEntity\n\n\nclass PickupSensor(SensorEntity):\n    def __init__(self, account, description):\n        self._account = account\n        self._attr_name = ${value}\n`, { rules }).findings.map((finding) => finding.message);
    const [message] = named(`f"{description.name} ({account.address['street1']})"`);
    assert.match(message ?? '', /The entity's name includes personal data \(street1\)/);
    assert.equal(named('account.phone_number').length, 1);
    assert.equal(named('f"Meter {account.mpan}"').length, 1);
    for (const harmless of ['f"{account.username} balance"', 'f"{description.name} ({account.nickname})"', 'description.name', 'f"Pickup ({account.address_type})"', 'f"{self._account.name} pickup"']) {
      assert.deepEqual(named(harmless), [], harmless);
    }
  });

  it("takes a customer's account, customer or contract number for personal data, not the device's numbers", () => {
    const keys = (pairs: string) => analyzeSnippet(`class A:\n    @property\n    def extra_state_attributes(self):\n        return {${pairs}}\n`, { rules }).findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]);
    assert.deepEqual(keys('"account_number": self._account, "customer_no": self._c, "contract_number": self._k, "contract_id": self._id'), ['account_number', 'customer_no', 'contract_number', 'contract_id']);
    assert.deepEqual(keys('"serial_number": self._s, "model_number": self._m, "firmware": self._f'), []);
  });

  it("takes an account's user name or handle for personal data, not a count of users or a flag", () => {
    const keys = (pairs: string) => analyzeSnippet(`class A:\n    @property\n    def extra_state_attributes(self):\n        return {${pairs}}\n`, { rules }).findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]);
    assert.deepEqual(keys('"twitch_user": self._now.get("twitch_user"), "username": self._login, "last_user": self._lock.user'), ['twitch_user', 'username', 'last_user']);
    assert.deepEqual(keys('"max_user": self._max, "is_user": self._flag, "users": len(self._users), "user_count": 3'), []);
  });

  it('judges a local variable by what was assigned to it, and a map of users as personal data', () => {
    const keys = (body: string) =>
      analyzeSnippet(`class A:\n    @property\n    def extra_state_attributes(self):\n${body}\n`, { rules }).findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]);
    const shown = (assigned: string) => `        user_id = self._state.last_user_id\n        friendly = self._users.get(user_id)\n        shown = ${assigned}\n        return {"user_display": shown, "event": self._state.event}`;
    assert.deepEqual(keys(shown('friendly or user_id')), ['user_display']);
    assert.deepEqual(keys(shown('user_id if friendly is None else friendly')), ['user_display']);
    assert.deepEqual(keys(shown('self._state.event_name')), []);
    assert.deepEqual(keys('        return {"configured_user_map": self._runtime.user_map, "usernames": self._names, "users": len(self._users)}'), ['configured_user_map', 'usernames']);
  });

  it('reads what is added to a local dict before it is published: update() with a dict or an unread value, and keys', () => {
    const entity = (added: string) =>
      `class A:\n    def __init__(self, extra, account):\n        attributes = {"is_multi": True}\n${added}\n        self._attr_extra_state_attributes = attributes\n`;
    const result = (added: string) => analyzeSnippet(entity(added), { rules });
    const status = (added: string) => result(added).checklist.find((item) => item.id === 'data-minimization')?.status;
    assert.equal(status('        if extra:\n            attributes.update(extra)'), 'review');
    assert.deepEqual(result('        attributes.update({"email": account.email})').findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]), ['email']);
    assert.deepEqual(result('        attributes["phone_number"] = account.phone').findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]), ['phone_number']);
    assert.equal(status('        attributes.update({"firmware": "1.2"})'), 'pass');
    const [set] = result('        attributes.setdefault("email", account.email)').findings;
    assert.match(set?.message ?? '', /"email" exposes personal data/);
    assert.equal(set?.range.start.line, 3);
  });

  it('reads keys written by unpacking into the attributes dict', () => {
    const source = (key: string) =>
      `class A:\n    @property\n    def extra_state_attributes(self):\n        attrs = {"software": self._version}\n        if self._cleaning:\n            (attrs["cleaning_time"], attrs[${key}]) = self.status()\n        return attrs\n`;
    const result = (key: string) => analyzeSnippet(source(key), { rules });
    assert.equal(result('"area"').checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
    assert.deepEqual(result('"email"').findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]), ['email']);
  });

  it("reads a subclass's attributes built on its base's, when the base is in the same file", () => {
    const source = (base: string) =>
      `${base}\n\n\nclass Braava(Roomba):\n    @property\n    def extra_state_attributes(self):\n        state_attrs = super().extra_state_attributes\n        state_attrs["tank_level"] = self._tank\n        return state_attrs\n`;
    const status = (base: string) => analyzeSnippet(source(base), { rules }).checklist.find((item) => item.id === 'data-minimization')?.status;
    assert.equal(status('class Roomba:\n    @property\n    def extra_state_attributes(self):\n        return {"software": self._version}'), 'pass');
    // A base from elsewhere publishes keys this file does not show.
    assert.equal(status('from .base import Roomba'), 'review');
  });

  it("reads the attributes an event entity's _trigger_event publishes", () => {
    const entity = (attributes: string) =>
      `from homeassistant.components.event import EventEntity\n\n\nclass RequestEvent(EventEntity):\n    def _handle(self, event):\n        self._trigger_event(event["type"], ${attributes})\n        self.async_write_ha_state()\n`;
    const result = (attributes: string) => analyzeSnippet(entity(attributes), { rules });
    assert.equal(result('parse_event(event)').checklist.find((item) => item.id === 'data-minimization')?.status, 'review');
    assert.deepEqual(result('{"requested_by_email": event["email"]}').findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]), ['requested_by_email']);
    assert.equal(result('{"media": event["title"]}').checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
  });

  it("reads the attributes a legacy device tracker hands its see callback, however the callback is kept", () => {
    const scanner = (call: string, attributes: string) =>
      `def setup_scanner(hass, config, see, discovery_info=None):\n    Scanner(see).update()\n    return True\n\n\nclass Scanner:\n    def __init__(self, see):\n        self._see = see\n\n    def update(self):\n        for person in self.api.people():\n            ${call}(dev_id=person.id, gps=(person.latitude, person.longitude), attributes=${attributes})\n`;
    const keys = (call: string, attributes: string) => analyzeSnippet(scanner(call, attributes), { rules, fileName: 'device_tracker.py' }).findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]);
    assert.deepEqual(keys('self._see', '{"full_name": person.full_name, "battery": person.battery}'), ['full_name']);
    assert.deepEqual(keys('see', '{"address": person.address}'), ['address']);
    assert.deepEqual(keys('self._see', '{"battery": person.battery}'), []);
    // A call that happens to take an attributes keyword publishes nothing.
    assert.deepEqual(keys('self.api.describe', '{"full_name": person.full_name}'), []);
  });

  it('quotes code that spans lines on one line in its review note', () => {
    const source = 'class A:\n    @property\n    def extra_state_attributes(self):\n        return {\n            key: value\n            for key, value in self._data.items()\n        }\n';
    const note = analyzeSnippet(source, { rules }).checklist.find((item) => item.id === 'data-minimization')?.note ?? '';
    assert.match(note, /cannot be read here \(`\{ key: value for key, value in self\._dat\.\.\.` in __init__\.py\)/);
    assert.doesNotMatch(note, /\n/);
  });

  it('reads the keys of a comprehension over pairs written out, and judges each', () => {
    const entity = (second: string) =>
      `from homeassistant.components.camera import Camera\n\nATTR_LAST_TRIP = "last_trip"\nATTR_FILENAME = "filename"\n\n\nclass PushCamera(Camera):\n    @property\n    def extra_state_attributes(self):\n        return {name: value for name, value in ((ATTR_LAST_TRIP, self._last_trip), (${second})) if value is not None}\n`;
    const deviceFacts = analyzeSnippet(entity('ATTR_FILENAME, self._filename'), { rules, fileName: 'camera.py' });
    assert.deepEqual(deviceFacts.findings, []);
    assert.equal(deviceFacts.checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
    assert.equal(analyzeSnippet(entity('"owner_email", self._email'), { rules, fileName: 'camera.py' }).findings.length, 1);
  });

  it('reads keys written one by one into _attr_extra_state_attributes', () => {
    const source = `from homeassistant.components.sensor import SensorEntity\n\nATTR_OWNER_EMAIL = "owner_email"\n\n\nclass Check(SensorEntity):\n    def __init__(self):\n        self._attr_extra_state_attributes = {}\n\n    async def async_update(self):\n        self._attr_extra_state_attributes["last_ping"] = self.check.get("last_ping")\n        self._attr_extra_state_attributes[ATTR_OWNER_EMAIL] = self.check.get("owner_email")\n`;
    const result = analyzeSnippet(source, { rules, fileName: 'sensor.py' });
    assert.deepEqual(result.findings.map((finding) => finding.range.start.line), [11]);
  });

  it('suggests removing the attribute, leaving valid Python', () => {
    const source = 'class A:\n    @property\n    def extra_state_attributes(self):\n        return {"model": self.m, "email": self.e}\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const [suggestion] = finding.suggestions ?? [];
    assert.equal(suggestion.safe, false);
    const fixed = applyEdits(source, suggestion.edits);
    assert.equal(fixed, 'class A:\n    @property\n    def extra_state_attributes(self):\n        return {"model": self.m}\n');
    const after = analyzeSnippet(fixed, { rules });
    assert.deepEqual(after.findings, []);
    assert.equal(after.checklist.find((entry) => entry.id === 'data-minimization')?.status, 'pass');
  });

  it('asks for a review when attributes come from a value whose keys cannot be read, and passes literal device facts', () => {
    const tracker = [
      'from homeassistant.components.device_tracker import TrackerEntity',
      '',
      '',
      'class GeoEntity(TrackerEntity):',
      '    def __init__(self, device, attributes=None):',
      '        self._attr_extra_state_attributes = attributes or {}',
      '',
      '    def receive(self, attributes):',
      '        self._attr_extra_state_attributes.update(attributes)',
      '',
    ].join('\n');
    const opaque = analyzeSnippet(tracker, { rules, fileName: 'device_tracker.py' });
    assert.deepEqual(opaque.findings, []);
    const item = opaque.checklist.find((entry) => entry.id === 'data-minimization');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /keys cannot be read here \(`attributes` in device_tracker\.py\)/);

    const sensor = 'from homeassistant.components.sensor import SensorEntity\n\n\nclass Meter(SensorEntity):\n    def __init__(self, device):\n        self._attr_extra_state_attributes = {"firmware": device.firmware} if device.firmware else None\n';
    assert.equal(analyzeSnippet(sensor, { rules, fileName: 'sensor.py' }).checklist.find((entry) => entry.id === 'data-minimization')?.status, 'pass');
  });

  it('reads the dict a class keeps in an attribute, unless something updates it unread', () => {
    const sensor = (extra: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass Owner(SensorEntity):\n    def __init__(self, account):\n        self._attrs = {"model": account.model}\n${extra}\n    @property\n    def extra_state_attributes(self):\n        return self._attrs\n`;
    assert.equal(analyzeSnippet(sensor(''), { rules, fileName: 'sensor.py' }).checklist.find((entry) => entry.id === 'data-minimization')?.status, 'pass');
    assert.equal(analyzeSnippet(sensor('        self._attrs["email"] = account.email\n'), { rules, fileName: 'sensor.py' }).findings.length, 1);
    const updated = analyzeSnippet(sensor('\n    def receive(self, data):\n        self._attrs.update(data)\n'), { rules, fileName: 'sensor.py' });
    assert.equal(updated.checklist.find((entry) => entry.id === 'data-minimization')?.status, 'review');
  });

  it("knows a location entity through the integration's own base class, outside device_tracker.py", () => {
    const sensor = (base: string) =>
      `from .entity import ${base}\n\n\nclass Car(${base}):\n    @property\n    def extra_state_attributes(self):\n        return {"latitude": self.vehicle.latitude}\n`;
    const entity = 'from homeassistant.components.device_tracker import TrackerEntity\nfrom homeassistant.helpers.entity import Entity\n\n\nclass AcmeTracker(TrackerEntity):\n    name = "acme"\n\n\nclass AcmeSensor(Entity):\n    name = "acme"\n';
    const found = (base: string) => analyzeSnippet(sensor(base), { rules, fileName: 'vehicle.py', otherFiles: { 'entity.py': entity } }).findings.length;
    assert.equal(found('AcmeTracker'), 0);
    assert.equal(found('AcmeSensor'), 1);
  });

  it('says an attribute the class keeps out of the recorder is still shared', () => {
    const sensor = (unrecorded: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\nATTR_EMAIL = "email"\n\n\nclass Account(SensorEntity):\n${unrecorded}\n    @property\n    def extra_state_attributes(self):\n        return {ATTR_EMAIL: self.account.email}\n`;
    const message = (unrecorded: string) => analyzeSnippet(sensor(unrecorded), { rules, fileName: 'sensor.py' }).findings[0]?.message ?? '';
    assert.match(message('    _unrecorded_attributes = frozenset({ATTR_EMAIL})\n'), /kept out of the recorder but still shared with every frontend and API client/);
    assert.match(message(''), /attributes are recorded and shared/);
  });

  it('asks for a review of a GPS tracker: a position is personal data even where it is the product', () => {
    const tracker = (members: string) =>
      `from homeassistant.components.device_tracker import TrackerEntity\nfrom homeassistant.components.device_tracker.config_entry import ScannerEntity\n\n\nclass Pin(TrackerEntity):\n${members}\n\n\nclass Phone(ScannerEntity):\n    @property\n    def is_connected(self):\n        return True\n`;
    const item = (source: string) => analyzeSnippet(source, { rules, fileName: 'device_tracker.py' }).checklist.find((entry) => entry.id === 'data-minimization');
    const positioned = item(tracker('    @property\n    def latitude(self):\n        return self._lat\n\n    @property\n    def longitude(self):\n        return self._lon'));
    assert.equal(positioned?.status, 'review');
    assert.match(positioned?.note ?? '', /^Pin \(device_tracker\.py\) publishes a GPS position/);
    assert.equal(item(tracker('    _attr_latitude = None\n    _attr_longitude = None'))?.status, 'review');
    // A presence scanner (home / away) and a tracker that reports no position are not asked about.
    assert.equal(item(tracker('    @property\n    def battery_level(self):\n        return 80'))?.status, 'not-applicable');
    // A router's presence tracker names the zone it is in, not a position on a map.
    assert.equal(item(tracker('    _attr_source_type = SourceType.ROUTER\n\n    @property\n    def location_name(self):\n        return STATE_HOME if self._present else None'))?.status, 'not-applicable');
    const legacy = 'async def async_setup_scanner(hass, config, async_see, discovery_info=None):\n    await async_see(dev_id="phone", gps=(52.1, 4.3), gps_accuracy=10)\n    return True\n';
    assert.match(item(legacy)?.note ?? '', /device_tracker\.py reports GPS positions to the device tracker \(`async_see\(\.\.\., gps=\.\.\.\)`\)/);
    const splatted = 'async def async_track(context, message):\n    kwargs = {"dev_id": message["user"], "gps": (message["lat"], message["lon"])}\n    context.async_see(**kwargs)\n';
    assert.equal(item(splatted)?.status, 'review');
  });

  it('reads a dict lookup with get(...) by the key it names, as it reads one with [...]', () => {
    const entity = (value: string) =>
      `from homeassistant.components.climate import ClimateEntity\n\n\nclass Unit(ClimateEntity):\n    @property\n    def extra_state_attributes(self):\n        user_context = self.coordinator.data["user"]\n        return {"account": ${value}}\n`;
    for (const value of ['user_context.get("email")', 'user_context["email"]', 'self.coordinator.data.get("phone_number", "")']) {
      assert.equal(analyzeSnippet(entity(value), { rules, fileName: 'climate.py' }).findings.length, 1, value);
    }
    assert.deepEqual(analyzeSnippet(entity('user_context.get("firmware")'), { rules, fileName: 'climate.py' }).findings, []);
  });

  it("judges a key that names whose position it is (station_latitude) by where its value comes from, as latitude is", () => {
    const sensor = (key: string, value: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass Reading(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        station = self.coordinator.data["station"]\n        return {"${key}": ${value}}\n`;
    const result = (key: string, value: string) => analyzeSnippet(sensor(key, value), { rules });
    assert.deepEqual(result('station_latitude', 'station["lat"]').findings, []);
    assert.equal(result('station_latitude', 'station["lat"]').checklist.find((item) => item.id === 'data-minimization')?.status, 'review');
    assert.equal(result('home_latitude', 'self.hass.config.latitude').findings.length, 1);
  });

  it('reads the keys a dict comprehension goes through when they are text written out', () => {
    const sensor = (keys: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass Account(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        acct = self.coordinator.data["account"]\n        keys = ${keys}\n        return {k: acct.get(k) for k in keys}\n`;
    const found = analyzeSnippet(sensor('("plan", "owner_email")'), { rules }).findings;
    assert.equal(found.length, 1);
    assert.match(found[0].message, /"owner_email"/);
    const settings = analyzeSnippet(sensor('("model", "firmware", "serial")'), { rules });
    assert.deepEqual(settings.findings, []);
    assert.equal(settings.checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
  });

  it("reads the keys of a local dict spread into the attributes, and leaves a spread it cannot read alone", () => {
    const sensor = (spread: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass Parcel(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        sender = {"sender_phone": self._parcel["phone"], "sender_city": self._parcel["city"]}\n        return {**${spread}, "kind": "parcel"}\n`;
    assert.equal(analyzeSnippet(sensor('sender'), { rules }).findings.length, 1);
    const unread = analyzeSnippet(sensor('self._device.attributes'), { rules });
    assert.deepEqual(unread.findings, []);
    assert.notEqual(unread.checklist.find((item) => item.id === 'data-minimization')?.status, 'fail');
    assert.notEqual(unread.checklist.find((item) => item.id === 'data-minimization')?.status, 'review');
    // A whole record dumped in is as unread as when it is returned whole: a person looks.
    for (const dump of ['self._pet.raw_data()', 'vars(self._pet)', 'self._pet.__dict__']) {
      assert.equal(analyzeSnippet(sensor(dump), { rules }).checklist.find((item) => item.id === 'data-minimization')?.status, 'review', dump);
    }
  });

  it('follows a local name to what the position is read from (pos = self.vehicle["position"])', () => {
    const sensor = (holder: string) =>
      `from homeassistant.components.sensor import SensorEntity\nfrom homeassistant.const import ATTR_LATITUDE\n\n\nclass Reading(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        pos = ${holder}\n        return {ATTR_LATITUDE: pos["lat"]}\n`;
    assert.equal(analyzeSnippet(sensor('self.vehicle["position"]'), { rules }).findings.length, 1);
    const station = analyzeSnippet(sensor('self.coordinator.data["station"]'), { rules });
    assert.deepEqual(station.findings, []);
    assert.equal(station.checklist.find((item) => item.id === 'data-minimization')?.status, 'review');
  });

  it("reports the position of a person, their home or their vehicle, and asks for a review of a place's", () => {
    const sensor = (latitude: string) =>
      `from homeassistant.components.sensor import SensorEntity\nfrom homeassistant.const import ATTR_LATITUDE\n\n\nclass Reading(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        return {"station": self._station_name, ATTR_LATITUDE: ${latitude}}\n`;
    for (const latitude of ['self.hass.config.latitude', 'self._vehicle.latitude', 'self._account["lat"]', 'self.coordinator.data["owner"]["latitude"]']) {
      assert.equal(analyzeSnippet(sensor(latitude), { rules }).findings.length, 1, latitude);
    }
    const station = analyzeSnippet(sensor('self._api.get_data(ATTR_LATITUDE)'), { rules });
    assert.deepEqual(station.findings, []);
    const entry = station.checklist.find((item) => item.id === 'data-minimization');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /"latitude" .* publishes a position \(`self\._api\.get_data\(ATTR_LATITUDE\)`\)/);
  });

  it("asks for a review of a bare address not read from a person, which may be a place or the owner's home", () => {
    const sensor = (attributes: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass PlantSensor(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        return ${attributes}\n`;
    const result = analyzeSnippet(sensor('{"city": self._plant["city"], "address": self._plant["address"]}'), { rules, fileName: 'sensor.py' });
    assert.deepEqual(result.findings, []);
    const item = result.checklist.find((entry) => entry.id === 'data-minimization');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /State attribute "address" in sensor\.py publishes an address \(`self\._plant\["address"\]`\); if it is where someone lives/);
    // Read from the account holder, it is theirs; an IP address is a device fact.
    assert.equal(analyzeSnippet(sensor('{"address": self._account.owner.address}'), { rules, fileName: 'sensor.py' }).findings.length, 1);
    assert.equal(analyzeSnippet(sensor('{"ip_address": self._device.ip}'), { rules, fileName: 'sensor.py' }).checklist.find((entry) => entry.id === 'data-minimization')?.status, 'pass');
  });

  it('reads attribute keys a loop takes from a literal list', () => {
    const source = (names: string) => `from homeassistant.components.binary_sensor import BinarySensorEntity\n\n\nclass Presence(BinarySensorEntity):\n    @property\n    def extra_state_attributes(self):\n        attrs = {}\n        for name in ${names}:\n            attrs[name] = getattr(self._profile, name)\n        return attrs\n`;
    const messages = analyzeSnippet(source('["email", "status"]'), { rules, fileName: 'binary_sensor.py' }).findings.map((finding) => finding.message);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /State attribute "email" exposes personal data/);
    assert.deepEqual(analyzeSnippet(source('("status", "model")'), { rules, fileName: 'binary_sensor.py' }).findings, []);
    // Written under a test of the source, into a dict declared with its type (acme_fw): the same keys.
    const guarded = (names: string) =>
      `from typing import Any\n\nfrom homeassistant.components.sensor import SensorEntity\n\n\nclass Info(SensorEntity):\n    @property\n    def extra_state_attributes(self) -> dict[str, Any]:\n        attributes: dict[str, Any] = {}\n        for key in ${names}:\n            if key in self._info:\n                attributes[key] = self._info[key]\n        return attributes\n`;
    const clean = analyzeSnippet(guarded('("firmware_version", "hardware_version")'), { rules, fileName: 'sensor.py' });
    assert.deepEqual(clean.findings, []);
    assert.equal(clean.checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
    assert.match(analyzeSnippet(guarded('("firmware_version", "email")'), { rules, fileName: 'sensor.py' }).findings[0]?.message ?? '', /State attribute "email" exposes personal data/);
  });

  it("reads what a comprehension's items are: attendees' e-mails, not their count", () => {
    const sensor = (value: string) =>
      `from homeassistant.components.calendar import CalendarEntity\n\n\nclass Agenda(CalendarEntity):\n    @property\n    def extra_state_attributes(self):\n        return {"attendees": ${value}}\n`;
    assert.match(analyzeSnippet(sensor('[a.email for a in self._event.attendees]'), { rules }).findings[0]?.message ?? '', /State attribute "attendees" exposes personal data \(email\)/);
    assert.deepEqual(analyzeSnippet(sensor('[a.status for a in self._event.attendees]'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(sensor('len([a.email for a in self._event.attendees])'), { rules }).findings, []);
  });

  it('reports identity numbers of health and insurance records, and contact lists', () => {
    const sensor = (key: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass Glucose(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        return {"${key}": self._value, "trend": self._trend}\n`;
    for (const key of ['patient_id', 'patient_name', 'insurance_number', 'national_id', 'passport_number', 'emails', 'attendee_phones', 'student_name', 'driver_name']) {
      assert.equal(analyzeSnippet(sensor(key), { rules }).findings.length, 1, key);
    }
    for (const key of ['patients_count', 'insurance_provider', 'email_count', 'device_name', 'school_name']) assert.deepEqual(analyzeSnippet(sensor(key), { rules }).findings, [], key);
  });

  it("puts a place's street and postcode up for review, and reports a person's", () => {
    const sensor = (holder: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\nclass FuelPriceSensor(SensorEntity):\n    def __init__(self, ${holder}):\n        self._attr_extra_state_attributes = {"brand": ${holder}["brand"], "street": ${holder}["street"], "postcode": ${holder}["postCode"]}\n`;
    const station = analyzeSnippet(sensor('station'), { rules });
    assert.deepEqual(station.findings, []);
    const item = station.checklist.find((entry) => entry.id === 'data-minimization');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /State attribute "street" in __init__\.py publishes an address \(`station\["street"\]`\)/);
    assert.deepEqual(analyzeSnippet(sensor('account'), { rules }).findings.map((finding) => finding.message.split(' exposes')[0]), ['State attribute "street"', 'State attribute "postcode"']);
  });

  it('reads the keys of each of two loops over literal lists that bind the same name', () => {
    const source = (second: string) =>
      `from homeassistant.components.switch import SwitchEntity\n\n\nclass StationSwitch(SwitchEntity):\n    @property\n    def extra_state_attributes(self):\n        attributes = {"type": "station"}\n        for attr in ["name", "index", "is_master"]:\n            attributes[attr] = getattr(self._station, attr)\n        for attr in [${second}]:\n            attributes[attr] = getattr(self._station, attr, None)\n        return attributes\n`;
    const facts = analyzeSnippet(source('"start_time", "end_time"'), { rules });
    assert.deepEqual(facts.findings, []);
    assert.equal(facts.checklist.find((entry) => entry.id === 'data-minimization')?.status, 'pass');
    const [finding, ...rest] = analyzeSnippet(source('"start_time", "owner_email"'), { rules }).findings;
    assert.equal(rest.length, 0);
    assert.match(finding?.message ?? '', /owner_email/);
  });

  it('resolves attribute keys defined in const.py', () => {
    const source = 'from .const import ATTR_HOME\n\nclass A:\n    @property\n    def extra_state_attributes(self):\n        return {ATTR_HOME: self.where}\n';
    const result = analyzeSnippet(source, { rules, otherFiles: { 'const.py': 'ATTR_HOME = "home_address"\n' } });
    assert.equal(result.findings.length, 1);
  });

  it('reads the keys of a comprehension over a constant dict, here or in const.py, and asks for a review of any other', () => {
    const source = (loop: string) =>
      `from .const import EXTRA_ATTRIBUTES\n\n\nclass A:\n    @property\n    def extra_state_attributes(self):\n        return {${loop} if source in self.data}\n`;
    const run = (loop: string, constants: string) => analyzeSnippet(source(loop), { rules, otherFiles: { 'const.py': `EXTRA_ATTRIBUTES = {${constants}}\n` } });
    const status = (loop: string, constants: string) => run(loop, constants).checklist.find((entry) => entry.id === 'data-minimization')?.status;
    assert.equal(status('key: self.data[source] for key, source in EXTRA_ATTRIBUTES.items()', '"beer_name": "Beer Name", "mode": "Mode"'), 'pass');
    const findings = run('key: self.data[key] for key in EXTRA_ATTRIBUTES', '"mode": "Mode", "email": "Email"').findings;
    assert.deepEqual(findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]), ['email']);
    assert.equal(status('key: value for key, value in self.data.items()', '"mode": "Mode"'), 'review');
    assert.equal(status('key: self.data[key] for key, source in EXTRA_ATTRIBUTES.items()', '"mode": "Mode"'), 'pass');
  });
  it('reads the keys of a dict a comprehension copies with some values left out', () => {
    const source = (key: string) => `from homeassistant.components.lock import LockEntity\n\n\nclass DemoLock(LockEntity):\n    @property\n    def extra_state_attributes(self):\n        attrs = {"pin_configured": False}\n        fields = {"motor_state": self._channel.get("motorState"), "${key}": self._channel.get("x")}\n        attrs.update({k: v for k, v in fields.items() if v is not None})\n        return attrs\n`;
    const result = (key: string) => analyzeSnippet(source(key), { rules, fileName: 'lock.py' });
    assert.equal(result('auto_relock_delay').checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
    assert.deepEqual(result('owner_email').findings.map((finding) => finding.range.start.line), [7]);
  });

  it("reads the attributes an entity description's function returns (attributes_fn=lambda data: {...})", () => {
    const source = (attributes: string, use = 'attributes_fn = self.entity_description.attributes_fn\n        return attributes_fn(self.coordinator.data) if attributes_fn else {}') =>
      `from dataclasses import dataclass\n\nfrom homeassistant.components.sensor import SensorEntity, SensorEntityDescription\n\n\n@dataclass(frozen=True, kw_only=True)\nclass DemoDescription(SensorEntityDescription):\n    attributes_fn: object = None\n\n\ndef _account_attributes(data):\n    return {"plan": data.plan}\n\n\nDESCRIPTIONS = (\n    DemoDescription(key="status", attributes_fn=${attributes}),\n    DemoDescription(key="plan", attributes_fn=_account_attributes),\n    DemoDescription(key="other"),\n)\n\n\nclass DemoSensor(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        ${use}\n`;
    const run = (attributes: string, use?: string) => analyzeSnippet(source(attributes, use), { rules, fileName: 'sensor.py' });
    assert.deepEqual(run('lambda data: {"email": data.email, "version": data.version}').findings.map((finding) => finding.message.match(/"(\w+)"/)?.[1]), ['email']);
    assert.equal(run('lambda data: {"latest_version": data.version}').checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
    assert.equal(run('lambda data: {"email": data.email}', 'return self.entity_description.attributes_fn(self.coordinator.data)').findings.length, 1);
    // A description's function that returns what the data holds leaves the keys unread.
    assert.equal(run('lambda data: data.attributes').checklist.find((item) => item.id === 'data-minimization')?.status, 'review');
  });

  it('reads capability_attributes, which are published with the state', () => {
    const source = 'from homeassistant.components.sensor import SensorEntity\n\n\nclass RideSensor(SensorEntity):\n    @property\n    def capability_attributes(self):\n        return {"latitude": self._lat, "longitude": self._lon, "distance": self._distance}\n';
    assert.equal(analyzeSnippet(source, { rules, fileName: 'sensor.py' }).checklist.find((item) => item.id === 'data-minimization')?.status, 'review');
  });

  it('reads a dict() filled key by key, and the dicts a function or method of the file returns', () => {
    const filled = 'from homeassistant.components.sensor import SensorEntity\n\n\nclass GasMeterSensor(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        attrs = dict()\n        attrs["unit"] = "m3"\n        return attrs\n';
    assert.equal(analyzeSnippet(filled, { rules, fileName: 'sensor.py' }).checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
    const helper = (call: string) =>
      `from homeassistant.components.sensor import SensorEntity\n\n\ndef to_attributes(username, meter):\n    return {"username": username, "meter": meter}\n\n\nclass Util:\n    @staticmethod\n    def as_attributes(username, meter):\n        return {"username": username, "meter": meter}\n\n\nclass GasSensor(SensorEntity):\n    def _attributes(self):\n        return {"username": self._username}\n\n    @property\n    def extra_state_attributes(self):\n        return ${call}\n`;
    for (const call of ['to_attributes(self._username, self._meter)', 'Util.as_attributes(self._username, self._meter)', 'self._attributes()']) {
      assert.equal(analyzeSnippet(helper(call), { rules, fileName: 'sensor.py' }).findings.length, 1, call);
    }
  });

  it("reads a name property and, with has_entity_name, the device's name as the entity's name", () => {
    const sensor = (body: string) =>
      `from homeassistant.components.sensor import SensorEntity\nfrom homeassistant.helpers.device_registry import DeviceInfo\n\n\nclass WaterSensor(SensorEntity):\n${body}\n`;
    const lines = (body: string) => analyzeSnippet(sensor(body), { rules, fileName: 'sensor.py' }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(lines('    @property\n    def name(self):\n        return f"Water {self._account_number}"'), [7]);
    assert.deepEqual(lines('    @property\n    def name(self):\n        return f"Breaches {self._email}"'), []);
    const device = '    def __init__(self, data):\n        self._attr_device_info = DeviceInfo(identifiers={("water", "x")}, name=f"Water - {data.account_number}")';
    assert.deepEqual(lines(`    _attr_has_entity_name = True\n\n${device}`), [8]);
    assert.deepEqual(lines(device), []);
  });
  it("reads super()'s state attributes of a base class in another module of the integration where that base is defined", () => {
    const entity = (key: string) =>
      `from homeassistant.helpers.update_coordinator import CoordinatorEntity\n\n\nclass RouterEntity(CoordinatorEntity):\n    @property\n    def extra_state_attributes(self):\n        return {"${key}": self.coordinator.data.get("x")}\n`;
    const sensor =
      'from homeassistant.components.binary_sensor import BinarySensorEntity\n\nfrom .entity import RouterEntity\n\n\nclass AccessSensor(RouterEntity, BinarySensorEntity):\n    @property\n    def extra_state_attributes(self):\n        attrs = super().extra_state_attributes\n        attrs["blocked_reason"] = "profile"\n        return attrs\n';
    const result = (key: string) => analyzeSnippet(sensor, { rules, fileName: 'binary_sensor.py', otherFiles: { 'entity.py': entity(key) } });
    assert.equal(result('device_name').checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
    assert.deepEqual(result('email').findings.map((finding) => finding.path.split('/').pop()), ['entity.py']);
  });
  it("reads an entity name formatted with format() or kept in the attribute a name property returns", () => {
    const sensor = (body: string) => `from homeassistant.components.sensor import SensorEntity\n\n\nclass PowerFeeSensor(SensorEntity):\n${body}\n`;
    const lines = (body: string) => analyzeSnippet(sensor(body), { rules, fileName: 'sensor.py' }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(lines('    def __init__(self, account_number):\n        self._attr_name = "power_fee_{}".format(account_number)'), [5]);
    assert.deepEqual(lines('    def __init__(self, account_number):\n        self._name = f"power_fee_{account_number}"\n\n    @property\n    def name(self):\n        return self._name'), [5]);
    assert.deepEqual(lines('    def __init__(self, meter_serial):\n        self._name = "power_fee_{}".format(meter_serial)\n\n    @property\n    def name(self):\n        return self._name'), []);
  });
  it("reads the dict a function of another module returns as the attributes, reported where it is published", () => {
    const util = (key: string) => `ATTR_KEY = "${key}"\n\n\ndef to_attributes(value):\n    return {ATTR_KEY: value, "updated": None}\n`;
    const sensor = 'from homeassistant.components.sensor import SensorEntity\n\nfrom .util import to_attributes\n\n\nclass MeterSensor(SensorEntity):\n    @property\n    def extra_state_attributes(self):\n        return to_attributes(self._account.value)\n';
    const result = (key: string) => analyzeSnippet(sensor, { rules, fileName: 'sensor.py', otherFiles: { 'util.py': util(key) } });
    const [finding] = result('pce').findings;
    assert.equal(finding?.path.split('/').pop(), 'sensor.py');
    assert.match(finding?.message ?? '', /"pce", set by to_attributes in util\.py, exposes personal data/);
    assert.equal(result('tariff').checklist.find((item) => item.id === 'data-minimization')?.status, 'pass');
  });
});
