import type { Node } from '../python/syntaxTree';
import { ancestors, comparisonParts, contains, descendants, literalString, unwrap } from '../python/syntax';
import type { CallSite, FileModel } from './fileModel';
import type { IntegrationModel } from './integration';
import { isDescriptorSuffix, isSecretName, normalizeName } from './secrets';
import { isRequestObject, resolveCallables, untrustedSource } from './untrusted';

/**
 * How a request handler (webhook, HTTP view) proves who called it, shared by webhook-unsigned, view-without-auth
 * and insecure-secret-comparison so that they agree on what counts as a check.
 */

/** `signature` for HMACs and signatures (authenticating wherever compared), `secret` for tokens, passwords, keys. */
export type SecretOperand = 'signature' | 'secret';

const CONSTANT_TIME = /(^|\.)(hmac\.compare_digest|secrets\.compare_digest|_?compare_digest|constant_time_compare|constant_time\.bytes_eq)$/;
const SIGNATURE_WORDS = new Set(['signature', 'signatures', 'sig', 'hmac', 'signed']);
/** Names of functions that check a caller: `verify_signature`, `validate_request`, `check_sig`, `authenticate`. */
const VERIFIER = /(verif|validat|authenticat|authoriz|check_?sig|check_?token|check_?auth|is_?valid_?(sig|token|request|auth))/i;
/** Names that only ever mean a signature check, so the body alone is enough (`verify_webhook(body)`); "validate" is not. */
const SIGNATURE_VERIFIER = /(verif|signature|check_?sig|authenticat)/i;
/** Request parts that carry credentials (a signature header, a token in the query or a cookie). */
const CREDENTIAL_PARTS = new Set(['headers', 'raw_headers', 'query', 'cookies', 'match_info']);
/** Request parts that carry the body a signature covers. */
const BODY_PARTS = new Set(['read', 'text', 'json', 'post', 'content', 'body', 'multipart']);

/**
 * Whether one side of a comparison holds a credential: a name (variable, attribute, dict key, header) that holds a
 * signature or secret, an HMAC computed on the spot (`hmac.new(...).hexdigest()`), or a hash keyed with a secret.
 * A constant that holds a plain word (`TYPE_TOKEN_REFRESH = "token_refresh"`) is an event name, not a secret.
 */
export function secretOperand(file: FileModel, side: Node, integration: IntegrationModel | undefined, depth = 2): SecretOperand | undefined {
  const target = unwrap(side);
  // `entry.options.get("webhook_token") or entry.options.get("secret")`: whichever of them is set.
  if (target.type === 'boolean_operator' && target.childForFieldName('operator')?.text === 'or') {
    const sides = [target.childForFieldName('left'), target.childForFieldName('right')];
    const kinds = sides.map((part) => (part ? secretOperand(file, part, integration, depth) : undefined));
    return kinds.includes('signature') ? 'signature' : kinds.find((kind) => kind !== undefined);
  }
  if (target.type === 'call') {
    const site = file.callSite(target);
    if (!site) return undefined;
    if (isSignatureComputation(file, site)) return 'signature';
    if (site.method === 'hexdigest' || site.method === 'digest') return undefined;
    if ((site.method === 'get' || site.method === 'getone' || site.method === 'pop') && site.args[0]) {
      return nameKind(file.stringValue(site.args[0], integration?.constantString));
    }
    if (site.method && ['strip', 'lower', 'upper', 'encode', 'decode', 'removeprefix'].includes(site.method) && site.callee.type === 'attribute') {
      const receiver = site.callee.childForFieldName('object');
      // The same budget: `value = value.strip()` leads from the name to the call and back to the name.
      return receiver ? secretOperand(file, receiver, integration, depth) : undefined;
    }
    return undefined;
  }
  // `hdrs.COOKIE`, `hdrs.AUTHORIZATION`: the name of a header, a constant of the HTTP library, not a value sent in it.
  if ((target.type === 'attribute' || target.type === 'identifier') && /^(aiohttp\.hdrs|homeassistant\.const)\.[A-Z][A-Z0-9_]*$/.test(file.qualifiedName(target) ?? '')) return undefined;
  const kind = nameKind(operandName(file, target, integration));
  // `sig = inspect.signature(fn)`: a function's parameters, not a message's signature.
  if (kind === 'signature' && target.type === 'identifier' && file.origins(target, 1).some((origin) => isInspectCall(file, origin.node))) return undefined;
  if (!kind) {
    // `expected = hass.data[DOMAIN]["webhook_secret"]` then `got != expected`: the local variable holds what it was set to.
    if (target.type !== 'identifier' || depth <= 0 || file.constants.has(target.text)) return undefined;
    const origins = file.origins(target, 1).filter((origin) => origin.kind === 'expression' && origin.node.id !== target.id);
    return origins.length === 1 ? secretOperand(file, origins[0].node, integration, depth - 1) : undefined;
  }
  // `TYPE_TOKEN_REFRESH` holding "token_refresh" names an event; a constant holding a random string is a secret.
  const value = target.type === 'identifier' && file.constants.has(target.text) ? file.stringValue(target, integration?.constantString) : undefined;
  if (value !== undefined && isPlainWord(value)) return undefined;
  return kind;
}

