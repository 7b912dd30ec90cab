import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeActionKind,
  createConnection,
  DiagnosticRefreshRequest,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  ErrorCodes,
  LSPErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  type CancellationToken,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { checklistItem } from './analysis/checklist';
import { analyzeIntegration, analyzeStandaloneFile, FocusedAnalysis, type AnalysisOptions, type IntegrationResult } from './analysis/engine';
import { applyTextEdits, combineFixes } from './analysis/fixAll';
import { skipReason } from './analysis/limits';
import { initParser, parseCount, parseTime, wasmMemoryBytes } from './analysis/python/parser';
import { applyPerFileIgnores, layerOptions } from './analysis/config';
import type { AnalysisError, ChecklistEntry, Finding, Fix, PragmaProblem } from './analysis/types';
import { codeActionsFor, FIX_ALL_KIND, MANIFEST_INVALID, pragmaDiagnostic, problemDiagnostic, skippedDiagnostic, toDiagnostic, type DiagnosticData } from './lsp/convert';
import { OpenDocument } from './lsp/documents';
import { DEFAULT_SETTINGS, normalizeSettings, SETTINGS_SECTION, type Settings } from './lsp/settings';
import { Workspace } from './lsp/workspace';
import { ClosedFileDiagnostics, commonFolder, folderOf, integrationManifests, isFileExcluded, isInside, nextTurn, uriOf } from './lsp/workspaceScan';
import { findProjectConfig, relativeToConfig, type LoadedConfig } from './node/projectConfig';
import { toMarkdown } from './node/report';
import type { ScanResult } from './node/scan';

export type { Settings } from './lsp/settings';

export const CHECKLIST_REQUEST = 'haSecurity/checklist';
/** Answered only when initializationOptions.debugMemory is true (the memory test). */
export const DEBUG_MEMORY_REQUEST = 'haSecurity/debugMemory';
export const CHECKLIST_CHANGED = 'haSecurity/checklistChanged';
/** Starts (or restarts) the background analysis of every integration in the workspace folders; answers ScanSummary. */
export const SCAN_WORKSPACE_REQUEST = 'haSecurity/scanWorkspace';
/** The checklist of every integration as Markdown for a pull request: `{ markdown: string }`. */
export const EXPORT_REPORT_REQUEST = 'haSecurity/exportReport';
/** The client tells whether the workspace is trusted (`{ trusted: boolean }`); also an initialization option. */
export const WORKSPACE_TRUST_NOTIFICATION = 'haSecurity/workspaceTrusted';

/** What `haSecurity/scanWorkspace` answers once the scan is done. */
export interface ScanSummary {
  integrations: number;
  files: number;
  findings: number;
}

/** What `haSecurity/checklist` answers per integration. Positions are LSP positions (UTF-16). */
export interface ChecklistResult {
  domain: string;
  root: string;
  /** Every checklist item in the checklist's order, with its title for display. */
  checklist: (ChecklistEntry & { title: string })[];
  findings: { uri: string; range: Finding['range']; rule: string; checklist: string; severity: Finding['severity']; message: string }[];
}

/** One integration's last analysis, for the checklist request and the exported report. */
interface IntegrationState {
  domain: string;
  root: string;
  manifestPath: string;
  checklist: ChecklistEntry[];
  findings: Finding[];
  pragmaProblems: PragmaProblem[];
  /** Files that could not be read, manifest problems and failing rules, listed in the report. */
  errors: AnalysisError[];
  /** Files analysed: the Python files and manifest.json. */
  files: number;
}

/** How the files of one workspace folder are analysed: options, per-file ignores and exclusions layered together. */
interface AnalysisSetup {
  options: AnalysisOptions;
  keep: (findings: Finding[]) => Finding[];
  excluded: (file: string) => boolean;
}

/** An integration whose edited file's results are out; its other files are checked after (see FocusedAnalysis). */
interface DeferredIntegration {
  analysis: FocusedAnalysis;
  setup: AnalysisSetup;
  /** Files of the integration that could not be read. */
  modelErrors: AnalysisError[];
  /** The document whose results the first step set. */
  focusUri: string;
  /** The versions of the integration's open documents it analysed: an edit since makes it stale. */
  versions: Map<string, number>;
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
  /** Each open document's diagnostics, with their JSON to tell whether the next analysis changed them. */
  const results = new Map<string, { version: number; diagnostics: Diagnostic[]; json: string }>();
  /** Keyed by manifest path: the integrations of the scanned workspace folders and those with an open document. */
  const integrations = new Map<string, IntegrationState>();
  /** Workspace folders (paths), from initialize and workspace/didChangeWorkspaceFolders. */
  let workspaceFolders: string[] = [];
  /** Folders a scan covered: their integrations are kept analysed whole, opened or not, and follow file events. */
  const scannedFolders = new Set<string>();
  /** The settings each scanned folder was scanned with (JSON), to tell a real change from a repeated notification. */
  const scannedSettings = new Map<string, string>();
  /** Manifests of the integrations found by scans: their unopened files get (pushed) diagnostics too. */
  const workspaceIntegrations = new Set<string>();
  const closedFiles = new ClosedFileDiagnostics((uri, diagnostics) => send(connection.sendDiagnostics({ uri, diagnostics }), 'publishDiagnostics'));
  /** Integrations to re-analyse from disk (file events, a closed document), one per turn of the event loop. */
  const background = new Set<string>();
  /** Set by the shutdown request: the server then answers nothing but exit. */
  let shutDown = false;
  let backgroundScheduled: NodeJS.Immediate | undefined;
  /** Bumped by each scan (and shutdown): a running scan that sees another number stops. */
  let scanGeneration = 0;
  let currentScan: Promise<ScanSummary> | undefined;
  /** Other editors say nothing about trust: trusted unless the client says otherwise. */
  let workspaceTrusted = true;
  const settingsCache = new Map<string, Promise<Settings>>();
  /** Analysis errors already logged, so a failing rule is not logged again on every keystroke. */
  const loggedErrors = new Set<string>();
  let pullDiagnostics = false;
  let refreshSupport = false;
  let configurationSupport = false;
  let dynamicConfigurationRegistration = false;
  let folderEventsSupport = false;
  let globalSettings: Settings = DEFAULT_SETTINGS;

