import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import { TestClient } from './lspClient';

/** The server under odd input and busy editing: skipped files say so, superseded work is dropped or cancelled. */

const MANIFEST = JSON.stringify({ domain: 'demo', name: 'Demo', iot_class: 'cloud_polling', requirements: ['demo-client==1.0.0'] });
const VULNERABLE = 'import pickle\n\n\ndef load(blob):\n    return pickle.loads(blob)\n';
let workspace: string;

type Published = { uri: string; version?: number; diagnostics: any[] };

function write(relative: string, text: string): string {
  const file = path.join(workspace, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return pathToFileURL(file).toString();
}

describe('language server reliability', () => {
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-reliability-'));
    write('custom_components/demo/manifest.json', MANIFEST);
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('skips a minified document with an Information diagnostic at line 0 saying why, and analyses it once it is not', async () => {
    const uri = write('custom_components/demo/bundle.py', '');
    const client = new TestClient();
    try {
      await client.initialize({ textDocument: { synchronization: {} } });
      const minified = `import pickle; DATA = [${'1,'.repeat(6000)}]; pickle.loads(DATA)\n`;
      const skipped = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === uri);
      await client.open(uri, minified);
      const { diagnostics } = await skipped;
      assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
      assert.equal(diagnostics[0].severity, 3, 'Information');
      assert.equal(diagnostics[0].code, 'file-skipped');
      assert.deepEqual(diagnostics[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
      assert.match(diagnostics[0].message, /^Not analysed: looks minified or generated \(a line of 12,044 characters; the limit is 10,000\); exclude it \(pyproject\.toml \[tool\.ha-security\] exclude, or the haSecurity\.exclude setting\) to silence this\.$/);

      const analysed = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === uri && params.version === 2);
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: VULNERABLE }] });
      assert.deepEqual((await analysed).diagnostics.map((diagnostic: any) => diagnostic.code), ['unsafe-deserialization']);
    } finally {
      await client.dispose();
    }
  });

  it('analyses only the newest of edits that arrive together: v3 is published, v2 never computed', async () => {
    const uri = write('custom_components/demo/burst.py', VULNERABLE);
    const client = new TestClient();
    try {
      await client.initialize({ textDocument: { synchronization: {} } });
      const opened = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === uri);
      await client.open(uri, VULNERABLE);
      assert.equal((await opened).version, 1);
      const third = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === uri && params.version === 3);
      // v2 removes the finding, v3 brings it back: had v2 been analysed, its empty list would have been published.
      client.sendTogether([
        { method: 'textDocument/didChange', params: { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 4, character: 18 }, end: { line: 4, character: 23 } }, text: 'dumps' }] } },
        { method: 'textDocument/didChange', params: { textDocument: { uri, version: 3 }, contentChanges: [{ range: { start: { line: 4, character: 18 }, end: { line: 4, character: 23 } }, text: 'loads' }] } },
      ]);
      assert.deepEqual((await third).diagnostics.map((diagnostic: any) => diagnostic.code), ['unsafe-deserialization']);
      // A checklist request answers after every queued analysis, so anything published for v2 would be here by now.
      await client.request('haSecurity/checklist', {});
      const versions = client.received.filter((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === uri).map((message) => message.params.version);
      assert.deepEqual(versions, [1, 3]);
    } finally {
      await client.dispose();
    }
  });

  /** A pull client whose analyses can be held: settings are asked again after a configuration change. */
  async function heldPullClient(uri: string): Promise<{ client: TestClient; release: () => void }> {
    const client = new TestClient();
    await client.initialize({ textDocument: { diagnostic: {}, synchronization: {} }, workspace: { configuration: true } });
    await client.open(uri, VULNERABLE);
    const first = await client.request('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(first.items.map((item: any) => item.code), ['unsafe-deserialization']);
    const release = client.holdConfiguration();
    const asked = client.next('workspace/configuration');
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await asked;
    return { client, release };
  }

  async function errorOf(promise: Promise<unknown>): Promise<ResponseError<any>> {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof ResponseError, String(error));
      return error;
    }
    assert.fail('the request was answered instead of cancelled');
  }

  it('answers a pull or fix-all request the client cancelled with RequestCancelled', async () => {
    const uri = write('custom_components/demo/cancel.py', VULNERABLE);
    const { client, release } = await heldPullClient(uri);
    try {
      // The analysis waits for settings, so both requests are pending when their $/cancelRequest arrives.
      const pullSource = new CancellationTokenSource();
      const fixAllSource = new CancellationTokenSource();
      const pulled = errorOf(client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, pullSource.token));
      const fixAll = errorOf(client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } }, fixAllSource.token));
      pullSource.cancel();
      fixAllSource.cancel();
      // Written after the cancellations, so the server handles them before its analysis gets its settings.
      release();
      assert.equal((await pulled).code, -32800, 'RequestCancelled');
      assert.equal((await fixAll).code, -32800, 'RequestCancelled');
    } finally {
      release();
      await client.dispose();
    }
  });

  it('answers a pull with ServerCancelled (retrigger) and fix-all with ContentModified when a newer version arrives first', async () => {
    const uri = write('custom_components/demo/superseded.py', VULNERABLE);
    const { client, release } = await heldPullClient(uri);
    try {
      const pulled = errorOf(client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }));
      const fixAll = errorOf(client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll'] } }));
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }] });
      release();
      const pullError = await pulled;
      assert.equal(pullError.code, -32802, 'ServerCancelled');
      assert.deepEqual(pullError.data, { retriggerRequest: true });
      assert.equal((await fixAll).code, -32801, 'ContentModified');
      // Pulled again, the new version is answered.
      const again = await client.request('textDocument/diagnostic', { textDocument: { uri } });
      assert.deepEqual(again.items.map((item: any) => [item.code, item.range.start.line]), [['unsafe-deserialization', 5]]);
    } finally {
      release();
      await client.dispose();
    }
  });
});
