import type { Node } from 'web-tree-sitter';
import { descendants, literalString, unwrap } from '../python/syntax';
import type { FileModel } from './fileModel';
import type { IntegrationModel } from './integration';
import { isSecretName } from './secrets';
import { untrustedSource } from './untrusted';

/**
 * Whether a value carries a credential, following local data flow. Shared by the rules that watch where
 * secrets go (logs, diagnostics, storage).
 *
 * - a **secret** is one credential: `entry.data[CONF_PASSWORD]`, `user_input.get("token")`, `self._api_key`,
 *   `f"Bearer {token}"`, a headers dict holding one;
 * - a **payload** is a whole mapping that holds credentials when the integration has any: `entry.data`,
 *   `entry.options`, `entry.as_dict()`, the flow's `user_input`, a YAML `config`, a webhook's JSON body.
 * Sanitised forms are neither: `len(x)`, `bool(x)`, `x[:4]`, `x is None`, `async_redact_data(...)`,
 * `partial_redact(...)`, `{**cfg, CONF_PASSWORD: "***"}`, a comprehension that filters keys.
 */

export interface SecretCarrier {
  kind: 'secret' | 'payload';
  /** What to name in a message: `entry.data[CONF_PASSWORD]`, `entry.data`. */
  what: string;
  /** The expression (inside the inspected value) that carries it. */
  node: Node;
}

const PAYLOAD = /^(self\.)?(_?config_entry|_?entry|config_entry|self\._?config_entry|self\._?entry)\.(data|options)$/;
const PAYLOAD_CALL = /^(self\.)?_?(config_)?entry\.as_dict$/;
const SANITIZING_CALLS = /(^|\.)(len|bool|type|id|hash|isinstance|callable|async_redact_data|partial_redact|redact\w*|mask\w*|obfuscate\w*|anonymi[sz]e\w*|sha\d+|md5|blake2b|hexdigest|digest|compare_digest|startswith|endswith|count|is_valid\w*)$/;
/** Methods that return the same secret in another form. */
const PASS_THROUGH_METHODS = new Set(['strip', 'lstrip', 'rstrip', 'lower', 'upper', 'encode', 'decode', 'replace', 'get_secret_value', 'copy', 'items', 'values']);
const PASS_THROUGH_CALLS = /^(str|repr|dict|list|tuple|json\.dumps|orjson\.dumps|pprint\.pformat|pformat)$/;

const secretKeyCache = new WeakMap<object, Set<string>>();

/** The credential keys an integration uses (its flow schemas, its reads of entry data), as strings. */
export function integrationSecretKeys(file: FileModel, integration: IntegrationModel | undefined): Set<string> {
  const cacheKey: object = integration ?? file;
  const cached = secretKeyCache.get(cacheKey);
  if (cached) return cached;
  const keys = new Set<string>();
  for (const candidate of integration?.files ?? [file]) {
    for (const call of candidate.calls) {
      const name = call.name ?? '';
      let key: Node | undefined;
      if (/(^|\.)(Required|Optional|Inclusive|Exclusive)$/.test(name)) key = call.args[0];
      else if (call.method === 'get' && /\b(data|options|user_input|config|conf)$/.test(call.callee.childForFieldName('object')?.text ?? '')) key = call.args[0];
      const value = key ? candidate.stringValue(key, integration?.constantString) : undefined;
      if (value && isSecretName(value)) keys.add(value);
    }
    for (const subscript of descendants(candidate.root, ['subscript'])) {
      if (!/\b(data|options|user_input|config|conf|entry_data)$/.test(subscript.childForFieldName('value')?.text ?? '')) continue;
      const index = subscript.childForFieldName('subscript');
      const value = index ? candidate.stringValue(index, integration?.constantString) : undefined;
      if (value && isSecretName(value)) keys.add(value);
    }
  }
  secretKeyCache.set(cacheKey, keys);
  return keys;
}

/** The credential (or credential payload) a value carries, if any. */
export function secretIn(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth = 5): SecretCarrier | undefined {
  if (depth <= 0) return undefined;
  const handlesSecrets = () => integrationSecretKeys(file, integration).size > 0;
  for (const origin of file.origins(expression)) {
    if (origin.kind === 'parameter') {
      if (origin.name && isSecretName(origin.name)) return { kind: 'secret', what: origin.name, node: expression };
      const source = origin.name ? untrustedSource(file, expression, integration) : undefined;
      if (source && (source.kind === 'flow-input' || source.kind === 'webhook') && expression.type === 'identifier' && handlesSecrets()) {
        return { kind: 'payload', what: `${origin.name} (${source.description})`, node: expression };
      }
      continue;
    }
    if (origin.kind === 'unknown') {
      if (origin.name && isSecretName(origin.name)) return { kind: 'secret', what: origin.name, node: expression };
      continue;
    }
    const found = carrierOf(file, unwrap(origin.node), integration, depth, handlesSecrets);
    if (found) return found;
  }
  return undefined;
}

