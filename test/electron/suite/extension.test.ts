// The extension from this checkout in a real VS Code extension host: activation, diagnostics, a quick fix and the
// checklist export, through the same vscode API a user's editor goes through.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ha-integration-security.ha-integration-security';
const SOURCE = 'ha-security';
const TARGET = 'custom_components/demo/__init__.py';
const QUICK_FIX_TITLE = 'Switch to argument-list spawn';

async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  const { code } = diagnostic;
  return String(typeof code === 'object' ? code.value : code);
}

suite('HA Integration Security in the extension host', () => {
  let target: vscode.Uri;
  let document: vscode.TextDocument;
  const ours = () => vscode.languages.getDiagnostics(target).filter((diagnostic) => diagnostic.source === SOURCE);

  suiteSetup(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'VS Code was started without the test workspace (test/electron/run.mjs passes a copy of test/e2e/workspace)');
    target = vscode.Uri.joinPath(folder.uri, ...TARGET.split('/'));
    document = await vscode.workspace.openTextDocument(target);
    await vscode.window.showTextDocument(document);
  });

  test('the extension activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  test(`diagnostics from ${SOURCE} appear on ${TARGET}`, async () => {
    const diagnostics = await waitFor(`${SOURCE} diagnostics on ${TARGET}`, 60_000, () => (ours().length > 0 ? ours() : undefined));
    const codes = diagnostics.map(codeOf);
    for (const rule of ['shell-command', 'unsafe-deserialization', 'tls-verify-disabled']) {
      assert.ok(codes.includes(rule), `no ${rule} diagnostic; got ${JSON.stringify(codes)}`);
    }
  });

  test(`the quick fix "${QUICK_FIX_TITLE}" removes shell=True`, async () => {
    const diagnostic = ours().find((d) => codeOf(d) === 'shell-command');
    assert.ok(diagnostic, 'no shell-command diagnostic to fix');
    // The last argument resolves lazily computed edits, as the lightbulb menu does before applying one.
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider', target, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 50);
    const fix = actions.find((action): action is vscode.CodeAction => action.title === QUICK_FIX_TITLE && 'kind' in action);
    assert.ok(fix?.edit, `no "${QUICK_FIX_TITLE}" code action with an edit; offered ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'the workspace edit was not applied');
    if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.doesNotMatch(document.getText(), /shell=True/);
    assert.match(document.getText(), /subprocess\.run\(\["ping", "-c", "1", host\]\)/);
    assert.equal(await document.save(), true, `${TARGET} could not be saved`);
    await waitFor('the shell-command diagnostic to go away', 30_000, () => (ours().some((d) => codeOf(d) === 'shell-command') ? undefined : true));
  });

  test('haSecurity.exportChecklistReport writes the Markdown report to the given Uri', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ha-security-report-'));
    try {
      const out = vscode.Uri.file(path.join(dir, 'checklist.md'));
      await vscode.commands.executeCommand('haSecurity.exportChecklistReport', out);
      const report = await waitFor(`the report at ${out.fsPath}`, 30_000, () =>
        (fs.existsSync(out.fsPath) ? fs.readFileSync(out.fsPath, 'utf8') : undefined));
      assert.ok(report.startsWith('# HA Integration Security checklist'), `the report starts with ${JSON.stringify(report.slice(0, 80))}`);
      assert.match(report, /^## demo\b/m);
      assert.match(report, /\|\s*(?:\S+\s+)?fail\s*\|/i, 'no item has the status "fail", yet tls-verification still fails');
      assert.match(report, /\[[^\]\n]*__init__\.py:\d+\]\(/, 'the report has no [path:line](...) link to __init__.py');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