/** The name a value goes by: a variable's, an attribute's, or the key a subscript reads (`data[CONF_TOKEN]`). */
function operandName(file: FileModel, target: Node, integration: IntegrationModel | undefined): string | undefined {
  if (target.type === 'identifier') return target.text;
  if (target.type === 'attribute') return target.childForFieldName('attribute')?.text;
  if (target.type !== 'subscript') return undefined;
  const key = target.childForFieldName('subscript');
  return key ? file.stringValue(key, integration?.constantString) : undefined;
}

function nameKind(name: string | undefined): SecretOperand | undefined {
  if (!name) return undefined;
  if (isSignatureName(nameWords(name))) return 'signature';
  return isSecretName(name) ? 'secret' : undefined;
}

/** First words that make a name a switch or a check about signatures (`verify_signature`, `use_signed_urls`). */
const SIGNATURE_SWITCH_WORDS = new Set(['verify', 'validate', 'check', 'require', 'requires', 'use', 'enable', 'disable', 'skip', 'has', 'is', 'needs', 'no', 'allow']);
/** Last words that make a name describe signatures (`signature_method`, `SIG_SIZE`) rather than hold one. */
const SIGNATURE_DESCRIPTORS = new Set(['method', 'methods', 'algorithm', 'algorithms', 'alg', 'scheme']);

function isInspectCall(file: FileModel, node: Node): boolean {
  const value = unwrap(node);
  return value.type === 'call' && (file.callSite(value)?.name ?? '').startsWith('inspect.');
}

/** The words of a name or header (`X-Hub-Signature` -> hub, signature). */
function nameWords(name: string): string[] {
  return normalizeName(name.replace(/^x[-_]/i, '')).split('_').filter(Boolean);
}

/** `signature_method`, `SIG_TYPE`: a name describing signatures; what it is compared with is of that kind too. */
function describesSignature(words: string[]): boolean {
  const last = words[words.length - 1];
  return words.slice(0, -1).some((word) => SIGNATURE_WORDS.has(word)) && (isDescriptorSuffix(last) || SIGNATURE_DESCRIPTORS.has(last));
}

/**
 * `x_hub_signature`, `sig`, `signed_body`: a name that holds a signature. Not `signature_type` or `SIG_SIZE` (they
 * describe one), `verify_signature` (a switch or a check), or a name ending in `signed` (`is_signed`, `NID_pkcs7_signed`).
 */
function isSignatureName(words: string[]): boolean {
  const holds = words.some((word, index) => SIGNATURE_WORDS.has(word) && !(word === 'signed' && index === words.length - 1));
  return holds && !SIGNATURE_SWITCH_WORDS.has(words[0]) && !describesSignature(words);
}

function isPlainWord(value: string): boolean {
  return value === '' || /^[A-Za-z_][A-Za-z_\-. ]*$/.test(value);
}

/**
 * A signature computed on the spot, directly or through a name: `hmac.new(...).hexdigest()`, `hmac.digest(...)`, a
 * digest of a hash keyed with a secret, or one of those encoded (`base64.b64encode(...)`, `.decode()`).
 */
