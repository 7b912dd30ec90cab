import { isChecklistId } from './checklist';
import type { AnalysisOptions } from './engine';
import type { RuleSettings } from './rule';
import { RULES } from './rules';
import { SEVERITIES, type Finding, type Severity } from './types';

/**
 * The project's configuration, `[tool.ha-security]` in pyproject.toml, checked key by key so that a typo is an
 * error the user sees rather than a setting silently ignored. Reading the file is the caller's business.
 */
export interface ProjectConfig {
  select?: string[];
  ignore?: string[];
  /** Rule id or checklist id -> severity or `off`. */
  severity?: Record<string, Severity | 'off'>;
  /** Glob (relative to the pyproject.toml folder) -> rule or checklist ids ignored in matching files. */
  perFileIgnores?: { pattern: string; ids: string[] }[];
  /** Globs of files and folders not analysed. */
  exclude?: string[];
  scope?: 'integrations' | 'all';
  settings?: Partial<RuleSettings>;
  /** Bandit's and Ruff's suppressions silence nothing (see AnalysisOptions.ignoreNosec). */
  ignoreNosec?: boolean;
}

const KEYS: Record<string, string> = {
  select: 'list of rule or checklist ids to run',
  ignore: 'list of rule or checklist ids to skip',
  severity: 'table of rule or checklist id = "error" | "warning" | "info" | "hint" | "off"',
  'per-file-ignores': 'table of glob = list of rule or checklist ids',
  exclude: 'list of globs',
  scope: '"integrations" or "all"',
  'cloud-polling-min-seconds': 'number of seconds',
  'local-polling-min-seconds': 'number of seconds',
  'ignore-nosec': 'true or false',
};

function isKnownId(id: string): boolean {
  return isChecklistId(id) || RULES.some((rule) => rule.meta.id === id);
}

export function validateConfig(raw: unknown): { config: ProjectConfig; problems: string[] } {
  const problems: string[] = [];
  const config: ProjectConfig = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { config, problems: ['[tool.ha-security] must be a table'] };
  const ids = (key: string, value: unknown): string[] | undefined => {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      problems.push(`${key} must be a ${KEYS[key] ?? 'list of strings'}`);
      return undefined;
    }
    for (const id of value) if (!isKnownId(id)) problems.push(`${key}: "${id}" is neither a rule id nor a checklist id`);
    return value.filter(isKnownId);
  };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    switch (key) {
      case 'select':
        config.select = ids(key, value);
        break;
      case 'ignore':
        config.ignore = ids(key, value);
        break;
      case 'severity':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          problems.push(`severity must be a ${KEYS.severity}`);
          break;
        }
        config.severity = {};
        for (const [id, level] of Object.entries(value)) {
          if (!isKnownId(id)) problems.push(`severity: "${id}" is neither a rule id nor a checklist id`);
          else if (typeof level !== 'string' || ![...SEVERITIES, 'off'].includes(level)) problems.push(`severity.${id} must be one of ${[...SEVERITIES, 'off'].join(', ')}`);
          else config.severity[id] = level as Severity | 'off';
        }
        break;
      case 'per-file-ignores':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          problems.push(`per-file-ignores must be a ${KEYS['per-file-ignores']}`);
          break;
        }
        config.perFileIgnores = [];
        for (const [pattern, list] of Object.entries(value)) {
          const valid = ids(`per-file-ignores."${pattern}"`, list);
          if (valid) config.perFileIgnores.push({ pattern, ids: valid });
        }
        break;
      case 'exclude':
        if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) problems.push(`exclude must be a ${KEYS.exclude}`);
        else config.exclude = value;
        break;
      case 'scope':
        if (value !== 'integrations' && value !== 'all') problems.push(`scope must be ${KEYS.scope}`);
        else config.scope = value;
        break;
      case 'cloud-polling-min-seconds':
      case 'local-polling-min-seconds':
        if (typeof value !== 'number' || !(value > 0)) {
          problems.push(`${key} must be a positive ${KEYS[key]}`);
          break;
        }
        config.settings ??= {};
        config.settings[key === 'cloud-polling-min-seconds' ? 'cloudPollingMinSeconds' : 'localPollingMinSeconds'] = value;
        break;
      case 'ignore-nosec':
        if (typeof value !== 'boolean') problems.push(`ignore-nosec must be ${KEYS[key]}`);
        else config.ignoreNosec = value;
        break;
      default:
        problems.push(`unknown key "${key}"; known keys: ${Object.keys(KEYS).join(', ')}`);
    }
  }
  return { config, problems };
}

/**
 * Engine options from the project configuration with the user's own choices on top (CLI flags, editor settings):
 * the later layer wins key by key.
 */
export function layerOptions(config: ProjectConfig, overrides: AnalysisOptions): AnalysisOptions {
  return {
    ...overrides,
    select: overrides.select ?? config.select,
    ignore: [...(config.ignore ?? []), ...(overrides.ignore ?? [])],
    severities: { ...config.severity, ...overrides.severities },
    settings: { ...config.settings, ...overrides.settings },
    ignoreNosec: overrides.ignoreNosec ?? config.ignoreNosec,
  };
}

/** `**` any folders, `*` any characters but `/`, `?` one character; matched against a path relative to the config. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '*' && pattern[index + 1] === '*') {
      source += pattern[index + 2] === '/' ? '(?:.*/)?' : '.*';
      index += pattern[index + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern without a slash matches a name anywhere; one naming a folder matches everything inside it.
  return new RegExp(`${pattern.includes('/') ? '^' : '(?:^|/)'}${source}(?:/.*)?$`);
}

export function isExcluded(config: ProjectConfig, relativePath: string): boolean {
  return (config.exclude ?? []).some((pattern) => globToRegExp(pattern).test(relativePath));
}

/** Drops findings that per-file-ignores silence; `relative` maps a finding's path to the config folder. */
export function applyPerFileIgnores(config: ProjectConfig, findings: Finding[], relative: (path: string) => string | undefined): Finding[] {
  if (!config.perFileIgnores?.length) return findings;
  const compiled = config.perFileIgnores.map((entry) => ({ regex: globToRegExp(entry.pattern), ids: entry.ids }));
  return findings.filter((finding) => {
    const path = relative(finding.path);
    if (path === undefined) return true;
    return !compiled.some((entry) => entry.regex.test(path) && (entry.ids.includes(finding.rule) || entry.ids.includes(finding.checklist)));
  });
}
