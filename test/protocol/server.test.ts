import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CHECKLIST, CHECKLIST_IDS } from '../../server/src/analysis/checklist';
import { SERVER, TestClient } from './lspClient';

/**
 * The bundled server (dist/server.js) over stdio, spoken to the way editors do: one client that only takes pushed
 * diagnostics, one that pulls them, settings answered through workspace/configuration or sent with the change.
 */

let workspace: string;
let initUri: string;
let manifestUri: string;
let crossInitUri: string;
let crossStoreUri: string;
let crossRootUri: string;
let toolUri: string;
let webManifestUri: string;

const MANIFEST = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client==1.0.0'] });
const SOURCE = ['"""Démo 😀 integration."""', 'import yaml', '', '', 'def load(text):', '    return yaml.load(text)', ''].join('\n');
const CROSS_MANIFEST = JSON.stringify({ domain: 'cross', name: 'Cross', iot_class: 'local_push', requirements: [], config_flow: true });
const CROSS_STORE = ['from homeassistant.helpers.storage import Store', '', '', 'def make_store(hass):', '    return Store(hass, 1, "cross.data")', ''].join('\n');
const CROSS_INIT = '"""Cross."""\n';
const CROSS_INIT_WITH_REMOVAL = ['"""Cross."""', 'from .store import make_store', '', '', 'async def async_remove_entry(hass, entry):', '    await make_store(hass).async_remove()', ''].join('\n');

type Published = { uri: string; version?: number; diagnostics: any[] };

function publishedFor(uri: string, test: (diagnostics: any[]) => boolean = () => true) {
  return (params: Published) => params.uri === uri && test(params.diagnostics);
}

