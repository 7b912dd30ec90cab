import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SERVER, TestClient } from './lspClient';

/**
 * The whole-workspace side of the server: the background scan of every integration in the workspace folders
 * (diagnostics of files never opened, progress, the checklist, the exported report), file events, settings
 * (exclude, rate-limit thresholds, per folder) and workspace trust. The fixture is a copy of examples/.
 */

const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'custom_components');
const CLI = path.join(path.dirname(SERVER), 'cli.js');

type Published = { uri: string; version?: number; diagnostics: any[] };
type Progress = { token: string | number; value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number } };

const CAPABILITIES = { window: { workDoneProgress: true }, workspace: { configuration: true } };

let workspace: string;
let folderUri: string;

function makeWorkspace(prefix: string, copies: Record<string, string> = { acme_cloud: 'acme_cloud', acme_secure: 'acme_secure' }): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [name, example] of Object.entries(copies)) {
    fs.cpSync(path.join(EXAMPLES, example), path.join(folder, 'custom_components', name), { recursive: true });
  }
  return folder;
}

function fileUri(folder: string, relative: string): string {
  return pathToFileURL(path.join(folder, relative)).toString();
}

const codes = (published: Published) => published.diagnostics.map((diagnostic) => diagnostic.code);

/** The CLI's JSON report of a folder: what the server's background scan must agree with. */
function cliReport(folder: string, format: 'json' | 'markdown' = 'json'): any {
  const result = spawnSync(process.execPath, [CLI, 'check', '.', '--format', format], { cwd: folder, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.ok(result.status === 0 || result.status === 1, result.stderr);
  return format === 'json' ? JSON.parse(result.stdout) : result.stdout;
}

function progressOf(client: TestClient): Progress[] {
  return client.received.filter((message) => message.method === '$/progress').map((message) => message.params);
}

async function scanned(client: TestClient): Promise<void> {
  await client.next<Progress>('$/progress', (params) => params.value.kind === 'end', 60000);
}

describe('workspace scan', () => {
  before(() => {
    assert.ok(fs.existsSync(SERVER), 'dist/server.js must be built (npm test builds it)');
    workspace = makeWorkspace('ha-security-ws-');
    folderUri = pathToFileURL(workspace).toString();
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('publishes diagnostics for files never opened and shows progress while it scans', async () => {
    const client = new TestClient();
    try {
      const apiUri = fileUri(workspace, 'custom_components/acme_cloud/api.py');
      const api = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === apiUri, 60000);
      await client.initialize(CAPABILITIES, undefined, [folderUri]);
      assert.ok(codes(await api).includes('tls-verify-disabled'), 'api.py was never opened, yet its findings arrive');
      await scanned(client);

      assert.equal(client.count('window/workDoneProgress/create'), 1);
      const progress = progressOf(client);
      assert.equal(progress[0].value.kind, 'begin');
      assert.equal(progress[0].value.title, 'HA Security');
      assert.deepEqual(
        progress.filter((item) => item.value.kind === 'report' && item.value.message?.startsWith('Scanning')).map((item) => item.value.message),
        ['Scanning integrations 1/2', 'Scanning integrations 2/2'],
      );
      assert.equal(progress.at(-1)!.value.kind, 'end');
      assert.ok(progress.every((item) => item.token === progress[0].token), 'one progress token from begin to end');

      // VS Code repeats the settings right after start: unchanged settings do not start the scan over.
      const asked = client.next('workspace/configuration', (params: any) => params.items[0].scopeUri === folderUri);
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await asked;
      await client.request('haSecurity/checklist', {});
      assert.equal(client.count('window/workDoneProgress/create'), 1, 'no second scan');

      // Every file with findings, per the CLI, got exactly those rules pushed; the clean integration got nothing.
      const expected = new Map<string, string[]>();
      for (const finding of cliReport(workspace).findings) expected.set(finding.path, [...(expected.get(finding.path) ?? []), finding.rule]);
      const pushed = new Map<string, string[]>();
      for (const message of client.received.filter((item) => item.method === 'textDocument/publishDiagnostics')) {
        pushed.set(path.relative(workspace, new URL(message.params.uri).pathname).split(path.sep).join('/'), codes(message.params));
      }
      assert.deepEqual([...pushed.keys()].sort(), [...expected.keys()].sort());
      for (const [file, rules] of expected) assert.deepEqual(pushed.get(file)!.sort(), rules.sort(), file);

      // The hover shows the message (risk and fix) and links the rule's page, which must exist in docs/rules/.
      for (const message of client.received.filter((item) => item.method === 'textDocument/publishDiagnostics')) {
        for (const diagnostic of message.params.diagnostics) {
          const page = `docs/rules/${diagnostic.code}.md`;
          assert.ok(diagnostic.codeDescription.href.endsWith(`/blob/main/${page}`), diagnostic.codeDescription.href);
          assert.ok(fs.existsSync(path.join(__dirname, '..', '..', page)), `${page} is missing`);
        }
      }
    } finally {
      await client.dispose();
    }
  });

  it('keeps the findings of integrations nobody edits, not their files, and the files of one being edited', async () => {
    const client = new TestClient(['--expose-gc']);
    try {
      await client.initialize({ workspace: { configuration: true } }, { debugMemory: true }, [folderUri]);
      const summary = await client.request<any>('haSecurity/scanWorkspace', {}, 60000);
      assert.ok(summary.findings > 0);
      assert.equal((await client.request<any>('haSecurity/debugMemory', null, 60000)).cachedFiles, 0);
      assert.equal((await client.request<any[]>('haSecurity/checklist', {})).length, 2);

      const folder = path.join(workspace, 'custom_components/acme_cloud');
      const uri = fileUri(workspace, 'custom_components/acme_cloud/api.py');
      const opened = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === uri && params.version === 1, 60000);
      await client.open(uri, fs.readFileSync(path.join(folder, 'api.py'), 'utf8'));
      await opened;
      const siblings = fs.readdirSync(folder).filter((name) => name.endsWith('.py') && name !== 'api.py').length;
      const before = await client.request<any>('haSecurity/debugMemory', null, 60000);
      assert.equal(before.cachedFiles, siblings);
      const edited = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === uri && params.version === 2, 60000);
      await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }] });
      await edited;
      // The edit parses the edited file only; its siblings come from the cache.
      assert.equal((await client.request<any>('haSecurity/debugMemory', null, 60000)).parses, before.parses + 1);
    } finally {
      await client.dispose();
    }
  });

  it('answers the checklist for integrations never opened, and scanWorkspace with the counts', async () => {
    const client = new TestClient();
    try {
      await client.initialize({ workspace: { configuration: true } }, undefined, [folderUri]);
      const summary = await client.request<any>('haSecurity/scanWorkspace', {}, 60000);
      const cli = cliReport(workspace);
      assert.deepEqual(summary, { integrations: 2, files: cli.summary.files, findings: cli.findings.length });

      const checklist: any[] = await client.request('haSecurity/checklist', {});
      assert.deepEqual(checklist.map((entry) => entry.domain).sort(), ['acme_cloud', 'acme_secure']);
      for (const integration of cli.integrations) {
        const served = checklist.find((entry) => entry.domain === integration.domain);
        assert.deepEqual(
          served.checklist.map((entry: any) => [entry.id, entry.status, entry.findings]),
          integration.checklist.map((entry: any) => [entry.id, entry.status, entry.findings]),
          integration.domain,
        );
      }
    } finally {
      await client.dispose();
    }
  });

  it('exports the Markdown report of every integration with file:line links, the same as the CLI writes', async () => {
    const client = new TestClient();
    try {
      await client.initialize({ workspace: { configuration: true } }, undefined, [folderUri]);
      const { markdown } = await client.request<{ markdown: string }>('haSecurity/exportReport', {}, 60000);
      assert.ok(markdown.startsWith('# HA Integration Security checklist\n'));
      assert.deepEqual(markdown.match(/^## .*$/gm), ['## acme_cloud', '## acme_secure']);
      const cli = cliReport(workspace);
      const tls = cli.findings.find((finding: any) => finding.rule === 'tls-verify-disabled');
      const tlsItem = cli.integrations.find((entry: any) => entry.domain === 'acme_cloud').checklist.find((entry: any) => entry.id === 'tls-verification');
      const file = 'custom_components/acme_cloud/api.py';
      assert.ok(markdown.includes(`[${file}:${tls.line}](${file}#L${tls.line}) \`tls-verify-disabled\`: ${tls.message}`), markdown);
      assert.ok(markdown.includes(`| HTTPS with certificate validation (\`tls-verification\`) | ❌ fail | ${tlsItem.findings} |`));
      // acme_secure pins its requirements but nothing can check the audit: a person must look.
      assert.match(markdown, /^- \*\*Dependencies pinned and audited\*\* \(`dependency-pinning`\): \S.*$/m);
      assert.equal(markdown, cliReport(workspace, 'markdown'), 'one report, whether from the editor or the CLI');
    } finally {
      await client.dispose();
    }
  });

  it('re-analyses an integration when its files change, appear or vanish on disk', async () => {
    const client = new TestClient();
    const initPath = path.join(workspace, 'custom_components/acme_secure/__init__.py');
    const extraPath = path.join(workspace, 'custom_components/acme_secure/extra.py');
    const original = fs.readFileSync(initPath, 'utf8');
    const initUri = pathToFileURL(initPath).toString();
    const extraUri = pathToFileURL(extraPath).toString();
    try {
      await client.initialize(CAPABILITIES, undefined, [folderUri]);
      await scanned(client);
      assert.equal(client.received.filter((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri.includes('acme_secure')).length, 0);

      fs.writeFileSync(initPath, `${original}\n\ndef _restore(blob):\n    import pickle\n    return pickle.loads(blob)\n`);
      const changed = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === initUri);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: initUri, type: 2 }] });
      assert.deepEqual(codes(await changed), ['unsafe-deserialization']);

      fs.writeFileSync(extraPath, 'def run(expression):\n    return eval(expression)\n');
      const created = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === extraUri);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: extraUri, type: 1 }] });
      assert.deepEqual(codes(await created), ['dynamic-eval']);
      const withExtra: any[] = await client.request('haSecurity/checklist', {});
      assert.equal(withExtra.find((entry) => entry.domain === 'acme_secure').checklist.find((entry: any) => entry.id === 'code-execution').status, 'fail');

      fs.rmSync(extraPath);
      fs.writeFileSync(initPath, original);
      const cleared = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === extraUri && params.diagnostics.length === 0);
      const initCleared = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === initUri && params.diagnostics.length === 0);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: extraUri, type: 3 }, { uri: initUri, type: 2 }] });
      await cleared;
      await initCleared;
    } finally {
      fs.writeFileSync(initPath, original);
      fs.rmSync(extraPath, { force: true });
      await client.dispose();
    }
  });

  it('takes exclude globs and rate-limit thresholds from the settings; invalid values fall back with one warning', async () => {
    const client = new TestClient();
    const apiUri = fileUri(workspace, 'custom_components/acme_cloud/api.py');
    const secureSensorUri = fileUri(workspace, 'custom_components/acme_secure/sensor.py');
    const cloudSensorUri = fileUri(workspace, 'custom_components/acme_cloud/sensor.py');
    try {
      // acme_secure polls its cloud every 5 minutes, acme_cloud every 5 seconds.
      client.configuration = { exclude: ['**/acme_cloud/api.py'], rateLimit: { cloudPollSeconds: 600, localPollSeconds: null } };
      await client.initialize(CAPABILITIES, undefined, [folderUri]);
      await scanned(client);
      const pushed = (uri: string) => client.received.filter((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === uri);
      assert.deepEqual(pushed(apiUri), [], 'an excluded file is not analysed');
      assert.deepEqual(pushed(secureSensorUri).map((message) => codes(message.params)), [['polling-too-fast']]);
      const checklist: any[] = await client.request('haSecurity/checklist', {});
      assert.ok(!checklist.find((entry) => entry.domain === 'acme_cloud').findings.some((finding: any) => finding.uri === apiUri));

      client.configuration = { exclude: 'api.py', rateLimit: { cloudPollSeconds: -5, localPollSeconds: 'fast' } };
      const api = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === apiUri);
      const cleared = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === secureSensorUri && params.diagnostics.length === 0);
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      assert.ok(codes(await api).includes('tls-verify-disabled'));
      await cleared;
      await client.request('haSecurity/scanWorkspace', {}, 60000);
      const warnings = (text: string) => client.received.filter((message) => message.method === 'window/logMessage' && message.params.message.includes(text)).length;
      assert.equal(warnings('haSecurity.exclude must be a list of globs'), 1);
      assert.equal(warnings('haSecurity.rateLimit.cloudPollSeconds must be a positive number'), 1);
      assert.equal(warnings('haSecurity.rateLimit.localPollSeconds must be a positive number'), 1);
      // The default threshold (30 s) applies again: acme_cloud's 5 seconds are too fast, acme_secure's 5 minutes fine.
      assert.ok(pushed(cloudSensorUri).at(-1)!.params.diagnostics.some((diagnostic: any) => diagnostic.code === 'polling-too-fast'));

      client.configuration = { rateLimit: { cloudPollSeconds: 2 } };
      const relaxed = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === cloudSensorUri && !codes(params).includes('polling-too-fast'));
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await relaxed;
    } finally {
      await client.dispose();
    }
  });

  it('ignores pyproject.toml [tool.ha-security] in an untrusted workspace until trust is granted', async () => {
    const pyproject = path.join(workspace, 'pyproject.toml');
    fs.writeFileSync(pyproject, '[tool.ha-security]\nignore = ["tls-verify-disabled"]\ncloud-polling-min-seconds = 600\n');
    const apiUri = fileUri(workspace, 'custom_components/acme_cloud/api.py');
    const secureSensorUri = fileUri(workspace, 'custom_components/acme_secure/sensor.py');
    const trustedClient = new TestClient();
    const client = new TestClient();
    try {
      // Trusted (the default for clients that say nothing): the project's table applies.
      await trustedClient.initialize(CAPABILITIES, undefined, [folderUri]);
      await scanned(trustedClient);
      const trustedApi = trustedClient.received.find((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === apiUri);
      assert.ok(trustedApi && !codes(trustedApi.params).includes('tls-verify-disabled'));
      assert.ok(trustedClient.received.some((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === secureSensorUri));

      await client.initialize(CAPABILITIES, { workspaceTrusted: false }, [folderUri]);
      await scanned(client);
      const api = client.received.find((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === apiUri);
      assert.ok(codes(api!.params).includes('tls-verify-disabled'), 'the workspace cannot silence a rule');
      assert.ok(!client.received.some((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === secureSensorUri));
      const ignored = client.received.filter((message) => message.method === 'window/logMessage' && message.params.message.includes('is ignored because the workspace is not trusted'));
      assert.equal(ignored.length, 1, 'said once, not per file');

      const silenced = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === apiUri && !codes(params).includes('tls-verify-disabled'));
      const slowPoll = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === secureSensorUri);
      await client.connection.sendNotification('haSecurity/workspaceTrusted', { trusted: true });
      await silenced;
      assert.deepEqual(codes(await slowPoll), ['polling-too-fast']);
    } finally {
      fs.rmSync(pyproject, { force: true });
      await trustedClient.dispose();
      await client.dispose();
    }
  });

  it('hands an opened file over to pulled diagnostics and pushes its disk findings again once closed', async () => {
    const client = new TestClient();
    const apiPath = path.join(workspace, 'custom_components/acme_cloud/api.py');
    const apiUri = pathToFileURL(apiPath).toString();
    try {
      await client.initialize({ ...CAPABILITIES, textDocument: { diagnostic: {} } }, undefined, [folderUri]);
      await scanned(client);
      const pushed = client.received.filter((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === apiUri);
      assert.equal(pushed.length, 1);
      const onDisk = codes(pushed[0].params);

      // Opened: the pushed copy is withdrawn so the pulled one is not shown twice; the edit is what counts now.
      const withdrawn = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === apiUri && params.diagnostics.length === 0);
      await client.open(apiUri, '"""Nothing left."""\n');
      await withdrawn;
      assert.deepEqual((await client.request<any>('textDocument/diagnostic', { textDocument: { uri: apiUri } })).items, []);

      const back = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === apiUri && params.diagnostics.length > 0);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: apiUri } });
      assert.deepEqual(codes(await back), onDisk);
      const checklist: any[] = await client.request('haSecurity/checklist', {});
      assert.deepEqual(checklist.map((entry) => entry.domain).sort(), ['acme_cloud', 'acme_secure'], 'closing a file keeps workspace integrations');
    } finally {
      await client.dispose();
    }
  });

  it('uses each workspace folder\'s own settings', async () => {
    const other = makeWorkspace('ha-security-ws-b-', { acme_cloud: 'acme_cloud' });
    const otherUri = pathToFileURL(other).toString();
    const client = new TestClient();
    try {
      client.configurationFor = (scopeUri) => (scopeUri?.startsWith(otherUri) ? { rules: { 'tls-verification': 'off' } } : {});
      await client.initialize(CAPABILITIES, undefined, [folderUri, otherUri]);
      await scanned(client);
      const lastFor = (uri: string) => client.received.filter((message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === uri).at(-1);
      assert.ok(codes(lastFor(fileUri(workspace, 'custom_components/acme_cloud/api.py'))!.params).includes('tls-verify-disabled'));
      const otherApi = codes(lastFor(fileUri(other, 'custom_components/acme_cloud/api.py'))!.params);
      assert.ok(otherApi.length > 0 && !otherApi.includes('tls-verify-disabled'), String(otherApi));
      const checklist: any[] = await client.request('haSecurity/checklist', {});
      assert.equal(checklist.length, 3);
    } finally {
      await client.dispose();
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('analyses an edit while a long scan runs, waiting for one integration at most', async () => {
    const copies: Record<string, string> = {};
    for (let index = 0; index < 40; index++) copies[`acme_${String(index).padStart(2, '0')}`] = 'acme_cloud';
    const big = makeWorkspace('ha-security-ws-big-', copies);
    const client = new TestClient();
    try {
      const editedUri = fileUri(big, 'custom_components/acme_39/__init__.py');
      const firstStep = client.next<Progress>('$/progress', (params) => params.value.message === 'Scanning integrations 1/40', 60000);
      await client.initialize(CAPABILITIES, undefined, [pathToFileURL(big).toString()]);
      await firstStep;
      const sentAt = client.received.length;
      const edited = client.next<Published>('textDocument/publishDiagnostics', (params) => params.uri === editedUri && params.version === 2, 60000);
      await client.open(editedUri, 'import os\n');
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: editedUri, version: 2 },
        contentChanges: [{ text: 'def run(expression):\n    return eval(expression)\n' }],
      });
      assert.deepEqual(codes(await edited), ['dynamic-eval']);
      const answeredAt = client.received.findIndex((message, index) => index >= sentAt && message.method === 'textDocument/publishDiagnostics' && message.params.uri === editedUri && message.params.version === 2);
      await scanned(client);
      const endAt = client.received.findIndex((message) => message.method === '$/progress' && message.params.value.kind === 'end');
      assert.ok(answeredAt < endAt, 'the edit was answered before the scan ended');
      const stepsBetween = client.received.slice(sentAt, answeredAt).filter((message) => message.method === '$/progress' && message.params.value.kind === 'report').length;
      assert.ok(stepsBetween <= 2, `the edit waited for ${stepsBetween} background steps`);
    } finally {
      await client.dispose();
      fs.rmSync(big, { recursive: true, force: true });
    }
  });
});
