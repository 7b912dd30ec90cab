import { isChecklistId } from '../analysis/checklist';
import { RULES } from '../analysis/rules';
import { SEVERITIES, type Severity } from '../analysis/types';

/** The user's settings (section `haSecurity`), per resource. */
export interface Settings {
  enable: boolean;
  scope: 'integrations' | 'all';
  /** Rule id or checklist id -> severity or `off`; passed to the engine as `AnalysisOptions.severities`. */
  rules: Record<string, Severity | 'off'>;
}

export const SETTINGS_SECTION = 'haSecurity';

export const DEFAULT_SETTINGS: Settings = { enable: true, scope: 'integrations', rules: {} };

const LEVELS: readonly string[] = [...SEVERITIES, 'off'];

/**
 * Turns whatever the client sent into settings the engine can trust. Settings are hand-edited JSON: a wrong type
 * or an unknown level (`"critical"`) is dropped with a warning instead of reaching the diagnostics.
 */
export function normalizeSettings(value: unknown, warn: (message: string) => void = () => undefined): Settings {
  const raw = isObject(value) ? value : {};
  const settings: Settings = { ...DEFAULT_SETTINGS, rules: {} };
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
  return settings;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
