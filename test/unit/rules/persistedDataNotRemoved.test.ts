import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { persistedDataNotRemoved } from '../../../server/src/analysis/rules/persistedDataNotRemoved';
import { analyzeSnippet, setup } from '../../helpers/analysis';

const rules = [persistedDataNotRemoved];

const STORE_MODULE = `"""Keeps learned schedules between restarts."""
from homeassistant.helpers.storage import Store

from .const import DOMAIN

STORAGE_VERSION = 1


class ScheduleStore:
    def __init__(self, hass, entry_id):
        self._store = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}")

    async def async_save(self, data):
        await self._store.async_save(data)
`;

function status(result: ReturnType<typeof analyzeSnippet>): string | undefined {
  return result.checklist.find((entry) => entry.id === 'data-deletion')?.status;
}

describe('persisted-data-not-removed', () => {
  before(setup);

  it('reports a Store when __init__.py has no async_remove_entry', () => {
    const init = 'async def async_setup_entry(hass, entry):\n    return True\n';
    const result = analyzeSnippet(init, { rules, otherFiles: { 'store.py': STORE_MODULE } });
    assert.equal(result.findings.length, 1);
    const [finding] = result.findings;
    assert.ok(finding.path.endsWith('/store.py'));
    assert.equal(finding.range.start.line, 10);
    assert.match(finding.message, /no async_remove_entry/);
    assert.equal(status(result), 'fail');
  });

  it('asks for a review of files the user names written into the configuration folder', () => {
    const init = (filename: string) =>
      `from pathlib import Path\n\nimport voluptuous as vol\n\n\nasync def async_setup_entry(hass, entry):\n    async def upload(call):\n        folder = Path(hass.config.path("www/upload_file"))\n        (folder / ${filename}).write_bytes(call.data["content"].encode())\n\n    hass.services.async_register("demo", "upload", upload, schema=vol.Schema({"filename": str, "content": str}))\n    return True\n`;
    const userNamed = analyzeSnippet(init('call.data["filename"]'), { rules });
    assert.deepEqual(userNamed.findings, []);
    assert.equal(status(userNamed), 'review');
    assert.match(userNamed.checklist.find((item) => item.id === 'data-deletion')?.note ?? '', /writes files whose names the user gives/);
    assert.equal(analyzeSnippet(init('"latest.png"'), { rules }).findings.length, 1);
  });

  it("takes files moved into its folder under the names a listing of the configuration folder found for its own", () => {
    const init = (name: string) =>
      `import glob\nimport os\nimport shutil\n\nfrom homeassistant.helpers.storage import STORAGE_DIR\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(move_data, hass.config.path(STORAGE_DIR))\n    return True\n\n\ndef move_data(storage):\n    folder = f"{storage}/vac_move"\n    for file_path in glob.glob(os.path.join(storage, "*.png")):\n        shutil.move(file_path, os.path.join(folder, ${name}))\n`;
    assert.equal(status(analyzeSnippet(init('os.path.basename(file_path)'), { rules })), 'fail');
    assert.equal(status(analyzeSnippet(init('"map.png"'), { rules })), 'fail');
  });

  it('follows a path into a helper run through asyncio.to_thread, as through the executor', () => {
    const files = (run: string) =>
      `import json\n\nfrom homeassistant.helpers.storage import STORAGE_DIR\n\n\ndef _write_to_file(file_path, data):\n    with open(file_path, "w") as datafile:\n        json.dump(data, datafile)\n\n\nasync def async_save_rooms(hass, vacuum_id, rooms):\n    path = f"{hass.config.path(STORAGE_DIR, 'vac_rooms')}/rooms_{vacuum_id}.json"\n    await ${run}\n`;
    const init = 'from .files import async_save_rooms\n\n\nasync def async_setup_entry(hass, entry):\n    await async_save_rooms(hass, entry.entry_id, {})\n    return True\n';
    const found = (run: string) => analyzeSnippet(init, { rules, otherFiles: { 'files.py': `import asyncio\n${files(run)}` } }).findings.length;
    assert.equal(found('asyncio.to_thread(_write_to_file, path, rooms)'), 1);
    assert.equal(found('asyncio.to_thread(_write_to_file, file_path=path, data=rooms)'), 1);
    assert.equal(found('hass.async_add_executor_job(_write_to_file, path, rooms)'), 1);
  });

  it('takes a file named by a constant, then put into the configuration folder under the same name, for its own', () => {
    const init = `BINARY_VERSION = "1.8.5"\n\n\nasync def async_setup_entry(hass, entry):\n    filename = f"acme-{BINARY_VERSION}"\n    filename = hass.config.path(filename)\n    with open(filename, "wb") as f:\n        f.write(b"")\n    return True\n`;
    const result = analyzeSnippet(init, { rules });
    assert.equal(result.findings.length, 1);
    assert.equal(status(result), 'fail');
  });

  it('sees files a program run as an argument list writes into the config folder', () => {
    const manifest = JSON.stringify({ domain: 'demo', name: 'Demo', config_flow: true, requirements: [] });
    const source = (command: string) =>
      `import asyncio\nimport os\nimport subprocess\n\n\nasync def async_setup_entry(hass, entry):\n    folder = hass.config.path("demo_cli")\n    ${command}\n    return True\n`;
    const found = (command: string) => analyzeSnippet(source(command), { rules, manifest }).findings.length;
    assert.equal(found('subprocess.run(["curl", "-L", "https://example.com/cli.tgz", "--output", os.path.join(folder, "cli.tgz")], check=True)'), 1);
    assert.equal(found('subprocess.run(["/usr/bin/wget", "-O", os.path.join(folder, "cli.tgz"), "https://example.com/cli.tgz"])'), 1);
    assert.equal(found('await asyncio.create_subprocess_exec("tar", "-xzf", "/tmp/cli.tgz", "-C", folder)'), 1);
    // Written elsewhere, or to the program's output only.
    assert.equal(found('subprocess.run(["curl", "-o", "/tmp/cli.tgz", "https://example.com/cli.tgz"])'), 0);
    assert.equal(found('subprocess.run(["curl", "https://example.com/status"], capture_output=True)'), 0);
  });

  it('sees a Store constructed as a parameterised generic', () => {
    const init = 'from typing import Any\n\nfrom homeassistant.helpers.storage import Store\n\n\nasync def async_setup_entry(hass, entry):\n    store = Store[Any](hass, 1, "demo")\n    await store.async_save({})\n    return True\n';
    const result = analyzeSnippet(init, { rules });
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0].range.start.line, 6);
    // An element of a mapping called like a function is not a class.
    assert.equal(status(analyzeSnippet('HANDLERS = {}\n\n\nasync def async_setup_entry(hass, entry):\n    HANDLERS["store"](hass, 1, "demo")\n    return True\n', { rules })), 'not-applicable');
  });

  it('follows a file path to the helper function that builds it under the config folder', () => {
    const init = [
      'import json',
      '',
      'CONFIG_FILE = "demo_config.json"',
      '',
      '',
      'def _config_path(hass):',
      '    return hass.config.path(CONFIG_FILE)',
      '',
      '',
      'def _save(hass, data):',
      '    path = _config_path(hass)',
      '    with open(path, "w", encoding="utf-8") as handle:',
      '        json.dump(data, handle)',
      '',
      '',
      'async def async_setup_entry(hass, entry):',
      '    await hass.async_add_executor_job(_save, hass, {})',
      '    return True',
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(init, { rules }).findings;
    assert.equal(finding?.range.start.line, 11);
    // A helper that returns a path the caller chose is not the integration's file.
    assert.deepEqual(analyzeSnippet(init.replace('return hass.config.path(CONFIG_FILE)', 'return hass.data["demo"]["export_to"]'), { rules }).findings, []);
  });

  it('follows a path handed to a writing helper, and models saved with joblib', () => {
    const helper = 'def _save(path):\n    with open(path, "w") as handle:\n        handle.write("x")\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(_save, hass.config.path("demo.txt"))\n    return True\n';
    assert.equal(analyzeSnippet(helper, { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(helper.replace('hass.config.path("demo.txt")', 'entry.data["export_path"]'), { rules }).findings, []);
    // Home Assistant's YAML writer.
    assert.equal(analyzeSnippet('from homeassistant.util.yaml import save_yaml\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(save_yaml, hass.config.path("demo.yaml"), {})\n    return True\n', { rules }).findings.length, 1);
    const model = 'import joblib\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(joblib.dump, {}, hass.config.path("demo_model.pkl"))\n    return True\n';
    assert.equal(analyzeSnippet(model, { rules }).findings.length, 1);
    // The writing helper in another module, and async_remove_entry removing the file again.
    const writer = 'import json\n\n\ndef write_cache(path, states):\n    with open(path, "w", encoding="utf-8") as handle:\n        json.dump(states, handle)\n';
    const init = 'import os\n\nfrom .cache import write_cache\n\nCACHE_FILE = ".demo_cache.json"\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(write_cache, hass.config.path(CACHE_FILE), {})\n    return True\n';
    const remove = '\n\nasync def async_remove_entry(hass, entry):\n    await hass.async_add_executor_job(os.remove, hass.config.path(CACHE_FILE))\n';
    const elsewhere = analyzeSnippet(init, { rules, fileName: '__init__.py', otherFiles: { 'cache.py': writer } });
    assert.deepEqual(elsewhere.findings.map((finding) => `${finding.path.split('/').pop()}:${finding.range.start.line}`), ['cache.py:4']);
    const removed = analyzeSnippet(init + remove, { rules, fileName: '__init__.py', otherFiles: { 'cache.py': writer } });
    assert.deepEqual(removed.findings, []);
    assert.equal(status(removed), 'pass');
    // Removed by a helper of the module run on the executor.
    const helperRemoval = '\n\nasync def async_remove_entry(hass, entry):\n    await hass.async_add_executor_job(_remove_cache, hass.config.path(CACHE_FILE))\n\n\ndef _remove_cache(path):\n    if os.path.exists(path):\n        os.remove(path)\n';
    assert.deepEqual(analyzeSnippet(init + helperRemoval, { rules, fileName: '__init__.py', otherFiles: { 'cache.py': writer } }).findings, []);
  });


  it('follows a path kept on self and handed to a writing helper', () => {
    const api = (path: string) =>
      `import json\n\n\ndef save_cookies(filename, data):\n    with open(filename, "w") as handle:\n        json.dump(data, handle)\n\n\nclass NasApi:\n    def __init__(self, hass, host):\n        self._host = host\n        self._cookie_file = ${path}\n\n    def connect(self, cookies):\n        save_cookies(self._cookie_file, cookies)\n`;
    const init = 'from .api import NasApi\n\n\nasync def async_setup_entry(hass, entry):\n    api = NasApi(hass, entry.data["host"])\n    await hass.async_add_executor_job(api.connect, {})\n    return True\n';
    const kept = analyzeSnippet(init, { rules, otherFiles: { 'api.py': api('hass.config.path(".nas_cookies.json")') } });
    assert.deepEqual(kept.findings.map((finding) => `${finding.path.split('/').pop()}:${finding.range.start.line}`), ['api.py:4']);
    // The path given to the constructor, from another module; Home Assistant's own database given so is not ours.
    const vehicle = 'import json\n\n\nclass Vehicle:\n    def __init__(self, user, token_location):\n        self.user = user\n        self.token_location = token_location\n\n    def write_token(self, token):\n        with open(self.token_location, "w", encoding="utf-8") as handle:\n            json.dump(token, handle)\n';
    const setup = (path: string) => `from .api import Vehicle\n\n\nasync def async_setup_entry(hass, entry):\n    token_path = ${path}\n    vehicle = Vehicle(entry.data["username"], token_path)\n    await hass.async_add_executor_job(vehicle.write_token, {})\n    return True\n`;
    const constructed = analyzeSnippet(setup('hass.config.path("carlink_token.txt")'), { rules, otherFiles: { 'api.py': vehicle } });
    assert.deepEqual(constructed.findings.map((finding) => `${finding.path.split('/').pop()}:${finding.range.start.line}`), ['api.py:9']);
    const database = vehicle.replace('open(self.token_location, "w", encoding="utf-8")', 'sqlite3.connect(self.token_location)').replace('import json', 'import json\nimport sqlite3');
    assert.deepEqual(analyzeSnippet(setup('hass.config.path("home-assistant_v2.db")'), { rules, otherFiles: { 'api.py': database } }).findings, []);
    // A folder made from a config path, a file joined onto it and handed to a helper that opens it as a Path.
    const image = 'from pathlib import Path\n\n\ndef io_save_file(path, data):\n    with Path(path).open("wb") as handle:\n        handle.write(data)\n';
    const photos = 'import uuid\nfrom pathlib import Path\n\nfrom .image import io_save_file\n\n\nasync def async_setup_entry(hass, entry):\n    async def store_photo(data):\n        folder = Path(hass.config.path("parcelcam_images"))\n        target = folder / f"{uuid.uuid4()!s}.jpg"\n        await hass.async_add_executor_job(io_save_file, target, data)\n\n    entry.runtime_data = store_photo\n    return True\n';
    assert.deepEqual(analyzeSnippet(photos, { rules, otherFiles: { 'image.py': image } }).findings.map((finding) => finding.path.split('/').pop()), ['image.py']);
    // A path the user gave (an option) is theirs.
    assert.deepEqual(analyzeSnippet(init, { rules, otherFiles: { 'api.py': api('host + ".json"') } }).findings, []);
  });
  it('passes an integration whose async_remove_entry deletes what it registered in a cloud', () => {
    const source = (removal: string) =>
      `from homeassistant.helpers.aiohttp_client import async_get_clientsession\n\n\nasync def async_setup_entry(hass, entry):\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n    session = async_get_clientsession(hass)\n    ${removal}\n`;
    assert.equal(status(analyzeSnippet(source('await session.delete(f"https://relay.example.com/instance/{entry.data[\'id\']}")'), { rules })), 'pass');
    assert.equal(status(analyzeSnippet(source('await session.get("https://relay.example.com/ping")'), { rules })), 'not-applicable');
  });

  it("counts a file written at a relative path, which lands in Home Assistant's working folder (the config folder)", () => {
    const source = (path: string) =>
      `import yaml

YAML_CALENDARS = ${path}


def update_calendar_file(path, calendar):
    with open(path, "w", encoding="UTF8") as out:
        yaml.dump([calendar], out)


async def async_setup_entry(hass, entry):
    await hass.async_add_executor_job(update_calendar_file, YAML_CALENDARS, {})
    return True
`;
    assert.equal(analyzeSnippet(source('"calsync_calendars.yaml"'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('"/tmp/calsync.yaml"'), { rules }).findings, []);
    // A dotted name is no file name (`api.call("core.get_session_status")`).
    assert.deepEqual(analyzeSnippet(source('"core.get_session_status"'), { rules }).findings, []);
    // `/config` is the configuration folder of Home Assistant OS and the container image.
    assert.equal(analyzeSnippet(source('"/config/calsync/calendars.yaml"'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('Path("/config/www/calsync.yaml")').replace('import yaml', 'import yaml\nfrom pathlib import Path'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('"/configuration/calsync.yaml"'), { rules }).findings, []);
  });

  it("takes a file name a helper's every caller gives as a literal for the integration's own, not the user's", () => {
    const source = (name: string) =>
      `import os\n\n\ndef write_tls_asset(hass, filename, asset):\n    with open(hass.config.path("hubpair", filename), "w", encoding="utf8") as handle:\n        handle.write(asset)\n\n\ndef create_credentials(hass, result, call):\n    write_tls_asset(hass, ${name}, result["key"])\n\n\nasync def async_setup_entry(hass, entry):\n    return True\n`;
    assert.equal(analyzeSnippet(source('"hub-key.pem"'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('call.data["filename"]'), { rules }).findings, []);
  });

  it('judges a file name kept in a local by what it is set to, and counts files aiofiles writes', () => {
    const snapshot = (name: string) =>
      `import json\nfrom datetime import datetime\n\n\nasync def async_setup_entry(hass, entry):\n    def _write():\n        timestamp = datetime.now().strftime("%Y%m%d")\n        filename = ${name}\n        with open(hass.config.path(filename), "w") as out:\n            json.dump({}, out)\n\n    await hass.async_add_executor_job(_write)\n    return True\n`;
    assert.equal(analyzeSnippet(snapshot('f"snap_{timestamp}.json"'), { rules }).findings.length, 1, 'a name the integration makes from a timestamp');
    assert.deepEqual(analyzeSnippet(snapshot('entry.options["filename"]'), { rules }).findings, [], "a name the user chose in the options: the user's file");
    assert.deepEqual(analyzeSnippet(snapshot('f"{entry.options[CONF_FILENAME]}.json"'), { rules }).findings, [], 'built from a name the user chose');
    const aiofiles = (mode: string) =>
      `import aiofiles\n\n\nasync def async_setup_entry(hass, entry):\n    path = hass.config.path("demo", "rules_backup.json")\n    async with aiofiles.open(path, ${mode}) as out:\n        await out.write("{}")\n    return True\n`;
    assert.equal(analyzeSnippet(aiofiles('"w"'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(aiofiles('"r"'), { rules }).findings, [], 'read, not written');
  });

  it("counts a file a custom integration writes next to its own module (inside the config folder), not one it reads", () => {
    const camera = (mode: string) =>
      `import json\nimport os\n\nDUMP = "url_cache.json"\n\n\nclass UrlCam:\n    def __init__(self):\n        self._path = os.path.join(os.path.split(os.path.abspath(__file__))[0], DUMP)\n\n    def dump(self, urls):\n        with open(self._path, ${mode}) as out:\n            json.dump(urls, out)\n\n\nasync def async_setup_entry(hass, entry):\n    return True\n`;
    assert.equal(analyzeSnippet(camera('"w"'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(camera('"r"'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(camera('"w"'), { rules, root: '/virtual/homeassistant/components/demo' }).findings, [], "a core integration's module folder is not the config folder");
  });

  it('follows a dump file built onto a folder kept on self, given to the constructor by keyword', () => {
    const hub = (storage: string) =>
      `import os\nimport pprint\n\n\nasync def async_setup_entry(hass, entry):\n    hass.data["demo"] = Hub(hass, storage_dir=${storage})\n    return True\n\n\nclass Hub:\n    def __init__(self, hass, *, storage_dir):\n        self._storage_dir = storage_dir\n        self._dump_file = self._storage_dir + "/" + "packets.dump"\n\n    def on_message(self, data):\n        with open(self._dump_file, "a") as dump:\n            dump.write(pprint.pformat(data))\n`;
    assert.deepEqual(analyzeSnippet(hub('hass.config.config_dir + "/.demo"'), { rules }).findings.map((finding) => finding.range.start.line), [15]);
    assert.deepEqual(analyzeSnippet(hub('"/tmp/demo"'), { rules }).findings, []);
  });

  it('counts a token, cookie or cache file a library keeps in the config folder, not a file it is given to read', () => {
    const setup = (call: string) =>
      `from homeassistant.helpers.storage import STORAGE_DIR\nfrom vendor import Session\n\n\nasync def async_setup_entry(hass, entry):\n    session = ${call}\n    await hass.async_add_executor_job(session.login)\n    return True\n`;
    const kept = [
      'Session(entry.data["email"], cookie_file_name=hass.config.path(STORAGE_DIR, f"demo_{entry.data[CONF_EMAIL]}"))',
      'Session(entry.data["email"], hass.config.path(STORAGE_DIR, "demo_token.save"))',
      'Session(entry.data["email"]).store_token(hass.config.path(STORAGE_DIR, "demo.json"))',
    ];
    for (const call of kept) assert.equal(analyzeSnippet(setup(call), { rules }).findings.length, 1, call);
    // A path that names whose file it is (the account's user name) is still the integration's, not one the user picked.
    const perAccount = 'Session(f"{hass.config.path(\'.demo.cookies\')}.{slugify(entry.data[\'username\'])}")'.replace("entry.data['username']", 'username');
    assert.equal(analyzeSnippet(setup(perAccount).replace('    session =', '    username = entry.data["username"]\n    session ='), { rules }).findings.length, 1);
    const read = ['Session(entry.data["email"], certificate=hass.config.path("demo.pem"))', 'Session(entry.data["email"], hass.config.path("known_devices.yaml"))'];
    for (const call of read) assert.deepEqual(analyzeSnippet(setup(call), { rules }).findings, [], call);
    // Removed with the entry, it is no finding.
    const removed = `${setup(kept[1])}\n\nasync def async_remove_entry(hass, entry):\n    await hass.async_add_executor_job(os.remove, hass.config.path(STORAGE_DIR, "demo_token.save"))\n`.replace('from vendor', 'import os\nfrom vendor');
    assert.deepEqual(analyzeSnippet(removed, { rules }).findings, []);
  });

  it("follows a path a method of the integration returns, named by its callers' callers", () => {
    const store = (writes: string) =>
      `import json\n\n\nclass SceneFiles:\n    def __init__(self, folder):\n        self.folder = folder\n\n    def get_path(self, name):\n        return self.folder + "/" + name\n\n    def write(self, name, obj):\n        with open(self.get_path(name), "w", encoding="utf-8") as handle:\n            json.dump(obj, handle)\n\n    def save_scene(self, call):\n        self.write(${writes}, dict(call.data))\n\n\nasync def async_setup(hass, config):\n    files = SceneFiles(hass.config.path("demo_scenes"))\n    hass.services.async_register("demo", "save", files.save_scene)\n    return True\n`;
    assert.equal(analyzeSnippet(store('"scene.json"'), { rules }).findings.length, 1);
    // The service call names the file: the user's.
    assert.deepEqual(analyzeSnippet(store('call.data["filename"]'), { rules }).findings, []);
  });

  it('counts a file copied into the config folder, but not themes or blueprints it installs', () => {
    const source = (destination: string) =>
      `import shutil\nfrom pathlib import Path\n\n\ndef _install(hass):\n    shutil.copy2(Path(__file__).parent / "bundled.yaml", ${destination})\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(_install, hass)\n    return True\n`;
    assert.equal(analyzeSnippet(source('hass.config.path("demo_dashboard.yaml")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('hass.config.path("themes/demo.yaml")'), { rules }).findings, []);
    // Also onto a folder made a few steps before.
    const www = source('www_dir / "logo.png"').replace('def _install(hass):\n', 'def _install(hass):\n    config_dir = Path(hass.config.path())\n    www_dir = config_dir / "www" / "demo"\n');
    assert.deepEqual(analyzeSnippet(www, { rules }).findings, []);
    assert.equal(analyzeSnippet(www.replace('"www"', '"demo_data"'), { rules }).findings.length, 1);
  });

  it("takes a file name every caller composes itself (f\"day_{now.date()}\") for the integration's", () => {
    const engine = 'import json\nimport os\n\nEXPORT_FOLDER = "demo_exports"\n\n\nclass ExportEngine:\n    def __init__(self, hass):\n        self._export_path = hass.config.path(EXPORT_FOLDER)\n\n    def write_json(self, base_name, rows):\n        path = os.path.join(self._export_path, f"{base_name}.json")\n        with open(path, "w", encoding="utf-8") as handle:\n            json.dump(rows, handle)\n';
    const init = (name: string) =>
      `from .export_engine import ExportEngine\n\n\nasync def async_setup_entry(hass, entry):\n    engine = ExportEngine(hass)\n\n    async def _export(call):\n        await hass.async_add_executor_job(engine.write_json, ${name}, [])\n\n    hass.services.async_register("demo", "export", _export)\n    return True\n`;
    const findings = (name: string) => analyzeSnippet(init(name), { rules, otherFiles: { 'export_engine.py': engine } }).findings;
    assert.equal(findings('f"day_{dt_util.now().date()}"').length, 1);
    // The service call names the file: the user's.
    assert.deepEqual(findings('call.data["filename"]'), []);
    assert.deepEqual(findings('f"export_{call.data[\'filename\']}"'), []);
  });

  it('follows a folder under the config folder into a path formatted with str.format', () => {
    const source = (name: string) =>
      `async def async_setup_entry(hass, entry):\n    directory = hass.config.path("www", "plex")\n\n    def _save(call, image):\n        poster = "{}/p{}.jpg".format(directory, ${name})\n        with open(poster, "wb") as handle:\n            handle.write(image)\n\n    entry.runtime_data = _save\n    return True\n`;
    assert.equal(analyzeSnippet(source('1234'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('call.data["filename"]'), { rules }).findings, []);
  });

  it("reads a Store's key from the module's function that returns it", () => {
    const source = (removed: string) =>
      `from homeassistant.helpers.storage import Store\n\nDOMAIN = "keys"\n\n\ndef readings_key(entry_id):\n    return f"{DOMAIN}.{entry_id}.readings"\n\n\ndef state_key(entry_id):\n    return f"{DOMAIN}.{entry_id}"\n\n\nasync def async_setup_entry(hass, entry):\n    await Store(hass, 1, readings_key(entry.entry_id)).async_save([])\n    await Store(hass, 1, state_key(entry.entry_id)).async_save({})\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n${removed}\n`;
    assert.equal(analyzeSnippet(source('    await Store(hass, 1, state_key(entry.entry_id)).async_remove()'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('    await Store(hass, 1, state_key(entry.entry_id)).async_remove()\n    await Store(hass, 1, readings_key(entry.entry_id)).async_remove()'), { rules }).findings, []);
  });

  it('counts a download saved into the config folder with urlretrieve', () => {
    const source = (destination: string) =>
      `from urllib.request import urlretrieve\n\n\ndef _download(hass, url):\n    urlretrieve(url, ${destination})\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(_download, hass, entry.data["url"])\n    return True\n`;
    assert.equal(analyzeSnippet(source('hass.config.path("demo_firmware.bin")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('"/tmp/demo_firmware.bin"'), { rules }).findings, []);
  });

  it('follows a folder under the config folder that a file is joined onto', () => {
    const source = 'from pathlib import Path\n\n\nasync def async_setup_entry(hass, entry):\n    media = Path(hass.config.path("media")) / "demo"\n\n    def _save(data):\n        (media / "history.json").write_text(data)\n\n    entry.runtime_data = _save\n    return True\n';
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => finding.range.start.line), [7]);
  });

  it('reports one file or Store written from several places once, where it is first written', () => {
    const source = 'from homeassistant.helpers.storage import Store\nfrom homeassistant.util.json import save_json\n\nCONFIG_FILE = "demo.conf"\n\n\nasync def async_setup_entry(hass, entry):\n    save_json(hass.config.path(CONFIG_FILE), {"last": 1})\n    await Store(hass, 1, "demo_storage").async_save({})\n    return True\n\n\ndef update(hass):\n    save_json(hass.config.path(CONFIG_FILE), {"last": 2})\n    return Store(hass, 1, "demo_storage")\n';
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => finding.range.start.line), [7, 8]);
  });

  it('reports writes of one path written alike (self.json_path) once, and a multi-line write on one line of its message', () => {
    const source = 'from homeassistant.helpers.json import save_json\n\n\nclass Registrations:\n    def __init__(self, hass):\n        self.hass = hass\n        self.json_path = hass.config.path("demo_registrations.conf")\n\n    async def add(self, data):\n        await self.hass.async_add_executor_job(\n            save_json, self.json_path, data\n        )\n\n    async def remove(self, data):\n        await self.hass.async_add_executor_job(save_json, self.json_path, data)\n\n\nasync def async_setup_entry(hass, entry):\n    return True\n';
    const found = analyzeSnippet(source, { rules }).findings;
    assert.deepEqual(found.map((finding) => finding.range.start.line), [9]);
    assert.doesNotMatch(found[0].message, /\n/);
  });

  it('asks for a review, not async_remove_entry, when the integration has no config entries', () => {
    const yamlOnly = 'from homeassistant.helpers.storage import Store\n\n\nasync def async_setup(hass, config):\n    await Store(hass, 1, "demo.ids").async_save({})\n    return True\n';
    const manifest = JSON.stringify({ domain: 'demo', name: 'Demo', version: '1.0.0', iot_class: 'local_push', requirements: [] });
    const result = analyzeSnippet(yamlOnly, { rules, manifest });
    assert.deepEqual(result.findings, []);
    assert.equal(status(result), 'review');
    assert.match(result.checklist.find((entry) => entry.id === 'data-deletion')?.note ?? '', /set up from YAML only/);
    // A config flow, in the manifest or only in the code (an import flow), makes entries whose removal must clean up.
    assert.equal(analyzeSnippet(yamlOnly, { rules }).findings.length, 1);
    const flow = 'from homeassistant import config_entries\n\n\nclass Flow(config_entries.ConfigFlow, domain="demo"):\n    async def async_step_import(self, data):\n        return self.async_create_entry(title="Demo", data=data)\n';
    assert.equal(analyzeSnippet(yamlOnly, { rules, manifest, otherFiles: { 'config_flow.py': flow } }).findings.length, 1);
    // An async_setup_entry left from a template makes no entry: nothing can create one.
    const stub = analyzeSnippet(`${yamlOnly}\n\nasync def async_setup_entry(hass, entry):\n    return True\n`, { rules, manifest });
    assert.deepEqual(stub.findings, []);
    assert.equal(status(stub), 'review');
    // One that defines async_remove_entry is written for entries: judged by what that removes.
    const removes = analyzeSnippet(`${yamlOnly}\n\nasync def async_remove_entry(hass, entry):\n    await Store(hass, 1, "demo.ids").async_remove()\n`, { rules, manifest });
    assert.deepEqual(removes.findings, []);
    assert.equal(status(removes), 'pass');
  });

  it('reports a Store that async_remove_entry leaves behind', () => {
    const init = 'async def async_remove_entry(hass, entry):\n    hass.data.pop("demo", None)\n';
    const [finding] = analyzeSnippet(init, { rules, otherFiles: { 'store.py': STORE_MODULE } }).findings;
    assert.match(finding.message, /async_remove_entry does not remove it/);
  });

  it('follows a path parameter to what the callers hand it: a cookie jar a helper keeps, and a folder a helper empties', () => {
    const source = (removal: string) =>
      `import os\nfrom http.cookiejar import LWPCookieJar\n\nimport requests\n\n\ndef _login(path, user, password):\n    session = requests.Session()\n    session.cookies = LWPCookieJar(path)\n    session.cookies.save(ignore_discard=True)\n    return session\n\n\ndef _remove(path):\n    os.remove(path)\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(_login, hass.config.path(".demo_cookies.txt"), entry.data["username"], entry.data["password"])\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n${removal}`;
    assert.deepEqual(analyzeSnippet(source('    await hass.async_add_executor_job(_remove, hass.config.path("demo_exports"))\n'), { rules }).findings.map((finding) => finding.range.start.line), [8]);
    assert.deepEqual(analyzeSnippet(source('    await hass.async_add_executor_job(_remove, hass.config.path(".demo_cookies.txt"))\n'), { rules }).findings, []);
  });

  it("takes aiofiles.os.remove for a file removal, and a Store's async_remove for that store's alone", () => {
    const source = (removal: string) =>
      `import aiofiles.os\nfrom homeassistant.helpers.storage import Store\n\n\nasync def async_setup_entry(hass, entry):\n    store = Store(hass, 1, f"demo.{entry.entry_id}")\n    await store.async_save({})\n    with open(hass.config.path(f"demo_{entry.entry_id}.json"), "w") as handle:\n        handle.write("{}")\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n${removal}`;
    const storeRemoval = '    await Store(hass, 1, f"demo.{entry.entry_id}").async_remove()\n';
    assert.deepEqual(analyzeSnippet(source(storeRemoval), { rules }).findings.map((finding) => finding.range.start.line), [7]);
    assert.deepEqual(analyzeSnippet(source(`${storeRemoval}    await aiofiles.os.remove(hass.config.path(f"demo_{entry.entry_id}.json"))\n`), { rules }).findings, []);
  });

  it("leaves Home Assistant's own configuration files and files the caller names, and keeps names it composes around an id", () => {
    const service = (body: string) =>
      `from pathlib import Path\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle(call):\n${body}\n\n    hass.services.async_register("demo", "save", handle)\n    return True\n`;
    const found = (body: string) => analyzeSnippet(service(body), { rules }).findings.length;
    assert.equal(found('        with open(hass.config.path("configuration.yaml"), "a", encoding="utf-8") as handle:\n            handle.write(call.data["line"])'), 0);
    assert.equal(found('        Path(hass.config.path(call.data["path"])).write_text(call.data["content"])'), 0);
    // A name the integration writes around an id the caller sent is the integration's download, in its own folder.
    assert.equal(found('        name = f"activity_{call.data[\'activity_id\']}.zip"\n        (Path(hass.config.path("demo_activities")) / name).write_bytes(b"")'), 1);
    assert.equal(found('        name = f"{call.data[\'filename\']}.zip"\n        (Path(hass.config.path("demo_activities")) / name).write_bytes(b"")'), 0);
  });

  it('tells files apart by the literal pieces of their f-string paths, also when the removal runs on the executor', () => {
    const source = (removal: string) =>
      `from pathlib import Path\n\n\nasync def async_setup_entry(hass, entry):\n    log = Path(hass.config.path(f".storage/tripcache.{entry.entry_id}.json"))\n    snapshot = Path(hass.config.path(f"www/tripcache_{entry.entry_id}.png"))\n    await hass.async_add_executor_job(log.write_text, "[]")\n    await hass.async_add_executor_job(snapshot.write_bytes, b"png")\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n    log = Path(hass.config.path(f".storage/tripcache.{entry.entry_id}.json"))\n${removal}`;
    assert.deepEqual(analyzeSnippet(source('    await hass.async_add_executor_job(log.unlink)\n'), { rules }).findings.map((finding) => finding.range.start.line), [7]);
    const both = '    snapshot = Path(hass.config.path(f"www/tripcache_{entry.entry_id}.png"))\n    await hass.async_add_executor_job(log.unlink)\n    await hass.async_add_executor_job(snapshot.unlink)\n';
    assert.deepEqual(analyzeSnippet(source(both), { rules }).findings, []);
  });

  it('tells two stores apart by their keys: the one async_remove_entry leaves is reported', () => {
    const source = (removal: string) =>
      `from homeassistant.helpers.storage import Store\n\nDOMAIN = "trk"\n\n\nasync def async_setup_entry(hass, entry):\n    settings = Store(hass, 1, f"{DOMAIN}.{entry.entry_id}")\n    history = Store(hass, 1, f"{DOMAIN}.{entry.entry_id}.history")\n    await settings.async_save({})\n    await history.async_save({})\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n${removal}`;
    const one = '    await Store(hass, 1, f"{DOMAIN}.{entry.entry_id}").async_remove()\n';
    assert.deepEqual(analyzeSnippet(source(one), { rules }).findings.map((finding) => finding.range.start.line), [7]);
    const both = `${one}    history = Store(hass, 1, f"trk.{entry.entry_id}.history")\n    await history.async_remove()\n`;
    assert.deepEqual(analyzeSnippet(source(both), { rules }).findings, []);
    // A removal whose store cannot be read may be either.
    assert.deepEqual(analyzeSnippet(source('    await hass.data[DOMAIN][entry.entry_id].store.async_remove()\n'), { rules }).findings, []);
  });

  it('accepts async_remove_entry removing the store, directly or through a helper of the integration', () => {
    const direct = `from homeassistant.helpers.storage import Store\n\nasync def async_remove_entry(hass, entry):\n    await Store(hass, 1, f"demo.{entry.entry_id}").async_remove()\n`;
    const result = analyzeSnippet(direct, { rules, otherFiles: { 'store.py': STORE_MODULE } });
    assert.deepEqual(result.findings, []);
    assert.equal(status(result), 'pass');

    const helper = `from .store import async_remove_schedules\n\nasync def async_remove_entry(hass, entry):\n    await async_remove_schedules(hass, entry.entry_id)\n`;
    const storeWithHelper = `${STORE_MODULE}\n\nasync def async_remove_schedules(hass, entry_id):\n    await Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}").async_remove()\n`;
    assert.deepEqual(analyzeSnippet(helper, { rules, otherFiles: { 'store.py': storeWithHelper } }).findings, []);

    // Through the methods of the integration's classes: a coordinator asks its storage wrapper to delete.
    const wrapper = 'from homeassistant.helpers.storage import Store\n\n\nclass ScheduleStorage:\n    def __init__(self, hass):\n        self._store = Store(hass, 1, "planner.storage")\n\n    async def async_delete(self):\n        await self._store.async_remove()\n';
    const methods = (removal: string) =>
      `from .store import ScheduleStorage\n\n\nclass PlannerCoordinator:\n    def __init__(self, store):\n        self.store = store\n\n    async def async_delete_config(self):\n        await self.store.${removal}()\n\n\nasync def async_setup_entry(hass, entry):\n    hass.data["planner"] = PlannerCoordinator(ScheduleStorage(hass))\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n    await hass.data["planner"].async_delete_config()\n`;
    assert.deepEqual(analyzeSnippet(methods('async_delete'), { rules, otherFiles: { 'store.py': wrapper } }).findings, []);
    assert.equal(analyzeSnippet(methods('async_flush'), { rules, otherFiles: { 'store.py': wrapper } }).findings.length, 1);
  });

  it('follows files written under the config folder and their removal through the executor', () => {
    const writer = `import json\nimport os\n\n\ndef save_tokens(hass, data):\n    path = hass.config.path(".demo_cache.json")\n    with open(path, "w", encoding="utf-8") as handle:\n        json.dump(data, handle)\n`;
    const missing = analyzeSnippet('async def async_setup_entry(hass, entry):\n    return True\n', { rules, otherFiles: { 'cache.py': writer } });
    assert.equal(missing.findings.length, 1);
    assert.match(missing.findings[0].message, /persists a file/);
    const removing = `import os\n\n\nasync def async_remove_entry(hass, entry):\n    await hass.async_add_executor_job(os.remove, hass.config.path(".demo_cache.json"))\n`;
    assert.deepEqual(analyzeSnippet(removing, { rules, otherFiles: { 'cache.py': writer } }).findings, []);
  });

  it("sees pathlib's open for writing, through the Path made from a config path, and not open for reading", () => {
    const writer = (mode: string) =>
      `from pathlib import Path\n\n\ndef write_report(hass):\n    path = hass.config.path("demo_report.txt")\n    with Path(path).open(${mode}) as report:\n        report.write("report")\n`;
    const init = 'async def async_setup_entry(hass, entry):\n    return True\n';
    for (const mode of ['"w", encoding="utf-8"', 'mode="a"']) assert.equal(analyzeSnippet(init, { rules, otherFiles: { 'report.py': writer(mode) } }).findings.length, 1, mode);
    for (const mode of ['', '"r"', 'encoding="utf-8"']) assert.deepEqual(analyzeSnippet(init, { rules, otherFiles: { 'report.py': writer(mode) } }).findings, [], mode);
  });

  it('follows a file moved under a folder made from the config path, and its removal through the path the entry keeps', () => {
    const flow = `import shutil\nfrom pathlib import Path\n\nCONF_KEY_FILE = "key_file"\n\n\ndef store_key(hass, uploaded):\n    folder = Path(hass.config.path(".storage", "demo"))\n    target = folder / "pkey"\n    return str(shutil.move(uploaded, target))\n`;
    const init = (remove: string) => `from pathlib import Path\n\nCONF_KEY_FILE = "key_file"\n\n\nasync def async_setup_entry(hass, entry):\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n${remove}`;
    const kept = analyzeSnippet(init('    return None\n'), { rules, otherFiles: { 'keys.py': flow } });
    assert.equal(kept.findings.length, 1);
    assert.match(kept.findings[0].message, /persists a file \(shutil\.move/);
    const removed = analyzeSnippet(init('    Path(entry.data[CONF_KEY_FILE]).unlink(missing_ok=True)\n'), { rules, otherFiles: { 'keys.py': flow } });
    assert.deepEqual(removed.findings, []);
    assert.equal(status(removed), 'pass');
  });

  it('counts a SQLite database created under the config folder, not Home Assistant\'s own database', () => {
    const db = (path: string) => `import sqlite3\n\n\ndef open_db(hass):\n    return sqlite3.connect(${path})\n`;
    const init = 'async def async_setup_entry(hass, entry):\n    return True\n';
    assert.equal(analyzeSnippet(init, { rules, otherFiles: { 'db.py': db('hass.config.path(".storage", "demo.db")') } }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(init, { rules, otherFiles: { 'db.py': db('hass.config.path("home-assistant_v2.db")') } }).findings, []);
    assert.deepEqual(analyzeSnippet(init, { rules, otherFiles: { 'db.py': db('":memory:"') } }).findings, []);
  });

  it('asks for a review of long-term statistics an integration imports and its removal does not clear', () => {
    const coordinator = 'from homeassistant.components.recorder.statistics import async_add_external_statistics\n\n\nasync def import_usage(hass, account, metadata, statistics):\n    async_add_external_statistics(hass, metadata, statistics)\n';
    const init = (remove: string) => `async def async_setup_entry(hass, entry):\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n${remove}`;
    const kept = analyzeSnippet(init('    return None\n'), { rules, otherFiles: { 'coordinator.py': coordinator } });
    assert.deepEqual(kept.findings, []);
    assert.equal(status(kept), 'review');
    assert.match(kept.checklist.find((item) => item.id === 'data-deletion')?.note ?? '', /coordinator\.py imports long-term statistics/);
    const cleared = analyzeSnippet(init('    get_instance(hass).async_clear_statistics([f"demo:{entry.unique_id}_usage"])\n'), { rules, otherFiles: { 'coordinator.py': coordinator } });
    assert.equal(status(cleared), 'pass');
  });

  it('ignores files written where a service call says (user content, not integration data)', () => {
    const snapshot = `async def handle_snapshot(call):\n    with open(call.data["filename"], "wb") as handle:\n        handle.write(b"...")\n`;
    const result = analyzeSnippet(snapshot, { rules });
    assert.deepEqual(result.findings, []);
    assert.equal(status(result), 'not-applicable');
    const export_ = `from pathlib import Path\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle_export(call):\n        target = Path(hass.config.path("exports")) / call.data["filename"]\n        await hass.async_add_executor_job(target.write_text, "report")\n\n    hass.services.async_register("demo", "export", handle_export)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(export_, { rules }).findings, []);
    const named = (name: string) => `async def async_setup_entry(hass, entry):\n    def export(call):\n        target = f"{hass.config.path('exports')}/${name}.json"\n        with open(target, "w") as handle:\n            handle.write("report")\n\n    hass.services.async_register("demo", "export", export)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(named("{call.data['filename']}"), { rules }).findings, []);
    assert.equal(analyzeSnippet(named('latest'), { rules }).findings.length, 1, "the integration's own name");
  });

  it('follows a folder path written as text: joined with + or in an f-string', () => {
    const source = (path: string) => `import json\n\n\ndef _write_backup(hass, result):\n    out_dir = hass.config.path("zbackup") + "/"\n    fname = ${path}\n    with open(fname, "w", encoding="utf-8") as handle:\n        handle.write(json.dumps(result))\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(_write_backup, hass, {})\n    return True\n`;
    for (const path of ['out_dir + "nwk_backup.json"', 'f"{out_dir}nwk_backup.json"']) {
      assert.deepEqual(analyzeSnippet(source(path), { rules }).findings.map((finding) => finding.range.start.line), [6], path);
    }
  });

  it('leaves files the user named (a notify target) to the user, but not files named after the device', () => {
    const notify = `import os\n\n\nclass AppendToFile:\n    def __init__(self, hass, filename):\n        self.hass = hass\n        self.filename = filename\n\n    def send_message(self, message=""):\n        path = os.path.join(self.hass.config.config_dir, self.filename)\n        with open(path, "a", encoding="utf8") as out:\n            out.write(message)\n`;
    const userFile = analyzeSnippet(notify, { rules });
    assert.deepEqual(userFile.findings, []);
    assert.equal(status(userFile), 'not-applicable');
    const cache = `import os\n\nDOMAIN = "demo"\n\n\ndef save(hass, serial, data):\n    path = os.path.join(hass.config.config_dir, f"{DOMAIN}_{serial}.json")\n    with open(path, "w", encoding="utf8") as out:\n        out.write(data)\n`;
    assert.equal(analyzeSnippet(cache, { rules }).findings.length, 1);
  });

  it('sees a write handed to the executor', () => {
    const source = `from homeassistant.helpers.json import save_json\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(save_json, hass.config.path("demo_registrations.conf"), {})\n    return True\n`;
    const findings = analyzeSnippet(source, { rules }).findings;
    assert.deepEqual(findings.map((finding) => finding.range.start.line), [4]);
  });

  it('covers Store subclasses and cloudhooks', () => {
    const source = `from homeassistant.components import cloud\nfrom homeassistant.helpers.storage import Store\n\n\nclass DemoStore(Store):\n    pass\n\n\nasync def async_setup_entry(hass, entry):\n    store = DemoStore(hass, 1, "demo")\n    url = await cloud.async_create_cloudhook(hass, entry.data["webhook_id"])\n    return True\n`;
    const findings = analyzeSnippet(source, { rules }).findings;
    assert.deepEqual(findings.map((finding) => finding.range.start.line), [9, 10]);
    const fixed = `${source}\n\nasync def async_remove_entry(hass, entry):\n    await DemoStore(hass, 1, "demo").async_remove()\n    await cloud.async_delete_cloudhook(hass, entry.data["webhook_id"])\n`;
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);    // Also made with async_get_or_create_cloudhook, under an alias.
    const aliased = 'from homeassistant.components.cloud import async_get_or_create_cloudhook as get_hook\n\n\nasync def async_setup_entry(hass, entry):\n    url = await get_hook(hass, entry.data["webhook_id"])\n    return True\n';
    assert.deepEqual(analyzeSnippet(aliased, { rules }).findings.map((finding) => finding.range.start.line), [4]);
  });

  it('is not applicable when nothing is persisted', () => {
    const result = analyzeSnippet('async def async_setup_entry(hass, entry):\n    return True\n', { rules });
    assert.equal(status(result), 'not-applicable');
  });

  it('reports one store made in several places for the same accounts once', () => {
    const source = (second: string) =>
      `from homeassistant.helpers.storage import Store\n\nTOKEN_PREFIX = "acme_token"\n\n\nasync def async_setup_entry(hass, entry):\n    store = Store(hass, 1, f"{TOKEN_PREFIX}_{entry.data['username']}")\n    await store.async_save({"token": "x"})\n    return True\n\n\nasync def check(hass, username):\n    store = Store(hass, 1, ${second})\n    return await store.async_load()\n`;
    assert.deepEqual(analyzeSnippet(source('f"{TOKEN_PREFIX}_{username}"'), { rules }).findings.map((finding) => finding.range.start.line), [6]);
    assert.deepEqual(analyzeSnippet(source('f"{OTHER_PREFIX}_{username}"'), { rules }).findings.map((finding) => finding.range.start.line), [6, 12]);
  });

  it("leaves out what a module does when run by hand as a script", () => {
    const tool = (guard: string) =>
      `import json\n\n\ndef fetch():\n    return {}\n\n\n${guard}\n    with open("/config/custom_components/acme/status_dump.json", "w") as file:\n        json.dump(fetch(), file)\n`;
    const result = analyzeSnippet(tool('if __name__ == "__main__":'), { rules, fileName: 'export_tool.py' });
    assert.deepEqual(result.findings, []);
    assert.equal(analyzeSnippet(tool('if DEBUG:'), { rules, fileName: 'export_tool.py' }).findings.length, 1);
  });
  it('takes a file removed through the executor by a bound method (Path(...).unlink handed over) for removed', () => {
    const source = (removal: string) => `import json\nfrom pathlib import Path\n\nCACHE_FILE = "acme_cache.json"\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(Path(hass.config.path(CACHE_FILE)).write_text, json.dumps({}))\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n    ${removal}\n`;
    assert.deepEqual(analyzeSnippet(source('await hass.async_add_executor_job(Path(hass.config.path(CACHE_FILE)).unlink, True)'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('await hass.async_add_executor_job(Path(hass.config.path("other.json")).unlink, True)'), { rules }).findings.length, 1);
  });
  it("takes pathlib's open on a path held in a variable for a write in a writing mode only", () => {
    const source = (open: string) =>
      `import gzip\nimport pathlib\nimport time\n\n\nasync def async_setup_entry(hass, entry):\n    image_dir = pathlib.Path(hass.config.path("camera")) / entry.entry_id\n\n    def save_image(data):\n        media_file = image_dir / "{}.jpg".format(int(time.time()))\n        with ${open} as target:\n            target.write(data)\n\n    hass.data[entry.entry_id] = save_image\n    return True\n`;
    assert.equal(analyzeSnippet(source('media_file.open("wb")'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('media_file.open(mode="a")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('media_file.open("rb")'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('media_file.open()'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('gzip.open("state.gz", "rb")'), { rules }).findings, []);
  });
  it("takes a folder the user chose, kept in an attribute named storage_path, for no path into .storage", () => {
    const source = (folder: string) =>
      `from pathlib import Path\n\n\nclass FrameWriter:\n    def __init__(self, hass, entry):\n        self.hass = hass\n        self.storage_path = ${folder}\n\n    def save(self, content):\n        frame_path = Path(self.storage_path) / "frames" / "latest.jpg"\n        frame_path.write_bytes(content)\n\n\nasync def async_setup_entry(hass, entry):\n    hass.data[entry.entry_id] = FrameWriter(hass, entry)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('entry.data["storage_path"]'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('hass.config.path(".storage", "frames")'), { rules }).findings.length, 1);
  });
  it('takes a name the integration computes and formats into a template for its own file, not a name a service call gives', () => {
    const source = (name: string) =>
      `import pathlib\nimport time\n\n\nclass FrameSaver:\n    def __init__(self, hass, entry):\n        self.hass = hass\n        self.image_dir = pathlib.Path(hass.config.path("camera")) / entry.entry_id\n\n    async def fetch(self, call):\n        await self.hass.async_add_executor_job(self.save_image, ${name}, call.data["image"])\n\n    def save_image(self, basename, data):\n        media_file = self.image_dir / "{}.jpg".format(basename)\n        with open(media_file, "wb") as target:\n            target.write(data)\n\n\nasync def async_setup_entry(hass, entry):\n    saver = FrameSaver(hass, entry)\n    hass.services.async_register("snap", "save", saver.fetch)\n    return True\n`;
    assert.equal(analyzeSnippet(source('str(int(time.time()))'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('call.data["filename"]'), { rules }).findings, []);
  });
  it("takes the file ffmpeg writes, the last item of its argument list, also as str(path), for a write", () => {
    const source = (output: string) =>
      `import subprocess\nfrom pathlib import Path\n\n\ndef _save_clip(media_dir, url):\n    subprocess.run(["ffmpeg", "-y", "-i", url, "-c", "copy", ${output}], check=False)\n\n\nasync def async_setup_entry(hass, entry):\n    await hass.async_add_executor_job(_save_clip, Path(hass.config.path("media")) / "camrec", entry.data["url"])\n    return True\n`;
    assert.equal(analyzeSnippet(source('str(media_dir / "clip.mp4")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('"-f", "null", "-"'), { rules }).findings, []);
  });

  it("finds the removal a method makes on an object taken back out of hass.data, by the method's name", () => {
    const storage = 'from homeassistant.helpers.storage import Store\n\nDOMAIN = "demo"\n\n\nclass TaskStorage:\n    def __init__(self, hass):\n        self.store = Store(hass, 1, f"{DOMAIN}.storage")\n\n    async def async_save(self, tasks):\n        await self.store.async_save({"tasks": tasks})\n\n    async def async_delete(self):\n        await self.store.async_remove()\n';
    const init = 'from .storage import DOMAIN, TaskStorage\n\n\nasync def async_setup_entry(hass, entry):\n    hass.data.setdefault(DOMAIN, {})["storage"] = TaskStorage(hass)\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n    storage = hass.data.get(DOMAIN, {}).get("storage")\n    if storage:\n        await storage.async_delete()\n';
    const result = analyzeSnippet(init, { rules, otherFiles: { 'storage.py': storage } });
    assert.deepEqual(result.findings, []);
    assert.equal(result.checklist.find((item) => item.id === 'data-deletion')?.status, 'pass');
  });

  it('counts what unloading the entry deletes: Home Assistant unloads an entry before removing it', () => {
    const init = (unload: string) =>
      `from pathlib import Path\n\nDOMAIN = "demo"\n\n\ndef _page(hass, entry):\n    return Path(hass.config.path("www")) / DOMAIN / f"panel_{entry.entry_id}.html"\n\n\nasync def async_setup_entry(hass, entry):\n    page = _page(hass, entry)\n\n    def write():\n        with open(page, "w", encoding="utf-8") as handle:\n            handle.write("<html></html>")\n\n    await hass.async_add_executor_job(write)\n    return True\n\n\nasync def async_unload_entry(hass, entry):\n    page = _page(hass, entry)\n${unload}\n    return True\n`;
    const removed = analyzeSnippet(init('    await hass.async_add_executor_job(page.unlink, True)'), { rules });
    assert.deepEqual(removed.findings, []);
    assert.equal(removed.checklist.find((item) => item.id === 'data-deletion')?.status, 'pass');
    assert.equal(analyzeSnippet(init('    hass.data.pop(DOMAIN, None)'), { rules }).findings.length, 1);
    // Removing a service or a registry entry at unload removes nothing persisted.
    const store = 'from homeassistant.helpers import entity_registry as er\nfrom homeassistant.helpers.storage import Store\n\nDOMAIN = "demo"\n\n\nasync def async_setup_entry(hass, entry):\n    store = Store(hass, 1, f"{DOMAIN}.state")\n    await store.async_save({"seen": 1})\n    return True\n\n\nasync def async_unload_entry(hass, entry):\n    hass.services.async_remove(DOMAIN, "backup")\n    er.async_get(hass).async_remove("sensor.demo")\n    return True\n';
    assert.equal(analyzeSnippet(store, { rules }).findings.length, 1);
  });

  it('finds async_remove_entry imported into __init__.py from another module of the integration', () => {
    const cleanup = 'from homeassistant.helpers.storage import Store\n\n\nasync def async_remove_entry(hass, entry):\n    await Store(hass, 1, f"demo.{entry.entry_id}").async_remove()\n';
    const init = (line: string) => `from homeassistant.helpers.storage import Store\n${line}\n\n\nasync def async_setup_entry(hass, entry):\n    await Store(hass, 1, f"demo.{entry.entry_id}").async_save({"seen": 1})\n    return True\n`;
    assert.deepEqual(analyzeSnippet(init('from .cleanup import async_remove_entry'), { rules, otherFiles: { 'cleanup.py': cleanup } }).findings, []);
    assert.equal(analyzeSnippet(init('from .cleanup import something_else'), { rules, otherFiles: { 'cleanup.py': cleanup } }).findings.length, 1);
  });

  it('does not count a Store removal whose coroutine is never awaited', () => {
    const init = (removal: string) =>
      `from homeassistant.helpers.storage import Store\n\n\nasync def async_setup_entry(hass, entry):\n    await Store(hass, 1, f"demo.{entry.entry_id}").async_save({"seen": 1})\n    return True\n\n\nasync def async_remove_entry(hass, entry):\n    store = Store(hass, 1, f"demo.{entry.entry_id}")\n    ${removal}\n`;
    assert.equal(analyzeSnippet(init('store.async_remove()'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(init('await store.async_remove()'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(init('hass.async_create_task(store.async_remove())'), { rules }).findings, []);
  });
});
