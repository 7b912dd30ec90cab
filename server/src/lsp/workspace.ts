import * as fs from 'fs';
import * as path from 'path';
import { loadPythonFile } from '../analysis/engine';
import type { FileModel } from '../analysis/model/fileModel';
import { buildIntegration, moduleNameFor, type IntegrationModel } from '../analysis/model/integration';
import { findIntegrationManifest, listPythonFiles, readSourceFile } from '../node/files';
import type { OpenDocument } from './documents';

interface CachedFile {
  mtimeMs: number;
  size: number;
  model: FileModel;
}

/**
 * The integrations open documents belong to. Open documents are analysed from the editor's text; the other files of
 * an integration are read from disk once and kept (with their trees) until they change on disk or get opened,
 * so typing in one file never re-parses its siblings.
 */
export class Workspace {
  private readonly closedFiles = new Map<string, CachedFile>();
  private readonly manifestByFolder = new Map<string, string | undefined>();

  /** The manifest.json of the integration a file belongs to, if any. */
  manifestFor(filePath: string): string | undefined {
    const folder = path.dirname(filePath);
    if (!this.manifestByFolder.has(folder)) {
      const candidate = path.basename(filePath) === 'manifest.json' ? filePath : findIntegrationManifest(folder);
      this.manifestByFolder.set(folder, candidate);
    }
    return this.manifestByFolder.get(folder);
  }

  /** Forget cached knowledge about a path (it changed on disk, was created or deleted). */
  invalidate(filePath: string): void {
    const cached = this.closedFiles.get(filePath);
    if (cached) {
      cached.model.tree.delete();
      this.closedFiles.delete(filePath);
    }
    if (path.basename(filePath) === 'manifest.json' || !fs.existsSync(filePath)) this.manifestByFolder.clear();
  }

  /**
   * Builds the integration model for a manifest: open documents from their text (and incremental trees), other
   * files from the cache. Returns the models it created for open documents so the caller knows which are whose.
   */
  integration(manifestPath: string, openDocuments: ReadonlyMap<string, OpenDocument>): { model: IntegrationModel; errors: { path: string; message: string }[] } {
    const root = path.dirname(manifestPath);
    const openByPath = new Map<string, OpenDocument>();
    for (const document of openDocuments.values()) if (document.path) openByPath.set(document.path, document);
    const errors: { path: string; message: string }[] = [];
    const files: FileModel[] = [];
    const paths = new Set(listPythonFiles(root));
    for (const document of openByPath.values()) {
      if (document.isPython && document.path && isInside(root, document.path)) paths.add(document.path);
    }
    for (const filePath of [...paths].sort()) {
      const open = openByPath.get(filePath);
      if (open) {
        this.invalidate(filePath);
        files.push(loadPythonFile(filePath, open.text, moduleNameFor(root, filePath), open.syntaxTree()));
        continue;
      }
      const cached = this.cachedFile(root, filePath, errors);
      if (cached) files.push(cached);
    }
    const manifestDocument = openByPath.get(manifestPath);
    let manifestText = manifestDocument?.text;
    if (manifestText === undefined) {
      const read = readSourceFile(manifestPath);
      manifestText = read.ok ? read.text : '{}';
      if (!read.ok) errors.push({ path: manifestPath, message: `manifest.json ${read.reason}` });
    }
    return { model: buildIntegration(root, manifestPath, manifestText, files), errors };
  }

  private cachedFile(root: string, filePath: string, errors: { path: string; message: string }[]): FileModel | undefined {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(filePath);
    } catch {
      this.invalidate(filePath);
      return undefined;
    }
    const cached = this.closedFiles.get(filePath);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.model;
    this.invalidate(filePath);
    const read = readSourceFile(filePath);
    if (!read.ok) {
      errors.push({ path: filePath, message: read.reason });
      return undefined;
    }
    const model = loadPythonFile(filePath, read.text, moduleNameFor(root, filePath));
    this.closedFiles.set(filePath, { mtimeMs: stat.mtimeMs, size: stat.size, model });
    return model;
  }

  dispose(): void {
    for (const cached of this.closedFiles.values()) cached.model.tree.delete();
    this.closedFiles.clear();
  }
}

function isInside(root: string, filePath: string): boolean {
  const relative = path.relative(root, filePath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