function carrierOf(
  file: FileModel,
  node: Node,
  integration: IntegrationModel | undefined,
  depth: number,
  handlesSecrets: () => boolean,
): SecretCarrier | undefined {
  const recurse = (child: Node | null | undefined) => (child ? secretIn(file, child, integration, depth - 1) : undefined);
  switch (node.type) {
    case 'subscript': {
      const index = node.childForFieldName('subscript');
      if (index?.type === 'slice') return undefined;
      const key = index ? file.stringValue(index, integration?.constantString) : undefined;
      if (key !== undefined) return isSecretName(key) ? { kind: 'secret', what: node.text, node } : undefined;
      return undefined;
    }
    case 'attribute': {
      const attribute = node.childForFieldName('attribute')?.text ?? '';
      if (PAYLOAD.test(node.text)) return handlesSecrets() ? { kind: 'payload', what: node.text, node } : undefined;
      if (isSecretName(attribute)) return { kind: 'secret', what: node.text, node };
      return undefined;
    }
    case 'identifier':
      return isSecretName(node.text) ? { kind: 'secret', what: node.text, node } : undefined;
    case 'call':
      return callCarrier(file, node, integration, depth, handlesSecrets);
    case 'await':
      return recurse(node.namedChild(0));
    case 'string':
    case 'concatenated_string': {
      for (const interpolation of descendants(node, ['interpolation'])) {
        const value = interpolation.childForFieldName('expression') ?? interpolation.namedChild(0);
        const found = recurse(value);
        if (found) return found;
      }
      return undefined;
    }
    case 'binary_operator': {
      const operator = node.childForFieldName('operator')?.text;
      if (operator !== '+' && operator !== '%') return undefined;
      return recurse(node.childForFieldName('left')) ?? recurse(node.childForFieldName('right'));
    }
    case 'tuple':
    case 'list':
    case 'set':
      for (const child of node.namedChildren) {
        const found = recurse(child);
        if (found) return found;
      }
      return undefined;
    case 'dictionary':
      return dictionaryCarrier(file, node, integration, recurse);
    case 'conditional_expression':
      return recurse(node.namedChild(0)) ?? recurse(node.namedChild(2));
    default:
      // Comparisons, comprehensions (which filter), lambdas, numbers: nothing readable leaks.
      return undefined;
  }
}

function callCarrier(
  file: FileModel,
  node: Node,
  integration: IntegrationModel | undefined,
  depth: number,
  handlesSecrets: () => boolean,
): SecretCarrier | undefined {
  const site = file.callSite(node);
  if (!site) return undefined;
  const name = site.name ?? '';
  if (SANITIZING_CALLS.test(name) || (site.method && SANITIZING_CALLS.test(`.${site.method}`))) return undefined;
  if (PAYLOAD_CALL.test(name)) return handlesSecrets() ? { kind: 'payload', what: `${name}()`, node } : undefined;
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  if (site.method === 'get' && receiver) {
    const key = site.args[0] ? file.stringValue(site.args[0], integration?.constantString) : undefined;
    if (key !== undefined) return isSecretName(key) ? { kind: 'secret', what: node.text, node } : undefined;
  }
  if (site.method === 'json' && receiver && untrustedSource(file, receiver, integration)?.kind === 'webhook') {
    return handlesSecrets() ? { kind: 'payload', what: `${receiver.text}.json() (a webhook payload)`, node } : undefined;
  }
  if (site.method === 'format') {
    for (const arg of [...site.args, ...site.keywords.values()]) {
      const found = secretIn(file, arg, integration, depth - 1);
      if (found) return found;
    }
    return undefined;
  }
  if (site.method && PASS_THROUGH_METHODS.has(site.method) && receiver) return secretIn(file, receiver, integration, depth - 1);
  if (PASS_THROUGH_CALLS.test(name)) {
    for (const arg of site.args) {
      const found = secretIn(file, arg, integration, depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A dict leaks when a secret key maps to a real value, or when it spreads a payload without masking its
 * secret keys (`{**entry.data, CONF_PASSWORD: "***"}` is masked).
 */
function dictionaryCarrier(
  file: FileModel,
  node: Node,
  integration: IntegrationModel | undefined,
  recurse: (child: Node | null | undefined) => SecretCarrier | undefined,
): SecretCarrier | undefined {
  let masksSecrets = false;
  let spread: SecretCarrier | undefined;
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'pair') {
      const key = child.childForFieldName('key');
      const value = child.childForFieldName('value');
      const keyName = key ? file.stringValue(key, integration?.constantString) : undefined;
      if (keyName !== undefined && isSecretName(keyName)) {
        const literal = value && (literalString(value) !== undefined || unwrap(value).type === 'none');
        if (literal) {
          masksSecrets = true;
          continue;
        }
        const found = recurse(value);
        if (found || (value && !isSanitized(file, value))) return { kind: 'secret', what: `${key?.text}: ${value?.text ?? ''}`, node: child };
        continue;
      }
      const found = recurse(value);
      if (found) return found;
    } else if (child.type === 'dictionary_splat') {
      spread ??= recurse(child.namedChild(0));
    }
  }
  return masksSecrets ? undefined : spread;
}

function isSanitized(file: FileModel, value: Node): boolean {
  const node = unwrap(value);
  if (node.type === 'call') {
    const site = file.callSite(node);
    return SANITIZING_CALLS.test(site?.name ?? `.${site?.method ?? ''}`);
  }
  return node.type === 'integer' || node.type === 'true' || node.type === 'false' || node.type === 'comparison_operator' || node.type === 'boolean_operator';
}
