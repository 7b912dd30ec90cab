import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { ClosedFileDiagnostics, commonFolder, folderOf, isFileExcluded, uriOf } from '../../../server/src/lsp/workspaceScan';
import type { LoadedConfig } from '../../../server/src/node/projectConfig';

const root = path.resolve('/work/space');
const at = (...parts: string[]) => path.join(root, ...parts);
const diagnostic = (code: string): Diagnostic => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: code, code });

describe('workspace scan helpers', () => {
  it('finds the innermost workspace folder of a file, and none for a file outside them', () => {
    const folders = [at('a'), at('a', 'nested'), at('b')];
    assert.equal(folderOf(folders, at('a', 'nested', 'x.py')), at('a', 'nested'));
    assert.equal(folderOf(folders, at('a', 'x.py')), at('a'));
    assert.equal(folderOf(folders, at('ab', 'x.py')), undefined, 'a sibling named with the same prefix is not inside');
    assert.equal(commonFolder([at('a', 'nested'), at('a', 'other')]), at('a'));
    assert.equal(commonFolder([at('a')]), at('a'));
  });

  it('excludes by settings globs relative to the workspace folder and by pyproject.toml globs relative to it', () => {
    const folder = at('repo');
    const file = at('repo', 'custom_components', 'demo', 'vendored', 'lib.py');
    assert.equal(isFileExcluded(file, ['vendored'], folder, undefined), true, 'a glob without / matches a name anywhere');
    assert.equal(isFileExcluded(file, ['custom_components/demo/vendored'], folder, undefined), true);
    assert.equal(isFileExcluded(file, ['demo/vendored'], folder, undefined), false, 'a glob with / is anchored at the folder');
    assert.equal(isFileExcluded(file, ['**/demo/*/lib.py'], folder, undefined), true);
    const project: LoadedConfig = { file: at('repo', 'custom_components', 'pyproject.toml'), folder: at('repo', 'custom_components'), config: { exclude: ['demo/vendored'] }, problems: [] };
    assert.equal(isFileExcluded(file, [], folder, project), true);
    assert.equal(isFileExcluded(at('repo', 'other.py'), [], folder, project), false, 'a file outside the pyproject.toml folder');
  });

  it('sends the diagnostics of closed files only when they change, and clears files that no longer have any', () => {
    const sent: [string, string[]][] = [];
    const closed = new ClosedFileDiagnostics((uri, diagnostics) => sent.push([uri, diagnostics.map((item) => String(item.code))]));
    const integration = at('custom_components', 'demo');
    const api = path.join(integration, 'api.py');
    const sensor = path.join(integration, 'sensor.py');
    const isOpen = (file: string) => file === sensor;

    closed.publish(integration, new Map([[api, [diagnostic('shell-command')]], [sensor, [diagnostic('polling-too-fast')]]]), isOpen);
    assert.deepEqual(sent, [[uriOf(api), ['shell-command']]], 'an open file gets its diagnostics the usual way');
    closed.publish(integration, new Map([[api, [diagnostic('shell-command')]]]), isOpen);
    assert.equal(sent.length, 1, 'nothing changed, nothing sent');
    closed.publish(integration, new Map(), isOpen);
    assert.deepEqual(sent.at(-1), [uriOf(api), []], 'fixed or deleted: cleared');
    closed.publish(integration, new Map(), isOpen);
    assert.equal(sent.length, 2);

    closed.publish(integration, new Map([[api, [diagnostic('shell-command')]]]), () => false);
    assert.equal(closed.opened(api), uriOf(api), 'opening a file hands its pushed diagnostics over');
    assert.equal(closed.opened(api), undefined);
    closed.closed('file:///editor/spelling/api.py', api, [diagnostic('shell-command')]);
    closed.publish(integration, new Map([[api, [diagnostic('shell-command')]]]), () => false);
    assert.equal(sent.length, 3, 'what the editor still shows after closing is not sent again');
    closed.clear(integration);
    assert.deepEqual(sent.at(-1), ['file:///editor/spelling/api.py', []], 'cleared under the URI the editor knows');
  });
});