export function computesSignature(file: FileModel, side: Node, depth = 2): boolean {
  const target = unwrap(side);
  if (target.type === 'identifier') {
    return depth > 0 && file.origins(target, 1).some((origin) => origin.kind === 'expression' && origin.node.id !== target.id && computesSignature(file, origin.node, depth - 1));
  }
  if (target.type !== 'call') return false;
  const site = file.callSite(target);
  if (!site) return false;
  if (isSignatureComputation(file, site)) return true;
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  if (/(^|\.)(b64encode|urlsafe_b64encode|b16encode|hexlify)$/.test(site.name ?? '') && site.args[0]) return computesSignature(file, site.args[0], depth);
  return receiver !== null && ['decode', 'encode', 'lower', 'upper', 'strip', 'hex'].includes(site.method ?? '') && computesSignature(file, receiver, depth);
}

/** `hmac.new(...)`, `hmac.digest(...)`, or the digest of an HMAC object or of a hash keyed with a secret. */
function isSignatureComputation(file: FileModel, site: CallSite): boolean {
  if (/(^|\.)hmac\.(new|digest)$/.test(site.name ?? '')) return true;
  if (site.method !== 'hexdigest' && site.method !== 'digest') return false;
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  return receiver !== null && (isHmacObject(file, receiver) || descendants(receiver, ['identifier']).some((identifier) => isSecretName(identifier.text)));
}

function isHmacObject(file: FileModel, receiver: Node): boolean {
  return file.origins(receiver).some((origin) => {
    const node = unwrap(origin.node);
    return node.type === 'call' && /(^|\.)hmac\.(new|HMAC)$/.test(file.callSite(node)?.name ?? '');
  });
}

/** Names that hold a credential only when a request's value is checked against them: `panel_code`, `pin`, a shared `auth`. */
const CODE_WORDS = new Set(['code', 'pin', 'pincode', 'passcode', 'passkey', 'auth']);
/** What makes `*_code` or `*_pin` a credential (`panel_code`), unlike `error_code`, `country_code`, `gpio_pin`. */
const CODE_QUALIFIERS = new Set([
  'access', 'panel', 'door', 'gate', 'garage', 'pass', 'user', 'admin', 'master', 'lock', 'unlock', 'arm', 'disarm',
  'alarm', 'security', 'auth', 'verification', 'verify', 'confirm', 'confirmation', 'secret', 'entry', 'pairing', 'pair',
  'setup', 'invite', 'login', 'keypad', 'one', 'otp', 'stored', 'expected', 'valid', 'my', 'conf',
]);
/** Request parts a client puts a code or token in. */
const SUBMITTED_PARTS = new Set(['query', 'headers', 'cookies', 'match_info', 'json', 'post', 'text', 'read', 'body', 'content', 'multipart']);

/**
 * What a comparison checks, if it is a credential: either side holds a signature or secret (see
 * `secretOperand`), or a value the client sent is compared with a stored code or PIN (`code ==
 * entry.data["panel_code"]`), which is a password by another name.
 */
export function comparedCredential(file: FileModel, left: Node, right: Node, integration: IntegrationModel | undefined): SecretOperand | undefined {
  // `sig == signal.SIGTERM`: a signal number, not a signature.
  if ([left, right].some((side) => file.qualifiedName(unwrap(side))?.startsWith('signal.'))) return undefined;
  // `self.signature == other.signature` (an __eq__): two objects' values of one field, not a caller's against a secret.
  if (isSameFieldOfTwoObjects(unwrap(left), unwrap(right))) return undefined;
  // `request.signature_method == SIGNATURE_RSA_SHA1`: which method, not whether a signature matches.
  if ([left, right].some((side) => describesSignature(nameWords(operandName(file, unwrap(side), integration) ?? '')))) return undefined;
  const kinds = [secretOperand(file, left, integration), secretOperand(file, right, integration)];
  // A cookie the client sent, matched against a value the integration holds: a session, whatever it is called.
  for (const [side, other] of [[left, right], [right, left]]) {
    if (isCookieRead(file, side, integration) && literalString(unwrap(other)) === undefined && !isClientValue(file, other, integration)) return 'secret';
  }
  const codeNames = [isCodeName(file, left, integration), isCodeName(file, right, integration)];
  // The names decide first: tracing where both sides come from costs far more, and most comparisons name no secret.
  if (kinds.every((kind) => kind === undefined) && !codeNames.some(Boolean)) return undefined;
  // Both sides sent by the client (`password != password_confirm`): nothing is checked against a secret.
  if (isClientValue(file, left, integration) && isClientValue(file, right, integration)) return undefined;
  if (kinds.includes('signature')) return 'signature';
  if (kinds.includes('secret')) return 'secret';
  for (const [index, [side, other]] of [[left, right], [right, left]].entries()) {
    if (!codeNames[index]) continue;
    const part = untrustedSource(file, other, integration)?.part;
    const stored = untrustedSource(file, side, integration) === undefined;
    if (part !== undefined && SUBMITTED_PARTS.has(part) && stored) return 'secret';
  }
  return undefined;
}

