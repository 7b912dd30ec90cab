import * as fs from 'fs';
import * as path from 'path';
import { skipReason, tooLargeReason } from '../analysis/limits';

/** Reading and finding files on disk for the CLI (the analysis itself never touches the file system). */

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

const SKIPPED_DIRECTORIES = new Set([
  '.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.env', 'env', '.tox', '.nox', '.mypy_cache',
  '.pytest_cache', '.ruff_cache', 'site-packages', 'dist', 'build', '.eggs',
]);

/**
 * Reads a source file as UTF-8 text, refusing binary, non-UTF-8 and oversized files with a reason, and Python files
 * that look minified or generated (the server skips open documents by the same rule, see analysis/limits.ts).
 */
export function readSourceFile(filePath: string): ReadResult {
  let bytes: Buffer;
  try {
    const stat = fs.statSync(filePath);
    const large = tooLargeReason(stat.size);
    if (large) return { ok: false, reason: large };
    bytes = fs.readFileSync(filePath);
  } catch (error) {
    return { ok: false, reason: `could not be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
  const read = decodeSource(bytes);
  const skipped = read.ok && filePath.endsWith('.py') ? skipReason(read.text) : undefined;
  return skipped ? { ok: false, reason: skipped } : read;
}

export function decodeSource(bytes: Uint8Array): ReadResult {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return { ok: false, reason: 'skipped: binary file (it contains NUL bytes)' };
  try {
    let text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, text };
  } catch {
    return { ok: false, reason: 'skipped: not valid UTF-8 text' };
  }
}

export interface DiscoveredIntegration {
  root: string;
  manifestPath: string;
  pythonFiles: string[];
}

export interface Discovery {
  integrations: DiscoveredIntegration[];
  /** Python files outside any integration. */
  standalone: string[];
  errors: { path: string; message: string }[];
}

/**
 * Walks the given files and folders: every folder with a manifest.json that looks like an integration
 * (it has a "domain" or sits in `custom_components/`/`components/`) is one; other Python files are standalone.
 * Symlink loops and unreadable folders are reported and skipped.
 */
export function discover(inputs: string[]): Discovery {
  const discovery: Discovery = { integrations: [], standalone: [], errors: [] };
  const visited = new Set<string>();
  const pythonFiles: string[] = [];
  const manifests: string[] = [];

  const visitDirectory = (directory: string): void => {
    let real: string;
    try {
      real = fs.realpathSync(directory);
    } catch (error) {
      discovery.errors.push({ path: directory, message: `could not be read: ${(error as NodeJS.ErrnoException).code ?? error}` });
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      discovery.errors.push({ path: directory, message: `folder could not be read: ${(error as NodeJS.ErrnoException).code ?? error}` });
      return;
    }
    if (entries.some((entry) => entry.name === 'pyvenv.cfg')) return;
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(directory, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const stat = fs.statSync(full);
          isDirectory = stat.isDirectory();
          isFile = stat.isFile();
        } catch {
          discovery.errors.push({ path: full, message: 'broken symbolic link' });
          continue;
        }
      }
      if (isDirectory) {
        if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.endsWith('.egg-info')) visitDirectory(full);
      } else if (isFile) {
        if (entry.name.endsWith('.py')) pythonFiles.push(full);
        else if (entry.name === 'manifest.json') manifests.push(full);
      }
    }
  };

  for (const input of inputs) {
    const absolute = path.resolve(input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      discovery.errors.push({ path: absolute, message: 'no such file or folder' });
      continue;
    }
    if (stat.isDirectory()) {
      visitDirectory(absolute);
    } else if (absolute.endsWith('.py')) {
      pythonFiles.push(absolute);
      // A file named directly still belongs to its integration, if it has one.
      const manifest = findIntegrationManifest(path.dirname(absolute));
      if (manifest) manifests.push(manifest);
    } else if (path.basename(absolute) === 'manifest.json') {
      manifests.push(absolute);
    }
  }

  const roots = new Map<string, DiscoveredIntegration>();
  for (const manifestPath of [...new Set(manifests)]) {
    if (!looksLikeIntegrationManifest(manifestPath)) continue;
    const root = path.dirname(manifestPath);
    roots.set(root, { root, manifestPath, pythonFiles: [] });
  }
  const explicitFiles = new Set(inputs.map((input) => path.resolve(input)).filter((input) => input.endsWith('.py')));
  for (const file of [...new Set(pythonFiles)]) {
    const owner = ownerOf(file, roots);
    if (owner) owner.pythonFiles.push(file);
    else discovery.standalone.push(file);
  }
  // An integration named through one of its files is analysed whole, so cross-file facts hold.
  for (const integration of roots.values()) {
    if (integration.pythonFiles.some((file) => explicitFiles.has(file))) {
      const all = listPythonFiles(integration.root);
      integration.pythonFiles = [...new Set([...integration.pythonFiles, ...all])];
    }
    integration.pythonFiles.sort();
  }
  discovery.integrations = [...roots.values()].sort((a, b) => (a.root < b.root ? -1 : 1));
  discovery.standalone.sort();
  return discovery;
}

function ownerOf(file: string, roots: Map<string, DiscoveredIntegration>): DiscoveredIntegration | undefined {
  let directory = path.dirname(file);
  for (;;) {
    const owner = roots.get(directory);
    if (owner) return owner;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** Every Python file of an integration folder (skipping caches and virtualenvs). */
export function listPythonFiles(root: string): string[] {
  const found: string[] = [];
  const visit = (directory: string, depth: number): void => {
    if (depth > 8) return;
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name)) visit(full, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.py')) found.push(full);
    }
  };
  visit(root, 0);
  return found;
}

/** The manifest.json of the integration a folder lies in, looking up a few levels. */
export function findIntegrationManifest(directory: string): string | undefined {
  let current = directory;
  for (let depth = 0; depth < 4; depth++) {
    const candidate = path.join(current, 'manifest.json');
    if (fs.existsSync(candidate) && looksLikeIntegrationManifest(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

/** A manifest.json is an integration's when it names a domain or sits where integrations live. */
export function looksLikeIntegrationManifest(manifestPath: string): boolean {
  const parent = path.basename(path.dirname(path.dirname(manifestPath)));
  if (parent === 'custom_components' || parent === 'components') return true;
  try {
    const text = fs.readFileSync(manifestPath, 'utf8');
    return /"domain"\s*:/.test(text);
  } catch {
    return false;
  }
}
