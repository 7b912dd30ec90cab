import * as vscode from 'vscode';
import { CodeActionRequest, State, type CodeAction, type Command, type LanguageClient } from 'vscode-languageclient/node';

/**
 * The commands that ask the server for something and show the answer: the server scans, reports and fixes; the
 * client only opens, writes or applies what comes back.
 */

const SCAN_WORKSPACE_REQUEST = 'haSecurity/scanWorkspace';
const EXPORT_REPORT_REQUEST = 'haSecurity/exportReport';
/** The server's fix-all kind (FIX_ALL_KIND in server/src/lsp/convert.ts); the client bundle does not import the server. */
const FIX_ALL_KIND = 'source.fixAll.haSecurity';

interface ScanSummary {
  integrations: number;
  files: number;
  findings: number;
}

export function registerCommands(client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  /** Runs a server round trip; a stopped server or a failed request becomes a message instead of an exception. */
  const withServer = async (what: string, run: () => Promise<void>): Promise<void> => {
    if (client.state !== State.Running) {
      void vscode.window.showWarningMessage(`HA Security: the language server is not running, so it cannot ${what}. Use "HA Security: Restart server".`);
      return;
    }
    try {
      await run();
    } catch (error) {
      output.error(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
      void vscode.window.showErrorMessage(`HA Security: could not ${what}. See the output for details.`);
    }
  };

  return [
    vscode.commands.registerCommand('haSecurity.scanWorkspace', () =>
      withServer('scan the workspace', async () => {
        // The server shows the progress itself (work-done progress); this only announces the outcome.
        const summary = await client.sendRequest<ScanSummary>(SCAN_WORKSPACE_REQUEST, {});
        const message = `HA Security: ${summary.integrations} integration${summary.integrations === 1 ? '' : 's'} scanned, ${summary.findings} finding${summary.findings === 1 ? '' : 's'} in ${summary.files} file${summary.files === 1 ? '' : 's'}.`;
        output.info(message);
        void vscode.window.showInformationMessage(message);
      }),
    ),

    // From the view title there is no argument; a caller (a test, a task) may pass where to write the report.
    vscode.commands.registerCommand('haSecurity.exportChecklistReport', (target?: unknown) =>
      withServer('export the checklist report', async () => {
        const { markdown } = await client.sendRequest<{ markdown: string }>(EXPORT_REPORT_REQUEST, {});
        if (target instanceof vscode.Uri) {
          await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(markdown));
          output.info(`Checklist report written to ${target.toString(true)}`);
          return;
        }
        const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
        await vscode.window.showTextDocument(document);
      }),
    ),

    vscode.commands.registerCommand('haSecurity.fixAllInFile', () =>
      withServer('fix the file', async () => {
        const editor = vscode.window.activeTextEditor;
        if (!editor) {
          void vscode.window.showInformationMessage('HA Security: open a Python file or manifest.json of an integration to fix it.');
          return;
        }
        const document = editor.document;
        const end = document.lineAt(document.lineCount - 1).range.end;
        const actions = await client.sendRequest(CodeActionRequest.type, {
          textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
          range: { start: { line: 0, character: 0 }, end: { line: end.line, character: end.character } },
          context: { diagnostics: [], only: [FIX_ALL_KIND] },
        });
        const fixAll = (actions ?? []).find((action: Command | CodeAction): action is CodeAction => 'edit' in action && action.edit !== undefined);
        if (!fixAll?.edit) {
          void vscode.window.showInformationMessage('HA Security: nothing in this file has a safe automatic fix.');
          return;
        }
        const applied = await vscode.workspace.applyEdit(await client.protocol2CodeConverter.asWorkspaceEdit(fixAll.edit));
        // The edit names the document version it was computed for; typing in between makes VS Code refuse it.
        if (!applied) void vscode.window.showWarningMessage('HA Security: the file changed while the fixes were computed; run "Fix all in file" again.');
      }),
    ),
  ];
}
