import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CHECKLIST_IDS } from '../../server/src/analysis/checklist';
import { SERVER, TestClient } from './lspClient';

let workspace: string;
let initUri: string;
let manifestUri: string;

const MANIFEST = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client==1.0.0'] });
const SOURCE = ['"""Démo 😀 integration."""', 'import yaml', '', '', 'def load(text):', '    return yaml.load(text)', ''].join('\n');

function publishedFor(uri: string, test: (diagnostics: any[]) => boolean = () => true) {
  return (params: { uri: string; diagnostics: any[] }) => params.uri === uri && test(params.diagnostics);
}

describe('language server over stdio', () => {
  before(() => {
    assert.ok(fs.existsSync(SERVER), 'dist/server.js must be built (npm test builds it)');
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-lsp-'));
    const root = path.join(workspace, 'custom_components', 'demo');
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'manifest.json'), MANIFEST);
    fs.writeFileSync(path.join(root, '__init__.py'), SOURCE);
    initUri = pathToFileURL(path.join(root, '__init__.py')).toString();
    manifestUri = pathToFileURL(path.join(root, 'manifest.json')).toString();
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('pushes diagnostics to clients without pull support, and follows incremental edits', async () => {
    const client = new TestClient();
    try {
      const init = await client.initialize({ textDocument: { synchronization: {} } });
      assert.equal(init.capabilities.textDocumentSync.change, 2, 'incremental sync');
      assert.equal(init.capabilities.diagnosticProvider, undefined);

      const first = client.next('textDocument/publishDiagnostics', publishedFor(initUri, (diagnostics) => diagnostics.length > 0));
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: initUri, languageId: 'python', version: 1, text: SOURCE } });
      const { diagnostics } = await first;
      assert.equal(diagnostics.length, 1);
      const [diagnostic] = diagnostics;
      assert.equal(diagnostic.source, 'ha-security');
      assert.equal(diagnostic.code, 'unsafe-deserialization');
      assert.match(diagnostic.codeDescription.href, /unsafe-deserialization/);
      assert.equal(diagnostic.data.checklist, 'unsafe-deserialization');
      assert.deepEqual(diagnostic.range, { start: { line: 5, character: 11 }, end: { line: 5, character: 20 } });

      // Replace `yaml.load` with `yaml.safe_load` in place: the finding goes away.
      const cleared = client.next('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 0));
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: initUri, version: 2 },
        contentChanges: [{ range: { start: { line: 5, character: 16 }, end: { line: 5, character: 20 } }, text: 'safe_load' }],
      });
      await cleared;

      // Two changes in one notification, the second relative to the first; after a line of non-ASCII text.
      const again = client.next('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 1));
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: initUri, version: 3 },
        contentChanges: [
          { range: { start: { line: 0, character: 30 }, end: { line: 0, character: 30 } }, text: '\nNAME = "Zoë 🚀"; data = yaml.load(NAME)' },
          { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '    ' },
        ],
      });
      const [moved] = (await again).diagnostics;
      // Line 1 is now `    NAME = "Zoë 🚀"; data = yaml.load(NAME)`: 🚀 is two UTF-16 code units.
      assert.deepEqual(moved.range.start, { line: 1, character: 28 });

      const actions = await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: initUri },
        range: moved.range,
        context: { diagnostics: [moved] },
      });
      const titles = (actions as any[]).map((action) => action.title);
      assert.deepEqual(titles, ['Use yaml.safe_load', 'Ignore unsafe-deserialization on this line']);
      assert.equal((actions as any[])[0].isPreferred, true);
      assert.equal((actions as any[])[0].edit.documentChanges[0].textDocument.version, 3);
      assert.equal(await client.shutdown(), 0);
    } finally {
      await client.shutdown().catch(() => undefined);
    }
  });

  it('serves pulled diagnostics to clients that declare pull support', async () => {
    const client = new TestClient();
    try {
      const init = await client.initialize({ textDocument: { diagnostic: { dynamicRegistration: false } } });
      assert.ok(init.capabilities.diagnosticProvider);
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: initUri, languageId: 'python', version: 1, text: SOURCE } });
      const report: any = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: initUri } });
      assert.equal(report.kind, 'full');
      assert.deepEqual(report.items.map((item: any) => item.code), ['unsafe-deserialization']);
    } finally {
      await client.shutdown().catch(() => undefined);
    }
  });

  it('applies settings changes without a restart', async () => {
    const client = new TestClient();
    try {
      await client.initialize({ workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } });
      const first = client.next('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 1));
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: initUri, languageId: 'python', version: 1, text: SOURCE } });
      await first;
      client.configuration = { rules: { 'unsafe-deserialization': 'off' } };
      const cleared = client.next('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 0));
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await cleared;
      client.configuration = { rules: { 'unsafe-deserialization': 'hint' } };
      const hinted = client.next('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 1 && list[0].severity === 4));
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await hinted;
    } finally {
      await client.shutdown().catch(() => undefined);
    }
  });

  it('answers the checklist request with every item of the integration', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const published = client.next('textDocument/publishDiagnostics', publishedFor(initUri));
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: initUri, languageId: 'python', version: 1, text: SOURCE } });
      await published;
      const result: any[] = await client.connection.sendRequest('haSecurity/checklist', {});
      assert.equal(result.length, 1);
      assert.equal(result[0].domain, 'demo');
      assert.deepEqual(result[0].checklist.map((entry: any) => entry.id), CHECKLIST_IDS);
      assert.equal(result[0].checklist.find((entry: any) => entry.id === 'unsafe-deserialization').status, 'fail');
      assert.equal(result[0].findings[0].uri, initUri);
    } finally {
      await client.shutdown().catch(() => undefined);
    }
  });

  it('reports a malformed manifest.json as a diagnostic instead of failing', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const published = client.next('textDocument/publishDiagnostics', publishedFor(manifestUri, (list) => list.length > 0));
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: manifestUri, languageId: 'json', version: 1, text: '{"domain": "demo", "requirements": [' } });
      const { diagnostics } = await published;
      assert.equal(diagnostics[0].code, 'manifest-invalid');
      assert.match(diagnostics[0].message, /not valid JSON/);
      const python = client.next('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 1));
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: initUri, languageId: 'python', version: 1, text: SOURCE } });
      await python;
    } finally {
      await client.shutdown().catch(() => undefined);
    }
  });

  it('offers fix-all as one versioned edit', async () => {
    const client = new TestClient();
    try {
      await client.initialize({});
      const text = 'import yaml\n\n\ndef load(a, b):\n    return yaml.load(a), yaml.load(b, Loader=yaml.FullLoader)\n';
      const published = client.next('textDocument/publishDiagnostics', publishedFor(initUri, (list) => list.length === 2));
      await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: initUri, languageId: 'python', version: 7, text } });
      await published;
      const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: initUri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll.haSecurity'] },
      });
      assert.equal(actions.length, 1);
      const change = actions[0].edit.documentChanges[0];
      assert.equal(change.textDocument.version, 7);
      assert.equal(change.edits[0].newText, 'import yaml\n\n\ndef load(a, b):\n    return yaml.safe_load(a), yaml.safe_load(b)\n');
    } finally {
      await client.shutdown().catch(() => undefined);
    }
  });
});
