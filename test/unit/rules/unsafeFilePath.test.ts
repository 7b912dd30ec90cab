import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { unsafeFilePath } from '../../../server/src/analysis/rules/unsafeFilePath';
import { persistedDataNotRemoved } from '../../../server/src/analysis/rules/persistedDataNotRemoved';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [unsafeFilePath];

describe('unsafe-file-path', () => {
  before(setup);

  for (const fixture of fixtureFiles('unsafe-file-path')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('follows service data through three of the integration\'s helpers, but config flow input only through two', () => {
    const manager = (entry: string, handler: string) =>
      `from os.path import join\n\n\nclass SnapshotManager:\n    async def new_snapshot(self, data):\n        folder = data.get("backup_path")\n        if folder:\n            await self.copy_snapshot("slug", folder)\n\n    async def copy_snapshot(self, slug, folder):\n        await self.download(slug, join(folder, f"{slug}.tar"))\n\n    async def download(self, slug, output_path):\n        with open(output_path, "wb") as out:\n            out.write(b"")\n\n\n${entry}\n    manager = SnapshotManager()\n${handler}\n    return True\n`;
    const service = manager('async def async_setup_entry(hass, entry):', '\n    async def handle(call):\n        await manager.new_snapshot(call.data)\n\n    hass.services.async_register("demo", "snapshot", handle)');
    assert.deepEqual(analyzeSnippet(service, { rules }).findings.map((finding) => finding.range.start.line), [13]);
    const flow = manager('async def async_step_user(self, user_input=None):', '    await manager.new_snapshot(user_input)');
    assert.deepEqual(analyzeSnippet(flow, { rules, fileName: 'config_flow.py' }).findings, []);
  });

  it('takes raise_if_invalid_filename and raise_if_invalid_path as checks of the value they are given, and knows the second lets absolute paths through', () => {
    const source = (body: string[]) =>
      [
        'import os',
        '',
        'from homeassistant.util import raise_if_invalid_filename, raise_if_invalid_path, sanitize_path',
        '',
        '',
        'async def async_setup(hass, config):',
        '    base = hass.config.path("downloads")',
        '',
        '    def _save(call):',
        '        folder = call.data["folder"]',
        '        name = call.data["name"]',
        ...body.map((line) => `        ${line}`),
        '',
        '    hass.services.async_register("demo", "save", _save)',
        '    return True',
        '',
      ].join('\n');
    const findings = (body: string[]) => analyzeSnippet(source(body), { rules }).findings;
    // os.path.join(base, "/etc") is "/etc": a path checked for .. and ~ still escapes when joined after the folder.
    const joined = findings(['raise_if_invalid_path(folder)', 'raise_if_invalid_filename(name)', 'open(os.path.join(base, folder, name), "wb").close()']);
    assert.equal(joined.length, 1);
    assert.match(joined[0].message, /call\.data\["folder"\].*checked only for \.\. and ~ \(as raise_if_invalid_path and sanitize_path do\), not for an absolute path, and the value is joined onto a folder/);
    assert.equal(findings(['raise_if_invalid_path(folder)', 'open(folder, "wb").close()']).length, 1, 'the checked value is the whole path');
    // Inside an f-string an absolute value cannot replace the folder: "downloads//etc" stays inside it.
    assert.deepEqual(findings(['raise_if_invalid_path(folder)', 'raise_if_invalid_filename(name)', 'open(f"{base}/{folder}/{name}", "wb").close()']), []);
    assert.deepEqual(findings(['raise_if_invalid_filename(name)', 'open(os.path.join(base, name), "wb").close()']), []);
    // The same holds for str.format and % formatting, and for the comparison raise_if_invalid_path makes, written out.
    assert.deepEqual(findings(['raise_if_invalid_path(folder)', 'open("{}/{}".format(base, folder), "wb").close()']), []);
    assert.deepEqual(findings(['raise_if_invalid_path(folder)', 'open("%s/%s" % (base, folder), "wb").close()']), []);
    assert.deepEqual(findings(['if folder != sanitize_path(folder):', '    raise ValueError(folder)', 'open("{}/{}".format(base, folder), "wb").close()']), []);
    assert.equal(findings(['if folder != sanitize_path(folder):', '    raise ValueError(folder)', 'open(os.path.join(base, folder), "wb").close()']).length, 1, 'joined after the folder');
    assert.equal(findings(['if folder != sanitize_path(folder):', '    _LOGGER.warning(folder)', 'open("{}/{}".format(base, folder), "wb").close()']).length, 1, 'a test that does not leave');
    assert.match(findings(['open("{}/{}".format(base, folder), "wb").close()'])[0]?.message ?? '', /call\.data\["folder"\].*without a check/);
    // A value passed through sanitize_path keeps an absolute path: fine after a folder in text, not joined or whole.
    const cleaned = findings(['folder = sanitize_path(folder)', 'open(os.path.join(base, folder), "wb").close()']);
    assert.equal(cleaned.length, 1);
    assert.match(cleaned[0].message, /checked only for \.\. and ~ \(as raise_if_invalid_path and sanitize_path do\), not for an absolute path, and the value is joined onto a folder/);
    assert.equal(findings(['open(sanitize_path(folder), "wb").close()']).length, 1);
    assert.deepEqual(findings(['open(f"{base}/{sanitize_path(folder)}", "wb").close()']), []);
    // A check of the file name says nothing about the folder joined before it.
    const unchecked = findings(['raise_if_invalid_filename(name)', 'open(os.path.join(base, folder, name), "wb").close()']);
    assert.equal(unchecked.length, 1);
    assert.match(unchecked[0].message, /call\.data\["folder"\].*without a check/);
    assert.deepEqual(findings(['raise_if_invalid_filename(name)', 'path = os.path.join(base, folder, name)', 'if not hass.config.is_allowed_path(path):', '    return', 'open(path, "wb").close()']), []);
    // A check whose failure only logs stops nothing; one with an else branch may guard the file opened there.
    const allowed = (failed: string[], rest: string[] = ['open(path, "wb").close()']) => findings(['path = os.path.join(base, folder, name)', 'if not hass.config.is_allowed_path(path):', ...failed.map((line) => `    ${line}`), ...rest]).length;
    assert.equal(allowed(['_LOGGER.warning("not allowed: %s", path)']), 1);
    assert.equal(allowed(['_LOGGER.warning("not allowed: %s", path)', 'raise ValueError(path)']), 0);
    assert.equal(allowed(['_LOGGER.warning("not allowed: %s", path)'], ['else:', '    open(path, "wb").close()']), 0);
    // Checking the fixed folder says nothing of the name joined onto it.
    assert.equal(findings(['path = os.path.join(base, folder, name)', 'if not hass.config.is_allowed_path(base):', '    return', 'open(path, "wb").close()']).length, 1);
  });

  it('follows service data a handler keeps in a module global (global DB_PATH) to where another function opens it', () => {
    const source = (path: string) =>
      `import sqlite3\n\nDB_PATH = None\n\n\ndef setup(hass, config):\n    def set_db_path(call):\n        global DB_PATH\n        DB_PATH = ${path}\n\n    hass.services.register("demo", "set_db_path", set_db_path)\n    return True\n\n\ndef vacuum():\n    sqlite3.connect(DB_PATH).execute("VACUUM")\n`;
    assert.equal(analyzeSnippet(source('call.data.get("db_path")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('hass.config.path("demo.db")'), { rules }).findings, []);
  });

  it("takes a helper of the integration that checks the path it is handed (relative_to and raise) for the check", () => {
    const source = (check: string) =>
      `from pathlib import Path\n\nfrom homeassistant.exceptions import HomeAssistantError\n\n\ndef _ensure_within_base(base, target):\n    ${check}\n\n\nasync def async_setup_entry(hass, entry):\n    async def delete_file(call):\n        path = Path(call.data["path"]).resolve()\n        _ensure_within_base(Path(entry.data["folder"]), path)\n        path.unlink()\n\n    hass.services.async_register("demo", "delete_file", delete_file)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('try:\n        target.relative_to(base)\n    except ValueError as err:\n        raise HomeAssistantError("outside the folder") from err'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('if not target.exists():\n        raise HomeAssistantError("no such file")'), { rules }).findings.length, 1);
  });

  it("follows a path method handed to the executor through request.app's hass", () => {
    const view = (name: string) =>
      `from pathlib import Path\n\nfrom aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\nBASE = Path("/config/www/snaps")\n\n\nclass SnapView(HomeAssistantView):\n    url = "/api/snap"\n    name = "api:snap"\n\n    async def get(self, request):\n        fname = ${name}\n        data = await request.app["hass"].async_add_executor_job((BASE / fname).read_bytes)\n        return web.Response(body=data, content_type="image/jpeg")\n`;
    assert.equal(analyzeSnippet(view('request.query.get("file")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(view('Path(request.query.get("file")).name'), { rules }).findings, []);
  });

  it("takes a service field its schema restricts to fixed names (vol.In) for the integration's own name", () => {
    const source = (validator: string) =>
      `from pathlib import Path\n\nimport voluptuous as vol\n\nDELETE_SCHEMA = vol.Schema({vol.Required("filename"): ${validator}})\n\n\nasync def async_setup(hass, config):\n    base = hass.config.path("demo")\n\n    async def handle_delete(call):\n        target = Path(base) / call.data["filename"]\n        await hass.async_add_executor_job(target.unlink)\n\n    hass.services.async_register("demo", "delete", handle_delete, schema=DELETE_SCHEMA)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('vol.In(["a.jpg", "b.jpg"])'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('vol.All(str, vol.In(["a.jpg", "b.jpg"]))'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('str'), { rules }).findings.length, 1);
  });

  it('takes a path a helper opens as checked when every caller checked what it passes', () => {
    const source = (callers: string[]) =>
      [
        'from homeassistant.exceptions import ServiceValidationError',
        '',
        '',
        'def _write(path, text):',
        '    with open(path, "w", encoding="utf-8") as handle:',
        '        handle.write(text)',
        '',
        '',
        'async def async_setup(hass, config):',
        ...callers,
        '    hass.services.async_register("demo", "export", export)',
        '    hass.services.async_register("demo", "dump", dump)',
        '    return True',
        '',
      ].join('\n');
    const checked = (name: string) => [
      `    async def ${name}(call):`,
      '        target = call.data["path"]',
      '        if not hass.config.is_allowed_path(target):',
      '            raise ServiceValidationError("not allowed")',
      '        await hass.async_add_executor_job(_write, target, "data")',
      '',
    ];
    const unchecked = ['    async def dump(call):', '        await hass.async_add_executor_job(_write, call.data["path"], "data")', ''];
    assert.deepEqual(analyzeSnippet(source([...checked('export'), ...checked('dump')]), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source([...checked('export'), ...unchecked]), { rules }).findings.map((finding) => finding.range.start.line), [4]);
  });

  it('passes a path checked with is_allowed_path that a library opens', () => {
    const source = 'async def async_setup(hass, config):\n    client = hass.data["demo"]\n\n    def get_file(call):\n        path = call.data["file_path"]\n        if not hass.config.is_allowed_path(path):\n            return\n        client.fget_object("bucket", call.data["key"], path)\n\n    hass.services.async_register("demo", "get", get_file)\n    return True\n';
    const result = analyzeSnippet(source, { rules });
    assert.deepEqual(result.findings, []);
    assert.equal(result.checklist.find((entry) => entry.id === 'path-traversal')?.status, 'pass');
  });

  it('sees a file opened through a path derived from Path (with_name, parent) and a folder walked with os.walk', () => {
    const status = (source: string) => analyzeSnippet(source, { rules }).checklist;
    const derived = 'import json\nfrom pathlib import Path\n\nDATA_FILE = Path(__file__).with_name("orgs.json")\nOTHER = Path(__file__).parent / "x.json"\n\n\ndef load_orgs():\n    with DATA_FILE.open(encoding="utf-8") as file:\n        return json.load(file)\n';
    assert.equal(status(derived).find((entry) => entry.id === 'path-traversal')?.status, 'pass');
    const walked = (folder: string) => `import os\n\n\nasync def async_setup(hass, config):\n    def _list(call):\n        return [name for _, _, names in os.walk(${folder}) for name in names]\n\n    hass.services.async_register("demo", "list", _list)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(walked('call.data["folder"]'), { rules }).findings.map((finding) => finding.range.start.line), [5]);
    assert.equal(status(walked('hass.config.path("www")')).find((entry) => entry.id === 'path-traversal')?.status, 'pass');
  });

  it("takes a notify platform's message and data for service data", () => {
    const source = (base: string) =>
      `from homeassistant.components.notify import ATTR_DATA, BaseNotificationService\n\n\nclass MailNotificationService(${base}):\n    def __init__(self, account):\n        self.account = account\n\n    def send_message(self, message="", **kwargs):\n        data = kwargs.get(ATTR_DATA) or {}\n        with open(data["attachment"], "rb") as file:\n            self.account.send(message, attachment=file.read())\n`;
    const [finding] = analyzeSnippet(source('BaseNotificationService'), { rules }).findings;
    assert.match(finding?.message ?? '', /notify service data/);
    assert.deepEqual(analyzeSnippet(source('object'), { rules }).findings, []);
  });

  it("knows Home Assistant's file helpers and aiofiles' os functions, also run on the executor", () => {
    const service = (imports: string, body: string) =>
      `${imports}\n\n\nasync def async_setup_entry(hass, entry):\n    async def export(call):\n        path = call.data["path"]\n        ${body}\n\n    hass.services.async_register("demo", "export", export)\n    return True\n`;
    const cases = [
      ['from homeassistant.util.json import save_json', 'await hass.async_add_executor_job(save_json, path, {})'],
      ['from homeassistant.util.yaml import save_yaml', 'await hass.async_add_executor_job(save_yaml, path, {})'],
      ['from homeassistant.util import ruamel_yaml as yaml', 'yaml.load_yaml(path)'],
      ['import aiofiles.os', 'await aiofiles.os.makedirs(path, exist_ok=True)'],
    ];
    for (const [imports, body] of cases) assert.equal(analyzeSnippet(service(imports, body), { rules }).findings.length, 1, body);
    // Saved where the user asked, the file is theirs to keep: no data-deletion finding for it.
    assert.deepEqual(analyzeSnippet(service(cases[0][0], cases[0][1]), { rules: [persistedDataNotRemoved] }).findings, []);
  });

  it("follows a path into a method of the object a helper annotated with the integration's class returns", () => {
    const init = (returns: string) =>
      `import voluptuous as vol\n\nfrom .coordinator import Coordinator\n\nDOMAIN = "doorbell"\n\n\ndef _get_coordinator(hass, entity_id)${returns}:\n    return hass.data[DOMAIN][entity_id]\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle_play_file(call):\n        coordinator = _get_coordinator(hass, call.data["entity_id"])\n        await coordinator.async_send_audio_file(call.data["audio_file"])\n\n    hass.services.async_register(DOMAIN, "play_file", handle_play_file, schema=vol.Schema({"entity_id": str, "audio_file": str}))\n    return True\n`;
    const coordinator = 'class Coordinator:\n    async def async_send_audio_file(self, audio_file_path):\n        with open(audio_file_path, "rb") as f:\n            return f.read()\n';
    const found = (returns: string) => analyzeSnippet(init(returns), { rules, otherFiles: { 'coordinator.py': coordinator } }).findings.map((finding) => finding.path.split('/').pop());
    assert.deepEqual(found(' -> Coordinator'), ['coordinator.py']);
    assert.deepEqual(found(''), [], 'without the annotation the object could be anything');
  });

  it("takes a library method's local file for a file operation: minio's fget_object, boto3's upload_file, a path keyword", () => {
    const service = (use: string) =>
      `from minio import Minio\n\nDOMAIN = "acme_s3"\n\n\ndef setup(hass, config):\n    client = Minio("s3.local")\n\n    def handle(call):\n        ${use}\n\n    hass.services.register(DOMAIN, "get", handle)\n    return True\n`;
    const found = (use: string) => analyzeSnippet(service(use), { rules }).findings.length;
    assert.equal(found('client.fget_object(call.data["bucket"], call.data["key"], call.data["file_path"])'), 1);
    assert.equal(found('client.fput_object("media", "snapshot.jpg", file_path=call.data["file_path"])'), 1);
    assert.equal(found('client.upload_file(call.data["source"], "media", "snapshot.jpg")'), 1);
    assert.equal(found('client.download(call.data["url"], local_path=call.data["target"])'), 1);
    // The object's name in the bucket is no local path, and a file name the library gives an attachment is none either.
    assert.equal(found('client.fget_object("media", call.data["key"], "/config/www/latest.jpg")'), 0);
    assert.equal(found('client.send(call.data["message"], filename=call.data["name"])'), 0);
    // A function of the integration's own is judged inside, where it opens the file.
    assert.equal(found('_fetch(local_path=call.data["target"])\n\n    def _fetch(local_path):\n        return local_path'), 0);
  });

  it('follows a file operation run on an executor: run_in_executor, asyncio.to_thread, executor jobs', () => {
    const service = (use: string) =>
      `import asyncio\nimport shutil\n\nfrom PIL import Image\n\nDOMAIN = "imgpath"\n\n\ndef setup(hass, config):\n    async def analyze(call):\n        ${use}\n\n    hass.services.register(DOMAIN, "analyze", analyze)\n    return True\n`;
    const found = (use: string) => analyzeSnippet(service(use), { rules }).findings.length;
    assert.equal(found('await hass.loop.run_in_executor(None, Image.open, call.data["image_file"])'), 1);
    assert.equal(found('await asyncio.to_thread(Image.open, call.data["image_file"])'), 1);
    assert.equal(found('await hass.async_add_executor_job(shutil.copy, "/config/www/a.jpg", call.data["target"])'), 1);
    assert.equal(found('await hass.loop.run_in_executor(None, Image.open, "/config/www/a.jpg")'), 0);
  });

  it('counts a check only for the operations after it: a folder made before the check was made anywhere', () => {
    const service = (body: string) =>
      `from pathlib import Path\n\nfrom homeassistant.exceptions import HomeAssistantError\n\n\nasync def async_setup(hass, config):\n    async def save(call):\n        filepath = Path(hass.config.path(call.data["filename"]))\n${body}\n        await hass.async_add_executor_job(filepath.write_bytes, b"png")\n\n    hass.services.async_register("snapsave", "save", save)\n    return True\n`;
    const check = '        if not hass.config.is_allowed_path(str(filepath)):\n            raise HomeAssistantError("not allowed")';
    const mkdir = '        filepath.parent.mkdir(parents=True, exist_ok=True)';
    const lines = (body: string) => analyzeSnippet(service(body), { rules }).findings.map((finding) => finding.range.start.line);
    assert.deepEqual(lines(`${mkdir}\n${check}`), [8]);
    assert.deepEqual(lines(`${check}\n${mkdir}`), []);
    assert.deepEqual(lines('        data = filepath.read_bytes() if hass.config.is_allowed_path(str(filepath)) else b""'), []);
  });

  it('counts a check made below a helper function the handler defines, before the helper runs', () => {
    const service = (order: string) =>
      `async def async_setup(hass, config):\n    async def handle_read(call):\n        path = call.data["path"]\n\n        def _read():\n            with open(path, encoding="utf-8") as handle:\n                return handle.read()\n\n${order}\n\n    hass.services.async_register("demo", "read", handle_read)\n    return True\n`;
    const check = '        if not hass.config.is_allowed_path(path):\n            raise ValueError("not allowed")';
    const run = '        return await hass.async_add_executor_job(_read)';
    assert.deepEqual(analyzeSnippet(service(`${check}\n${run}`), { rules }).findings, []);
    assert.equal(analyzeSnippet(service(`${run}\n${check}`), { rules }).findings.length, 1);
  });

  it("reads a path helper's result with the arguments of each call: constant names stay safe, a sanitized name too, one value is reported once", () => {
    const writer = (handlers: string) =>
      `import json\nimport os\n\n\nclass ConfigWriter:\n    def __init__(self, base_dir):\n        self.dir = base_dir\n\n    def get_path(self, name):\n        return self.dir + "/" + name\n\n    def write(self, name, obj):\n        with open(self.get_path(name), "w", encoding="utf-8") as handle:\n            json.dump(obj, handle)\n\n${handlers}\n\nasync def async_setup(hass, config):\n    writer = ConfigWriter(hass.config.path("acme"))\n    hass.services.async_register("acme", "save", writer.save)\n    hass.services.async_register("acme", "make", writer.make)\n    return True\n`;
    const lines = (handlers: string) => analyzeSnippet(writer(handlers), { rules }).findings.map((finding) => finding.range.start.line);
    const save = '    def save(self, call):\n        self.write("scene.json", dict(call.data))\n';
    assert.deepEqual(lines(`${save}\n    def make(self, call):\n        os.makedirs(self.get_path(call.data["folder"]), exist_ok=True)`), [19]);
    assert.deepEqual(lines(`${save}\n    def make(self, call):\n        folder = os.path.basename(call.data["folder"])\n        os.makedirs(self.get_path(folder), exist_ok=True)`), []);
    const twice = '    def make(self, call):\n        supplier = call.data["supplier"]\n        os.makedirs(self.get_path(supplier), exist_ok=True)\n        with open(self.get_path(supplier + "/index.json"), "w", encoding="utf-8") as handle:\n            json.dump({}, handle)';
    assert.deepEqual(lines(`${save}\n${twice}`), [20]);
  });

  it("takes the path of a request to a standard library HTTP handler for the request's", () => {
    const server = (base: string) =>
      `import os\nfrom http.server import ${base}\n\nSNAP_DIR = "/config/www/snapshots"\n\n\nclass Handler(${base}):\n    def do_GET(self):\n        path = os.path.join(SNAP_DIR, self.path.lstrip("/"))\n        with open(path, "rb") as handle:\n            self.wfile.write(handle.read())\n`;
    assert.equal(analyzeSnippet(server('BaseHTTPRequestHandler'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(server('object').replace('from http.server import object\n', ''), { rules }).findings, []);
  });

  it("reports a copy's unchecked destination though its source is checked, also in a helper", () => {
    const source = 'import shutil\nfrom pathlib import Path\n\n\ndef copy_file(src, dst):\n    shutil.copyfile(src, dst)\n\n\nasync def async_setup(hass, config):\n    base = Path(hass.config.path("media"))\n\n    async def handle_copy(call):\n        src = base / Path(call.data["source"]).name\n        await hass.async_add_executor_job(copy_file, src, DEST)\n\n    hass.services.async_register("cpy", "copy", handle_copy)\n    return True\n';
    assert.equal(analyzeSnippet(source.replace('DEST', 'call.data["dest"]'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source.replace('DEST', 'base / Path(call.data["dest"]).name'), { rules }).findings, []);
  });

  it("takes urlretrieve's file name for a file the download writes, not its URL", () => {
    const service = (imports: string, use: string) =>
      `${imports}\n\nDOMAIN = "acme_fetch"\n\n\ndef setup(hass, config):\n    def handle(call):\n        ${use}\n\n    hass.services.register(DOMAIN, "fetch", handle)\n    return True\n`;
    const found = (imports: string, use: string) => analyzeSnippet(service(imports, use), { rules }).findings.length;
    assert.equal(found('import urllib.request', 'urllib.request.urlretrieve("https://example.com/a.jpg", call.data["target"])'), 1);
    assert.equal(found('from urllib.request import urlretrieve as fetch', 'fetch("https://example.com/a.jpg", filename=call.data["target"])'), 1);
    assert.equal(found('import urllib.request', 'urllib.request.urlretrieve(call.data["url"], "/config/www/latest.jpg")'), 0);
  });

  it('accepts a value that goes on only when it is a key the integration made itself', () => {
    const view = (guard: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass SnapshotView(HomeAssistantView):\n    url = "/api/demo/{snap_id}"\n    name = "api:demo"\n\n    def __init__(self, folder, snapshots):\n        self.folder = folder\n        self.snapshots = snapshots\n\n    async def get(self, request, snap_id):\n${guard}\n        return web.FileResponse(self.folder / snap_id / "original")\n`;
    assert.deepEqual(analyzeSnippet(view('        info = self.snapshots.get(snap_id)\n        if info is None:\n            raise web.HTTPNotFound'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(view('        if snap_id not in self.snapshots:\n            return web.Response(status=404)'), { rules }).findings, []);
    // A lookup whose result is not tested, or a test that lets the value through anyway, checks nothing.
    assert.equal(analyzeSnippet(view('        info = self.snapshots.get(snap_id)'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(view('        if snap_id not in self.snapshots:\n            self.snapshots[snap_id] = {}'), { rules }).findings.length, 1);
    // The first of its own records whose id is the value (meal_planner), also with the record test first.
    const found = '        if info is None:\n            return web.Response(status=404)';
    assert.deepEqual(analyzeSnippet(view(`        info = next((s for s in self.snapshots if s["id"] == snap_id), None)\n${found}`), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(view(`        info = next((s for s in self.snapshots if s["ready"] and snap_id == s["id"]), None)\n${found}`), { rules }).findings, []);
    // Matched on something else, or among what the request itself brought, it is not one of them.
    assert.equal(analyzeSnippet(view(`        info = next((s for s in self.snapshots if s["ready"]), None)\n${found}`), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(view(`        info = next((s for s in request.query.getall("id") if s == snap_id), None)\n${found}`), { rules }).findings.length, 1);
  });

  it('treats the item a media source resolves as a user\'s input', () => {
    const source = [
      'from pathlib import Path',
      '',
      'from homeassistant.components.media_source import MediaSource, PlayMedia',
      '',
      '',
      'class DemoSource(MediaSource):',
      '    async def async_resolve_media(self, item):',
      '        path = Path(self.hass.config.path("media")) / "demo" / item.identifier',
      '        with open(path, "rb") as handle:',
      '            handle.read(16)',
      '        return PlayMedia(url=f"/media/local/demo/{Path(item.identifier).name}", mime_type="video/mp4")',
      '',
    ].join('\n');
    assert.deepEqual(analyzeSnippet(source, { rules, fileName: 'media_source.py' }).findings.map((finding) => finding.range.start.line), [8]);
    assert.deepEqual(analyzeSnippet(source.replace('/ item.identifier', '/ Path(item.identifier).name'), { rules, fileName: 'media_source.py' }).findings, []);
  });

  it('knows database and data-frame files are opened by path too', () => {
    const source = (call: string) => `import sqlite3\n\nimport pandas as pd\n\n\nasync def async_setup(hass, config):\n    def _load(call):\n        return ${call}\n\n    hass.services.async_register("demo", "load", _load)\n    return True\n`;
    assert.equal(analyzeSnippet(source('sqlite3.connect(call.data["db_path"])'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('pd.read_csv(hass.config.path(call.data["csv"]))'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('Image.open(call.data["image_file"])').replace('import pandas as pd', 'from PIL import Image'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('sqlite3.connect(hass.config.path("demo.db"))'), { rules }).findings, []);
  });

  it('follows service data into a helper whose parameter is annotated', () => {
    const source = [
      'import voluptuous as vol',
      'from homeassistant.helpers import config_validation as cv',
      '',
      '',
      'def read_rows(csv_file_name: str) -> list[str]:',
      '    with open(csv_file_name, encoding="utf-8") as handle:',
      '        return handle.readlines()',
      '',
      '',
      'async def async_setup(hass, config):',
      '    async def _train(call):',
      '        read_rows(hass.config.path(call.data.get("csv_file")))',
      '',
      '    hass.services.async_register("demo", "train", _train, schema=vol.Schema({vol.Required("csv_file"): cv.string}))',
      '    return True',
      '',
    ].join('\n');
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => finding.range.start.line), [5]);
  });

  it("offers no name-only rewrite inside a helper its callers hand whole paths to (it would break them)", () => {
    const helper = 'import json\n\n\ndef load_scene_file(path):\n    with open(path, encoding="utf-8") as handle:\n        return json.load(handle)\n';
    const init = 'from .loader import load_scene_file\n\n\nasync def async_setup(hass, config):\n    async def import_scene(call):\n        await hass.async_add_executor_job(load_scene_file, hass.config.path("scenes", call.data["file"]))\n\n    hass.services.async_register("demo", "import", import_scene)\n    return True\n';
    const [finding, ...rest] = analyzeSnippet(init, { rules, otherFiles: { 'loader.py': helper } }).findings;
    assert.equal(rest.length, 0);
    assert.ok(finding.path.endsWith('loader.py'));
    assert.equal(finding.suggestions, undefined);
  });

  it('checks both ends of a copy or a move, also run in the executor', () => {
    const service = (copy: string) =>
      `import os\nimport shutil\n\n\nasync def async_setup(hass, config):\n    archive = hass.config.path("clips")\n\n    async def save_clip(call):\n        target = os.path.join(archive, call.data["filename"])\n        ${copy}\n\n    hass.services.async_register("demo", "save", save_clip)\n    return True\n`;
    for (const copy of ['shutil.copy("/tmp/last.mp4", target)', 'await hass.async_add_executor_job(shutil.copy, "/tmp/last.mp4", target)', 'shutil.move(src="/tmp/last.mp4", dst=target)', 'os.replace("/tmp/last.mp4", target)']) {
      assert.equal(analyzeSnippet(service(copy), { rules }).findings.length, 1, copy);
    }
    assert.deepEqual(analyzeSnippet(service('shutil.copy("/tmp/last.mp4", os.path.join(archive, "last.mp4"))'), { rules }).findings, []);
  });

  it('takes the file a download or archive program writes (curl -o, wget -O, tar -C) for a file operation', () => {
    const service = (run: string) =>
      `import asyncio\nimport subprocess\nfrom pathlib import Path\n\n\nasync def async_setup(hass, config):\n    folder = Path(hass.config.path("downloads"))\n\n    async def download(call):\n        target = folder / call.data["filename"]\n        ${run}\n\n    hass.services.async_register("demo", "download", download)\n    return True\n`;
    const runs = [
      'await asyncio.create_subprocess_exec("curl", "-L", "-o", str(target), call.data["url"])',
      'subprocess.run(["/usr/bin/wget", "-q", "-O", target, call.data["url"]], check=True)',
      'subprocess.run(["tar", "-xzf", "/tmp/bundle.tgz", "-C", target], check=True)',
      'subprocess.run(["curl", "--output", target, call.data["url"]], check=True)',
    ];
    for (const run of runs) assert.equal(analyzeSnippet(service(run), { rules }).findings.length, 1, run);
    // The URL is no path, and a file name the integration chose is safe; another program's arguments are not read.
    const safe = analyzeSnippet(service('await asyncio.create_subprocess_exec("curl", "-L", "-o", str(folder / "latest.mp4"), call.data["url"])'), { rules });
    assert.deepEqual(safe.findings, []);
    assert.equal(safe.checklist.find((item) => item.id === 'path-traversal')?.status, 'pass');
    assert.deepEqual(analyzeSnippet(service('subprocess.run(["ffprobe", "-o", target], check=True)'), { rules }).findings, []);
  });

  it('follows notify data through a helper that validates it and returns a part through a local, or None when absent', () => {
    const notify = (helper: string) =>
      `import voluptuous as vol\nfrom homeassistant.components.notify import ATTR_DATA, BaseNotificationService\n\nSCHEMA = vol.Schema({vol.Required("attachments"): [str]})\n\n\nclass Svc(BaseNotificationService):\n    def send_message(self, message="", **kwargs):\n        data = kwargs.get(ATTR_DATA)\n        for name in self.get_filenames(data) or []:\n            with open(name, "rb") as handle:\n                handle.read()\n\n    @staticmethod\n    def get_filenames(data):\n${helper}\n`;
    for (const helper of ['        try:\n            names = data["attachments"]\n        except KeyError:\n            return None\n        return names', '        data = SCHEMA(data)\n        return data["attachments"]']) {
      assert.match(analyzeSnippet(notify(helper), { rules }).findings[0]?.message ?? '', /built from notify service data/, helper);
    }
    // A helper that cleans its input is judged where it does so.
    assert.deepEqual(analyzeSnippet(notify('        return [os.path.basename(name) for name in data["attachments"]]'), { rules }).findings, []);
  });

  it('reports one untrusted path once, also where it is used again as path.as_posix()', () => {
    const source = `import shutil\nfrom pathlib import Path\n\n\nasync def async_setup(hass, config):\n    def backup(call):\n        target = Path(hass.config.path(call.data["path"]))\n        target.parent.mkdir(parents=True, exist_ok=True)\n        shutil.copy2(target.as_posix(), target.with_suffix(".bak").as_posix())\n\n    hass.services.async_register("demo", "backup", backup)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => finding.range.start.line), [7]);
  });

  it('accepts a check helper run on the executor before the file is opened', () => {
    const notify = (check: string) =>
      `import os.path\nfrom homeassistant.components.notify import ATTR_DATA, BaseNotificationService\n\n\nclass Svc(BaseNotificationService):\n    def __init__(self, hass):\n        self.hass = hass\n\n    def file_exists(self, filename):\n        if not self.hass.config.is_allowed_path(filename):\n            return False\n        return os.path.isfile(filename)\n\n    async def async_send_message(self, message, **kwargs):\n        data = kwargs.get(ATTR_DATA) or {}\n        for image in data.get("images", []):\n${check}\n            with open(image, "rb") as handle:\n                handle.read()\n`;
    assert.deepEqual(analyzeSnippet(notify('            if not await self.hass.async_add_executor_job(self.file_exists, image):\n                continue'), { rules }).findings, []);
    assert.equal(analyzeSnippet(notify('            await self.hass.async_add_executor_job(os.path.isfile, image)'), { rules }).findings.length, 1);
  });

  it("takes a websocket command's message for untrusted input, and its checked forms for safe", () => {
    const command = (body: string) =>
      `import os\n\nimport voluptuous as vol\nfrom homeassistant.components import websocket_api\n\n\n@websocket_api.require_admin\n@websocket_api.async_response\n@websocket_api.websocket_command({vol.Required("type"): "demo/load", vol.Required("file"): str})\nasync def ws_load(hass, connection, msg):\n${body}\n    connection.send_result(msg["id"], {"data": content})\n`;
    const [finding, ...rest] = analyzeSnippet(command('    with open(hass.config.path(msg["file"]), encoding="utf-8") as handle:\n        content = handle.read()'), { rules }).findings;
    assert.equal(rest.length, 0);
    assert.match(finding?.message ?? '', /built from a websocket command's message \(`msg\["file"\]`\) without a check/);
    assert.deepEqual(analyzeSnippet(command('    with open(hass.config.path(os.path.basename(msg["file"])), encoding="utf-8") as handle:\n        content = handle.read()'), { rules }).findings, []);
    // The same function without the decorator is no websocket handler: its parameters are the caller's.
    const plain = command('    with open(hass.config.path(msg["file"]), encoding="utf-8") as handle:\n        content = handle.read()').replace(/^@.*\n/gm, '');
    assert.deepEqual(analyzeSnippet(plain, { rules }).findings, []);
  });

  it('takes the file ffmpeg writes, its last argument, for a file operation, not the stream it reads', () => {
    const service = (run: string) =>
      `import subprocess\n\n\ndef setup(hass, config):\n    def record(call):\n        filename = call.data["filename"]\n        ${run}\n\n    hass.services.register("demo", "record", record)\n    return True\n`;
    const [finding, ...rest] = analyzeSnippet(service('subprocess.Popen(["ffmpeg", "-i", call.data["stream_url"], "-c", "copy", "-y", filename])'), { rules }).findings;
    assert.equal(rest.length, 0);
    assert.match(finding?.message ?? '', /call\.data\["filename"\].*without a check/);
    assert.deepEqual(analyzeSnippet(service('subprocess.Popen(["ffmpeg", "-i", call.data["stream_url"], "-y", hass.config.path("www", "last.mp4")])'), { rules }).findings, []);
    // The value of a trailing option is no output file.
    assert.deepEqual(analyzeSnippet(service('subprocess.Popen(["ffmpeg", "-i", "rtsp://cam/stream", "-metadata", filename])'), { rules }).findings, []);
  });

  it('accepts is_allowed_path run in the executor, also before a nested function that opens the file', () => {
    const source = (check: string) =>
      [
        'import voluptuous as vol',
        'from homeassistant.helpers import config_validation as cv',
        '',
        '',
        'async def async_setup(hass, config):',
        '    async def _import(call):',
        '        path = hass.config.path(call.data["path"])',
        check,
        '',
        '        def _read():',
        '            with open(path, "rb") as file:',
        '                return file.read()',
        '',
        '        return await hass.async_add_executor_job(_read)',
        '',
        '    hass.services.async_register("demo", "import_file", _import, schema=vol.Schema({vol.Required("path"): cv.string}))',
        '    return True',
        '',
      ].join('\n');
    assert.deepEqual(analyzeSnippet(source('        if not await hass.async_add_executor_job(hass.config.is_allowed_path, path):\n            raise ValueError(path)'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('        hass.data["demo"] = path'), { rules }).findings.length, 1);
  });

  it('follows service data a method stores in self into another method that opens it', () => {
    const camera = [
      'from homeassistant.components.camera import Camera',
      '',
      '',
      'class FileCamera(Camera):',
      '    def __init__(self, file_path):',
      '        super().__init__()',
      '        self._file_path = file_path',
      '',
      '    def camera_image(self, width=None, height=None):',
      '        with open(self._file_path, "rb") as file:',
      '            return file.read()',
      '',
      '    async def update_file_path(self, file_path):',
      '        self._file_path = file_path',
      '',
    ].join('\n');
    const init = 'import voluptuous as vol\nfrom homeassistant.helpers import config_validation as cv, service\n\n\nasync def async_setup(hass, config):\n    service.async_register_platform_entity_service(hass, "demo", "update_file_path", entity_domain="camera", schema={vol.Required("file_path"): cv.string}, func="update_file_path")\n    return True\n';
    const findings = analyzeSnippet(camera, { rules, fileName: 'camera.py', otherFiles: { '__init__.py': init } }).findings;
    assert.deepEqual(findings.map((finding) => [finding.path.split('/').pop(), finding.range.start.line]), [['camera.py', 9]]);
    // Without the service, the path is the integration's own configuration.
    assert.deepEqual(analyzeSnippet(camera, { rules, fileName: 'camera.py' }).findings, []);
  });

  it('follows an uploaded file handed to a helper method of the view, through awaited reads in a loop', () => {
    const view = (handOver: string) =>
      [
        'from homeassistant.components.http import HomeAssistantView',
        '',
        '',
        'class UploadView(HomeAssistantView):',
        '    url = "/api/demo/upload"',
        '    name = "api:demo:upload"',
        '',
        '    async def post(self, request):',
        '        hass = request.app["hass"]',
        '        reader = await request.multipart()',
        '        while True:',
        '            part = await reader.next()',
        '            if part is None:',
        '                break',
        `            await self._async_store(hass, ${handOver})`,
        '        return self.json_message("ok")',
        '',
        '    async def _async_store(self, hass, upload):',
        '        folder = hass.config.path("www")',
        '        with open(f"{folder}/{upload.filename}", "wb") as target:',
        '            target.write(await upload.read())',
        '',
      ].join('\n');
    const findings = analyzeSnippet(view('part'), { rules, fileName: 'http.py' }).findings;
    assert.equal(findings.length, 1);
    assert.equal(findings[0].range.start.line, 19);
    // The same helper given something the integration made itself is fine.
    assert.deepEqual(analyzeSnippet(view('DEFAULT_UPLOAD'), { rules, fileName: 'http.py' }).findings, []);
  });

  it('wraps a view parameter where the path uses it, not in the signature (found by the fuzz suite)', () => {
    const source = [
      'from pathlib import Path',
      '',
      'from aiohttp import web',
      'from homeassistant.components.http import HomeAssistantView',
      '',
      '',
      'class SnapshotView(HomeAssistantView):',
      '    url = "/api/demo/snapshot/{name}"',
      '',
      '    async def get(self, request, name):',
      '        return web.FileResponse(Path("/config/snapshots").joinpath(name))',
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const fixed = applyEdits(source, finding.suggestions![0].edits);
    assert.match(fixed, /async def get\(self, request, name\):\n {8}return web\.FileResponse\(Path\("\/config\/snapshots"\)\.joinpath\(Path\(name\)\.name\)\)/);
    const tree = parsePython(fixed);
    assert.equal(tree.rootNode.hasError, false);
    tree.delete();
  });

  it('suggests no name-only rewrite for a value that is the whole path (it would move the file)', () => {
    const source = 'import os\n\n\nasync def async_setup_entry(hass, entry):\n    async def dump(call):\n        path = call.data.get("config_output_path", hass.config.config_dir)\n        with open(os.path.join(path, "dump.json"), "w") as handle:\n            handle.write("{}")\n\n    hass.services.async_register("demo", "dump", dump)\n';
    const [finding, ...rest] = analyzeSnippet(source, { rules }).findings;
    assert.equal(rest.length, 0);
    assert.equal(finding.suggestions, undefined);
    // A name after a separator in an f-string is a file in a folder: keeping its name is the suggestion.
    const named = source.replace('os.path.join(path, "dump.json")', 'f"/config/dumps/{call.data[\'name\']}"');
    assert.match(analyzeSnippet(named, { rules }).findings[0].suggestions?.[0].title ?? '', /Keep only the file name/);
  });

  it('suggests no name-only rewrite of an optional field, which Path() would turn into a TypeError when left out', () => {
    const source = (read: string) =>
      `import os\n\n\nasync def async_setup_entry(hass, entry):\n    async def handle(call):\n        name = ${read}\n        if name:\n            os.remove(os.path.join("/config/www", name))\n\n    hass.services.async_register("demo", "delete", handle)\n`;
    for (const optional of ['call.data.get("name")', 'call.data.get("name", None)']) {
      const [finding, ...rest] = analyzeSnippet(source(optional), { rules }).findings;
      assert.equal(rest.length, 0, optional);
      assert.equal(finding.suggestions, undefined, optional);
    }
    assert.match(analyzeSnippet(source('call.data["name"]'), { rules }).findings[0].suggestions?.[0].title ?? '', /Keep only the file name/);
  });

  it('sees file operations on a Path kept in self or taken as an annotated parameter', () => {
    const status = (source: string) => analyzeSnippet(source, { rules }).checklist.find((item) => item.id === 'path-traversal')?.status;
    const store = (annotation: string, use: string) =>
      `from pathlib import Path\n\n\nclass ListStore:\n    def __init__(self, hass, path${annotation}):\n        self._hass = hass\n        self._path = path\n\n    def load(self):\n        return ${use}\n`;
    assert.equal(status(store(': Path', 'self._path.read_text()')), 'pass');
    assert.equal(status(store(': Path | None = None', 'self._path.read_text()')), 'pass');
    assert.equal(status('from pathlib import Path\n\n\ndef remove(path: Path) -> None:\n    path.unlink(missing_ok=True)\n'), 'pass');
    // Nothing says what an unannotated parameter holds: `replace` and `open` are also str's and a socket's.
    assert.equal(status(store('', 'self._path.replace("a", "b")')), 'not-applicable');
  });

  it('takes an in-memory buffer handed to an image library for no file at all', () => {
    const status = (source: string) => analyzeSnippet(source, { rules }).checklist.find((item) => item.id === 'path-traversal')?.status;
    const icon = (opened: string) =>
      `import io\nfrom io import BytesIO\n\nfrom PIL import Image\n\n\ndef inline_icon(content, path):\n    buffer = BytesIO(content)\n    image = Image.open(${opened})\n    return image.size\n`;
    for (const opened of ['BytesIO(content)', 'io.BytesIO(content)', 'buffer']) assert.equal(status(icon(opened)), 'not-applicable', opened);
    assert.equal(status(icon('path')), 'pass');
  });

  it('suggests keeping only the file name, importing Path once', () => {
    const source = [
      'import os',
      '',
      '',
      'async def async_setup_entry(hass, entry):',
      '    async def handle(call):',
      '        os.remove(os.path.join("/config/www", call.data["name"]))',
      '',
      '    hass.services.async_register("demo", "delete", handle)',
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const [suggestion] = finding.suggestions ?? [];
    assert.equal(suggestion.safe, false);
    const fixed = applyEdits(source, suggestion.edits);
    assert.match(fixed, /^import os\nfrom pathlib import Path\n/);
    assert.match(fixed, /os\.path\.join\("\/config\/www", Path\(call\.data\["name"\]\)\.name\)/);
    const tree = parsePython(fixed);
    assert.equal(tree.rootNode.hasError, false);
    tree.delete();
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
  });

  it('follows service data through a helper of the integration that only reshapes the text it returns', () => {
    const source = (helper: string) =>
      `from pathlib import Path\n\nDOMAIN = "drop"\n\n\n${helper}\n\n\nasync def async_setup(hass, config):\n    async def upload(call):\n        folder = Path(hass.config.path(_folder(call.data.get("path"))))\n        (folder / "image.png").write_bytes(b"")\n\n    hass.services.async_register(DOMAIN, "upload", upload)\n    return True\n`;
    const lines = (helper: string) => analyzeSnippet(source(helper), { rules }).findings.map((finding) => source(helper).split('\n')[finding.range.start.line].trim());
    assert.deepEqual(lines('def _folder(raw):\n    path = (raw or "www/drop").strip("/").lower()\n    if not path.startswith("www/"):\n        path = f"www/{path}"\n    return path'), ['(folder / "image.png").write_bytes(b"")']);
    // Turning away a missing or empty value checks nothing about where the path leads.
    for (const helper of [
      'def _folder(raw):\n    folder = raw.strip().strip("/")\n    if not folder:\n        raise vol.Invalid("folder must not be empty")\n    return folder',
      'def _folder(raw):\n    if raw is None or len(raw) == 0 or not isinstance(raw, str):\n        raise ValueError("no folder")\n    return raw.strip("/")',
      'def _folder(raw):\n    assert raw, "no folder"\n    assert isinstance(raw, str)\n    return raw.strip("/")',
    ]) {
      assert.deepEqual(lines(helper), ['(folder / "image.png").write_bytes(b"")'], helper);
    }
    // A helper that checks, cleans or falls back is trusted to have done its part: the caller cannot see into it.
    for (const helper of [
      'def _folder(raw):\n    if not raw or ".." in raw:\n        raise ValueError(raw)\n    return raw.strip("/")',
      'def _folder(raw):\n    if raw.startswith("/"):\n        raise ValueError(raw)\n    return raw.strip("/")',
      'def _folder(raw):\n    assert ".." not in raw\n    return raw.strip("/")',
      'def _folder(raw):\n    if not raw:\n        return "www"\n    else:\n        raise ValueError(raw)\n    return raw',
      'def _folder(raw):\n    if ".." in raw:\n        raise ValueError(raw)\n    return raw.strip("/")',
      'def _folder(raw):\n    return os.path.basename(raw)',
      'def _folder(raw):\n    if ".." in raw:\n        return "www/drop"\n    return raw.strip("/")',
      'def _folder(raw):\n    return FOLDERS[raw]',
    ]) {
      assert.deepEqual(lines(helper), [], helper);
    }
  });

  it('takes anyio.open_file for a file operation like aiofiles.open', () => {
    const source = (path: string) =>
      `import anyio\n\nDOMAIN = "reader"\n\n\nasync def async_setup(hass, config):\n    async def read(call):\n        async with await anyio.open_file(${path}) as handle:\n            return {"text": await handle.read()}\n\n    hass.services.async_register(DOMAIN, "read", read)\n    return True\n`;
    assert.equal(analyzeSnippet(source('call.data["file_name"]'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('hass.config.path("reader.txt")'), { rules }).findings, []);
  });

  it('reports one untrusted value made into paths for several operations once, at the first', () => {
    const source = (second: string) =>
      `from pathlib import Path\n\nDOMAIN = "drop"\n\n\nasync def async_setup(hass, config):\n    def upload(call):\n        folder = Path(hass.config.path("www")) / call.data["folder"]\n        folder.mkdir(parents=True, exist_ok=True)\n        (folder / "image.png").write_bytes(b"")\n${second}\n    hass.services.async_register(DOMAIN, "upload", upload)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source(''), { rules }).findings.map((finding) => finding.range.start.line), [8]);
    // Another value from the service call is another flaw.
    assert.deepEqual(analyzeSnippet(source('        open(call.data["log"], "a").close()\n'), { rules }).findings.map((finding) => finding.range.start.line), [8, 10]);
  });
  it("reports a value once when a handler makes its folder and a helper writes it (os.makedirs(os.path.dirname(path)), then _write(path))", () => {
    const helper = 'def _write(file_path, content):\n    with open(file_path, "wb") as f:\n        f.write(content)\n';
    const handler = (second: string) =>
      `async def async_setup(hass, config):\n    async def handle(call):\n        file_path = call.data["file_path"]\n        os.makedirs(os.path.dirname(file_path), exist_ok=True)\n        await hass.async_add_executor_job(_write, file_path, b"")\n${second}\n    hass.services.async_register("snap", "snapshot", handle)\n    return True\n`;
    const lines = (source: string) => analyzeSnippet(source, { rules }).findings.map((finding) => source.split('\n')[finding.range.start.line].trim());
    const makedirs = 'os.makedirs(os.path.dirname(file_path), exist_ok=True)';
    assert.deepEqual(lines(`import os\n\n\n${handler('')}\n\n${helper}`), [makedirs]);
    // The helper written first: its open is the first operation, and the folder made later is the same flaw.
    assert.deepEqual(lines(`import os\n\n\n${helper}\n\n${handler('')}`), ['with open(file_path, "wb") as f:']);
    // Another value handed to the same helper is another flaw, still reported there.
    assert.deepEqual(lines(`import os\n\n\n${handler('        await hass.async_add_executor_job(_write, call.data["backup"], b"")\n')}\n\n${helper}`), [makedirs, 'with open(file_path, "wb") as f:']);
  });
  it('keeps a name sanitized in a path through the paths derived from it, and a folder listed is that folder', () => {
    const source = (body: string) =>
      `import os\nimport shutil\nfrom pathlib import Path\n\nDOMAIN = "drop"\n\n\nasync def async_setup(hass, config):\n    base = Path(hass.config.path("drop"))\n\n    def handle(call):\n${body}\n    hass.services.async_register(DOMAIN, "handle", handle)\n    return True\n`;
    const lines = (body: string) => analyzeSnippet(source(body), { rules }).findings.map((finding) => source(body).split('\n')[finding.range.start.line].trim());
    assert.deepEqual(lines('        target = base / Path(call.data["filename"]).name\n        shutil.move(str(target.with_suffix(".part")), str(target))\n        target.parent.mkdir(exist_ok=True)'), []);
    assert.deepEqual(lines('        target = base / call.data["filename"]\n        shutil.move(str(target.with_suffix(".part")), str(target))'), ['shutil.move(str(target.with_suffix(".part")), str(target))']);
    assert.deepEqual(lines('        target = base / Path(call.data["filename"]).name\n        target.with_name(call.data["other"]).unlink()'), ['target.with_name(call.data["other"]).unlink()']);
    // The files of a folder the caller names are that one flaw, reported once.
    assert.deepEqual(lines('        folder = call.data["path"]\n        for entry in Path(folder).glob("*"):\n            os.remove(entry)'), ['for entry in Path(folder).glob("*"):']);
  });
  it("follows a path into a method of the integration's object kept in a self attribute", () => {
    const source = (made: string) =>
      `from os.path import join\n\nDOMAIN = "exporter"\n\n\nclass Writer:\n    def write(self, destination):\n        with open(destination, "wb") as file:\n            file.write(b"report")\n\n\nclass Exporter:\n    def __init__(self):\n        self._writer = ${made}\n\n    def export(self, folder):\n        self._writer.write(join(folder, "report.tar"))\n\n\nasync def async_setup(hass, config):\n    exporter = Exporter()\n\n    def handle(call):\n        exporter.export(call.data["folder"])\n\n    hass.services.async_register(DOMAIN, "export", handle)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('Writer()'), { rules }).findings.map((finding) => finding.range.start.line), [7]);
    // A library's writer is the library's business.
    assert.deepEqual(analyzeSnippet(source('library.Writer()'), { rules }).findings, []);
  });
  it('puts a path an administrator types into a config flow up for review instead of reporting it', () => {
    const flow = (use: string) =>
      `import os\n\nimport voluptuous as vol\nfrom homeassistant import config_entries\n\n\nclass ConfigFlow(config_entries.ConfigFlow, domain="drop"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            ${use}\n            return self.async_create_entry(title="Drop", data=user_input)\n        return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required("folder"): str}))\n`;
    const result = analyzeSnippet(flow('os.makedirs(user_input["folder"], exist_ok=True)'), { rules, fileName: 'config_flow.py' });
    assert.deepEqual(result.findings, []);
    const item = result.checklist.find((entry) => entry.id === 'path-traversal');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /path typed into a config flow's form \(`user_input\["folder"\]`\)/);
    // What discovery found on the network is no administrator's choice.
    const discovered = flow('pass').replace('    async def async_step_user', '    async def async_step_zeroconf(self, discovery_info):\n        os.makedirs(discovery_info.properties["folder"], exist_ok=True)\n\n    async def async_step_user');
    assert.equal(analyzeSnippet(discovered, { rules, fileName: 'config_flow.py' }).findings.length, 1);
  });

  it('takes a Path method handed to the executor through its class (Path.write_bytes, target, data) as an operation on its first argument', () => {
    const source = (call: string) =>
      `from pathlib import Path\n\nDOMAIN = "imgcache"\n\n\nasync def async_setup(hass, config):\n    async def save_image(call):\n        target = Path(hass.config.path("www/imgcache")) / call.data["filename"]\n        await hass.async_add_executor_job(${call})\n\n    hass.services.async_register(DOMAIN, "save", save_image)\n    return True\n`;
    assert.equal(analyzeSnippet(source('Path.write_bytes, target, b""'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('target.write_bytes, b""'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('Path.write_bytes, Path(hass.config.path("www/imgcache/latest.jpg")), b""'), { rules }).findings, []);
  });

  it('takes a resolved path tested with startswith against its folder and a separator for a check, and says so when the separator is missing', () => {
    const source = (resolve: string, test: string) =>
      `import os\nfrom pathlib import Path\n\nfrom aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass PanelView(HomeAssistantView):\n    url = "/demo_panel/{filename:.*}"\n    name = "demo:panel"\n\n    def __init__(self, panel_path):\n        self.panel_path = panel_path\n\n    async def get(self, request, filename):\n        base = os.path.realpath(self.panel_path)\n        file_path = ${resolve}\n        if not ${test}:\n            return web.Response(status=403)\n        with open(file_path, "rb") as handle:\n            return web.Response(body=handle.read())\n`;
    const findings = (resolve: string, test: string) => analyzeSnippet(source(resolve, test), { rules }).findings;
    const resolved = 'os.path.realpath(os.path.join(base, filename))';
    for (const test of ['file_path.startswith(base + os.sep)', 'file_path.startswith(f"{base}/")', 'file_path.startswith(os.path.join(base, ""))', 'str(file_path).startswith(str(base) + "/")']) {
      assert.deepEqual(findings(resolved, test), [], test);
    }
    assert.deepEqual(findings('str((Path(base) / filename).resolve())', 'file_path.startswith(base + os.sep)').length, 0, 'a pathlib path resolved');
    assert.deepEqual(findings('os.path.join(base, filename)', 'os.path.abspath(file_path).startswith(base + os.sep)'), [], 'resolved where tested');
    const loose = findings(resolved, 'file_path.startswith(base)');
    assert.equal(loose.length, 1);
    assert.equal(loose[0].severity, 'warning');
    assert.match(loose[0].message, /checked with startswith against its folder without a trailing separator/);
    // Without resolving, base/../secrets.yaml begins with the base all the same.
    assert.match(findings('os.path.join(base, filename)', 'file_path.startswith(base + os.sep)')[0]?.message ?? '', /without a check/);
    // A test whose failure goes on to open the file anyway checks nothing.
    assert.equal(analyzeSnippet(source(resolved, 'file_path.startswith(base + os.sep)').replace('return web.Response(status=403)', 'print("outside")'), { rules }).findings.length, 1);
  });
  it("follows a request's token through jwt.decode when the signature is not verified, not when it is", () => {
    const view = (decode: string) =>
      `import jwt\nfrom aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass StreamView(HomeAssistantView):\n    requires_auth = False\n    url = "/api/demo/{token}"\n    name = "api:demo"\n\n    def __init__(self, secret):\n        self._secret = secret\n\n    async def get(self, request, token):\n        data = ${decode}\n        return web.FileResponse(data["path"])\n`;
    const found = (decode: string) => analyzeSnippet(view(decode), { rules }).findings.length;
    assert.equal(found('jwt.decode(token, options={"verify_signature": False})'), 1);
    assert.equal(found('jwt.decode(token, self._secret, algorithms=["HS256"])'), 0);
  });
  it("follows service data through the integration's helper that joins it onto a folder and returns the path", () => {
    const source = (helper: string) =>
      `import os\nfrom pathlib import Path\n\nimport voluptuous as vol\nimport homeassistant.helpers.config_validation as cv\n\n\ndef build_path(hass, name):\n    ${helper}\n\n\nasync def async_setup(hass, config):\n    async def handle_read(call):\n        path = build_path(hass, call.data["path"])\n        with open(path, encoding="utf-8") as handle:\n            return {"content": handle.read()}\n\n    hass.services.async_register("demo", "read", handle_read, schema=vol.Schema({vol.Required("path"): cv.string}))\n    return True\n`;
    for (const helper of ['return os.path.join("/config", name)', 'return hass.config.path("www", name)', 'return str(Path(hass.config.config_dir).joinpath(name.strip("/")))']) {
      assert.deepEqual(analyzeSnippet(source(helper), { rules }).findings.map((finding) => finding.range.start.line), [14], helper);
    }
    // A helper that keeps only the name, or checks where the path lands, hands back a safe path.
    assert.deepEqual(analyzeSnippet(source('return os.path.join("/config", os.path.basename(name))'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('path = os.path.join("/config", name)\n    if not hass.config.is_allowed_path(path):\n        raise ValueError(path)\n    return path'), { rules }).findings, []);
  });
  it("keeps a field the service schema limits to fixed values fixed when it is handed to the integration's helper", () => {
    const files = 'import os\n\n\nclass ExportFiles:\n    def __init__(self, base):\n        self._base = base\n\n    def write(self, name, text):\n        with open(os.path.join(self._base, name), "w") as handle:\n            handle.write(text)\n';
    const init = (name: string) =>
      `from pathlib import Path\n\nimport voluptuous as vol\n\nfrom .files import ExportFiles\n\nSCHEMA = vol.Schema({vol.Required("filename"): str, vol.Optional("format", default="json"): vol.In(["json", "csv"])})\n\n\nasync def async_setup(hass, config):\n    files = ExportFiles(hass.config.path("exports"))\n\n    async def handle_export(call):\n        fmt = call.data["format"]\n        await hass.async_add_executor_job(files.write, ${name}, "report")\n\n    hass.services.async_register("demo", "export", handle_export, schema=SCHEMA)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(init('f"{Path(call.data[\'filename\']).name}.{fmt}"'), { rules, otherFiles: { 'files.py': files } }).findings, []);
    assert.equal(analyzeSnippet(init('f"{call.data[\'filename\']}.{fmt}"'), { rules, otherFiles: { 'files.py': files } }).findings.length, 1);
  });
});
