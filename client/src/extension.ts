import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ChecklistView } from './checklistView';
import { registerCommands } from './commands';

/**
 * The VS Code side: starts the language server, shows its state, and renders what it computes. No analysis here.
 */

const NAME = 'HA Integration Security';

/** The default error handler restarts a crashed server up to this many times in three minutes, then gives up. */
const MAX_RESTARTS = 4;

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // One log channel for both sides: the client's own messages and, with haSecurity.trace.server, the LSP traffic.
  const output = vscode.window.createOutputChannel(NAME, { log: true });
  context.subscriptions.push(output);

  const status = vscode.languages.createLanguageStatusItem('haSecurity.status', [
    { language: 'python' },
    { language: 'json', pattern: '**/manifest.json' },
  ]);
  status.name = NAME;
  status.command = { title: 'Show output', command: 'haSecurity.showOutput' };
  showState(status, State.Starting);
  context.subscriptions.push(status);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  // The client only forwards these events; the server re-reads integration files it caches when they change on disk,
  // and re-analyses open files when a pyproject.toml (its [tool.ha-security] table) changes.
  const watchers = ['**/*.py', '**/manifest.json', '**/pyproject.toml'].map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { scheme: 'file', language: 'json', pattern: '**/manifest.json' },
    ],
    synchronize: { configurationSection: 'haSecurity', fileEvents: watchers },
    outputChannel: output,
    traceOutputChannel: output,
    // A function, so a restarted server hears the trust of the moment. Untrusted: the server ignores pyproject.toml's
    // [tool.ha-security], which the workspace could use to silence findings.
    initializationOptions: () => ({ workspaceTrusted: vscode.workspace.isTrusted }),
    connectionOptions: { maxRestartCount: MAX_RESTARTS },
  };

  const languageClient = new LanguageClient('haSecurity', NAME, serverOptions, clientOptions);
  client = languageClient;
  const checklist = new ChecklistView(languageClient, output);
  context.subscriptions.push(
    checklist,
    languageClient.onDidChangeState(({ newState }) => showState(status, newState)),
    vscode.commands.registerCommand('haSecurity.checklist.refresh', () => checklist.refresh()),
    vscode.commands.registerCommand('haSecurity.showOutput', () => output.show(true)),
    ...registerCommands(languageClient, output),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (languageClient.state === State.Running) void languageClient.sendNotification('haSecurity/workspaceTrusted', { trusted: true });
    }),
    vscode.commands.registerCommand('haSecurity.restartServer', async () => {
      output.info('Restarting the language server');
      try {
        await languageClient.restart();
      } catch (error) {
        reportStartFailure(output, error);
      }
    }),
  );
  try {
    await languageClient.start();
  } catch (error) {
    // Activation itself succeeds, so the restart and output commands stay available to the user.
    reportStartFailure(output, error);
  }
}

export async function deactivate(): Promise<void> {
  const running = client;
  client = undefined;
  await running?.stop();
}

function showState(status: vscode.LanguageStatusItem, state: State): void {
  const label = state === State.Running ? 'running' : state === State.Starting ? 'starting' : 'stopped';
  status.text = `HA Security: ${label}`;
  status.detail = state === State.Stopped ? 'The language server is not running; use "HA Security: Restart server".' : undefined;
  status.severity = state === State.Stopped ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
  status.busy = state === State.Starting;
}

function reportStartFailure(output: vscode.LogOutputChannel, error: unknown): void {
  output.error(`The language server could not be started: ${error instanceof Error ? error.message : String(error)}`);
  void vscode.window.showErrorMessage(`${NAME}: the language server could not be started. See the output for details.`, 'Show output').then((choice) => {
    if (choice) output.show(true);
  });
}
