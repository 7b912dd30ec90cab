import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sqlStringBuilt } from '../../../server/src/analysis/rules/sqlStringBuilt';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [sqlStringBuilt];

describe('sql-string-built', () => {
  before(setup);

  for (const fixture of fixtureFiles('sql-string-built')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('reports SQL a caller builds for a helper of the module that executes it, at each caller', () => {
    const source = [
      'import sqlite3',
      '',
      '',
      'def execute_sql(query, params=()):',
      '    connection = sqlite3.connect("/config/data.db")',
      '    connection.cursor().execute(query, params)',
      '',
      '',
      'def setup(hass, config):',
      '    def delete(call):',
      '        execute_sql(f"DELETE FROM {call.data[\'table\']} WHERE id = ?", (call.data["id"],))',
      '',
      '    def count(call):',
      '        execute_sql("SELECT COUNT(*) FROM " + call.data["table"])',
      '',
      '    def fixed(call):',
      '        execute_sql("SELECT 1")',
      '',
      '    hass.services.register("demo", "delete", delete)',
      '    hass.services.register("demo", "count", count)',
      '    hass.services.register("demo", "fixed", fixed)',
      '    return True',
      '',
    ].join('\n');
    const findings = analyzeSnippet(source, { rules }).findings;
    assert.deepEqual(findings.map((finding) => [finding.range.start.line, finding.severity]), [[10, 'error'], [13, 'error']]);
  });

  it('knows statements that name a database file (ATTACH, VACUUM INTO) as SQL', () => {
    const source = (statement: string) => `import sqlite3 as sq\n\n\ndef handle(call):\n    conn = sq.connect("/config/demo.db")\n    conn.executescript(f"${statement}")\n`;
    assert.equal(analyzeSnippet(source("ATTACH DATABASE '{call.data['name']}' AS extra;"), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source("VACUUM INTO '{call.data['path']}'"), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('VACUUM'), { rules }).findings, []);
  });

  it("takes a class constant read through self (self.TABLE) for a constant, unless a method assigns it", () => {
    const source = (extra: string) =>
      `import sqlite3\n\n\nclass Lookup:\n    TABLE = "kv"\n\n    def __init__(self, path, table):\n        self.db = sqlite3.connect(path)\n${extra}\n    def find(self, key):\n        return self.db.execute(f"SELECT v FROM {self.TABLE} WHERE k = ?", (key,)).fetchall()\n`;
    assert.deepEqual(analyzeSnippet(source(''), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('        self.TABLE = table\n'), { rules }).findings.length, 1);
  });

  it('takes a value looked up in a constant table for a constant, whatever the key', () => {
    const source = (table: string, lookup: string) =>
      `import sqlite3\n\n${table}\n\n\ndef query(conn: sqlite3.Connection, order: str):\n    order_by = ${lookup}\n    return conn.execute(f"SELECT ts FROM samples ORDER BY {order_by}").fetchall()\n`;
    const table = 'SORT_COLUMNS = {"newest": "ts DESC", "oldest": "ts ASC"}';
    assert.deepEqual(analyzeSnippet(source(table, 'SORT_COLUMNS[order]'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source(table, 'SORT_COLUMNS.get(order, "ts DESC")'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('COLUMNS = ("ts", "value")', 'COLUMNS[int(order)]'), { rules }).findings, []);
    // A table defined in const.py.
    assert.deepEqual(analyzeSnippet(source('from .const import SORT_COLUMNS', 'SORT_COLUMNS[order]'), { rules, otherFiles: { 'const.py': table + '\n' } }).findings, []);
    // A table holding a value from elsewhere, a default that is not constant, or a table filled at run time is no constant.
    assert.equal(analyzeSnippet(source('SORT_COLUMNS = {"newest": "ts DESC", "custom": input()}', 'SORT_COLUMNS[order]'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source(table, 'SORT_COLUMNS.get(order, order)'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(source('SORT_COLUMNS = {}\nSORT_COLUMNS = dict(load())', 'SORT_COLUMNS[order]'), { rules }).findings.length, 1);
  });

  it("takes a model class's table name for a constant, not an object's attribute", () => {
    const source = (name: string) =>
      `from sqlalchemy import text\n\nfrom .models import Reading\n\n\ndef drop_id_column(engine, reading):\n    with engine.begin() as con:\n        con.execute(text(f"ALTER TABLE {${name}} DROP COLUMN id"))\n`;
    const models = { 'models.py': 'class Reading:\n    __tablename__ = "readings"\n' };
    assert.deepEqual(analyzeSnippet(source('Reading.__tablename__'), { rules, otherFiles: models }).findings, []);
    assert.equal(analyzeSnippet(source('reading.table'), { rules, otherFiles: models }).findings.length, 1);
    // An all-caps class name (`class LTSS(Base)`) is the integration's class, here or imported; an all-caps constant is not.
    const caps = source('LTSS.__tablename__').replace('from .models import Reading', 'from .models import LTSS');
    assert.deepEqual(analyzeSnippet(caps, { rules, otherFiles: { 'models.py': 'class LTSS:\n    __tablename__ = "ltss"\n' } }).findings, []);
    const local = `class LTSS:\n    __tablename__ = "ltss"\n\n\n${source('LTSS.__tablename__').replace('from .models import Reading\n', '')}`;
    assert.deepEqual(analyzeSnippet(local, { rules }).findings, []);
    assert.equal(analyzeSnippet(caps, { rules, otherFiles: { 'models.py': 'LTSS = make_model()\n' } }).findings.length, 1);
  });

  it('takes a list of placeholders built from constant markers for a constant', () => {
    const source = (built: string) =>
      `import sqlite3\n\n\ndef prune(conn: sqlite3.Connection, ids: list[str]):\n    marks = ${built}\n    conn.execute(f"DELETE FROM files WHERE id NOT IN ({marks})", ids)\n`;
    for (const built of ['",".join("?" * len(ids))', '", ".join(["?"] * len(ids))', '", ".join("?" for _ in ids)', '",".join(["%s" for _ in range(len(ids))])']) {
      assert.deepEqual(analyzeSnippet(source(built), { rules }).findings, [], built);
    }
    // The values themselves, joined in, are not placeholders.
    for (const built of ['",".join(ids)', '",".join(f"\'{i}\'" for i in ids)', '",".join(ids * 2)']) {
      assert.equal(analyzeSnippet(source(built), { rules }).findings.length, 1, built);
    }
  });

  it('reports a statement taken whole from a service call, where a SQL driver runs it', () => {
    const source = (imports: string, run: string) =>
      `${imports}\n\n\nasync def async_setup(hass, config):\n    def run(call):\n        return ${run}\n\n    hass.services.async_register("demo", "run", run)\n    return True\n`;
    const [finding] = analyzeSnippet(source('import sqlite3', 'sqlite3.connect(hass.config.path("demo.db")).execute(call.data["statement"]).fetchall()'), { rules }).findings;
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /runs SQL taken whole from service call data/);
    // A GraphQL client's execute runs no SQL.
    assert.deepEqual(analyzeSnippet(source('from gql import Client, gql', 'Client().execute(gql(call.data["query"]))'), { rules }).findings, []);
  });

  it('grades severity by where the interpolated value comes from', () => {
    const findings = assertFixture(fixtureFiles('sql-string-built').find((file) => file.endsWith('bad.py'))!, rules);
    const byLine = new Map(findings.map((finding) => [finding.range.start.line + 1, finding.severity]));
    assert.equal(byLine.get(15), 'error', 'service data');
    assert.equal(byLine.get(26), 'warning', 'a parameter of unknown origin');
    assert.equal(byLine.get(30), 'info', 'an integer conversion');
  });

  it('suggests bound parameters for sqlite, dropping the quotes around the value', () => {
    const source = [
      'import sqlite3',
      '',
      '',
      'def read(cursor, meter):',
      '    cursor.execute(f"SELECT value FROM readings WHERE meter = \'{meter}\' AND day = {day}")',
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(source, { rules }).findings;
    const [suggestion] = finding.suggestions ?? [];
    assert.equal(suggestion.safe, false);
    const fixed = applyEdits(source, suggestion.edits);
    assert.equal(fixed.split('\n')[4], '    cursor.execute("SELECT value FROM readings WHERE meter = ? AND day = ?", (meter, day))');
    const tree = parsePython(fixed);
    assert.equal(tree.rootNode.hasError, false);
    tree.delete();
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
  });

  it('keeps constant table names in the text when it binds the values (drivers bind values, never names)', () => {
    const source = 'import sqlite3\n\nTABLE = "readings"\n\n\ndef prune(conn: sqlite3.Connection, meter):\n    conn.execute(f"DELETE FROM {TABLE} WHERE meter = \'{meter}\'")\n';
    const [suggestion] = analyzeSnippet(source, { rules }).findings[0].suggestions ?? [];
    const fixed = applyEdits(source, suggestion.edits);
    assert.equal(fixed.split('\n')[6], '    conn.execute(f"DELETE FROM {TABLE} WHERE meter = ?", (meter,))');
    assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
  });

  it("offers no placeholder rewrite inside SQLAlchemy's text(), which takes the statement alone", () => {
    const source = 'import psycopg2\nfrom sqlalchemy import text\n\n\ndef set_interval(con, table, interval):\n    con.execute(text(f"SELECT set_chunk_time_interval(\'{table}\', {interval})"))\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.ok(finding);
    assert.equal(finding.suggestions, undefined);
  });

  it('offers no placeholder rewrite when the driver style is unknown', () => {
    const source = 'def read(cursor, meter):\n    cursor.execute(f"SELECT value FROM readings WHERE meter = {meter}")\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.equal(finding.suggestions, undefined);
  });

  it('follows service data through a helper that only reshapes it, not through one that validates it', () => {
    const source = (helper: string) =>
      `import sqlite3\n\nDOMAIN = "purge"\n\n\n${helper}\n\n\nasync def async_setup(hass, config):\n    def purge(call):\n        entity_id = _clean(call.data["entity_id"])\n        sqlite3.connect("states.db").execute(f"DELETE FROM states WHERE entity_id = '{entity_id}'")\n\n    hass.services.async_register(DOMAIN, "purge", purge)\n    return True\n`;
    const found = analyzeSnippet(source('def _clean(raw):\n    return raw.strip().lower()'), { rules }).findings;
    assert.equal(found.length, 1);
    assert.match(found[0].message, /interpolating `entity_id` from untrusted input/);
    const validated = analyzeSnippet(source('def _clean(raw):\n    return cv.entity_id(raw)'), { rules }).findings;
    assert.doesNotMatch(validated[0]?.message ?? '', /from untrusted input/);
  });

  it("asks for a review of an administrator's own query from a config flow form, and reports one from service data", () => {
    const flow = `import sqlite3\n\nfrom homeassistant import config_entries\n\n\nclass SqlFlow(config_entries.ConfigFlow, domain="sqlq"):\n    async def async_step_user(self, user_input=None):\n        if user_input is not None:\n            sqlite3.connect("states.db").execute(user_input["query"])\n            return self.async_create_entry(title="SQL", data=user_input)\n        return self.async_show_form(step_id="user")\n`;
    const result = analyzeSnippet(flow, { rules, fileName: 'config_flow.py' });
    assert.deepEqual(result.findings, []);
    const item = result.checklist.find((entry) => entry.id === 'sql-injection');
    assert.equal(item?.status, 'review');
    assert.match(item?.note ?? '', /only an administrator can enter it/);
    const service = `import sqlite3\n\nDOMAIN = "sqlq"\n\n\nasync def async_setup(hass, config):\n    def run(call):\n        sqlite3.connect("states.db").execute(call.data["query"])\n\n    hass.services.async_register(DOMAIN, "run", run)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(service, { rules }).findings.map((finding) => finding.severity), ['error']);
  });

  it('reads what a function appends to a list it joins into SQL', () => {
    const source = (added: string) =>
      `import sqlite3\n\n\ndef update_profile(conn: sqlite3.Connection, profile_id, **kwargs):\n    fields = []\n    values = []\n    for key, value in kwargs.items():\n        fields.append(${added})\n        values.append(value)\n    conn.execute(f"UPDATE profiles SET {', '.join(fields)} WHERE id = ?", (*values, profile_id))\n`;
    assert.equal(analyzeSnippet(source('f"{key} = ?"'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('"name = ?"'), { rules }).findings, []);
    const placeholders = 'import sqlite3\n\n\ndef delete(conn: sqlite3.Connection, ids):\n    marks = []\n    for _ in ids:\n        marks.append("?")\n    marks += ["?"]\n    conn.execute(f"DELETE FROM items WHERE id IN ({",".join(marks)})", (*ids, 0))\n';
    assert.deepEqual(analyzeSnippet(placeholders, { rules }).findings, []);
  });

  it("reports SQL text built in one module and run by the integration's helper in another, where it is built", () => {
    const database = 'import sqlite3\n\n\ndef execute(hass, query, params=()):\n    conn = sqlite3.connect(hass.config.path(".storage", "demo.db"))\n    conn.cursor().execute(query, params)\n    conn.commit()\n';
    const profiles = (query: string) =>
      `from .database import execute\n\n\nclass ProfileManager:\n    def __init__(self, hass):\n        self.hass = hass\n\n    def rename(self, profile_id, column, value):\n        query = ${query}\n        execute(self.hass, query, (value, profile_id))\n`;
    const findings = (query: string) => analyzeSnippet(profiles(query), { rules, fileName: 'profiles.py', otherFiles: { 'database.py': database } }).findings;
    assert.deepEqual(findings('f"UPDATE profiles SET {column} = ? WHERE id = ?"').map((finding) => [finding.path.split('/').pop(), finding.range.start.line]), [['profiles.py', 9]]);
    assert.deepEqual(findings('"UPDATE profiles SET name = ? WHERE id = ?"'), []);
  });

  it('reports SQL rendered from a template, and asks for a review of a statement no caller shows', () => {
    const rendered = (args: string) =>
      `import sqlite3\n\nfrom homeassistant.helpers.template import Template\n\n\ndef run_query(hass, db_url, function, arguments, call):\n    query = function.get("query", "{{query}}")\n    q = Template(query, hass).async_render(${args})\n    conn = sqlite3.connect(db_url, uri=True)\n    return conn.cursor().execute(q).fetchall()\n`;
    assert.deepEqual(analyzeSnippet(rendered('arguments'), { rules }).findings.map((finding) => finding.severity), ['warning']);
    const handed = (caller: string) => `import sqlite3\n\n\ndef run_query(db_url, q):\n    conn = sqlite3.connect(db_url, uri=True)\n    return conn.execute(q).fetchall()\n${caller}`;
    const status = (caller: string) => analyzeSnippet(handed(caller), { rules }).checklist.find((item) => item.id === 'sql-injection');
    assert.equal(status('')?.status, 'review');
    assert.match(status('')?.note ?? '', /run_query/);
    assert.equal(status('\n\ndef count(db_url):\n    return run_query(db_url, "SELECT COUNT(*) FROM states")\n')?.status, 'pass');
  });

  it('lets a column picked from a fixed list by the service schema (vol.In) into the SQL text', () => {
    const source = (schema: string) =>
      `import sqlite3\n\nimport voluptuous as vol\n\nSORT_COLUMNS = ["last_updated", "state"]\nSCHEMA = vol.Schema({vol.Required("order_by"): ${schema}})\n\n\nasync def async_setup(hass, config):\n    def latest(call):\n        order_by = call.data["order_by"]\n        with sqlite3.connect(hass.config.path("home-assistant_v2.db")) as conn:\n            return conn.execute(f"SELECT state FROM states ORDER BY {order_by} DESC LIMIT 10").fetchall()\n\n    hass.services.async_register("history", "latest", latest, schema=SCHEMA)\n    return True\n`;
    assert.deepEqual(analyzeSnippet(source('vol.In(SORT_COLUMNS)'), { rules }).findings, []);
    assert.equal(analyzeSnippet(source('str'), { rules }).findings.length, 1);
  });
});
