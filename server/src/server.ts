import * as fs from 'fs';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeActionKind,
  createConnection,
  DiagnosticRefreshRequest,
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
import { checklistItem } from './analysis/checklist';
import { analyzeIntegration, analyzeStandaloneFile, loadPythonFile, type AnalysisOptions } from './analysis/engine';
import { applyTextEdits, combineFixes } from './analysis/fixAll';
import { initParser } from './analysis/python/parser';
import { applyPerFileIgnores, isExcluded, layerOptions } from './analysis/config';
import type { AnalysisError, ChecklistEntry, Finding, Fix, PragmaProblem } from './analysis/types';
import { codeActionsFor, FIX_ALL_KIND, MANIFEST_INVALID, pragmaDiagnostic, problemDiagnostic, toDiagnostic, type DiagnosticData } from './lsp/convert';
import { OpenDocument } from './lsp/documents';
import { DEFAULT_SETTINGS, normalizeSettings, SETTINGS_SECTION, type Settings } from './lsp/settings';
import { Workspace } from './lsp/workspace';
import { findProjectConfig, relativeToConfig } from './node/projectConfig';

export type { Settings } from './lsp/settings';

export const CHECKLIST_REQUEST = 'haSecurity/checklist';
export const CHECKLIST_CHANGED = 'haSecurity/checklistChanged';

/** What `haSecurity/checklist` answers per integration. Positions are LSP positions (UTF-16). */
export interface ChecklistResult {
  domain: string;
  root: string;
  /** Every checklist item in the checklist's order, with its title for display. */
  checklist: (ChecklistEntry & { title: string })[];
  findings: { uri: string; range: Finding['range']; rule: string; checklist: string; severity: Finding['severity']; message: string }[];
}

/** One integration's last analysis, for the checklist request. */
interface IntegrationState {
  domain: string;
  root: string;
  checklist: ChecklistEntry[];
  findings: Finding[];
}

/** How long to wait for the client's answer to workspace/configuration before analysing with the defaults. */
const CONFIGURATION_TIMEOUT_MS = 5000;

let started = false;

