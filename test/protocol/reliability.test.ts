import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
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
});