  /** Documents to analyse on the next flush; `edited` marks those whose own text changed (or that just opened). */
  const pending = new Set<string>();
  const edited = new Set<string>();
  /** A flush is waiting for the edits that arrived together to be applied (see settled()). */
  let scheduled = false;
  /** Edits handled so far, so waiting code can tell whether more arrived meanwhile. */
  let editCount = 0;
  /** Flushes run one after another, so two analyses never interleave their results. */
  let flushing: Promise<void> = Promise.resolve();
  /** Flushes asked for so far: a completion of deferred integrations gives way to a newer one (completeDeferred). */
  let flushRequests = 0;
  /**
   * Integrations whose edited file's diagnostics are out while their other files are still to be checked, by manifest
   * (see FocusedAnalysis). Any later analysis of the integration replaces its entry.
   */
  const deferred = new Map<string, DeferredIntegration>();
  let completionScheduled = false;

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
  function guardRequest<P, R>(what: string, fallback: R, handler: (params: P, token: CancellationToken) => Promise<R>): (params: P, token: CancellationToken) => Promise<R> {
    return async (params, token) => {
      refuseAfterShutdown();
      try {
        return await handler(params, token);
      } catch (error) {
        // A cancelled or superseded request is answered with its error code, not with an empty result.
        if (error instanceof ResponseError) throw error;
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
    folderEventsSupport = Boolean(capabilities.workspace?.workspaceFolders);
    const options = params.initializationOptions as { settings?: unknown; workspaceTrusted?: unknown; debugMemory?: unknown } | undefined;
    if (options?.settings !== undefined) globalSettings = normalizeSettings(options.settings, warnOnce);
    if (options?.debugMemory === true) answerDebugMemory();
    workspaceTrusted = options?.workspaceTrusted !== false;
    const folderUris = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceFolders = folderUris.map(toPath).filter((folder): folder is string => folder !== undefined);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        // Findings of one file depend on its integration's other files, hence interFileDependencies.
        // Unopened files of workspace integrations get pushed diagnostics in either mode: vscode-languageclient keeps
        // pushed ones in their own collection, and workspace pulls would poll every two seconds.
        ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'ha-security', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        // The product's own methods, for editors other than the VS Code client to find.
        experimental: {
          haSecurity: {
            requests: [CHECKLIST_REQUEST, SCAN_WORKSPACE_REQUEST, EXPORT_REPORT_REQUEST],
            clientNotifications: [WORKSPACE_TRUST_NOTIFICATION],
            serverNotifications: [CHECKLIST_CHANGED],
          },
        },
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
    // The library throws when asked for folder events a client never declared it sends.
    if (folderEventsSupport) connection.workspace.onDidChangeWorkspaceFolders(guard('didChangeWorkspaceFolders', changeWorkspaceFolders));
    if (workspaceFolders.length > 0) void startScan('startup');
  });

  function changeWorkspaceFolders({ added, removed }: WorkspaceFoldersChangeEvent): void {
    for (const folder of removed.map((removedFolder) => toPath(removedFolder.uri))) {
      if (!folder) continue;
      workspaceFolders = workspaceFolders.filter((known) => known !== folder);
      scannedFolders.delete(folder);
      for (const manifest of [...workspaceIntegrations]) {
        if (isInside(folder, manifest) && !folderOf(workspaceFolders, manifest)) forgetWorkspaceIntegration(manifest);
      }
    }
    const fresh = added.map((addedFolder) => toPath(addedFolder.uri)).filter((folder): folder is string => folder !== undefined && !workspaceFolders.includes(folder));
    workspaceFolders.push(...fresh);
    if (fresh.length > 0) void startScan('startup');
  }

  connection.onNotification(
    WORKSPACE_TRUST_NOTIFICATION,
    guard('workspaceTrusted', (params: { trusted?: unknown } | null | undefined) => {
      const trusted = params?.trusted !== false;
      if (trusted === workspaceTrusted) return;
      workspaceTrusted = trusted;
      for (const uri of documents.keys()) pending.add(uri);
      schedule();
      if (scannedFolders.size > 0) void startScan('again');
    }),
  );

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
      // Exclusions, rules and enablement change which integrations and findings the workspace has.
      void rescanIfSettingsChanged();
    }),
  );

  connection.onDidOpenTextDocument(
    guard('didOpen', ({ textDocument }) => {
      documents.get(textDocument.uri)?.dispose();
      const document = new OpenDocument(textDocument.uri, toPath(textDocument.uri), textDocument.languageId, textDocument.version, textDocument.text);
      documents.set(textDocument.uri, document);
      // A pull client shows pulled diagnostics besides pushed ones: drop what was pushed while the file was closed.
      const pushedWhileClosed = document.path ? closedFiles.opened(document.path) : undefined;
      if (pushedWhileClosed && (pullDiagnostics || pushedWhileClosed !== textDocument.uri)) {
        send(connection.sendDiagnostics({ uri: pushedWhileClosed, diagnostics: [] }), 'publishDiagnostics');
      }
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
      const showing = results.get(textDocument.uri)?.diagnostics ?? [];
      documents.delete(textDocument.uri);
      results.delete(textDocument.uri);
      pending.delete(textDocument.uri);
      edited.delete(textDocument.uri);
      document.dispose();
      const manifest = document.path ? workspace.manifestFor(document.path) : undefined;
      if (manifest && document.path && workspaceIntegrations.has(manifest)) {
        // The file stays among the workspace's problems, judged from its disk copy now (a pull client drops what it
        // pulled on close, a push client keeps what it was sent until told otherwise).
        if (!pullDiagnostics) closedFiles.closed(textDocument.uri, document.path, showing);
        queueBackground(manifest);
      } else if (!pullDiagnostics) {
        send(connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] }), 'publishDiagnostics');
      }
      if (manifest) {
        // The siblings now see the disk copy of this file, which may differ from what the editor had.
        for (const other of documentsOf(manifest)) pending.add(other.uri);
        if (documentsOf(manifest).length === 0 && !workspaceIntegrations.has(manifest)) integrations.delete(manifest);
        schedule();
        send(connection.sendNotification(CHECKLIST_CHANGED, {}), CHECKLIST_CHANGED);
      }
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('didChangeWatchedFiles', ({ changes }) => {
      let projectChanged = false;
      for (const change of changes) {
        const filePath = toPath(change.uri);
        if (filePath) workspace.invalidate(filePath);
      }
      for (const change of changes) {
        const filePath = toPath(change.uri);
        if (!filePath) continue;
        if (path.basename(filePath) === 'pyproject.toml') {
          projectChanged = true;
          continue;
        }
        if (change.type === FileChangeType.Deleted) {
          // A deleted folder may be (or hold) whole integrations; the refresh finds their manifests gone.
          for (const manifest of workspaceIntegrations) if (manifest === filePath || isInside(filePath, manifest)) queueBackground(manifest);
        }
        const manifest = workspace.manifestFor(filePath);
        const folder = manifest ? folderOf(workspaceFolders, manifest) : undefined;
        if (manifest && (workspaceIntegrations.has(manifest) || (folder !== undefined && scannedFolders.has(folder)))) {
          workspaceIntegrations.add(manifest);
          queueBackground(manifest);
        }
      }
      for (const uri of documents.keys()) pending.add(uri);
      schedule();
      if (projectChanged && scannedFolders.size > 0) void startScan('again');
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
    editCount++;
    pending.add(uri);
    edited.add(uri);
    schedule();
  }

  /** Coalesces bursts of edits: everything queued is analysed once the edits that arrived together are applied. */
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    void settled().then(() => {
      scheduled = false;
      return flushEdited();
    });
  }

  /**
   * Resolves once the JSON-RPC layer had a turn without handling an edit. It handles one queued message per turn
   * of the event loop (behind what is already queued, hence two turns of setImmediate), so edits that arrived
   * together, say a burst of keystrokes read in one chunk while the server was busy, are all applied by then:
   * version N is never analysed when N+1 is already waiting.
   */
  async function settled(): Promise<void> {
    let seen: number;
    do {
      seen = editCount;
      await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
    } while (seen !== editCount);
  }

  /** Analyses everything pending (after any flush already running), deferred files included, and publishes the results. */
  function flushNow(): Promise<void> {
    flushRequests++;
    flushing = flushing.then(async () => {
      await flush(false).catch((error) => logError('analysis failed', error));
      await completeDeferred(false).catch((error) => logError('analysis failed', error));
    });
    return flushing;
  }

  /**
   * Analyses what is pending like flushNow, except that an integration with one edited file pending gets that file's
   * diagnostics first: the rest of the integration is checked afterwards, unless a newer edit comes first.
   */
  function flushEdited(): Promise<void> {
    flushRequests++;
    flushing = flushing.then(() => flush(true).catch((error) => logError('analysis failed', error)));
    void flushing.then(scheduleCompletion);
    return flushing;
  }

  /** `focused`: an integration with only an edited file pending is analysed around that file (see FocusedAnalysis). */
  async function flush(focused: boolean): Promise<void> {
    if (pending.size === 0) return;
    const uris = [...pending];
    const editedNow = new Set(edited);
    pending.clear();
    edited.clear();
    await ready;
    const touched = new Set<string>();
    const changed = new Set<string>();
    const focusable = focused ? focusableDocuments(uris, editedNow) : new Set<string>();
    for (const uri of uris) {
      if (touched.has(uri) || !documents.has(uri)) continue;
      // The only wait: everything after it is synchronous, so it sees one consistent state of the documents.
      const settings = await settingsFor(uri);
      if (!documents.has(uri)) continue;
      try {
        analyse(uri, settings, touched, changed, focusable.has(uri));
      } catch (error) {
        logError(`analysis of ${uri} failed`, error);
      }
    }
    announce(touched, changed, editedNow);
  }

  /** Publishes (or, to a pulling client, announces) the results that changed, and tells of a changed checklist. */
  function announce(touched: Set<string>, changed: Set<string>, editedNow: Set<string>): void {
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
    // A deferred integration's checklist is not known yet; its completion tells.
    const checklistMoved = [...touched].some((uri) => deferredEntryOf(uri) === undefined);
    if (checklistMoved) send(connection.sendNotification(CHECKLIST_CHANGED, {}), CHECKLIST_CHANGED);
  }

  /** The edited Python documents that are the only pending document of their integration. */
  function focusableDocuments(uris: string[], editedNow: Set<string>): Set<string> {
    const byManifest = new Map<string, string[]>();
    for (const uri of uris) {
      const document = documents.get(uri);
      const manifest = document?.path ? workspace.manifestFor(document.path) : undefined;
      if (manifest) byManifest.set(manifest, [...(byManifest.get(manifest) ?? []), uri]);
    }
    const focusable = new Set<string>();
    for (const group of byManifest.values()) {
      if (group.length === 1 && editedNow.has(group[0]) && documents.get(group[0])?.isPython) focusable.add(group[0]);
    }
    return focusable;
  }

  function openVersions(manifest: string): Map<string, number> {
    return new Map(documentsOf(manifest).map((document) => [document.uri, document.version]));
  }

  /** Whether a deferred integration's open documents are those it analysed, at the same versions. */
  function isCurrent(manifest: string, entry: DeferredIntegration): boolean {
    const now = openVersions(manifest);
    return now.size === entry.versions.size && [...now].every(([uri, version]) => entry.versions.get(uri) === version);
  }

  function deferredEntryOf(uri: string): DeferredIntegration | undefined {
    const document = documents.get(uri);
    const manifest = document?.path ? workspace.manifestFor(document.path) : undefined;
    return manifest ? deferred.get(manifest) : undefined;
  }

  /** Whether a document's integration is deferred and the document is not the one its diagnostics are out for. */
  function isDeferred(uri: string): boolean {
    const entry = deferredEntryOf(uri);
    return entry !== undefined && entry.focusUri !== uri;
  }

  function scheduleCompletion(): void {
    if (completionScheduled || deferred.size === 0) return;
    completionScheduled = true;
    setImmediate(() => {
      completionScheduled = false;
      flushing = flushing.then(() => completeDeferred(true).catch((error) => logError('analysis failed', error)));
    });
  }

  /**
   * Checks the other files of the deferred integrations and publishes their results. `yielding`: a file at a time, a
   * turn of the event loop between files, stopping (to go on after it) as soon as a newer flush is asked for, so an
   * edit that arrives meanwhile waits for one file at most.
   */
  async function completeDeferred(yielding: boolean): Promise<void> {
    if (shutDown) return;
    const requests = flushRequests;
    for (const [manifest, entry] of [...deferred]) {
      if (!isCurrent(manifest, entry)) {
        // Edited since: the flush queued for the edit analyses the integration again. (Every change to an
        // integration's documents queues one; should none be queued, one is.)
        if (!documentsOf(manifest).some((document) => pending.has(document.uri))) {
          deferred.delete(manifest);
          for (const document of documentsOf(manifest)) pending.add(document.uri);
          schedule();
        }
        continue;
      }
      while (entry.analysis.checkNextFile()) {
        if (!yielding) continue;
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (flushRequests !== requests || deferred.get(manifest) !== entry || !isCurrent(manifest, entry)) return;
      }
      deferred.delete(manifest);
      const touched = new Set<string>();
      const changed = new Set<string>();
      const state = integrationState(manifest, entry.analysis.result(), entry.modelErrors, entry.setup);
      setIntegrationResults(manifest, state, entry.setup, touched, changed);
      announce(touched, changed, new Set());
    }
  }

  /** Stores a document's diagnostics; notes whether they differ from the last ones. */
  function setResult(document: OpenDocument, diagnostics: Diagnostic[], touched: Set<string>, changed: Set<string>): void {
    const previous = results.get(document.uri);
    const json = JSON.stringify(diagnostics);
    if (!previous || previous.json !== json) changed.add(document.uri);
    results.set(document.uri, { version: document.version, diagnostics, json });
    touched.add(document.uri);
  }

  /** A Python document too large or minified to analyse gets only a notice saying so (analysis/limits.ts). */
  function skippedNotice(document: OpenDocument): Diagnostic | undefined {
    const reason = document.isPython ? skipReason(document.text) : undefined;
    return reason ? skippedDiagnostic(reason) : undefined;
  }

  /**
   * Analyses the integration (or lone file) a document belongs to, setting the results of all its open files; with
   * `focused`, those of this document only, the rest deferred (see FocusedAnalysis).
   */
  function analyse(uri: string, settings: Settings, touched: Set<string>, changed: Set<string>, focused: boolean): void {
    const document = documents.get(uri);
    if (!document?.isAnalysed) return;
    const manifest = document.path ? workspace.manifestFor(document.path) : undefined;
    if (!settings.enable) {
      if (manifest) forgetIntegration(manifest);
      setResult(document, [], touched, changed);
      return;
    }
    const setup = analysisSetup(document.path, settings);
    if (document.path && (setup.excluded(document.path) || (manifest !== undefined && setup.excluded(manifest)))) {
      setResult(document, [], touched, changed);
      return;
    }
    const { options, keep } = setup;
    if (!manifest) {
      const diagnostics: Diagnostic[] = [];
      const skipped = skippedNotice(document);
      if (skipped) {
        diagnostics.push(skipped);
      } else if (document.isPython && settings.scope === 'all') {
        const file = document.fileModel(document.path ?? uri, '');
        const result = analyzeStandaloneFile(file, options);
        diagnostics.push(...keep(result.findings).map(toDiagnostic), ...result.pragmaProblems.map(pragmaDiagnostic));
        logErrors(result.errors);
      }
      setResult(document, diagnostics, touched, changed);
      return;
    }
    if (focused) {
      analyseAround(document, manifest, setup, touched, changed);
      return;
    }
    setIntegrationResults(manifest, analyseIntegration(manifest, setup), setup, touched, changed);
  }

  /** Sets the results of an integration's open documents, and of its closed files if the workspace shows them. */
  function setIntegrationResults(manifest: string, state: IntegrationState & { manifestDiagnostics: Diagnostic[] }, setup: AnalysisSetup, touched: Set<string>, changed: Set<string>): void {
    const byPath = diagnosticsByFile(state);
    for (const open of documentsOf(manifest)) {
      const skipped = open.path && !setup.excluded(open.path) ? skippedNotice(open) : undefined;
      setResult(open, skipped ? [skipped] : (byPath.get(open.path ?? '') ?? []), touched, changed);
    }
    if (workspaceIntegrations.has(manifest)) closedFiles.publish(state.root, byPath, isOpenPath);
  }

  /** The first step of a focused analysis: the edited document's results; the integration's completion is deferred. */
  function analyseAround(document: OpenDocument, manifest: string, setup: AnalysisSetup, touched: Set<string>, changed: Set<string>): void {
    deferred.delete(manifest);
    const { model, errors } = workspace.integration(manifest, documents, setup.excluded);
    const analysis = new FocusedAnalysis(model, setup.options, document.path);
    const focus = analysis.focusResult();
    logErrors(focus.errors);
    const skipped = skippedNotice(document);
    const diagnostics = skipped ? [skipped] : [...setup.keep(focus.findings).map(toDiagnostic), ...focus.pragmaProblems.map(pragmaDiagnostic)];
    setResult(document, diagnostics, touched, changed);
    deferred.set(manifest, { analysis, setup, modelErrors: errors, focusUri: document.uri, versions: openVersions(manifest) });
  }

  /**
   * pyproject.toml's [tool.ha-security] first, the editor's settings on top; exclusions from both. In an untrusted
   * workspace the pyproject.toml table is ignored: it is the workspace's own file and could silence findings.
   */
  function analysisSetup(filePath: string | undefined, settings: Settings): AnalysisSetup {
    const project = filePath ? projectConfigFor(filePath) : undefined;
    const relative = (file: string) => (project ? relativeToConfig(project, file) : undefined);
    const overrides: AnalysisOptions = { severities: settings.rules, settings: settings.ruleSettings };
    const folder = filePath ? folderOf(workspaceFolders, filePath) : undefined;
    return {
      options: project ? layerOptions(project.config, overrides) : overrides,
      keep: (findings) => (project ? applyPerFileIgnores(project.config, findings, relative) : findings),
      excluded: (file) => isFileExcluded(file, settings.exclude, folder, project),
    };
  }

  function projectConfigFor(filePath: string): LoadedConfig | undefined {
    const project = findProjectConfig(filePath);
    if (!project) return undefined;
    if (!workspaceTrusted) {
      warnOnce(`${project.file}: [tool.ha-security] is ignored because the workspace is not trusted; only your own settings apply.`);
      return undefined;
    }
    for (const problem of project.problems) warnOnce(problem);
    return project;
  }

  function isOpenPath(filePath: string): boolean {
    for (const document of documents.values()) if (document.path === filePath) return true;
    return false;
  }

  /** An integration's diagnostics per file: findings, pragma problems, and manifest problems on manifest.json. */
  function diagnosticsByFile(state: IntegrationState & { manifestDiagnostics: Diagnostic[] }): Map<string, Diagnostic[]> {
    const byPath = new Map<string, Diagnostic[]>();
    const add = (filePath: string, diagnostic: Diagnostic) => byPath.set(filePath, [...(byPath.get(filePath) ?? []), diagnostic]);
    for (const finding of state.findings) add(finding.path, toDiagnostic(finding));
    for (const problem of state.pragmaProblems) add(problem.path, pragmaDiagnostic(problem));
    for (const diagnostic of state.manifestDiagnostics) add(state.manifestPath, diagnostic);
    return byPath;
  }

  /** Runs the engine on one integration (open documents from the editor, the rest from disk) and keeps its state. */
  function analyseIntegration(manifest: string, setup: AnalysisSetup): IntegrationState & { manifestDiagnostics: Diagnostic[] } {
    deferred.delete(manifest);
    const { model, errors } = workspace.integration(manifest, documents, setup.excluded);
    return integrationState(manifest, analyzeIntegration(model, setup.options), errors, setup);
  }

  /** An integration's state from its analysis: kept (for the checklist) while it has open documents or is in the workspace. */
  function integrationState(manifest: string, result: IntegrationResult, errors: AnalysisError[], setup: AnalysisSetup): IntegrationState & { manifestDiagnostics: Diagnostic[] } {
    const model = result.integration;
    result.findings = setup.keep(result.findings);
    const manifestDiagnostics: Diagnostic[] = [];
    const otherErrors: AnalysisError[] = [...errors];
    for (const error of result.errors) {
      // The engine gives manifest problems (malformed JSON, wrong types) a place: they are the user's to see.
      if (error.path === manifest && error.range) manifestDiagnostics.push(problemDiagnostic(error.message, error.range, MANIFEST_INVALID));
      else otherErrors.push(error);
    }
    logErrors(otherErrors);
    const state: IntegrationState = {
      domain: model.domain,
      root: model.root,
      manifestPath: manifest,
      checklist: result.checklist,
      findings: result.findings,
      pragmaProblems: result.pragmaProblems,
      errors: [...errors, ...result.errors],
      files: model.files.length + 1,
    };
    if (documentsOf(manifest).length > 0 || workspaceIntegrations.has(manifest)) integrations.set(manifest, state);
    return { ...state, manifestDiagnostics };
  }

  /** Forgets an integration's analysis and clears the diagnostics of its unopened files. */
  function forgetIntegration(manifest: string): void {
    const known = integrations.delete(manifest);
    closedFiles.clear(path.dirname(manifest));
    if (known) send(connection.sendNotification(CHECKLIST_CHANGED, {}), CHECKLIST_CHANGED);
  }

  function forgetWorkspaceIntegration(manifest: string): void {
    workspaceIntegrations.delete(manifest);
    if (documentsOf(manifest).length === 0) forgetIntegration(manifest);
    else closedFiles.clear(path.dirname(manifest));
  }

  /**
   * Re-analyses a workspace integration: through its open documents when it has some (their results and the
   * closed files' are published together), else from disk. One that is gone, excluded or disabled is forgotten.
   */
  async function refreshIntegration(manifest: string): Promise<void> {
    if (!workspaceIntegrations.has(manifest)) return;
    const open = documentsOf(manifest);
    if (open.length > 0) {
      for (const document of open) pending.add(document.uri);
      await flush(false);
      return;
    }
    const settings = await settingsFor(uriOf(manifest));
    const setup = analysisSetup(manifest, settings);
    if (!settings.enable || workspace.manifestForFolder(path.dirname(manifest)) !== manifest || setup.excluded(manifest)) {
      forgetWorkspaceIntegration(manifest);
      return;
    }
    await ready;
    const state = analyseIntegration(manifest, setup);
    // Nobody is editing it: what is kept is its findings, not its files' models.
    workspace.release(state.root);
    closedFiles.publish(state.root, diagnosticsByFile(state), isOpenPath);
    send(connection.sendNotification(CHECKLIST_CHANGED, {}), CHECKLIST_CHANGED);
  }

  /** Runs a background step in turn with the analyses of edits, and after the edits already waiting. */
  function exclusive(step: () => Promise<void>): Promise<void> {
    flushing = flushing
      .then(async () => {
        if (pending.size > 0) await flush(false);
        await step();
      })
      .catch((error) => logError('background analysis failed', error));
    return flushing;
  }

  function queueBackground(manifest: string): void {
    background.add(manifest);
    if (backgroundScheduled) return;
    backgroundScheduled = setImmediate(() => void backgroundStep());
  }

  /** One integration per turn of the event loop, so edits that arrive meanwhile wait for one integration at most. */
  async function backgroundStep(): Promise<void> {
    const [manifest] = background;
    if (manifest !== undefined) {
      background.delete(manifest);
      await exclusive(() => refreshIntegration(manifest));
    }
    backgroundScheduled = background.size > 0 ? setImmediate(() => void backgroundStep()) : undefined;
  }

  /**
   * Scans the workspace folders (`startup`: those whose settings ask for it; `all`; `again`: those scanned before)
   * for integrations and analyses each in the background, one per turn of the event loop, with visible progress.
   * A newer scan supersedes a running one, which then answers with the newer one's summary.
   */
  function startScan(which: 'startup' | 'all' | 'again'): Promise<ScanSummary> {
    const generation = ++scanGeneration;
    const scan = scanWorkspace(generation, which).catch((error): ScanSummary => {
      logError('the workspace scan failed', error);
      return { integrations: 0, files: 0, findings: 0 };
    });
    currentScan = scan;
    return scan;
  }

  async function scanWorkspace(generation: number, which: 'startup' | 'all' | 'again'): Promise<ScanSummary> {
    const superseded = () => generation !== scanGeneration;
    const progress = await connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('HA Security', 0, 'Looking for integrations', false);
    try {
      const folders = which === 'again' ? workspaceFolders.filter((folder) => scannedFolders.has(folder)) : [...workspaceFolders];
      const found = new Set<string>();
      const covered: string[] = [];
      for (const folder of folders) {
        const settings = await settingsFor(uriOf(folder));
        if (which === 'startup' && !settings.scanWorkspaceOnStartup) continue;
        await nextTurn();
        if (superseded()) return (await currentScan) ?? { integrations: 0, files: 0, findings: 0 };
        covered.push(folder);
        scannedSettings.set(folder, JSON.stringify(settings));
        if (!settings.enable) continue;
        const { manifests, errors } = integrationManifests(folder);
        logErrors(errors);
        const setup = analysisSetup(folder, settings);
        for (const manifest of manifests) if (!setup.excluded(manifest)) found.add(manifest);
      }
      for (const folder of covered) scannedFolders.add(folder);
      // Integrations gone from the covered folders (deleted, now excluded, folder disabled) leave the workspace.
      for (const manifest of [...workspaceIntegrations]) {
        const folder = folderOf(workspaceFolders, manifest);
        if (!found.has(manifest) && (folder === undefined || covered.includes(folder))) forgetWorkspaceIntegration(manifest);
      }
      const manifests = [...found].sort();
      for (const manifest of manifests) workspaceIntegrations.add(manifest);
      for (const [index, manifest] of manifests.entries()) {
        progress?.report(Math.floor((index * 100) / manifests.length), `Scanning integrations ${index + 1}/${manifests.length}`);
        await nextTurn();
        if (superseded()) return (await currentScan) ?? { integrations: 0, files: 0, findings: 0 };
        await exclusive(() => refreshIntegration(manifest));
      }
      const states = manifests.map((manifest) => integrations.get(manifest)).filter((state): state is IntegrationState => state !== undefined);
      const summary = {
        integrations: states.length,
        files: states.reduce((sum, state) => sum + state.files, 0),
        findings: states.reduce((sum, state) => sum + state.findings.length, 0),
      };
      connection.console.log(`Workspace scan: ${summary.integrations} integrations, ${summary.files} files, ${summary.findings} findings.`);
      return summary;
    } finally {
      progress?.done();
    }
  }

  /**
   * Rescans when a scanned folder's settings changed. VS Code also sends the settings unchanged right after start,
   * which must not restart the scan it is running.
   */
  async function rescanIfSettingsChanged(): Promise<void> {
    for (const folder of scannedFolders) {
      const settings = await settingsFor(uriOf(folder));
      if (JSON.stringify(settings) !== scannedSettings.get(folder)) {
        void startScan('again');
        return;
      }
    }
  }

  /** Every known integration as the CLI's scan result, so the exported report is the CLI's Markdown report. */
  function workspaceScanResult(): ScanResult {
    const states = [...integrations.values()].sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
    return {
      integrations: states.map((state) => ({ domain: state.domain, root: state.root, manifestPath: state.manifestPath, checklist: state.checklist })),
      findings: states.flatMap((state) => state.findings),
      errors: states.flatMap((state) => state.errors),
      pragmaProblems: states.flatMap((state) => state.pragmaProblems),
      files: states.reduce((sum, state) => sum + state.files, 0),
    };
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
    guardRequest('textDocument/diagnostic', { kind: DocumentDiagnosticReportKind.Full, items: [] as Diagnostic[] }, async ({ textDocument }, token) => {
      const document = documents.get(textDocument.uri);
      if (!document) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      // The request is for the version the client had when it asked; edits sent right after it supersede it.
      const version = document.version;
      await settled();
      supersededCheck(token, textDocument.uri, version, 'pull');
      const result = results.get(textDocument.uri);
      if (!result || result.version !== document.version) pending.add(textDocument.uri);
      // Always wait for the analyses queued or running (a settings change, a sibling's edit), so the answer is current;
      // the rest of the integration of a document just edited need not be waited for, unless it is this document.
      await flushEdited();
      if (isDeferred(textDocument.uri)) await flushNow();
      supersededCheck(token, textDocument.uri, version, 'pull');
      return { kind: DocumentDiagnosticReportKind.Full, items: results.get(textDocument.uri)?.diagnostics ?? [] };
    }),
  );

  /**
   * Throws the LSP answer for a request overtaken while it waited: RequestCancelled when the client cancelled it;
   * when a newer version of its document arrived, ServerCancelled asking the client to pull again (diagnostics)
   * or ContentModified (code actions, whose edits would target text that is gone).
   */
  function supersededCheck(token: CancellationToken, uri: string, version: number, kind: 'pull' | 'action'): void {
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
    if (documents.get(uri)?.version === version) return;
    if (kind === 'pull') throw new ResponseError(LSPErrorCodes.ServerCancelled, 'A newer version of the document arrived.', { retriggerRequest: true });
    throw new ResponseError(LSPErrorCodes.ContentModified, 'The document changed while the request waited.');
  }

  connection.onCodeAction(
    guardRequest('textDocument/codeAction', [] as CodeAction[], async ({ textDocument, context, range }, token) => {
      const document = documents.get(textDocument.uri);
      if (!document) return [];
      const wantsFixAll = context.only?.some((kind) => FIX_ALL_KIND.startsWith(kind) || kind.startsWith(FIX_ALL_KIND));
      if (wantsFixAll) return fixAllAction(document, token);
      // Edits carry the positions of the text they were computed on: a request that arrives after an edit whose
      // diagnostics are not out yet waits for them, and then takes the fixes from them, not from the client's copies
      // (which hold the old positions).
      const version = document.version;
      const stale = results.get(textDocument.uri)?.version !== version || isDeferred(textDocument.uri);
      if (stale) {
        pending.add(document.uri);
        await flushNow();
        if (!documents.has(document.uri)) return [];
        supersededCheck(token, document.uri, version, 'action');
      }
      const lines = document.text.split('\n');
      const actions: CodeAction[] = [];
      const own = results.get(textDocument.uri)?.diagnostics ?? [];
      const candidates =
        context.diagnostics.length === 0
          ? own.filter((diagnostic) => overlaps(diagnostic.range, range))
          : context.diagnostics.flatMap((sent) => {
              // The client's copy: the same finding now, found by what it says (its place may have moved), the nearest.
              // (The client may still show the diagnostics of the text before its last edit.)
              const same = own.filter((diagnostic) => diagnostic.code === sent.code && diagnostic.message === sent.message);
              const distance = (diagnostic: Diagnostic) => (overlaps(diagnostic.range, sent.range) ? -1 : Math.abs(diagnostic.range.start.line - sent.range.start.line));
              return same.sort((a, b) => distance(a) - distance(b)).slice(0, 1);
            });
      for (const diagnostic of candidates) {
        actions.push(...codeActionsFor(textDocument.uri, diagnostic, version, lines[diagnostic.range.start.line] ?? ''));
      }
      return actions;
    }),
  );

  /** Every safe fix of the document, re-analysed on the current text, as one versioned edit. */
  async function fixAllAction(document: OpenDocument, token: CancellationToken): Promise<CodeAction[]> {
    const version = document.version;
    pending.add(document.uri);
    await flushNow();
    if (!documents.has(document.uri)) return [];
    supersededCheck(token, document.uri, version, 'action');
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
      return [checklistResult(analyseIntegration(manifest, analysisSetup(manifest, settings)))];
    }),
  );

  connection.onRequest(
    SCAN_WORKSPACE_REQUEST,
    guardRequest('haSecurity/scanWorkspace', { integrations: 0, files: 0, findings: 0 } as ScanSummary, () => startScan('all')),
  );

  connection.onRequest(EXPORT_REPORT_REQUEST, async () => {
    refuseAfterShutdown();
    try {
      // The report covers the workspace: wait for the scan running, or scan when none ever ran.
      if (currentScan) await currentScan;
      else if (workspaceFolders.length > 0) await startScan('all');
      await flushNow();
      const scan = workspaceScanResult();
      const root = commonFolder(workspaceFolders.length > 0 ? workspaceFolders : scan.integrations.map((integration) => integration.root));
      return { markdown: toMarkdown(scan, root) };
    } catch (error) {
      logError('haSecurity/exportReport', error);
      throw new ResponseError(-32603, `The report could not be made: ${error instanceof Error ? error.message : String(error)}`);
    }
  });

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

  /**
   * For test/protocol/memory.test.ts only, so the request exists only when initializationOptions ask for it: the
   * server's memory after a full garbage collection (when node runs with --expose-gc) and the wasm memory's size.
   */
  function answerDebugMemory(): void {
    connection.onRequest(DEBUG_MEMORY_REQUEST, async () => {
      // Let queued analyses finish first, so their garbage is collectable and their trees deleted.
      await flushNow();
      (globalThis as { gc?: () => void }).gc?.();
      const usage = process.memoryUsage();
      return { heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, rss: usage.rss, wasmMemory: wasmMemoryBytes() ?? 0, parses: parseCount(), parseMs: parseTime(), documents: documents.size, cachedFiles: workspace.cachedFileCount };
    });
  }

  /** Notifications and requests to the client are fire-and-forget; a failure (client gone) is only logged. */
  function send(promise: Promise<unknown>, what: string): void {
    promise.catch((error) => logError(`${what} could not be sent`, error));
  }

  /** After shutdown the protocol allows only exit: other requests are refused, and start no work. */
  function refuseAfterShutdown(): void {
    if (shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'The server is shutting down.');
  }

  connection.onShutdown(() => {
    shutDown = true;
    // A flush still waiting in schedule() finds nothing pending.
    if (backgroundScheduled) clearImmediate(backgroundScheduled);
    backgroundScheduled = undefined;
    background.clear();
    scanGeneration++;
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
