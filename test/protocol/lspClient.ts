import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

/** A minimal LSP client over stdio for tests: start the bundled server, speak JSON-RPC, wait for notifications. */
export class TestClient {
  readonly connection: MessageConnection;
  private readonly process: ChildProcess;
  private readonly notifications: { method: string; params: unknown }[] = [];
  private readonly waiters: { method: string; test: (params: any) => boolean; resolve: (params: any) => void }[] = [];
  configuration: Record<string, unknown> = {};
  stderr = '';

  constructor() {
    this.process = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.process.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification((method, params) => {
      this.notifications.push({ method, params });
      for (const waiter of [...this.waiters]) {
        if (waiter.method === method && waiter.test(params)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(params);
        }
      }
    });
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'haSecurity' ? this.configuration : null)),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/diagnostic/refresh', () => null);
    this.connection.listen();
  }

  async initialize(capabilities: object): Promise<any> {
    const result = await this.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities, workspaceFolders: null });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the next notification `method` whose params pass `test`, or rejects after `timeoutMs`. */
  next<T = any>(method: string, test: (params: T) => boolean = () => true, timeoutMs = 10000): Promise<T> {
    return new Promise((resolve, reject) => {
      const waiter = { method, test, resolve };
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

  async shutdown(): Promise<number | null> {
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await new Promise<number | null>((resolve) => {
      if (this.process.exitCode !== null) resolve(this.process.exitCode);
      this.process.on('exit', (exitCode) => resolve(exitCode));
      setTimeout(() => {
        this.process.kill();
        resolve(null);
      }, 5000).unref();
    });
    this.connection.dispose();
    return code;
  }
}
