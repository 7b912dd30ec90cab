import { isChecklistId } from '../analysis/checklist';
import type { RuleSettings } from '../analysis/rule';
import { RULES } from '../analysis/rules';
import { SEVERITIES, type Severity } from '../analysis/types';

/** The user's settings (section `haSecurity`), per resource. */
export interface Settings {
  enable: boolean;
  scope: 'integrations' | 'all';
  /** Rule id or checklist id -> severity or `off`; passed to the engine as `AnalysisOptions.severities`. */
  rules: Record<string, Severity | 'off'>;
  /** Globs of files and folders not analysed, relative to the workspace folder (added to pyproject.toml's). */
  exclude: string[];
  /**
   * Thresholds the user set (`haSecurity.rateLimit.*`); unset ones come from pyproject.toml, then the rule defaults.
   * Named like RuleSettings so they layer over pyproject.toml's `cloud-polling-min-seconds` key by key.
   */
  ruleSettings: Partial<RuleSettings>;
  /** Whether the workspace folder's integrations are analysed in the background when the server starts. */
  scanWorkspaceOnStartup: boolean;
}

export const SETTINGS_SECTION = 'haSecurity';

export const DEFAULT_SETTINGS: Settings = { enable: true, scope: 'integrations', rules: {}, exclude: [], ruleSettings: {}, scanWorkspaceOnStartup: true };

/** `haSecurity.rateLimit.<name>` -> the rule setting it sets. */
const RATE_LIMIT_SETTINGS = { cloudPollSeconds: 'cloudPollingMinSeconds', localPollSeconds: 'localPollingMinSeconds' } as const;

const LEVELS: readonly string[] = [...SEVERITIES, 'off'];

/**
 * Turns whatever the client sent into settings the engine can trust. Settings are hand-edited JSON: a wrong type
 * or an unknown level (`"critical"`) is dropped with a warning instead of reaching the diagnostics.
 */
export function normalizeSettings(value: unknown, warn: (message: string) => void = () => undefined): Settings {
  const raw = isObject(value) ? value : {};
  const settings: Settings = { ...DEFAULT_SETTINGS, rules: {}, exclude: [], ruleSettings: {} };
  if (typeof raw.enable === 'boolean') settings.enable = raw.enable;
  else if (raw.enable !== undefined) warn(`${SETTINGS_SECTION}.enable must be true or false; using ${settings.enable}.`);
  if (raw.scope === 'integrations' || raw.scope === 'all') settings.scope = raw.scope;
  else if (raw.scope !== undefined) warn(`${SETTINGS_SECTION}.scope must be "integrations" or "all"; using "${settings.scope}".`);
  if (isObject(raw.rules)) {
    for (const [id, level] of Object.entries(raw.rules)) {
      if (!isChecklistId(id) && !RULES.some((rule) => rule.meta.id === id)) {
        warn(`${SETTINGS_SECTION}.rules: "${id}" is neither a rule id nor a checklist id; ignored.`);
      } else if (typeof level === 'string' && LEVELS.includes(level)) settings.rules[id] = level as Severity | 'off';
      else warn(`${SETTINGS_SECTION}.rules["${id}"]: ${JSON.stringify(level)} is not one of ${LEVELS.join(', ')}; ignored.`);
    }
  } else if (raw.rules !== undefined) {
    warn(`${SETTINGS_SECTION}.rules must be an object of rule or checklist ids; ignored.`);
  }
  if (Array.isArray(raw.exclude) && raw.exclude.every((glob) => typeof glob === 'string')) settings.exclude = raw.exclude.filter((glob) => glob.trim() !== '');
  else if (raw.exclude !== undefined && raw.exclude !== null) warn(`${SETTINGS_SECTION}.exclude must be a list of globs; ignored.`);
  if (isObject(raw.rateLimit)) {
    for (const [name, key] of Object.entries(RATE_LIMIT_SETTINGS)) {
      const seconds = raw.rateLimit[name];
      // null is the contributed default: "not set here", so pyproject.toml or the rule's default applies.
      if (typeof seconds === 'number' && seconds > 0 && Number.isFinite(seconds)) settings.ruleSettings[key] = seconds;
      else if (seconds !== undefined && seconds !== null) warn(`${SETTINGS_SECTION}.rateLimit.${name} must be a positive number of seconds; using the default.`);
    }
  } else if (raw.rateLimit !== undefined && raw.rateLimit !== null) {
    warn(`${SETTINGS_SECTION}.rateLimit must be an object; using the defaults.`);
  }
  if (typeof raw.scanWorkspaceOnStartup === 'boolean') settings.scanWorkspaceOnStartup = raw.scanWorkspaceOnStartup;
  else if (raw.scanWorkspaceOnStartup !== undefined) warn(`${SETTINGS_SECTION}.scanWorkspaceOnStartup must be true or false; using ${settings.scanWorkspaceOnStartup}.`);
  return settings;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
