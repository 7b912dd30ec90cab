import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'smol-toml';
import { validateConfig, type ProjectConfig } from '../analysis/config';

export interface LoadedConfig {
  /** The pyproject.toml the configuration came from. */
  file: string;
  /** Its folder: globs are relative to it. */
  folder: string;
  config: ProjectConfig;
  problems: string[];
}

const cache = new Map<string, { mtimeMs: number; loaded: LoadedConfig | undefined }>();

/** The nearest pyproject.toml with a [tool.ha-security] table, walking up from a file or folder. */
export function findProjectConfig(start: string): LoadedConfig | undefined {
  let folder = path.resolve(start);
  try {
    if (!fs.statSync(folder).isDirectory()) folder = path.dirname(folder);
  } catch {
    folder = path.dirname(folder);
  }
  for (;;) {
    const file = path.join(folder, 'pyproject.toml');
    const loaded = readConfig(file);
    if (loaded) return loaded;
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

function readConfig(file: string): LoadedConfig | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs) return cached.loaded;
  let loaded: LoadedConfig | undefined;
  try {
    const text = fs.readFileSync(file, 'utf8');
    // A file that mentions the table is ours to read, and to complain about when it does not parse.
    if (!/\[\s*tool\s*\.\s*"?ha-security/.test(text)) {
      loaded = undefined;
    } else {
      const document = parse(text) as { tool?: Record<string, unknown> };
      const { config, problems } = validateConfig(document.tool?.['ha-security']);
      loaded = { file, folder: path.dirname(file), config, problems: problems.map((problem) => `${file}: [tool.ha-security] ${problem}`) };
    }
  } catch (error) {
    loaded = { file, folder: path.dirname(file), config: {}, problems: [`${file}: cannot be read as TOML: ${(error as Error).message.split('\n')[0]}`] };
  }
  cache.set(file, { mtimeMs: stat.mtimeMs, loaded });
  return loaded;
}

/** A path relative to the config folder with forward slashes, or undefined when outside it. */
export function relativeToConfig(loaded: LoadedConfig, file: string): string | undefined {
  const relative = path.relative(loaded.folder, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}