/**
 * Starts the language server on the transport named in process.argv (--stdio, --node-ipc, --socket=).
 * One process serves one client: a second call is ignored. That matters because the CLI bundle imports this module
 * and is itself `require.main`, so the line at the bottom has already started the server when `ha-security server`
 * calls this.
 */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  if (started) return;
  started = true;

  const documents = new Map<string, OpenDocument>();
  const workspace = new Workspace();
  /** The diagnostics last computed per open document, with the version they were computed for. */
  const results = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  /** Keyed by manifest path; only integrations with an open document are kept. */
  const integrations = new Map<string, IntegrationState>();
  const settingsCache = new Map<string, Promise<Settings>>();
  /** Analysis errors already logged, so a failing rule is not logged again on every keystroke. */
  const loggedErrors = new Set<string>();
  let pullDiagnostics = false;
  let refreshSupport = false;
  let configurationSupport = false;
  let dynamicConfigurationRegistration = false;
  let globalSettings: Settings = DEFAULT_SETTINGS;

  /** Documents to analyse on the next flush; `edited` marks those whose own text changed (or that just opened). */
  const pending = new Set<string>();
  const edited = new Set<string>();
  let scheduled: NodeJS.Immediate | undefined;
  /** Flushes run one after another, so two analyses never interleave their results. */
  let flushing: Promise<void> = Promise.resolve();

  const logError = (what: string, error: unknown) =>
    connection.console.error(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

  // A missing wasm file must not turn into an unhandled rejection (which ends the process) before any document
  // opens; each analysis awaits `ready` again and reports the failure itself.
  const ready = initParser(__dirname);
  ready.catch((error) => logError('the Python parser could not be loaded', error));

  /** Wraps a notification handler: an exception is logged and the server carries on. */
  function guard<P>(what: string, handler: (params: P) => void): (params: P) => void {
    return (params) => {
      try {
        handler(params);
      } catch (error) {
        logError(what, error);
      }
    };
  }

  /** Wraps a request handler: an exception is logged and the client gets `fallback` instead of an error. */
  function guardRequest<P, R>(what: string, fallback: R, handler: (params: P) => Promise<R>): (params: P) => Promise<R> {
    return async (params) => {
      try {
        return await handler(params);
      } catch (error) {
        logError(what, error);
        return fallback;
      }
    };
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    pullDiagnostics = Boolean(capabilities.textDocument?.diagnostic);
    refreshSupport = Boolean(capabilities.workspace?.diagnostics?.refreshSupport);
    configurationSupport = Boolean(capabilities.workspace?.configuration);
    dynamicConfigurationRegistration = Boolean(capabilities.workspace?.didChangeConfiguration?.dynamicRegistration);
    const options = params.initializationOptions as { settings?: unknown } | undefined;
    if (options?.settings !== undefined) globalSettings = normalizeSettings(options.settings, warnOnce);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        // Findings of one file depend on its integration's other files, hence interFileDependencies.
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'ha-security', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'ha-security', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (configurationSupport && dynamicConfigurationRegistration) {
      connection.client
        .register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION })
        .catch((error) => logError('registering for configuration changes failed', error));
    }
    connection.console.log(`ha-security server ready (${pullDiagnostics ? 'pull' : 'push'} diagnostics)`);
  });

  function warnOnce(message: string): void {
    if (loggedErrors.has(message)) return;
    loggedErrors.add(message);
    connection.console.warn(message);
  }

  /** Settings for a document: asked per resource when the client supports it, else the global ones. */
  function settingsFor(uri: string): Promise<Settings> {
    if (!configurationSupport) return Promise.resolve(globalSettings);
    let settings = settingsCache.get(uri);
    if (!settings) {
      const asked = connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then((value: unknown) => normalizeSettings(value, warnOnce));
      const timeout = new Promise<Settings>((resolve) => setTimeout(() => resolve(globalSettings), CONFIGURATION_TIMEOUT_MS).unref());
      settings = Promise.race([asked, timeout]).catch((error) => {
        logError('workspace/configuration failed', error);
        return globalSettings;
      });
      settingsCache.set(uri, settings);
    }
    return settings;
  }

  connection.onDidChangeConfiguration(
    guard('didChangeConfiguration', (change) => {
      settingsCache.clear();
      loggedErrors.clear();
      const section = (change.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
      if (section !== undefined) globalSettings = normalizeSettings(section, warnOnce);
      for (const uri of documents.keys()) pending.add(uri);
      schedule();
    }),
  );

  connection.onDidOpenTextDocument(
    guard('didOpen', ({ textDocument }) => {
      documents.get(textDocument.uri)?.dispose();
      const document = new OpenDocument(textDocument.uri, toPath(textDocument.uri), textDocument.languageId, textDocument.version, textDocument.text);
      documents.set(textDocument.uri, document);
      // From now on the editor's text wins over the file on disk, for this file and for its siblings' analysis.
      queueEdited(textDocument.uri);
    }),
  );

  connection.onDidChangeTextDocument(
    guard('didChange', ({ textDocument, contentChanges }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return;
      document.applyChanges(contentChanges, textDocument.version ?? document.version + 1);
      queueEdited(textDocument.uri);
    }),
  );

  connection.onDidCloseTextDocument(
    guard('didClose', ({ textDocument }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return;
      documents.delete(textDocument.uri);
      results.delete(textDocument.uri);
      pending.delete(textDocument.uri);
      edited.delete(textDocument.uri);
      document.dispose();
      if (!pullDiagnostics) send(connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] }), 'publishDiagnostics');
      const manifest = document.path ? workspace.manifestFor(document.path) : undefined;
      if (manifest) {
        // The siblings now see the disk copy of this file, which may differ from what the editor had.
        for (const other of documentsOf(manifest)) pending.add(other.uri);
        if (documentsOf(manifest).length === 0) integrations.delete(manifest);
        schedule();
        send(connection.sendNotification(CHECKLIST_CHANGED, {}), CHECKLIST_CHANGED);
      }
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('didChangeWatchedFiles', ({ changes }) => {
      for (const change of changes) {
        const filePath = toPath(change.uri);
        if (filePath) workspace.invalidate(filePath);
      }
      for (const uri of documents.keys()) pending.add(uri);
      schedule();
    }),
  );

  /** The open Python files and manifest of the integration whose manifest is `manifest`. */
  function documentsOf(manifest: string): OpenDocument[] {
    return [...documents.values()].filter((document) => document.isAnalysed && document.path !== undefined && workspace.manifestFor(document.path) === manifest);
  }

  /**
   * Queues a document whose text changed. Its siblings need no queueing: analysing one file of an integration
   * analyses the whole integration and sets the results of all its open files (cross-file facts).
   */
  function queueEdited(uri: string): void {
    // Other files a client may send (a README, settings.json) are kept in sync but never analysed.
    if (!documents.get(uri)?.isAnalysed) return;
    pending.add(uri);
    edited.add(uri);
    schedule();
  }

  /** Coalesces bursts of edits: everything queued is analysed on the next turn of the event loop. */
  function schedule(): void {
    if (scheduled) return;
    scheduled = setImmediate(() => {
      scheduled = undefined;
      void flushNow();
    });
  }

  /** Analyses everything pending (after any flush already running) and publishes or announces the results. */
  function flushNow(): Promise<void> {
    flushing = flushing.then(() => flush().catch((error) => logError('analysis failed', error)));
    return flushing;
  }

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const uris = [...pending];
    const editedNow = new Set(edited);
    pending.clear();
    edited.clear();
    await ready;
    const touched = new Set<string>();
    const changed = new Set<string>();
    for (const uri of uris) {
      if (touched.has(uri) || !documents.has(uri)) continue;
      // The only wait: everything after it is synchronous, so it sees one consistent state of the documents.
      const settings = await settingsFor(uri);
      if (!documents.has(uri)) continue;
      try {
        analyse(uri, settings, touched, changed);
      } catch (error) {
        logError(`analysis of ${uri} failed`, error);
      }
    }
    if (pullDiagnostics) {
      // The client pulls an edited document by itself (also one edited since this flush began); a refresh is for
      // the others whose findings moved (a sibling file, the settings, a file on disk), and only if the client can.
      const others = [...changed].some((uri) => !editedNow.has(uri) && !edited.has(uri));
      if (others && refreshSupport) send(connection.sendRequest(DiagnosticRefreshRequest.type), 'workspace/diagnostic/refresh');
    } else {
      for (const uri of touched) {
        const result = results.get(uri);
        if (result && documents.has(uri) && (changed.has(uri) || editedNow.has(uri))) {
          send(connection.sendDiagnostics({ uri, version: result.version, diagnostics: result.diagnostics }), 'publishDiagnostics');
        }
      }
    }
    if (touched.size > 0) send(connection.sendNotification(CHECKLIST_CHANGED, {}), CHECKLIST_CHANGED);
  }

  /** Stores a document's diagnostics; notes whether they differ from the last ones. */
  function setResult(document: OpenDocument, diagnostics: Diagnostic[], touched: Set<string>, changed: Set<string>): void {
    const previous = results.get(document.uri);
    if (!previous || JSON.stringify(previous.diagnostics) !== JSON.stringify(diagnostics)) changed.add(document.uri);
    results.set(document.uri, { version: document.version, diagnostics });
    touched.add(document.uri);
  }

  /** Analyses the integration (or lone file) a document belongs to, setting the results of all its open files. */
  function analyse(uri: string, settings: Settings, touched: Set<string>, changed: Set<string>): void {
    const document = documents.get(uri);
    if (!document?.isAnalysed) return;
    const manifest = document.path ? workspace.manifestFor(document.path) : undefined;
    if (!settings.enable) {
      if (manifest) integrations.delete(manifest);
      setResult(document, [], touched, changed);
      return;
    }
    // pyproject.toml's [tool.ha-security] first, the editor's settings on top.
    const project = document.path ? findProjectConfig(document.path) : undefined;
    for (const problem of project?.problems ?? []) warnOnce(problem);
    const relative = (file: string) => (project ? relativeToConfig(project, file) : undefined);
    if (project && document.path && isExcluded(project.config, relative(document.path) ?? '')) {
      setResult(document, [], touched, changed);
      return;
    }
    const options: AnalysisOptions = project ? layerOptions(project.config, { severities: settings.rules }) : { severities: settings.rules };
    const keep = (findings: Finding[]) => (project ? applyPerFileIgnores(project.config, findings, relative) : findings);
    if (!manifest) {
      const diagnostics: Diagnostic[] = [];
      if (document.isPython && settings.scope === 'all') {
        const file = loadPythonFile(document.path ?? uri, document.text, '', document.syntaxTree());
        const result = analyzeStandaloneFile(file, options);
        diagnostics.push(...keep(result.findings).map(toDiagnostic), ...result.pragmaProblems.map(pragmaDiagnostic));
        logErrors(result.errors);
      }
      setResult(document, diagnostics, touched, changed);
      return;
    }
    const state = analyseIntegration(manifest, options, keep);
    for (const open of documentsOf(manifest)) {
      const diagnostics = state.findings.filter((finding) => finding.path === open.path).map(toDiagnostic);
      diagnostics.push(...state.pragmaProblems.filter((problem) => problem.path === open.path).map(pragmaDiagnostic));
      if (open.path === manifest) diagnostics.push(...state.manifestDiagnostics);
      setResult(open, diagnostics, touched, changed);
    }
  }

  /** Runs the engine on one integration (open documents from the editor, the rest from disk) and keeps its state. */
  function analyseIntegration(
    manifest: string,
    options: AnalysisOptions,
    keep: (findings: Finding[]) => Finding[] = (findings) => findings,
  ): IntegrationState & { manifestDiagnostics: Diagnostic[]; pragmaProblems: PragmaProblem[] } {
    const { model, errors } = workspace.integration(manifest, documents);
    const result = analyzeIntegration(model, options);
    result.findings = keep(result.findings);
    const manifestDiagnostics: Diagnostic[] = [];
    const otherErrors: AnalysisError[] = [...errors];
    for (const error of result.errors) {
      // The engine gives manifest problems (malformed JSON, wrong types) a place: they are the user's to see.
      if (error.path === manifest && error.range) manifestDiagnostics.push(problemDiagnostic(error.message, error.range, MANIFEST_INVALID));
      else otherErrors.push(error);
    }
    logErrors(otherErrors);
    const state = { domain: model.domain, root: model.root, checklist: result.checklist, findings: result.findings };
    if (documentsOf(manifest).length > 0) integrations.set(manifest, state);
    return { ...state, manifestDiagnostics, pragmaProblems: result.pragmaProblems };
  }

  /** A failing rule or an unreadable file costs only its own findings; the user learns why in the output. */
  function logErrors(errors: AnalysisError[]): void {
    for (const error of errors) {
      const line = `${error.path}: ${error.message}`;
      if (loggedErrors.has(line)) continue;
      loggedErrors.add(line);
      connection.console.error(line);
    }
  }

  connection.languages.diagnostics.on(
    guardRequest('textDocument/diagnostic', { kind: DocumentDiagnosticReportKind.Full, items: [] as Diagnostic[] }, async ({ textDocument }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const result = results.get(textDocument.uri);
      if (!result || result.version !== document.version) pending.add(textDocument.uri);
      // Always wait for the analyses queued or running (a settings change, a sibling's edit), so the answer is current.
      await flushNow();
      return { kind: DocumentDiagnosticReportKind.Full, items: results.get(textDocument.uri)?.diagnostics ?? [] };
    }),
  );

  connection.onCodeAction(
    guardRequest('textDocument/codeAction', [] as CodeAction[], async ({ textDocument, context, range }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return [];
      const wantsFixAll = context.only?.some((kind) => FIX_ALL_KIND.startsWith(kind) || kind.startsWith(FIX_ALL_KIND));
      if (wantsFixAll) return fixAllAction(document);
      const lines = document.text.split('\n');
      const actions: CodeAction[] = [];
      const own = results.get(textDocument.uri)?.diagnostics ?? [];
      const candidates = context.diagnostics.length > 0 ? context.diagnostics : own.filter((diagnostic) => overlaps(diagnostic.range, range));
      for (const diagnostic of candidates) {
        actions.push(...codeActionsFor(textDocument.uri, diagnostic, document.version, lines[diagnostic.range.start.line] ?? ''));
      }
      return actions;
    }),
  );

  /** Every safe fix of the document, re-analysed on the current text, as one versioned edit. */
  async function fixAllAction(document: OpenDocument): Promise<CodeAction[]> {
    pending.add(document.uri);
    await flushNow();
    if (!documents.has(document.uri)) return [];
    const diagnostics = results.get(document.uri)?.diagnostics ?? [];
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

  connection.onRequest(
    CHECKLIST_REQUEST,
    guardRequest('haSecurity/checklist', [] as ChecklistResult[], async (params: { uri?: string } | null | undefined) => {
      await flushNow();
      await ready;
      const wanted = typeof params?.uri === 'string' ? toPath(params.uri) : undefined;
      if (!wanted) return [...integrations.values()].map(checklistResult);
      const manifest = isDirectory(wanted) ? workspace.manifestForFolder(wanted) : workspace.manifestFor(wanted);
      if (!manifest) return [];
      const known = integrations.get(manifest);
      if (known) return [checklistResult(known)];
      // An integration without open documents: analyse it from disk, without keeping it.
      const settings = await settingsFor(params!.uri!);
      if (!settings.enable) return [];
      return [checklistResult(analyseIntegration(manifest, { severities: settings.rules }))];
    }),
  );

  function checklistResult(state: IntegrationState): ChecklistResult {
    // Prefer the editor's own spelling of an open file's URI (VS Code escapes a Windows drive's colon, for one).
    const uriByPath = new Map<string, string>();
    for (const document of documents.values()) if (document.path) uriByPath.set(document.path, document.uri);
    return {
      domain: state.domain,
      root: pathToFileURL(state.root).toString(),
      checklist: state.checklist.map((entry) => ({ ...entry, title: checklistItem(entry.id).title })),
      findings: state.findings.map((finding) => ({
        uri: uriByPath.get(finding.path) ?? pathToFileURL(finding.path).toString(),
        range: finding.range,
        rule: finding.rule,
        checklist: finding.checklist,
        severity: finding.severity,
        message: finding.message,
      })),
    };
  }

  /** Notifications and requests to the client are fire-and-forget; a failure (client gone) is only logged. */
  function send(promise: Promise<unknown>, what: string): void {
    promise.catch((error) => logError(`${what} could not be sent`, error));
  }

  connection.onShutdown(() => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    pending.clear();
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

function isDirectory(filePath: string): boolean {
  try {
    return fs.statSync(filePath).isDirectory();
  } catch {
    return false;
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
