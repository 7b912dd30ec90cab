import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/**
 * The VS Code side: starts the language server, shows its state, and renders what it computes. No analysis here.
 */

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('HA Integration Security', { log: true });
  context.subscriptions.push(output);

  const status = vscode.languages.createLanguageStatusItem('haSecurity.status', [{ language: 'python' }, { pattern: '**/manifest.json' }]);
  status.name = 'HA Integration Security';
  status.text = 'HA Security: starting';
  status.command = { title: 'Show output', command: 'haSecurity.showOutput' };
  context.subscriptions.push(status);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { scheme: 'file', pattern: '**/manifest.json' },
    ],
    synchronize: {
      configurationSection: 'haSecurity',
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/*.py'),
        vscode.workspace.createFileSystemWatcher('**/manifest.json'),
      ],
    },
    outputChannel: output,
    traceOutputChannel: output,
  };

  client = new LanguageClient('haSecurity', 'HA Integration Security', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onDidChangeState(({ newState }) => {
      status.text = newState === State.Running ? 'HA Security: on' : newState === State.Starting ? 'HA Security: starting' : 'HA Security: stopped';
      status.severity = newState === State.Stopped ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    }),
    vscode.commands.registerCommand('haSecurity.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('haSecurity.restartServer', async () => {
      output.info('Restarting the language server');
      await client?.restart();
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
