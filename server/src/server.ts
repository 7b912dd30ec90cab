import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  ProposedFeatures,
  TextDocumentSyncKind,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { analyzeIntegration, analyzeStandaloneFile, loadPythonFile, type AnalysisOptions } from './analysis/engine';
import { applyTextEdits, combineFixes } from './analysis/fixAll';
import { initParser } from './analysis/python/parser';
import type { ChecklistEntry, Finding, Fix, Severity } from './analysis/types';
import { codeActionsFor, FIX_ALL_KIND, problemDiagnostic, toDiagnostic, type DiagnosticData } from './lsp/convert';
import { OpenDocument } from './lsp/documents';
import { Workspace } from './lsp/workspace';

/** The user's settings (section `haSecurity`), per resource. */
export interface Settings {
  enable: boolean;
  scope: 'integrations' | 'all';
  rules: Record<string, Severity | 'off'>;
}

const DEFAULT_SETTINGS: Settings = { enable: true, scope: 'integrations', rules: {} };

/** One integration's last analysis, for the checklist request. */
interface IntegrationState {
  domain: string;
  root: string;
  checklist: ChecklistEntry[];
  findings: Finding[];
}

export const CHECKLIST_REQUEST = 'haSecurity/checklist';
export const CHECKLIST_CHANGED = 'haSecurity/checklistChanged';

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const documents = new Map<string, OpenDocument>();
  const workspace = new Workspace();
  const diagnosticsByUri = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  const integrations = new Map<string, IntegrationState>();
  const settingsCache = new Map<string, Promise<Settings>>();
  let pullDiagnostics = false;
  let configurationSupport = false;
  let globalSettings: Settings = DEFAULT_SETTINGS;
  const ready = initParser(__dirname);
  const pending = new Set<string>();
  let scheduled: NodeJS.Immediate | undefined;

  const log = (message: string) => connection.console.log(message);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    pullDiagnostics = Boolean(capabilities.textDocument?.diagnostic);
    configurationSupport = Boolean(capabilities.workspace?.configuration);
    const options = params.initializationOptions as { settings?: Partial<Settings> } | undefined;
    if (options?.settings) globalSettings = { ...DEFAULT_SETTINGS, ...options.settings };
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'ha-security', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'ha-security', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (configurationSupport) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'haSecurity' }).catch(() => undefined);
    }
    log(`ha-security server ready (${pullDiagnostics ? 'pull' : 'push'} diagnostics)`);
  });

  async function settingsFor(uri: string): Promise<Settings> {
    if (!configurationSupport) return globalSettings;
    let settings = settingsCache.get(uri);
    if (!settings) {
      settings = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'haSecurity' })
        .then((value: Partial<Settings> | null) => ({ ...DEFAULT_SETTINGS, ...(value ?? {}) }))
        .catch(() => DEFAULT_SETTINGS);
      settingsCache.set(uri, settings);
    }
    return settings;
  }

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    const settings = (change.settings as { haSecurity?: Partial<Settings> } | undefined)?.haSecurity;
    if (settings) globalSettings = { ...DEFAULT_SETTINGS, ...settings };
    for (const uri of documents.keys()) pending.add(uri);
    schedule();
  });

  connection.onDidOpenTextDocument(({ textDocument }) => {
    const filePath = toPath(textDocument.uri);
    documents.set(textDocument.uri, new OpenDocument(textDocument.uri, filePath, textDocument.languageId, textDocument.version, textDocument.text));
    queueWithSiblings(textDocument.uri);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return;
    document.applyChanges(contentChanges, textDocument.version);
    queueWithSiblings(textDocument.uri);
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    documents.delete(textDocument.uri);
    diagnosticsByUri.delete(textDocument.uri);
    if (document?.path) workspace.invalidate(document.path);
    document?.dispose();
    if (!pullDiagnostics) void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const filePath = toPath(change.uri);
      if (filePath) workspace.invalidate(filePath);
    }
    for (const uri of documents.keys()) pending.add(uri);
    schedule();
  });

  /** A change in one file of an integration can change the findings of every other open file of it. */
  function queueWithSiblings(uri: string): void {
    pending.add(uri);
    const document = documents.get(uri);
    const manifest = document?.path ? workspace.manifestFor(document.path) : undefined;
    if (manifest) {
      for (const other of documents.values()) {
        if (other.uri !== uri && other.path && workspace.manifestFor(other.path) === manifest) pending.add(other.uri);
      }
    }
    schedule();
  }

  /** Coalesces bursts of edits: everything queued is analysed on the next turn of the event loop. */
  function schedule(): void {
    if (scheduled) return;
    scheduled = setImmediate(() => {
      scheduled = undefined;
      void flush();
    });
  }

  async function flush(): Promise<void> {
    const uris = [...pending];
    pending.clear();
    const done = new Set<string>();
    for (const uri of uris) {
      if (done.has(uri) || !documents.has(uri)) continue;
      try {
        for (const analysed of await analyse(uri)) done.add(analysed);
      } catch (error) {
        connection.console.error(`analysis of ${uri} failed: ${(error as Error).stack ?? error}`);
      }
    }
    if (pullDiagnostics) {
      if (done.size > 0) connection.languages.diagnostics.refresh();
    } else {
      for (const uri of done) {
        const result = diagnosticsByUri.get(uri);
        if (result) void connection.sendDiagnostics({ uri, version: result.version, diagnostics: result.diagnostics });
      }
    }
    if (done.size > 0) void connection.sendNotification(CHECKLIST_CHANGED, {});
  }

  /** Analyses the integration (or lone file) a document belongs to; returns the URIs whose diagnostics it set. */
  async function analyse(uri: string): Promise<string[]> {
    await ready;
    const document = documents.get(uri);
    if (!document) return [];
    const settings = await settingsFor(uri);
    const options: AnalysisOptions = { severities: settings.rules };
    if (!settings.enable) {
      diagnosticsByUri.set(uri, { version: document.version, diagnostics: [] });
      return [uri];
    }
    const manifest = document.path ? workspace.manifestFor(document.path) : undefined;
    if (!manifest) {
      const diagnostics: Diagnostic[] = [];
      if (document.isPython && settings.scope === 'all') {
        const file = loadPythonFile(document.path ?? uri, document.text, '', document.syntaxTree());
        const result = analyzeStandaloneFile(file, options);
        diagnostics.push(...result.findings.map(toDiagnostic));
        for (const error of result.errors) connection.console.error(`${uri}: ${error.message}`);
      }
      diagnosticsByUri.set(uri, { version: document.version, diagnostics });
      return [uri];
    }
    const { model, errors } = workspace.integration(manifest, documents);
    const result = analyzeIntegration(model, options);
    for (const error of [...errors, ...result.errors]) {
      if (!error.message.startsWith('manifest.json is not valid') && !/must (hold|be)/.test(error.message)) connection.console.warn(`${error.path}: ${error.message}`);
    }
    integrations.set(model.root, { domain: model.domain, root: model.root, checklist: result.checklist, findings: result.findings });
    const touched: string[] = [];
    for (const open of documents.values()) {
      if (!open.path || workspace.manifestFor(open.path) !== manifest) continue;
      const diagnostics = result.findings.filter((finding) => finding.path === open.path).map(toDiagnostic);
      if (open.path === manifest) {
        for (const error of result.errors) {
          if (error.path === manifest && error.range) diagnostics.push(problemDiagnostic(error.message, error.range, 'manifest-invalid'));
        }
      }
      diagnosticsByUri.set(open.uri, { version: open.version, diagnostics });
      touched.push(open.uri);
    }
    return touched;
  }

  connection.languages.diagnostics.on(async ({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    let result = diagnosticsByUri.get(textDocument.uri);
    if (!result || result.version !== document.version || pending.has(textDocument.uri)) {
      pending.delete(textDocument.uri);
      try {
        await analyse(textDocument.uri);
      } catch (error) {
        connection.console.error(`analysis of ${textDocument.uri} failed: ${(error as Error).stack ?? error}`);
      }
      result = diagnosticsByUri.get(textDocument.uri);
    }
    return { kind: DocumentDiagnosticReportKind.Full, items: result?.diagnostics ?? [] };
  });

  connection.onCodeAction(async ({ textDocument, context, range }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const lines = document.text.split('\n');
    const wantsFixAll = context.only?.some((kind) => FIX_ALL_KIND.startsWith(kind) || kind.startsWith(FIX_ALL_KIND));
    if (wantsFixAll) return fixAllAction(document);
    const actions: CodeAction[] = [];
    const own = diagnosticsByUri.get(textDocument.uri)?.diagnostics ?? [];
    const candidates = context.diagnostics.length > 0 ? context.diagnostics : own.filter((diagnostic) => overlaps(diagnostic.range, range));
    for (const diagnostic of candidates) {
      actions.push(...codeActionsFor(textDocument.uri, diagnostic, document.version, lines[diagnostic.range.start.line] ?? ''));
    }
    return actions;
  });

  /** Every safe fix of the document, re-analysed on the current text, as one versioned edit. */
  async function fixAllAction(document: OpenDocument): Promise<CodeAction[]> {
    await analyse(document.uri);
    const diagnostics = diagnosticsByUri.get(document.uri)?.diagnostics ?? [];
    const fixes = diagnostics
      .map((diagnostic) => (diagnostic.data as DiagnosticData | undefined)?.fix)
      .filter((fix): fix is Fix => fix !== undefined && fix.safe);
    const { edits } = combineFixes(fixes);
    if (edits.length === 0) return [];
    // One replacement of the whole text keeps the edit valid however the individual edits interleave.
    const fixed = applyTextEdits(document.text, edits);
    const end = endOf(document.text);
    return [
      {
        title: 'Fix all HA Security problems',
        kind: FIX_ALL_KIND,
        edit: { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits: [{ range: { start: { line: 0, character: 0 }, end }, newText: fixed }] }] },
      },
    ];
  }

  connection.onRequest(CHECKLIST_REQUEST, async (params: { uri?: string } | undefined) => {
    await ready;
    for (const uri of pending) await analyse(uri).catch(() => []);
    pending.clear();
    const wanted = params?.uri ? toPath(params.uri) : undefined;
    return [...integrations.values()]
      .filter((state) => !wanted || wanted === state.root || wanted.startsWith(state.root + path.sep))
      .map((state) => ({
        domain: state.domain,
        root: pathToFileURL(state.root).toString(),
        checklist: state.checklist,
        findings: state.findings.map((finding) => ({
          uri: pathToFileURL(finding.path).toString(),
          range: finding.range,
          rule: finding.rule,
          checklist: finding.checklist,
          severity: finding.severity,
          message: finding.message,
        })),
      }));
  });

  connection.onShutdown(() => {
    for (const document of documents.values()) document.dispose();
    documents.clear();
    workspace.dispose();
  });

  connection.listen();
}

function toPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

function overlaps(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  const before = (x: Diagnostic['range']['start'], y: Diagnostic['range']['start']) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

function endOf(text: string): { line: number; character: number } {
  const lines = text.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

if (require.main === module) startServer();