function isSameFieldOfTwoObjects(left: Node, right: Node): boolean {
  if (left.type !== 'attribute' || right.type !== 'attribute') return false;
  const field = (side: Node) => side.childForFieldName('attribute')?.text;
  const owner = (side: Node) => side.childForFieldName('object')?.text;
  return field(left) === field(right) && owner(left) !== owner(right);
}

/** `request.cookies.get(NAME)` or `request.cookies[NAME]`, directly or through a local variable. */
function isCookieRead(file: FileModel, side: Node, integration: IntegrationModel | undefined): boolean {
  const target = unwrap(side);
  // Reading the text first: tracing where a value comes from costs far more, and few comparisons involve cookies.
  const mentions = target.type === 'identifier' ? file.origins(target, 1).some((origin) => /\bcookies\b/.test(origin.node.text)) : /\bcookies\b/.test(target.text);
  return mentions && untrustedSource(file, target, integration)?.part === 'cookies';
}

/** A value a webhook or HTTP client sent (not service or flow data, whose senders are Home Assistant users). */
function isClientValue(file: FileModel, node: Node, integration: IntegrationModel | undefined): boolean {
  const kind = untrustedSource(file, node, integration)?.kind;
  return kind === 'webhook' || kind === 'view-request' || kind === 'request';
}

function isCodeName(file: FileModel, side: Node, integration: IntegrationModel | undefined): boolean {
  const target = unwrap(side);
  let name = operandName(file, target, integration);
  if (target.type === 'call') {
    const site = file.callSite(target);
    if (site?.method === 'get' && site.args[0]) name = file.stringValue(site.args[0], integration?.constantString);
  }
  if (!name || literalString(target) !== undefined) return false;
  const words = normalizeName(name).split('_').filter(Boolean);
  if (!CODE_WORDS.has(words[words.length - 1] ?? '')) return false;
  return words.length === 1 || CODE_QUALIFIERS.has(words[words.length - 2] ?? '');
}

/** None, numbers, booleans and the empty string: comparing with them checks presence, not a value. */
export function isTrivialOperand(node: Node): boolean {
  const target = unwrap(node);
  if (['none', 'integer', 'float', 'true', 'false'].includes(target.type)) return true;
  // A switch's value (`os.environ.get("COOKIE_SECURE") == "1"`): no secret is compared with a flag.
  const text = literalString(target);
  // Nor with punctuation (`signature == "()"`): no secret is made of that.
  return text !== undefined && (/^(|0|1|true|false|yes|no|on|off|none|null)$/i.test(text) || !/[A-Za-z0-9]/.test(text));
}

/** Calls that answer with the request or look at it, and verify nothing: responses, logs, builtins that inspect. */
export const LOOKS_ONLY = /(^|\.)(web\.\w+|json_response|_?LOGGER\.\w+|logging\.\w+|print|str|repr|isinstance|getattr|hasattr|type|id|len|bool|vars|dir)$/;

export type CallerCheck =
  /** A signature, token or secret is verified (constant-time or not: the timing is another rule's business). */
  | { kind: 'verified'; how: string }
  /** Only the client's address is checked: weaker than a signature, a person should judge. */
  | { kind: 'address'; how: string }
  /** The request is handed to code outside the integration, which may verify it. */
  | { kind: 'delegated'; how: string }
  /**
   * A check some callers skip: every caller while no key is configured (`if not key: return True` before it), or a
   * caller that sends no signature at all (`if signature: compare_digest(...)`, then on as if checked).
   */
  | { kind: 'fail-open'; how: string; when: 'no-key' | 'no-signature' };

