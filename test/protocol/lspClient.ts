import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

type Waiter = { method: string; test: (params: any) => boolean; resolve: (params: any) => void };

/**
 * A minimal LSP client over stdio for tests: starts the bundled server like an editor would, speaks JSON-RPC,
 * records what the server sends (notifications and its requests to the client), and waits for them with a timeout.
 */
export class TestClient {
  readonly connection: MessageConnection;
  private readonly process: ChildProcess;
  /** Everything the server sent, in order: notifications and server-to-client requests. */
  readonly received: { method: string; params: any }[] = [];
  private readonly waiters: Waiter[] = [];
  /** What the client answers to workspace/configuration for the `haSecurity` section. */
  configuration: Record<string, unknown> = {};
  /** Per-resource answers (multi-root workspaces); by default every resource gets `configuration`. */
  configurationFor: (scopeUri: string | undefined) => Record<string, unknown> = () => this.configuration;
  /** While set, answers to workspace/configuration wait for it (see holdConfiguration). */
  private configurationGate: Promise<void> | undefined;
  stderr = '';

  /** `nodeOptions` go to node before the server script (the memory test passes --expose-gc). */
  constructor(nodeOptions: string[] = []) {
    this.process = spawn(process.execPath, [...nodeOptions, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification((method, params) => this.record(method, params));
    // $/progress never reaches the handler above: vscode-jsonrpc routes it to progress handlers by token.
    this.connection.onUnhandledProgress(({ token, value }) => this.record('$/progress', { token, value }));
    this.connection.onRequest((method, params) => {
      this.record(method, params);
      if (method === 'workspace/configuration') {
        const answer = () => (params as { items: { section?: string; scopeUri?: string }[] }).items.map((item) => (item.section === 'haSecurity' ? this.configurationFor(item.scopeUri) : null));
        return this.configurationGate ? this.configurationGate.then(answer) : answer();
      }
      return null;
    });
    this.connection.listen();
  }

  private record(method: string, params: any): void {
    this.received.push({ method, params });
    for (const waiter of [...this.waiters]) {
      if (waiter.method === method && waiter.test(params)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  }

  async initialize(capabilities: object, initializationOptions?: object, workspaceFolders: string[] | null = null): Promise<any> {
    const folders = workspaceFolders?.map((uri) => ({ uri, name: uri.slice(uri.lastIndexOf('/') + 1) })) ?? null;
    const result = await this.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities, workspaceFolders: folders, initializationOptions });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1, languageId = uri.endsWith('.json') ? 'json' : 'python'): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** Resolves with the next message `method` from the server whose params pass `test`, or rejects after `timeoutMs`. */
  next<T = any>(method: string, test: (params: T) => boolean = () => true, timeoutMs = 10000): Promise<T> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { method, test, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) {
          this.waiters.splice(index, 1);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${method}; server stderr: ${this.stderr.slice(-500)}`));
        }
      }, timeoutMs).unref();
    });
  }

  /** Sends a request, failing with a clear message instead of hanging when the server does not answer. */
  request<T = any>(method: string, params: unknown, timeoutMs = 10000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${timeoutMs} ms; server stderr: ${this.stderr.slice(-500)}`)), timeoutMs);
      this.connection.sendRequest<T>(method, params).then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /**
   * Writes notifications in one write to the server's stdin, so they arrive together (a pipe write this small is
   * atomic): the server reads them in one chunk, as it would a burst of keystrokes sent while it was busy.
   */
  sendTogether(notifications: { method: string; params: unknown }[]): void {
    const frames = notifications.map((notification) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...notification }), 'utf8');
      return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
    });
    this.process.stdin!.write(Buffer.concat(frames));
  }

  /**
   * Holds answers to workspace/configuration until the returned function is called: the server's analysis waits
   * for its settings, so requests behind it stay pending for as long as a test needs.
   */
  holdConfiguration(): () => void {
    let release!: () => void;
    this.configurationGate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.configurationGate = undefined;
      release();
    };
  }

  count(method: string): number {
    return this.received.filter((message) => message.method === method).length;
  }

  /** shutdown + exit; resolves with the exit code, or null when the server had to be killed after 5 s. */
  async shutdown(): Promise<number | null> {
    if (this.process.exitCode !== null) return this.process.exitCode;
    const exited = new Promise<number | null>((resolve) => {
      this.process.on('exit', (exitCode) => resolve(exitCode));
      setTimeout(() => {
        this.process.kill();
        resolve(null);
      }, 5000).unref();
    });
    await this.request('shutdown', null, 5000);
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  /** For `finally`: stops the server however the test ended. */
  async dispose(): Promise<void> {
    await this.shutdown().catch(() => this.process.kill());
  }
}