function write(relative: string, text: string): string {
  const file = path.join(workspace, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return pathToFileURL(file).toString();
}

describe('language server over stdio', () => {
  before(() => {
    assert.ok(fs.existsSync(SERVER), 'dist/server.js must be built (npm test builds it)');
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-lsp-'));
    manifestUri = write('custom_components/demo/manifest.json', MANIFEST);
    initUri = write('custom_components/demo/__init__.py', SOURCE);
    write('custom_components/cross/manifest.json', CROSS_MANIFEST);
    crossInitUri = write('custom_components/cross/__init__.py', CROSS_INIT);
    crossStoreUri = write('custom_components/cross/store.py', CROSS_STORE);
    crossRootUri = pathToFileURL(path.join(workspace, 'custom_components', 'cross')).toString();
    toolUri = write('scripts/tool.py', 'import yaml\n\nCONFIG = yaml.load(open("c.yaml"))\n');
    webManifestUri = write('webapp/manifest.json', JSON.stringify({ name: 'App', start_url: '/', display: 'standalone' }));
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('pushes diagnostics to clients without pull support, and follows incremental edits in UTF-16 positions', async () => {
    const client = new TestClient();
    try {
      const init = await client.initialize({ textDocument: { synchronization: {} } });
      assert.equal(init.capabilities.textDocumentSync.change, 2, 'incremental sync');
      assert.equal(init.capabilities.diagnosticProvider, undefined, 'no pull diagnostics for a client that cannot pull');
      assert.deepEqual(init.capabilities.experimental.haSecurity.requests, ['haSecurity/checklist', 'haSecurity/scanWorkspace', 'haSecurity/exportReport']);

      const first = client.next<Published>('textDocument/publishDiagnostics', publishedFor(initUri, (diagnostics) => diagnostics.length > 0));
      await client.open(initUri, SOURCE);
      const { diagnostics, version } = await first;
      assert.equal(version, 1);
      assert.equal(diagnostics.length, 1);
      const [diagnostic] = diagnostics;
      assert.equal(diagnostic.source, 'ha-security');
      assert.equal(diagnostic.code, 'unsafe-deserialization');
      assert.equal(diagnostic.codeDescription.href, 'https://github.com/ha-integration-security/ha-integration-security/blob/main/docs/rules/unsafe-deserialization.md');
      assert.equal(diagnostic.severity, 1);
      assert.equal(diagnostic.data.checklist, 'unsafe-deserialization');
      assert.equal(diagnostic.data.fix.title, 'Use yaml.safe_load');
      assert.deepEqual(diagnostic.range, { start: { line: 5, character: 11 }, end: { line: 5, character: 20 } });

      // Replace `load` of `yaml.load` with `safe_load` in place: the finding goes away.
      const cleared = client.next<Published>('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 0));
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: initUri, version: 2 },
        contentChanges: [{ range: { start: { line: 5, character: 16 }, end: { line: 5, character: 20 } }, text: 'safe_load' }],
      });
      assert.equal((await cleared).version, 2);

      // Two changes in one notification, the second relative to the first, after and on lines of non-ASCII text.
      const again = client.next<Published>('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 1));
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: initUri, version: 3 },
        contentChanges: [
          // Line 0 is `"""Démo 😀 integration."""`: 26 UTF-16 code units (é is one, 😀 two), 29 UTF-8 bytes.
          { range: { start: { line: 0, character: 26 }, end: { line: 0, character: 26 } }, text: '\nNAME = "Zoë 🚀"; data = yaml.load(NAME)' },
          { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '    ' },
        ],
      });
      const [moved] = (await again).diagnostics;
      // Line 1 is now `    NAME = "Zoë 🚀"; data = yaml.load(NAME)`: in UTF-16, `yaml.load` starts at 28 (30 in bytes).
      assert.deepEqual(moved.range, { start: { line: 1, character: 28 }, end: { line: 1, character: 37 } });

      const actions: any[] = await client.request('textDocument/codeAction', { textDocument: { uri: initUri }, range: moved.range, context: { diagnostics: [moved] } });
      assert.deepEqual(actions.map((action) => action.title), ['Use yaml.safe_load', 'Ignore unsafe-deserialization on this line']);
      assert.equal(actions[0].isPreferred, true);
      assert.equal(actions[0].edit.documentChanges[0].textDocument.version, 3);
      // The fix rewrites `load` (after the emoji) into `safe_load`.
      assert.deepEqual(actions[0].edit.documentChanges[0].edits[0], { range: { start: { line: 1, character: 33 }, end: { line: 1, character: 37 } }, newText: 'safe_load' });

      // Closing the document clears its diagnostics in the editor.
      const closed = client.next<Published>('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 0));
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: initUri } });
      await closed;
      assert.equal(await client.shutdown(), 0, 'exit after shutdown ends the process with 0');
    } finally {
      await client.dispose();
    }
  });

  it('answers a quick fix asked right after an edit, before its diagnostics went out, with the edit\'s positions', async () => {
    const client = new TestClient();
    try {
      await client.initialize({ textDocument: { synchronization: {} } });
      const first = client.next<Published>('textDocument/publishDiagnostics', publishedFor(initUri, (diagnostics) => diagnostics.length > 0));
      await client.open(initUri, SOURCE);
      const [old] = (await first).diagnostics;
      // A line typed above the finding, and the quick fix asked for at once with the diagnostic the editor still shows.
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: initUri, version: 2 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }],
      });
      const actions: any[] = await client.request('textDocument/codeAction', { textDocument: { uri: initUri }, range: old.range, context: { diagnostics: [old] } });
      const fix = actions.find((action) => action.title === 'Use yaml.safe_load');
      assert.ok(fix, actions.map((action) => action.title).join(', '));
      assert.equal(fix.edit.documentChanges[0].textDocument.version, 2);
      assert.deepEqual(fix.edit.documentChanges[0].edits[0].range, { start: { line: 6, character: 16 }, end: { line: 6, character: 20 } });
      const ignore = actions.find((action) => /^Ignore/.test(action.title));
      assert.equal(ignore.edit.documentChanges[0].edits[0].range.start.line, 6);
      assert.equal(await client.shutdown(), 0);
    } finally {
      await client.dispose();
    }
  });

  it('refuses requests after shutdown (only exit may follow), and starts no work for them', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      await client.request('shutdown', null);
      for (const method of ['haSecurity/checklist', 'haSecurity/scanWorkspace', 'haSecurity/exportReport']) {
        await assert.rejects(client.request(method, {}), (error: { code?: number }) => error.code === -32600, method);
      }
    } finally {
      await client.dispose();
    }
  });

  it('serves pulled diagnostics to clients that declare pull support', async () => {
    const client = new TestClient();
    try {
      const init = await client.initialize({ textDocument: { diagnostic: { dynamicRegistration: false } } });
      assert.equal(init.capabilities.diagnosticProvider.interFileDependencies, true);
      await client.open(initUri, SOURCE);
      const report: any = await client.request('textDocument/diagnostic', { textDocument: { uri: initUri } });
      assert.equal(report.kind, 'full');
      assert.deepEqual(report.items.map((item: any) => [item.code, item.source, item.data.checklist]), [['unsafe-deserialization', 'ha-security', 'unsafe-deserialization']]);

      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: initUri, version: 2 },
        contentChanges: [{ range: { start: { line: 5, character: 16 }, end: { line: 5, character: 20 } }, text: 'safe_load' }],
      });
      const after: any = await client.request('textDocument/diagnostic', { textDocument: { uri: initUri } });
      assert.deepEqual(after.items, [], 'the pull right after a change sees the changed text');
      assert.equal(client.count('textDocument/publishDiagnostics'), 0, 'a pull client gets nothing pushed');
      assert.equal(await client.shutdown(), 0);
    } finally {
      await client.dispose();
    }
  });

  it('applies settings from workspace/configuration without a restart, and asks pull clients to refresh', async () => {
    const client = new TestClient();
    try {
      await client.initialize({
        textDocument: { diagnostic: {} },
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, diagnostics: { refreshSupport: true } },
      });
      await client.next('client/registerCapability', (params: any) => params.registrations[0].method === 'workspace/didChangeConfiguration');
      await client.open(initUri, SOURCE);
      const pull = () => client.request<any>('textDocument/diagnostic', { textDocument: { uri: initUri } });
      assert.equal((await pull()).items.length, 1);
      const asked = client.received.find((message) => message.method === 'workspace/configuration');
      assert.deepEqual(asked?.params.items, [{ scopeUri: initUri, section: 'haSecurity' }], 'settings are asked per resource');

      client.configuration = { rules: { 'unsafe-deserialization': 'off' } };
      const refreshed = client.next('workspace/diagnostic/refresh');
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await refreshed;
      assert.deepEqual((await pull()).items, []);

      // A checklist id sets the level of all its rules; a value that is no level, or an id that is no rule's or
      // checklist item's, is ignored with a warning.
      client.configuration = { rules: { 'unsafe-deserialization': 'hint', 'tls-verification': 'critical', 'unsafe-deserialisation': 'off' } };
      const warned = client.next('window/logMessage', (params: any) => params.message.includes('haSecurity.rules["tls-verification"]: "critical"'));
      const typo = client.next('window/logMessage', (params: any) => params.message.includes('"unsafe-deserialisation" is neither a rule id nor a checklist id'));
      const again = client.next('workspace/diagnostic/refresh');
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await again;
      await warned;
      await typo;
      assert.deepEqual((await pull()).items.map((item: any) => item.severity), [4]);

      client.configuration = { enable: false };
      const disabled = client.next('workspace/diagnostic/refresh');
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await disabled;
      assert.deepEqual((await pull()).items, []);
    } finally {
      await client.dispose();
    }
  });

  it('does not send a refresh to a pull client that cannot take one', async () => {
    const client = new TestClient();
    try {
      await client.initialize({ textDocument: { diagnostic: {} }, workspace: { configuration: true } });
      await client.open(initUri, SOURCE);
      assert.equal((await client.request<any>('textDocument/diagnostic', { textDocument: { uri: initUri } })).items.length, 1);
      client.configuration = { rules: { 'unsafe-deserialization': 'off' } };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      assert.deepEqual((await client.request<any>('textDocument/diagnostic', { textDocument: { uri: initUri } })).items, []);
      // Messages arrive in order: a refresh sent while re-analysing would have come before the answer above.
      assert.equal(client.count('workspace/diagnostic/refresh'), 0);
    } finally {
      await client.dispose();
    }
  });

  it('takes settings sent with didChangeConfiguration from clients without workspace/configuration; scope decides lone files', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const ignored = client.next<Published>('textDocument/publishDiagnostics', publishedFor(toolUri));
      await client.open(toolUri, 'import yaml\n\nCONFIG = yaml.load(open("c.yaml"))\n');
      assert.deepEqual((await ignored).diagnostics, [], 'by default a file outside an integration gets no findings');

      const all = client.next<Published>('textDocument/publishDiagnostics', publishedFor(toolUri, (list) => list.length > 0));
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { haSecurity: { scope: 'all' } } });
      const { diagnostics } = await all;
      assert.deepEqual(diagnostics.map((item: any) => [item.code, item.range.start.line]), [['unsafe-deserialization', 2]]);
      assert.equal(client.count('workspace/configuration'), 0, 'the client said it cannot answer workspace/configuration');
    } finally {
      await client.dispose();
    }
  });

  it('re-analyses the other open files of an integration when one changes, editor text over disk', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const stored = client.next<Published>('textDocument/publishDiagnostics', publishedFor(crossStoreUri, (list) => list.length === 1));
      await client.open(crossStoreUri, CROSS_STORE);
      assert.equal((await stored).diagnostics[0].code, 'persisted-data-not-removed');

      await client.open(crossInitUri, CROSS_INIT);
      // Unsaved edit of __init__.py (the disk copy still lacks async_remove_entry): store.py's finding goes away.
      const cleared = client.next<Published>('textDocument/publishDiagnostics', publishedFor(crossStoreUri, (list) => list.length === 0));
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: crossInitUri, version: 2 }, contentChanges: [{ text: CROSS_INIT_WITH_REMOVAL }] });
      await cleared;

      // Closed without saving: store.py is judged against the disk copy again.
      const back = client.next<Published>('textDocument/publishDiagnostics', publishedFor(crossStoreUri, (list) => list.length === 1));
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: crossInitUri } });
      await back;
    } finally {
      await client.dispose();
    }
  });

  it("publishes an edited file's diagnostics before checking the rest of its integration, whose results follow", async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      // store.py opens first, so a run over the open files in order would publish it first.
      const stored = client.next<Published>('textDocument/publishDiagnostics', publishedFor(crossStoreUri, (list) => list.length === 1));
      await client.open(crossStoreUri, CROSS_STORE);
      await stored;
      const opened = client.next<Published>('textDocument/publishDiagnostics', publishedFor(crossInitUri));
      await client.open(crossInitUri, CROSS_INIT);
      await opened;
      // Answered once everything queued is analysed: what the opening announced has arrived by then.
      await client.request('haSecurity/checklist', {});

      const mark = client.received.length;
      const cleared = client.next<Published>('textDocument/publishDiagnostics', publishedFor(crossStoreUri, (list) => list.length === 0));
      const announced = client.next('haSecurity/checklistChanged');
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: crossInitUri, version: 2 }, contentChanges: [{ text: CROSS_INIT_WITH_REMOVAL }] });
      await cleared;
      await announced;
      // The checklist is announced once the whole integration is checked, not after the edited file alone.
      const order = client.received
        .slice(mark)
        .filter((message) => message.method === 'textDocument/publishDiagnostics' || message.method === 'haSecurity/checklistChanged')
        .map((message) => (message.method === 'haSecurity/checklistChanged' ? 'checklist' : `${path.basename(message.params.uri)} v${message.params.version}`));
      assert.deepEqual(order, ['__init__.py v2', 'store.py v1', 'checklist']);
      const [checklist] = await client.request<any[]>('haSecurity/checklist', { uri: crossInitUri });
      assert.equal(checklist.checklist.find((entry: any) => entry.id === 'data-deletion').status, 'pass');
    } finally {
      await client.dispose();
    }
  });

  it('re-analyses open files when a closed file of their integration changes on disk', async () => {
    const client = new TestClient();
    const initPath = path.join(workspace, 'custom_components', 'cross', '__init__.py');
    try {
      await client.initialize({});
      const stored = client.next<Published>('textDocument/publishDiagnostics', publishedFor(crossStoreUri, (list) => list.length === 1));
      await client.open(crossStoreUri, CROSS_STORE);
      await stored;
      fs.writeFileSync(initPath, CROSS_INIT_WITH_REMOVAL);
      const cleared = client.next<Published>('textDocument/publishDiagnostics', publishedFor(crossStoreUri, (list) => list.length === 0));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: crossInitUri, type: 2 }] });
      await cleared;
    } finally {
      fs.writeFileSync(initPath, CROSS_INIT);
      await client.dispose();
    }
  });

  it('asks a pull client to refresh when an edit changes the findings of another open file', async () => {
    const client = new TestClient();
    try {
      await client.initialize({ textDocument: { diagnostic: {} }, workspace: { diagnostics: { refreshSupport: true } } });
      await client.open(crossStoreUri, CROSS_STORE);
      await client.open(crossInitUri, CROSS_INIT);
      const pull = (uri: string) => client.request<any>('textDocument/diagnostic', { textDocument: { uri } });
      assert.equal((await pull(crossStoreUri)).items.length, 1);
      assert.deepEqual((await pull(crossInitUri)).items, []);
      assert.equal(client.count('workspace/diagnostic/refresh'), 0, 'opening files alone needs no refresh');

      const refreshed = client.next('workspace/diagnostic/refresh');
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: crossInitUri, version: 2 }, contentChanges: [{ text: CROSS_INIT_WITH_REMOVAL }] });
      // Pulled at once, before the refresh: the answer waits for the sibling's analysis of the edit.
      assert.deepEqual((await pull(crossStoreUri)).items, []);
      await refreshed;
      assert.deepEqual((await pull(crossStoreUri)).items, []);
    } finally {
      await client.dispose();
    }
  });

  it('answers the checklist request with every item of the open integrations, and announces changes', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const changed = client.next('haSecurity/checklistChanged');
      await client.open(initUri, SOURCE);
      await changed;
      const result: any[] = await client.request('haSecurity/checklist', {});
      assert.deepEqual(result.map((entry) => entry.domain), ['demo'], 'only integrations with an open document');
      assert.equal(result[0].root, pathToFileURL(path.join(workspace, 'custom_components', 'demo')).toString());
      assert.deepEqual(result[0].checklist.map((entry: any) => entry.id), CHECKLIST_IDS);
      assert.deepEqual(result[0].checklist.map((entry: any) => entry.title), CHECKLIST.map((item) => item.title));
      assert.equal(result[0].checklist.find((entry: any) => entry.id === 'unsafe-deserialization').status, 'fail');
      assert.deepEqual(result[0].findings, [
        {
          uri: initUri,
          range: { start: { line: 5, character: 11 }, end: { line: 5, character: 20 } },
          rule: 'unsafe-deserialization',
          checklist: 'unsafe-deserialization',
          severity: 'error',
          message: result[0].findings[0].message,
        },
      ]);

      // An integration without open documents, named by its folder, is analysed from disk.
      const cross: any[] = await client.request('haSecurity/checklist', { uri: crossRootUri });
      assert.deepEqual(cross.map((entry) => entry.domain), ['cross']);
      assert.equal(cross[0].checklist.find((entry: any) => entry.id === 'data-deletion').status, 'fail');
      assert.equal(cross[0].findings[0].uri, crossStoreUri);
      assert.deepEqual(await client.request('haSecurity/checklist', { uri: toolUri }), [], 'a lone file has no integration');

      const closedChange = client.next('haSecurity/checklistChanged');
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: initUri } });
      await closedChange;
      assert.deepEqual(await client.request('haSecurity/checklist', {}), [], 'closing the last file drops the integration');
    } finally {
      await client.dispose();
    }
  });

  it('reports a malformed manifest.json as a diagnostic and keeps serving', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const published = client.next<Published>('textDocument/publishDiagnostics', publishedFor(manifestUri, (list) => list.length > 0));
      await client.open(manifestUri, '{"domain": "demo", "requirements": [');
      const { diagnostics } = await published;
      assert.equal(diagnostics.length, 1);
      assert.equal(diagnostics[0].code, 'manifest-invalid');
      assert.equal(diagnostics[0].source, 'ha-security');
      assert.match(diagnostics[0].message, /not valid JSON/);
      const python = client.next<Published>('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 1));
      await client.open(initUri, SOURCE);
      await python;

      // Fixing the manifest in the editor clears the problem.
      const fixed = client.next<Published>('textDocument/publishDiagnostics', publishedFor(manifestUri, (list) => list.length === 0));
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: manifestUri, version: 2 }, contentChanges: [{ text: MANIFEST }] });
      await fixed;
      assert.equal(await client.shutdown(), 0);
    } finally {
      await client.dispose();
    }
  });

  it('leaves a manifest.json that is not an integration\'s alone', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const published = client.next<Published>('textDocument/publishDiagnostics', publishedFor(webManifestUri));
      await client.open(webManifestUri, '{"name": "App", "start_url": "/", ');
      assert.deepEqual((await published).diagnostics, []);
      assert.deepEqual(await client.request('haSecurity/checklist', {}), []);
    } finally {
      await client.dispose();
    }
  });

  it('survives what a confused client sends', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const unknown = 'file:///nowhere/custom_components/ghost/__init__.py';
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri: unknown, version: 2 }, contentChanges: [{ text: 'x = 1' }] });
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: unknown } });
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'python', version: 1, text: 'eval(input())\n' } });
      // A range past the end of the document and a reversed range.
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: 'untitled:Untitled-1', version: 2 },
        contentChanges: [
          { range: { start: { line: 40, character: 3 }, end: { line: 41, character: 0 } }, text: '# end\n' },
          { range: { start: { line: 0, character: 5 }, end: { line: 0, character: 1 } }, text: '' },
        ],
      });
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { haSecurity: { rules: 'all of them', scope: 42 } } });
      assert.deepEqual(await client.request('textDocument/codeAction', { textDocument: { uri: unknown }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), []);
      assert.deepEqual(await client.request('haSecurity/checklist', { uri: 'not a uri' }), []);
      assert.deepEqual(await client.request('haSecurity/checklist', null), []);
      const published = client.next<Published>('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 1));
      await client.open(initUri, SOURCE);
      await published;
      assert.equal(await client.shutdown(), 0, 'still alive and shutting down cleanly');
    } finally {
      await client.dispose();
    }
  });

  it('starts exactly one server from the CLI bundle (`ha-security server --stdio`)', async () => {
    // The CLI bundle is itself `require.main` when it loads the server module; two servers on one stdin would
    // answer every request twice.
    const cli = path.join(path.dirname(SERVER), 'cli.js');
    const frame = (message: object) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    };
    const child = spawn(process.execPath, [cli, 'server', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('exit', resolve);
      setTimeout(() => {
        child.kill();
        reject(new Error(`the CLI server did not exit within 10 s; stdout: ${stdout.slice(0, 500)}`));
      }, 10000).unref();
    });
    child.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
    child.stdin.write(frame({ method: 'initialized', params: {} }));
    child.stdin.write(frame({ id: 2, method: 'shutdown', params: null }));
    child.stdin.write(frame({ method: 'exit', params: null }));
    assert.equal(await exited, 0);
    assert.equal(stdout.match(/"id":1,"result"/g)?.length, 1, `one answer to initialize; stdout: ${stdout.slice(0, 500)}`);
  });

  it('offers fix-all as one versioned edit', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const text = 'import yaml\n\n\ndef load(a, b):\n    return yaml.load(a), yaml.load(b, Loader=yaml.FullLoader)\n';
      const published = client.next<Published>('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 2));
      await client.open(initUri, text, 7);
      await published;
      const actions: any[] = await client.request('textDocument/codeAction', {
        textDocument: { uri: initUri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll.haSecurity'] },
      });
      assert.equal(actions.length, 1);
      const change = actions[0].edit.documentChanges[0];
      assert.equal(change.textDocument.version, 7);
      assert.equal(change.edits[0].newText, 'import yaml\n\n\ndef load(a, b):\n    return yaml.safe_load(a), yaml.safe_load(b)\n');
    } finally {
      await client.dispose();
    }
  });
});