/**
 * How `fn` (or a function of the integration it calls, `depth` levels down) checks its caller, if it does:
 * a constant-time comparison; a verification function given the request, its headers, its query or a signature;
 * a decoded JWT; a comparison of a secret or signature (even with `==`); the client address checked.
 */
export function callerCheck(file: FileModel, fn: Node, integration: IntegrationModel | undefined, depth = 2, seen = new Set<number>()): CallerCheck | undefined {
  if (seen.has(fn.id)) return undefined;
  seen.add(fn.id);
  let weaker: CallerCheck | undefined;
  const guard = rejectsWithoutToken(file, fn, integration);
  if (guard) return { kind: 'verified', how: guard };
  // A check this function makes, unless it waves every caller through first while no key is set.
  const verified = (how: string, at: Node): CallerCheck => {
    const open = failOpenGuard(file, fn, at, integration);
    return open ? { kind: 'fail-open', how: `${fn.childForFieldName('name')?.text ?? 'handler'}: ${open.how}`, when: open.when } : { kind: 'verified', how };
  };
  for (const node of descendants(fn, ['call', 'comparison_operator'])) {
    if (node.type === 'comparison_operator') {
      const parts = comparisonParts(node);
      if (!parts || isTrivialOperand(parts.left) || isTrivialOperand(parts.right)) continue;
      if (isFormatCheck(parts)) continue;
      if (comparedCredential(file, parts.left, parts.right, integration)) return verified(node.text, node);
      if ([parts.left, parts.right].some((side) => isClientAddress(file, side, integration))) weaker ??= { kind: 'address', how: node.text };
      continue;
    }
    const site = file.callSite(node);
    // An exception made to be raised (`raise AuthenticationError("Invalid credentials")`) reports a failure; it checks nothing.
    if (!site || node.parent?.type === 'raise_statement' || EXCEPTION_CLASS.test(site.callee.text)) continue;
    const name = site.name ?? '';
    const simple = site.method ?? name.split('.').pop() ?? '';
    // `hmac.compare_digest(a, b)` as a statement of its own: its answer is thrown away, so nothing is rejected.
    if ((CONSTANT_TIME.test(name) || site.method === 'compare_digest') && !isDiscarded(node)) return verified(`${simple}(...)`, node);
    if (/(^|\.)jwt\.decode$/.test(name) && !/verify_signature['"]?\s*:\s*False/.test(node.text)) return verified('jwt.decode(...)', node);
    const args = [...site.args, ...site.keywords.values()];
    // Named as a check and given the request's credentials: a library's check is taken at its name; one of the
    // integration is read below instead (`_validate_size_from_filename(filename)` checks a size, not the caller).
    if (VERIFIER.test(simple) && args.some((arg) => carriesCredential(file, arg, integration)) && resolveCallables(file, site.callee, integration).length === 0) {
      return verified(`${simple}(...)`, node);
    }
    // A library's signature check is taken at its name too; one of the integration is read below.
    if (SIGNATURE_VERIFIER.test(simple) && args.some((arg) => isRequestBody(file, arg, integration)) && resolveCallables(file, site.callee, integration).length === 0) return verified(`${simple}(...)`, node);
    // `decrypt_payload(entry.data["secret"], body["encrypted_data"])`: only a sender holding the secret writes a
    // payload that decrypts (authenticated encryption, such as NaCl's SecretBox, rejects a forged one).
    if (/decrypt/i.test(simple) && args.some((arg) => isRequestBody(file, arg, integration)) && args.some((arg) => secretOperand(file, unwrap(arg), integration) !== undefined)) {
      return verified(`${simple}(...)`, node);
    }
    if (args.some((arg) => isClientAddress(file, arg, integration)) && /ip_address|ip_network|in_network|trusted|allowed/i.test(name)) weaker ??= { kind: 'address', how: `${simple}(...)` };
    // Handed the body and the signature header, a vendor library checks them whatever its method is called
    // (`lock.receive_webhook(body, request.headers["HASH"], ...)`); a function of the integration is read instead.
    const handsSignature = !NOT_A_CHECK.test(name) && args.some((arg) => isRequestBody(file, arg, integration)) && args.some((arg) => isSignatureHeader(file, arg, integration));
    // Resolving the callee costs the most here: at the last level it only tells whether a request handed on is delegated.
    // `manager.handle_request(data, request.headers)`: the body and every header, all a signature check needs.
    // aiohttp's `response.prepare(request)` (a stream or websocket response) starts the answer: it checks nobody.
    const delegates = () => (site.args.some((arg) => isRequestObject(file, arg, integration)) || (args.some((arg) => isRequestBody(file, arg, integration)) && args.some((arg) => isHeaderMapping(file, arg, integration)))) && !LOOKS_ONLY.test(name) && site.method !== 'prepare';
    if (depth <= 0 && !handsSignature && (weaker !== undefined || !delegates())) continue;
    const targets = resolveCallables(file, site.callee, integration).filter((target) => target.node.id !== fn.id);
    if (handsSignature && targets.length === 0) return verified(`${simple}(...)`, node);
    if (depth > 0) {
      for (const target of targets) {
        // `token_ok(request)` whose True or False nobody reads checks nothing, unless it raises on a mismatch.
        if (isDiscarded(node) && descendants(target.node, ['raise_statement']).length === 0) continue;
        const found = callerCheck(target.file, target.node, integration, depth - 1, seen);
        if (found?.kind === 'verified') return found;
        if (found) weaker ??= found;
      }
    }
    if (targets.length === 0 && delegates()) {
      weaker ??= { kind: 'delegated', how: `${name || site.callee.text}(...)` };
    }
  }
  return weaker;
}

/** A call made as a statement of its own (`compare_digest(a, b)`, `await check(request)`), whose answer nothing reads. */
function isDiscarded(call: Node): boolean {
  const parent = call.parent?.type === 'await' ? call.parent.parent : call.parent;
  return parent?.type === 'expression_statement';
}

/** A value a verification function needs: the request, its headers/query/cookies, or a signature or secret. */
function carriesCredential(file: FileModel, argument: Node, integration: IntegrationModel | undefined): boolean {
  const target = unwrap(argument.type === 'keyword_argument' ? argument.childForFieldName('value') ?? argument : argument);
  if (isRequestObject(file, target, integration)) return true;
  const source = untrustedSource(file, target, integration);
  if (source?.part && CREDENTIAL_PARTS.has(source.part)) return true;
  // A literal is no credential the caller sent, whatever its words (`"Invalid credentials"`).
  return secretOperand(file, target, integration) !== undefined || (literalString(target) === undefined && isSecretName(target.text));
}

/** `request.remote` or the peer address of the transport, also through a local variable (`client_ip = request.remote`). */
function isClientAddress(file: FileModel, node: Node, integration: IntegrationModel | undefined): boolean {
  const target = unwrap(node);
  const values = target.type === 'identifier' ? file.origins(target).filter((origin) => origin.kind === 'expression').map((origin) => origin.node) : [target];
  return values.some((value) => readsClientAddress(file, value, integration));
}

function readsClientAddress(file: FileModel, node: Node, integration: IntegrationModel | undefined): boolean {
  return descendants(unwrap(node), ['attribute']).some((attribute) => {
    const name = attribute.childForFieldName('attribute')?.text;
    const object = attribute.childForFieldName('object');
    return (name === 'remote' || name === 'peername') && object !== null && (isRequestObject(file, object, integration) || /request|transport/.test(object.text));
  });
}

/** Calls that take a request's parts without checking anything: logging, printing, building responses. */
/** The name of an exception class (`ApiAuthenticationError`, `InvalidAuth`, `ConfigEntryAuthFailed`). */
const EXCEPTION_CLASS = /(^|\.)[A-Z]\w*(Error|Exception|InvalidAuth|AuthFailed)$/;
const NOT_A_CHECK = /(^|\.)(web\.\w+|json_response|_LOGGER\.\w+|LOGGER\.\w+|logging\.\w+|print|str|repr|isinstance|async_fire|async_dispatcher_send|dumps|loads)$/;
/** Header names that carry a signature or a token (`X-Hub-Signature-256`, `HASH`, `X-Auth-Token`). */
const SIGNATURE_HEADER = /sig|hash|hmac|digest|token|auth/i;

/**
 * `if not key: return True` (or `key is None`, `key == ""`, `DOMAIN not in hass.data`) ahead of `check` in the same
 * function: with no key configured the check is skipped and every caller accepted. Returns the guard, for messages.
 */
function failOpenGuard(file: FileModel, fn: Node, check: Node, integration: IntegrationModel | undefined): { how: string; when: 'no-key' | 'no-signature' } | undefined {
  // `if signature: if not compare_digest(signature, expected): return 401`, with no `else`: a request that sends no
  // signature skips the check and is handled all the same.
  for (let current = check.parent; current && current.id !== fn.id; current = current.parent) {
    // `if expected and (not provided or provided != expected): return 401`: the same, folded into one condition.
    if (current.type === 'boolean_operator' && current.childForFieldName('operator')?.text === 'and') {
      const left = current.childForFieldName('left');
      const right = current.childForFieldName('right');
      const parts = left ? comparisonParts(unwrap(left)) : undefined;
      const tested = left ? (parts?.operator === 'is not' && unwrap(parts.right).type === 'none' ? unwrap(parts.left) : unwrap(left)) : undefined;
      // Only where the branch turns the request away: `if token and token == expected: accept` fails closed.
      const branch = ancestors(current).find((node) => node.type === 'if_statement' || node.type === 'block');
      const rejects = branch?.type === 'if_statement' && contains(branch.childForFieldName('condition') ?? branch, current) && (/\breturn False\b/.test(consequenceText(branch)) || REJECTION.test(consequenceText(branch)));
      if (rejects && tested?.type === 'identifier' && right && contains(right, check) && new RegExp(`\\b${tested.text}\\b`).test(right.text)) {
        return { how: `if ${left!.text} and ...`, when: isClientValue(file, tested, integration) ? 'no-signature' : 'no-key' };
      }
      continue;
    }
    if (current.type !== 'if_statement' || current.childForFieldName('alternative')) continue;
    const condition = current.childForFieldName('condition');
    const consequence = current.childForFieldName('consequence');
    if (!condition || !consequence || !contains(consequence, check)) continue;
    const parts = comparisonParts(unwrap(condition));
    const tested = parts?.operator === 'is not' && unwrap(parts.right).type === 'none' ? unwrap(parts.left) : unwrap(condition);
    // The tested value feeds the check, directly or one step before it (`digest = hmac.new(key.encode(), ...)`).
    if (tested.type !== 'identifier' || !new RegExp(`\\b${tested.text}\\b`).test(consequence.text)) continue;
    // The client's own value missing is a request let through; the integration's key missing is the older form below.
    return { how: `if ${condition.text}: ...`, when: isClientValue(file, tested, integration) ? 'no-signature' : 'no-key' };
  }
  for (const statement of descendants(fn, ['if_statement'])) {
    if (statement.startIndex >= check.startIndex) break;
    const condition = statement.childForFieldName('condition');
    const consequence = statement.childForFieldName('consequence');
    if (!condition || !consequence) continue;
    // `not key`, `key is None`, `key == ""`, `DOMAIN not in hass.data`: no key to check against.
    const unset = condition.type === 'not_operator' || /\bis None$|==\s*(""|''|None)$|\bnot in\b/.test(condition.text);
    if (!unset) continue;
    const accepts = descendants(consequence, ['return_statement']).some((exit) => {
      const value = exit.namedChild(0);
      return value !== null && unwrap(value).type === 'true';
    });
    if (accepts) return { how: `if ${condition.text}: return True`, when: 'no-key' };
  }
  return undefined;
}

const REJECTION = /\b(401|403|UNAUTHORIZED|FORBIDDEN|HTTPUnauthorized|HTTPForbidden)\b/;

function consequenceText(statement: Node): string {
  return statement.childForFieldName('consequence')?.text ?? '';
}

/**
 * `if token is None or lookup(token) is None: return web.Response(status=401)`: a token the client sent decides
 * whether the request is turned away, however it is matched (a lookup among known devices counts as much as a
 * comparison). Returns the condition, for the checklist note.
 */
function rejectsWithoutToken(file: FileModel, fn: Node, integration: IntegrationModel | undefined): string | undefined {
  if (!REJECTION.test(fn.text)) return undefined;
  for (const statement of descendants(fn, ['if_statement'])) {
    const condition = statement.childForFieldName('condition');
    const consequence = statement.childForFieldName('consequence');
    if (!condition || !consequence || !REJECTION.test(consequence.text)) continue;
    const rejects = descendants(consequence, ['return_statement', 'raise_statement']).some((exit) => REJECTION.test(exit.text));
    if (!rejects) continue;
    const names = condition.type === 'identifier' ? [condition] : descendants(condition, ['identifier']);
    const token = (name: Node) => isSecretName(name.text) && CREDENTIAL_PARTS.has(untrustedSource(file, name, integration)?.part ?? '');
    if (names.some((name) => (token(name) && isMatched(name)) || isTokenLookup(file, name, integration))) return condition.text;
  }
  return undefined;
}

/**
 * `station = find_station(hass, request.query.get("token"))`, then `if station is None: return 401`: the name holds
 * what a lookup by the client's token found, so testing it turns away callers whose token matches nothing.
 */
function isTokenLookup(file: FileModel, name: Node, integration: IntegrationModel | undefined): boolean {
  return file.origins(name).some((origin) => {
    const value = unwrap(origin.node);
    if (origin.kind !== 'expression' || value.type !== 'call') return false;
    const site = file.callSite(value);
    return site !== undefined && [...site.args, ...site.keywords.values()].some((argument) => isRequestToken(file, argument, integration));
  });
}

/** A token the client sent: a secret-named value read from the request's headers, query, cookies or path. */
function isRequestToken(file: FileModel, node: Node, integration: IntegrationModel | undefined): boolean {
  const value = unwrap(node);
  if (!CREDENTIAL_PARTS.has(untrustedSource(file, value, integration)?.part ?? '')) return false;
  if (value.type === 'identifier') return isSecretName(value.text);
  const key = keyRead(file, value, integration);
  return key !== undefined && isSecretName(key);
}

/** The key a read names: `headers["X-Token"]`, `query.get("token")`, `headers.getone(NAME)`. */
export function keyRead(file: FileModel, read: Node, integration: IntegrationModel | undefined): string | undefined {
  let key: Node | null | undefined;
  if (read.type === 'subscript') key = read.childForFieldName('subscript');
  else if (read.type === 'call') {
    const site = file.callSite(read);
    if (site?.method === 'get' || site?.method === 'getone') key = site.args[0];
  }
  return key ? file.stringValue(key, integration?.constantString) : undefined;
}

/** The token is matched against something (given to a lookup, compared with a value), not only tested for presence. */
function isMatched(name: Node): boolean {
  const parent = name.parent;
  if (parent?.type === 'argument_list') return true;
  if (parent?.type !== 'comparison_operator') return false;
  const parts = comparisonParts(parent);
  return parts !== undefined && !isTrivialOperand(parts.left) && !isTrivialOperand(parts.right) && !isFormatCheck(parts);
}

/** `"action=issueToken" not in token`: a look at the value's format, which any caller can satisfy. */
function isFormatCheck(parts: { left: Node; operator: string }): boolean {
  return /\bin$/.test(parts.operator) && literalString(unwrap(parts.left)) !== undefined;
}

/** A request header whose name says it carries a signature or token: `request.headers["X-Signature"]`, `.get("HASH")`. */
function isSignatureHeader(file: FileModel, argument: Node, integration: IntegrationModel | undefined): boolean {
  const value = unwrap(argument.type === 'keyword_argument' ? argument.childForFieldName('value') ?? argument : argument);
  if (untrustedSource(file, value, integration)?.part !== 'headers') return false;
  return file.origins(value).some(({ node }) => {
    const header = keyRead(file, unwrap(node), integration);
    return header !== undefined && SIGNATURE_HEADER.test(header);
  });
}

/** The request's whole header mapping (`request.headers`), not one header read from it. */
function isHeaderMapping(file: FileModel, argument: Node, integration: IntegrationModel | undefined): boolean {
  const value = unwrap(argument);
  if (untrustedSource(file, value, integration)?.part !== 'headers') return false;
  return file.origins(value).some(({ node }) => {
    const target = unwrap(node);
    return target.type === 'attribute' && /^(headers|raw_headers)$/.test(target.childForFieldName('attribute')?.text ?? '');
  });
}

/** True when `node` carries the body a signature covers (`await request.read()`, `text()`, `json()`). */
function isRequestBody(file: FileModel, node: Node, integration: IntegrationModel | undefined): boolean {
  const part = untrustedSource(file, node, integration)?.part;
  return part !== undefined && BODY_PARTS.has(part);
}
