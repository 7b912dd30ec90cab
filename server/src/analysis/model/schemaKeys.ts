import type { Node } from '../python/syntaxTree';
import { unwrap } from '../python/syntax';
import type { CallSite, FileModel } from './fileModel';
import type { IntegrationModel } from './integration';

/** The markers a voluptuous or probatio schema wraps its keys in: `vol.Required(CONF_HOST)`. */
export const SCHEMA_KEY_MARKER = /(^|\.)(Required|Optional|Inclusive|Exclusive)$/;

/**
 * probatio, the schema library of Home Assistant core, marks a key whose value grants access with
 * `probatio.Secret(CONF_KEY)` (its validation errors then leave the value out). That is the author declaring the key a
 * credential, whatever it is called (IFTTT's `CONF_KEY = "key"`).
 */
const SECRET_WRAPPER = /^probatio\.Secret$/;

export interface MarkedKey {
  /** The key expression, through a `Secret(...)` wrapper. */
  key: Node;
  /** Wrapped in `probatio.Secret`. */
  secret: boolean;
}

/** The key a schema marker call names (`vol.Optional(CONF_PORT)`, `probatio.Required(probatio.Secret(CONF_TOKEN))`). */
export function markedKey(file: FileModel, call: CallSite | undefined): MarkedKey | undefined {
  if (!call || !SCHEMA_KEY_MARKER.test(call.name ?? '') || !call.args[0]) return undefined;
  return withoutSecretWrapper(file, call.args[0]);
}

/** A key as written in a marker, with a `probatio.Secret(...)` around it taken off. */
function withoutSecretWrapper(file: FileModel, key: Node): MarkedKey {
  const target = unwrap(key);
  const site = target.type === 'call' ? file.callSite(target) : undefined;
  if (site && SECRET_WRAPPER.test(site.name ?? '') && site.args[0]) return { key: site.args[0], secret: true };
  return { key, secret: false };
}

const declaredByIntegration = new WeakMap<IntegrationModel | FileModel, ReadonlySet<string>>();

/**
 * The keys the integration's schemas declare credentials with `probatio.Secret(...)`, as the strings they resolve to,
 * and an alarm panel's or lock's `CONF_CODE`. For a file outside an integration, its own.
 */
export function declaredSecretKeys(file: FileModel, integration: IntegrationModel | undefined): ReadonlySet<string> {
  const owner = integration ?? file;
  let keys = declaredByIntegration.get(owner);
  if (!keys) {
    const found = new Set<string>();
    // An alarm panel's or a lock's `CONF_CODE` is the PIN that disarms or opens it (elsewhere `code` is anything).
    const files = integration?.files ?? [file];
    const guardsSomething = files.some((candidate) => /(^|[\\/])(alarm_control_panel|lock)\.py$/.test(candidate.path));
    if (guardsSomething && files.some((candidate) => [...candidate.imports.values()].includes('homeassistant.const.CONF_CODE'))) found.add('code');
    for (const candidate of files) {
      if (!candidate.mentions(/Secret\(/)) continue;
      for (const call of candidate.calls) {
        if (!SECRET_WRAPPER.test(call.name ?? '') || !call.args[0]) continue;
        const value = candidate.stringValue(call.args[0], integration?.constantString);
        if (value !== undefined) found.add(value);
      }
    }
    keys = found;
    declaredByIntegration.set(owner, keys);
  }
  return keys;
}
