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

/** A set of keys found once per integration (or per lone file), kept while the integration model lives. */
function keysOnce(cache: WeakMap<IntegrationModel | FileModel, ReadonlySet<string>>, file: FileModel, integration: IntegrationModel | undefined, find: (files: readonly FileModel[]) => Set<string>): ReadonlySet<string> {
  const owner = integration ?? file;
  let keys = cache.get(owner);
  if (!keys) {
    keys = find(integration?.files ?? [file]);
    cache.set(owner, keys);
  }
  return keys;
}

const declaredByIntegration = new WeakMap<IntegrationModel | FileModel, ReadonlySet<string>>();

/**
 * The keys the integration's schemas declare credentials with `probatio.Secret(...)`, as the strings they resolve to,
 * an alarm panel's or lock's `CONF_CODE`, and `pin` where the user types one as text. For a file outside an
 * integration, its own.
 */
export function declaredSecretKeys(file: FileModel, integration: IntegrationModel | undefined): ReadonlySet<string> {
  return keysOnce(declaredByIntegration, file, integration, (files) => {
    const found = new Set<string>();
    // An alarm panel's or a lock's `CONF_CODE` is the PIN that disarms or opens it (elsewhere `code` is anything).
    const guardsSomething = files.some((candidate) => /(^|[\\/])(alarm_control_panel|lock)\.py$/.test(candidate.path));
    const namesCode = (candidate: FileModel) => {
      const own = candidate.constants.get('CONF_CODE');
      return [...candidate.imports.values()].includes('homeassistant.const.CONF_CODE') || (own !== undefined && candidate.stringValue(own) === 'code');
    };
    if (guardsSomething && files.some(namesCode)) found.add('code');
    // A PIN the user types as text (a pairing PIN a TV shows, a device's PIN) is a password; a GPIO pin is a number.
    if (asksForTextPin(files, integration)) found.add('pin');
    for (const candidate of files) {
      if (!candidate.mentions(/Secret\(/)) continue;
      for (const call of candidate.calls) {
        if (!SECRET_WRAPPER.test(call.name ?? '') || !call.args[0]) continue;
        const value = candidate.stringValue(call.args[0], integration?.constantString);
        if (value !== undefined) found.add(value);
      }
    }
    return found;
  });
}

/** Validators of text: what a form or schema takes as typed. */
const TEXT_VALIDATOR = /^(str|(cv\.|config_validation\.)string|(selector\.)?TextSelector\(.*\))$/s;

/**
 * Whether the integration asks the user for a PIN as text: a schema key `pin` validated as a string, or a field `pin`
 * of the legacy configurator (`fields=[{"id": "pin", ...}]`).
 */
function asksForTextPin(files: readonly FileModel[], integration: IntegrationModel | undefined): boolean {
  if (!files.some((file) => file.mentions(/\bpin\b|CONF_PIN/i))) return false;
  for (const { key, validator } of markedPairs(files, integration)) if (key === 'pin' && TEXT_VALIDATOR.test(unwrap(validator).text)) return true;
  return files.some((file) =>
    file.calls.some((call) => call.method === 'request_config' && (call.keywords.get('fields')?.descendantsOfType('pair') ?? []).some((pair) => pair.childForFieldName('key')?.text.replace(/['"]/g, '') === 'id' && /^["']pin["']$/.test(pair.childForFieldName('value')?.text ?? ''))),
  );
}

/** Validators whose values are switches: no credential is one. */
const SWITCH_VALIDATOR = /^(bool|(cv\.|config_validation\.)boolean|vol\.(Boolean\(\)|Coerce\(bool\))|(selector\.)?BooleanSelector\(.*\))$/s;
/** Validators whose values are numbers: a PIN or a numeric code may be one, nothing else that is secret. */
const NUMBER_VALIDATOR = /^(int|float|(cv\.|config_validation\.)(positive_int|positive_float|small_float|port|byte|time_period\w*|positive_time_period\w*)|vol\.Coerce\((int|float)\)|(selector\.)?(NumberSelector|DurationSelector)\(.*\))$/s;
/** Keys whose number is itself a secret: a PIN, an access code, a numeric password. */
const NUMERIC_SECRET = /(^|_)(pin|pins|code|codes|passcode|pincode|password|passwd|pwd|otp)$/i;

/**
 * Whether a schema's validator for `key` rules out a credential: a switch (`"requires_api_password": cv.boolean`), or
 * a number under a key that is no PIN or code (`"token_lifetime": vol.All(vol.Coerce(int), vol.Range(min=60))`).
 */
export function holdsNoCredential(validator: Node, key: string): boolean {
  const target = unwrap(validator);
  const all = target.type === 'call' && /(^|\.)All$/.test(target.childForFieldName('function')?.text ?? '') ? target.childForFieldName('arguments')?.namedChildren[0] : undefined;
  const text = (all ? unwrap(all) : target).text;
  return SWITCH_VALIDATOR.test(text) || (NUMBER_VALIDATOR.test(text) && !NUMERIC_SECRET.test(key));
}

const nonCredentialByIntegration = new WeakMap<IntegrationModel | FileModel, ReadonlySet<string>>();

/** The keys whose every schema rules out a credential (see holdsNoCredential): whatever they are called, they hold none. */
export function nonCredentialKeys(file: FileModel, integration: IntegrationModel | undefined): ReadonlySet<string> {
  return keysOnce(nonCredentialByIntegration, file, integration, (files) => {
    const ruledOut = new Set<string>();
    const possible = new Set<string>();
    for (const { marked, key, validator } of markedPairs(files, integration)) {
      (!marked.secret && holdsNoCredential(validator, key) ? ruledOut : possible).add(key);
    }
    return new Set([...ruledOut].filter((key) => !possible.has(key)));
  });
}

/** Each schema key of the files written as a marker with a value (`vol.Required(KEY): validator`), as a string. */
function* markedPairs(files: readonly FileModel[], integration: IntegrationModel | undefined): Generator<{ file: FileModel; marked: MarkedKey; key: string; validator: Node }> {
  for (const file of files) {
    if (!file.mentions(SCHEMA_KEY_MARKER_TEXT)) continue;
    for (const call of file.calls) {
      const marked = markedKey(file, call);
      const pair = call.node.parent;
      const validator = pair?.type === 'pair' && pair.childForFieldName('key')?.id === call.node.id ? pair.childForFieldName('value') : null;
      const key = marked && validator ? file.stringValue(marked.key, integration?.constantString) : undefined;
      if (marked && validator && key !== undefined) yield { file, marked, key, validator };
    }
  }
}

const sectionsByIntegration = new WeakMap<IntegrationModel | FileModel, ReadonlySet<string>>();

/**
 * Keys whose schema value is a schema that takes a credential (`vol.Required(CONF_ACCOUNTS): [ACCOUNT_SCHEMA]`, with
 * `ACCOUNT_SCHEMA` asking for a password): what such a key holds carries credentials, whatever it is called.
 */
export function keysHoldingCredentials(file: FileModel, integration: IntegrationModel | undefined, isCredential: (key: string) => boolean): ReadonlySet<string> {
  return keysOnce(sectionsByIntegration, file, integration, (files) => {
    const found = new Set<string>();
    for (const { file: owner, key, validator } of markedPairs(files, integration)) {
      if (takesCredential(owner, validator, integration, isCredential, 3)) found.add(key);
    }
    return found;
  });
}

/** Text every file with a schema marker holds (SCHEMA_KEY_MARKER as called). */
const SCHEMA_KEY_MARKER_TEXT = /\b(Required|Optional|Inclusive|Exclusive)\(/;

/** Whether a schema expression, through the schema constants it names, asks for a credential key. */
function takesCredential(file: FileModel, schema: Node, integration: IntegrationModel | undefined, isCredential: (key: string) => boolean, depth: number): boolean {
  for (const node of [schema, ...schema.descendantsOfType(['call', 'identifier'])]) {
    if (node.type === 'call') {
      const marked = markedKey(file, file.callSite(node));
      const key = marked ? file.stringValue(marked.key, integration?.constantString) : undefined;
      if (key !== undefined && (marked?.secret || isCredential(key))) return true;
    } else if (node.type === 'identifier' && depth > 0 && /SCHEMA/.test(node.text)) {
      const imported = file.imports.get(node.text);
      const constant = imported ? integration?.resolveConstant(imported) : file.constants.has(node.text) ? { file, node: file.constants.get(node.text)! } : undefined;
      if (constant && takesCredential(constant.file, constant.node, integration, isCredential, depth - 1)) return true;
    }
  }
  return false;
}
