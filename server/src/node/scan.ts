import * as fs from 'fs';
import { analyzeIntegration, analyzeStandaloneFile, loadPythonFile, type AnalysisOptions } from '../analysis/engine';
import type { FileModel } from '../analysis/model/fileModel';
import { buildIntegration, moduleNameFor } from '../analysis/model/integration';
import type { AnalysisError, ChecklistEntry, Finding, PragmaProblem } from '../analysis/types';
import { discover, readSourceFile } from './files';

/** The result of analysing files and folders on disk: the CLI's input for every output format. */
export interface ScanResult {
  integrations: { domain: string; root: string; manifestPath: string; checklist: ChecklistEntry[] }[];
  findings: Finding[];
  errors: AnalysisError[];
  pragmaProblems: PragmaProblem[];
  /** Findings a baseline hid (set by the CLI). */
  baselined?: number;
  /** Files analysed (Python and manifest.json). */
  files: number;
}

export interface ScanOptions extends AnalysisOptions {
  /** `integrations` (default) analyses only files inside integrations; `all` also standalone Python files. */
  scope?: 'integrations' | 'all';
  /** Files (absolute paths) the project configuration excludes. */
  exclude?: (file: string) => boolean;
}

export function scanPaths(inputs: string[], options: ScanOptions = {}): ScanResult {
  const discovery = discover(inputs);
  if (options.exclude) {
    const excluded = options.exclude;
    discovery.integrations = discovery.integrations.filter((found) => !excluded(found.manifestPath));
    for (const found of discovery.integrations) found.pythonFiles = found.pythonFiles.filter((file) => !excluded(file));
    discovery.standalone = discovery.standalone.filter((file) => !excluded(file));
  }
  const result: ScanResult = { integrations: [], findings: [], errors: [...discovery.errors], pragmaProblems: [], files: 0 };
  for (const found of discovery.integrations) {
    const manifest = readSourceFile(found.manifestPath);
    const files = loadFiles(found.pythonFiles, result, (file) => moduleNameFor(found.root, file));
    try {
      const manifestText = manifest.ok ? manifest.text : '{}';
      if (!manifest.ok) result.errors.push({ path: found.manifestPath, message: `manifest.json ${manifest.reason}` });
      result.files += 1;
      const integration = buildIntegration(found.root, found.manifestPath, manifestText, files);
      const analysed = analyzeIntegration(integration, options);
      result.findings.push(...analysed.findings);
      result.errors.push(...analysed.errors);
      result.pragmaProblems.push(...analysed.pragmaProblems);
      result.integrations.push({ domain: integration.domain, root: found.root, manifestPath: found.manifestPath, checklist: analysed.checklist });
    } finally {
      for (const file of files) file.tree.delete();
    }
  }
  if (options.scope === 'all') {
    for (const path of discovery.standalone) {
      const [file] = loadFiles([path], result, () => '');
      if (!file) continue;
      try {
        const analysed = analyzeStandaloneFile(file, options);
        result.findings.push(...analysed.findings);
        result.errors.push(...analysed.errors);
        result.pragmaProblems.push(...analysed.pragmaProblems);
      } finally {
        file.tree.delete();
      }
    }
  }
  return result;
}

function loadFiles(paths: string[], result: ScanResult, moduleName: (path: string) => string): FileModel[] {
  const files: FileModel[] = [];
  for (const path of paths) {
    const read = readSourceFile(path);
    if (!read.ok) {
      result.errors.push({ path, message: read.reason });
      continue;
    }
    try {
      files.push(loadPythonFile(path, read.text, moduleName(path)));
      result.files += 1;
    } catch (error) {
      result.errors.push({ path, message: `could not be parsed: ${(error as Error).message}` });
    }
  }
  return files;
}

export function isDirectory(path: string): boolean {
  try {
    return fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}
