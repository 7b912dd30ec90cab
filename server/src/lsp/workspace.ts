import * as fs from 'fs';
import * as path from 'path';
import { loadPythonFile } from '../analysis/engine';
import { skipReason } from '../analysis/limits';
import type { FileModel } from '../analysis/model/fileModel';
import { buildIntegration, moduleNameFor, type IntegrationModel } from '../analysis/model/integration';
import type { AnalysisError } from '../analysis/types';
import { findIntegrationManifest, listPythonFiles, readSourceFile } from '../node/files';
import type { OpenDocument } from './documents';

interface CachedFile {
  mtimeMs: number;
  size: number;
  model: FileModel;
}

/**
 * The integrations open documents belong to. Open documents are analysed from the editor's text; the other files of
 * an integration are read from disk once and kept until they change on disk or get opened, so typing in one file
 * never re-parses its siblings. Integrations only the background scan looks at are `release`d after each analysis.
 */
export class Workspace {
  private readonly closedFiles = new Map<string, CachedFile>();
  private readonly manifestByFolder = new Map<string, string | undefined>();

  /**
   * The manifest.json of the integration a file belongs to, if any. A manifest.json document is an integration's
   * only when it is the one its folder resolves to, so a web app's manifest.json is left alone.
   */
  manifestFor(filePath: string): string | undefined {
    return this.manifestForFolder(path.dirname(filePath));
  }

  manifestForFolder(folder: string): string | undefined {
    if (!this.manifestByFolder.has(folder)) this.manifestByFolder.set(folder, findIntegrationManifest(folder));
    return this.manifestByFolder.get(folder);
  }

  /** Forget what is known about a path that changed on disk, was created or was deleted. */
  invalidate(filePath: string): void {
    this.dropCached(filePath);
    // A manifest.json appearing, vanishing or changing its domain moves integration boundaries; folders are few.
    if (path.basename(filePath) === 'manifest.json' || !fs.existsSync(filePath)) this.manifestByFolder.clear();
  }

  /**
   * Builds the integration model for a manifest: open documents from their text (and incremental trees), other
   * files from the cache, re-read when their mtime or size changed. Unreadable files are reported in `errors`.
   * Files `excluded` names are left out of the model, as the CLI leaves them out of its scan.
   */
  integration(
    manifestPath: string,
    openDocuments: ReadonlyMap<string, OpenDocument>,
    excluded: (file: string) => boolean = () => false,
  ): { model: IntegrationModel; errors: AnalysisError[] } {
    const root = path.dirname(manifestPath);
    const openByPath = new Map<string, OpenDocument>();
    for (const document of openDocuments.values()) if (document.path) openByPath.set(document.path, document);
    const errors: AnalysisError[] = [];
    const files: FileModel[] = [];
    const paths = new Set(listPythonFiles(root));
    for (const document of openByPath.values()) {
      // Open files not yet saved to disk belong to the integration too.
      if (document.isPython && document.path && isInside(root, document.path)) paths.add(document.path);
    }
    for (const filePath of [...paths].sort()) {
      if (excluded(filePath)) continue;
      const open = openByPath.get(filePath);
      if (open?.isPython) {
        // The editor's text wins over the disk; the disk copy's model (and tree) is no longer needed.
        this.dropCached(filePath);
        // Too large or minified: never parsed; the server tells the user on the document itself.
        if (skipReason(open.text)) continue;
        files.push(open.fileModel(filePath, moduleNameFor(root, filePath)));
        continue;
      }
      const cached = this.cachedFile(root, filePath, errors);
      if (cached) files.push(cached);
    }
    let manifestText = openByPath.get(manifestPath)?.text;
    if (manifestText === undefined) {
      const read = readSourceFile(manifestPath);
      manifestText = read.ok ? read.text : '{}';
      if (!read.ok) errors.push({ path: manifestPath, message: `manifest.json ${read.reason}` });
    }
    return { model: buildIntegration(root, manifestPath, manifestText, files), errors };
  }

  private cachedFile(root: string, filePath: string, errors: AnalysisError[]): FileModel | undefined {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(filePath);
    } catch {
      this.dropCached(filePath);
      return undefined;
    }
    const cached = this.closedFiles.get(filePath);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.model;
    this.dropCached(filePath);
    const read = readSourceFile(filePath);
    if (!read.ok) {
      errors.push({ path: filePath, message: read.reason });
      return undefined;
    }
    const model = loadPythonFile(filePath, read.text, moduleNameFor(root, filePath));
    this.closedFiles.set(filePath, { mtimeMs: stat.mtimeMs, size: stat.size, model });
    return model;
  }

  private dropCached(filePath: string): void {
    this.closedFiles.delete(filePath);
  }

  /**
   * Lets go of the models of an integration's files read from disk. The background scan analyses integrations
   * nobody is editing; keeping every file model of a large workspace (Home Assistant core holds a thousand
   * integrations) would grow without bound, while one read again on the next change costs a parse.
   */
  release(root: string): void {
    for (const filePath of this.closedFiles.keys()) if (isInside(root, filePath)) this.closedFiles.delete(filePath);
  }

  /** How many files read from disk are kept (for the server's debug figures). */
  get cachedFileCount(): number {
    return this.closedFiles.size;
  }

  dispose(): void {
    this.closedFiles.clear();
    this.manifestByFolder.clear();
  }
}

function isInside(root: string, filePath: string): boolean {
  const relative = path.relative(root, filePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
