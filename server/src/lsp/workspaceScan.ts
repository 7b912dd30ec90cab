import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Diagnostic } from 'vscode-languageserver';
import { isExcluded } from '../analysis/config';
import { discover } from '../node/files';
import { relativeToConfig, type LoadedConfig } from '../node/projectConfig';

/**
 * What the language server needs to analyse whole workspace folders rather than only open documents: which
 * folder a file is in, which files the user excluded, which integrations a folder holds, and the diagnostics
 * pushed for files the editor has not opened.
 */

/** The innermost workspace folder holding `file` (nested folders are allowed in multi-root workspaces). */
export function folderOf(folders: readonly string[], file: string): string | undefined {
  let best: string | undefined;
  for (const folder of folders) {
    if ((file === folder || isInside(folder, file)) && (!best || folder.length > best.length)) best = folder;
  }
  return best;
}

/**
 * Whether a file is excluded: by the editor's `haSecurity.exclude` (globs relative to its workspace folder, or
 * matched against the whole path outside any folder) or by pyproject.toml's `exclude` (relative to that file).
 */
export function isFileExcluded(file: string, settingsExclude: readonly string[], folder: string | undefined, project: LoadedConfig | undefined): boolean {
  if (settingsExclude.length > 0) {
    const relative = folder && isInside(folder, file) ? path.relative(folder, file) : file;
    if (isExcluded({ exclude: [...settingsExclude] }, relative.split(path.sep).join('/').replace(/^\/+/, ''))) return true;
  }
  if (!project) return false;
  const relative = relativeToConfig(project, file);
  return relative !== undefined && isExcluded(project.config, relative);
}

/** The manifest.json of every integration in a folder, skipping .git, node_modules, virtualenvs and caches. */
export function integrationManifests(folder: string): { manifests: string[]; errors: { path: string; message: string }[] } {
  const found = discover([folder]);
  return { manifests: found.integrations.map((integration) => integration.manifestPath), errors: found.errors };
}

/** The deepest folder holding every one of `folders` (the report's links are relative to it). */
export function commonFolder(folders: readonly string[]): string {
  if (folders.length === 0) return process.cwd();
  let common = folders[0];
  while (!folders.every((folder) => folder === common || isInside(common, folder))) {
    const parent = path.dirname(common);
    if (parent === common) break;
    common = parent;
  }
  return common;
}

export function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The diagnostics pushed (textDocument/publishDiagnostics) for files the editor has not opened. Open documents
 * get theirs the usual way (pulled or pushed); these are sent only when they change, so a keystroke in one file
 * does not resend its closed siblings' diagnostics.
 */
export class ClosedFileDiagnostics {
  /** path -> the URI sent to and the JSON of what was last sent; files last sent nothing are not kept. */
  private readonly sent = new Map<string, { uri: string; json: string }>();

  constructor(private readonly send: (uri: string, diagnostics: Diagnostic[]) => void) {}

  /**
   * Publishes the diagnostics of the closed files of the integration at `root`: `byPath` holds every file with
   * diagnostics; files sent some before and now absent (fixed, deleted, excluded) are cleared.
   */
  publish(root: string, byPath: ReadonlyMap<string, Diagnostic[]>, isOpen: (file: string) => boolean): void {
    for (const [file, diagnostics] of byPath) if (!isOpen(file)) this.set(file, diagnostics);
    this.clear(root, (file) => !byPath.has(file) && !isOpen(file));
  }

  /** Clears the diagnostics of the closed files under `root` that `which` selects (every one by default). */
  clear(root: string, which: (file: string) => boolean = () => true): void {
    for (const file of [...this.sent.keys()]) if ((file === root || isInside(root, file)) && which(file)) this.set(file, []);
  }

  /**
   * A file was opened: its diagnostics now come from the open document. Returns the URI pushed diagnostics were
   * showing on, which a pull client must be told to drop (it keeps pulled and pushed ones in separate collections).
   */
  opened(file: string): string | undefined {
    const uri = this.sent.get(file)?.uri;
    this.sent.delete(file);
    return uri;
  }

  /** A file was closed while the editor shows `showing` on `uri` (push clients keep them; pull clients drop them). */
  closed(uri: string, file: string, showing: Diagnostic[]): void {
    if (showing.length > 0) this.sent.set(file, { uri, json: JSON.stringify(showing) });
  }

  private set(file: string, diagnostics: Diagnostic[]): void {
    const json = JSON.stringify(diagnostics);
    const previous = this.sent.get(file);
    if ((previous?.json ?? '[]') === json) return;
    // Keep the editor's spelling of the URI once it has one (VS Code escapes a Windows drive's colon).
    const uri = previous?.uri ?? uriOf(file);
    if (diagnostics.length === 0) this.sent.delete(file);
    else this.sent.set(file, { uri, json });
    this.send(uri, diagnostics);
  }
}

export function uriOf(file: string): string {
  return pathToFileURL(file).toString();
}

/** Resolves on the next turn of the event loop, after the I/O (incoming edits) that is waiting. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
