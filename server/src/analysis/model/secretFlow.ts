import type { Node } from '../python/syntaxTree';
import { addImport, insertAt, replaceNode } from '../fixes';
import { ancestorOfType, comparisonParts, contains, descendants, interpolations, literalString, parameterAnnotation, rangeOf, unwrap } from '../python/syntax';
import type { Fix, TextEdit } from '../types';
import { derivedKey, type Binding, type CallSite, type FileModel } from './fileModel';
import { FILE_OPERATIONS } from './fileOperations';
import { aiohttpResponseUrlParts, requestPartsQuotedByCaughtError } from './requestErrors';
import { ANY_STEP, shownForms } from './flowForms';
import { constantExpression, type IntegrationModel } from './integration';
import { declaredSecretKeys, keysHoldingCredentials, markedKey, nonCredentialKeys, SCHEMA_KEY_MARKER } from './schemaKeys';
import { describesSecret, isSecretName, isWebhookAddress, normalizeName } from './secrets';
import { callerArguments, callSitesOf, callsOf, classLineage, isAuthenticatedViewHandler, methodsOf, parametersOf, registeredHandlers, resolveCallables, resolveClass, serviceHandlerReference, untrustedSource } from './untrusted';

/**
 * Where credentials go: shared by the rules that watch logs, diagnostics, storage and entity attributes.
 *
 * - `secretIn` / `secretsIn`: whether a value carries a credential, following local data flow. A **secret** is one
 *   credential (`entry.data[CONF_PASSWORD]`, `user_input.get("token")`, `self._api_key`, a `password` variable,
 *   `f"Bearer {token}"`, a headers dict holding one). A **payload** is a whole mapping that holds credentials:
 *   `entry.data`/`entry.options`/`entry.as_dict()` when the integration stores any, a flow's `user_input` when its
 *   form asks for one, a YAML `config`, a webhook's body. Sanitised forms carry neither: `len(x)`, `bool(x)`, `x[:4]`,
 *   `x is None`, `list(entry.data)` (keys), `async_redact_data(...)`, `partial_redact(...)`,
 *   `{**cfg, CONF_PASSWORD: "***"}`, a comprehension that filters keys, a copy whose secret keys were masked.
 * - `credentialKeys`: the credential keys an integration reads, asks for or stores, with the constant naming each.
 * - `isLoggingCall` / `loggedArguments`: what writes to a log.
 * - `isRedactionCall`, `redactionSetKeys`: Home Assistant's redaction helpers and the key sets given to them.
 * - `redactionSetup`, `keyExpressions`: the edits a fix needs to call `async_redact_data(x, TO_REDACT)`.
 */

export interface SecretCarrier {
  kind: 'secret' | 'payload';
  /** Where the credential comes from, for messages: `entry.data`, `config flow input`, `a webhook request body`. */
  source: string;
  /** The sub-expression of the inspected value that carries it: for a payload the mapping itself, for a secret the
   * whole expression derived from it (`token.strip()`, not `token`), so a fix can wrap or replace exactly that. */
  node: Node;
  /** For a part of a request body taken whole (`body.get("data", {})`): the expression that took it, for messages. */
  part?: Node;
}

// ---------------------------------------------------------------------------------------------------------------
// Loggers

const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log']);
const LOGGER_NAME = /^_?(LOGGER|LOG|logger|log|_logger|_log|LOGGER_\w+|\w+_LOGGER|\w+_logger)$/;

/**
 * Whether a call writes to a log: `logging.debug(...)`, or a level method on a logger recognised by its name
 * (`_LOGGER`, `LOGGER`, `self.logger`), by being `logging.getLogger(...)`, or by being imported from a module of the
 * integration that defines it so (`from .const import LOGGER`). Also `print(...)`: Home Assistant's output goes to
 * the console, the journal or the container's log, which users paste just as they paste home-assistant.log.
 */
export function isLoggingCall(file: FileModel, call: CallSite, integration: IntegrationModel | undefined, depth = 1): boolean {
  if (isPrintCall(file, call)) return true;
  // `log = _LOGGER.debug` (or `partial(_LOGGER.debug, "Token %s")`), then `log("...", value)`: a logger's method.
  if (call.callee.type === 'identifier') return file.mentions(LOGGER_METHOD_VALUE) && file.origins(call.callee).some((origin) => isLoggerMethod(file, origin.node, integration));
  if (!call.method || !LOG_METHODS.has(call.method)) return false;
  if (call.name && /^logging\.\w+$/.test(call.name)) return true;
  const receiver = call.callee.childForFieldName('object');
  if (!receiver) return false;
  const target = unwrap(receiver);
  const last = target.type === 'attribute' ? target.childForFieldName('attribute')?.text ?? '' : target.text;
  if (LOGGER_NAME.test(last)) return true;
  if (target.type === 'call') return isGetLogger(file, target);
  if (target.type === 'identifier') {
    if (file.origins(target).some((origin) => isGetLogger(file, origin.node))) return true;
    const qualified = file.imports.get(target.text);
    const constant = qualified && integration ? integration.resolveConstant(qualified) : undefined;
    if (constant !== undefined && isGetLogger(constant.file, constant.node)) return true;
  }
  // `MideaLogger.debug(msg)`: the integration's own wrapper, whose method logs the message it is given.
  return depth > 0 && resolveCallables(file, call.callee, integration).some((wrapper) => logsItsArguments(wrapper.file, wrapper.node, integration, depth - 1));
}

/** A logger's method named but not called there (`= _LOGGER.debug` at the end of a line, `partial(_LOGGER.debug, ...`). */
const LOGGER_METHOD_VALUE = /\.(debug|info|warning|warn|error|exception|critical|fatal)[ \t]*[,)\n]/;

/** `_LOGGER.debug`, or `partial(_LOGGER.debug, ...)`: a logger's method as a value. */
function isLoggerMethod(file: FileModel, value: Node, integration: IntegrationModel | undefined): boolean {
  let node = unwrap(value);
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  if (site?.name === 'functools.partial' && site.args[0]) node = unwrap(site.args[0]);
  if (node.type !== 'attribute') return false;
  const method = node.childForFieldName('attribute')?.text ?? '';
  const object = node.childForFieldName('object');
  if (!LOG_METHODS.has(method) || !object || method === 'log') return false;
  const target = unwrap(object);
  const last = target.type === 'attribute' ? target.childForFieldName('attribute')?.text ?? '' : target.text;
  return LOGGER_NAME.test(last) || /^logging$/.test(file.qualifiedName(target) ?? '') || file.origins(target).some((origin) => isGetLogger(file, origin.node));
}

/** Whether a function hands one of its parameters (not `self`) to a logging call. */
function logsItsArguments(file: FileModel, fn: Node, integration: IntegrationModel | undefined, depth: number): boolean {
  const parameters = new Set(parametersOf(fn).map((parameter) => parameter.name).filter((name) => name !== 'self' && name !== 'cls'));
  if (parameters.size === 0) return false;
  return descendants(fn, ['call']).some((node) => {
    const site = file.callSite(node);
    if (!site || !isLoggingCall(file, site, integration, depth)) return false;
    return [...site.args, ...site.keywords.values()].some((argument) => [argument, ...descendants(argument, ['identifier'])].some((part) => part.type === 'identifier' && parameters.has(part.text)));
  });
}

/** The builtin `print`, writing to the process's output (`file=sys.stderr` too; another file is a file write). */
export function isPrintCall(file: FileModel, call: CallSite): boolean {
  if (call.name !== 'print' || !file.isBuiltin('print')) return false;
  const target = call.keywords.get('file');
  return target === undefined || /^sys\.(stdout|stderr)$/.test(file.qualifiedName(target) ?? '');
}

function isGetLogger(file: FileModel, node: Node): boolean {
  const target = unwrap(node);
  if (target.type !== 'call') return false;
  const site = file.callSite(target);
  return /(^|\.)getLogger$/.test(site?.name ?? '') || site?.method === 'getLogger' || site?.method === 'getChild';
}

/**
 * Home Assistant's exceptions whose message it writes to the log when they are raised where it handles them: entry
 * setup (`ConfigEntryNotReady`, `ConfigEntryAuthFailed`, `ConfigEntryError`), platform setup, a coordinator's update
 * (`UpdateFailed`, logged as "Error fetching ... data: <message>") and service calls (`HomeAssistantError`, also shown
 * to the user); also the integration's own classes deriving from them, unless caught (see isLoggedExceptionCall).
 */
const LOGGED_EXCEPTIONS =
  /^homeassistant\.(exceptions\.(HomeAssistantError|ServiceValidationError|ConfigEntryNotReady|ConfigEntryAuthFailed|ConfigEntryError|PlatformNotReady)|helpers\.update_coordinator\.UpdateFailed)$/;

/** `raise SomeError(...)`: the construction of an exception, raised right there. */
export function isRaised(call: CallSite): boolean {
  return raiseStatementOf(call) !== undefined;
}

function raiseStatementOf(call: CallSite): Node | undefined {
  const raised = outermost(call.node);
  const statement = raised.parent;
  return statement?.type === 'raise_statement' && statement.namedChildren[0]?.id === raised.id ? statement : undefined;
}

/**
 * A raised exception of a class Home Assistant logs (see LOGGED_EXCEPTIONS) that reaches it: not one caught on the
 * way, around the raise or around every call of the function raising it (`validate_input` raising
 * `HomeAssistantError` for the config flow step that catches it and shows a form error).
 */
export function isLoggedExceptionCall(file: FileModel, call: CallSite, integration: IntegrationModel | undefined): boolean {
  const statement = raiseStatementOf(call);
  const classes = statement ? loggedExceptionClasses(file, call, integration) : undefined;
  if (!statement || !classes) return false;
  const catching = new Set([...classes, 'HomeAssistantError', 'Exception', 'BaseException']);
  if (caughtAround(statement, catching)) return false;
  const fn = file.enclosingFunction(statement);
  const calls = fn ? callsOf(fn, file, integration) : [];
  return calls.length === 0 || !calls.every((caller) => caughtAround(caller.node, catching));
}

/**
 * For an exception Home Assistant logs, the names of the classes that catch it short of HomeAssistantError: its own
 * and, for a class of the integration deriving from one of Home Assistant's (`class InvalidAuth(HomeAssistantError)`),
 * that one's. Undefined for any other call.
 */
function loggedExceptionClasses(file: FileModel, call: CallSite, integration: IntegrationModel | undefined): string[] | undefined {
  const own = (qualified: string) => {
    const name = qualified.slice(qualified.lastIndexOf('.') + 1);
    return INTEGRATION_ERRORS.has(name) ? [name, 'IntegrationError'] : [name];
  };
  if (LOGGED_EXCEPTIONS.test(call.name ?? '')) return own(call.name!);
  const defined = resolveClass(file, call.callee, integration);
  const className = defined?.node.childForFieldName('name')?.text;
  for (const base of defined?.node.childForFieldName('superclasses')?.namedChildren ?? []) {
    const qualified = defined!.file.qualifiedName(base);
    if (className && qualified && LOGGED_EXCEPTIONS.test(qualified)) return [className, ...own(qualified)];
  }
  return undefined;
}

/** Home Assistant's exceptions deriving from its IntegrationError. */
const INTEGRATION_ERRORS = new Set(['ConfigEntryNotReady', 'ConfigEntryAuthFailed', 'ConfigEntryError', 'PlatformNotReady']);

/** Whether a `try` of the function around `node` (in its body, not a handler) has a handler catching one of `names`. */
function caughtAround(node: Node, names: ReadonlySet<string>): boolean {
  for (let child = node, parent = node.parent; parent && parent.type !== 'function_definition' && parent.type !== 'lambda'; child = parent, parent = parent.parent) {
    if (parent.type !== 'try_statement' || parent.childForFieldName('body')?.id !== child.id) continue;
    for (const clause of parent.namedChildren) {
      if (clause.type !== 'except_clause') continue;
      const caught = clause.namedChildren.filter((part) => part.type !== 'block' && part.type !== 'comment');
      if (caught.length === 0) return true;
      const classes = caught.flatMap((part) => part.text.split(/[\s,()]+/)).map((word) => word.slice(word.lastIndexOf('.') + 1));
      if (classes.some((word) => names.has(word))) return true;
    }
  }
  return false;
}

function outermost(node: Node): Node {
  let current = node;
  while (current.parent?.type === 'parenthesized_expression') current = current.parent;
  return current;
}

/** The arguments of a logging call that end up in the record: the message, its arguments and `extra=`. */
export function loggedArguments(call: CallSite): Node[] {
  if (isRaised(call)) {
    // The message, and the values a translated message is filled in with.
    const placeholders = call.keywords.get('translation_placeholders');
    return placeholders ? [...call.args, placeholders] : [...call.args];
  }
  const args = call.method === 'log' ? call.args.slice(1) : [...call.args];
  for (const keyword of ['msg', 'extra']) {
    const value = call.keywords.get(keyword);
    if (value) args.push(value);
  }
  return args;
}

// ---------------------------------------------------------------------------------------------------------------
// Redaction helpers

const REDACT_FUNCTIONS = /^homeassistant\.(components\.diagnostics|helpers\.redact)\.async_redact_data$/;

/**
 * `async_redact_data(...)` from `homeassistant.components.diagnostics` or `homeassistant.helpers.redact`, or another
 * redaction helper handed the data and the keys to redact (`redact_data(entry.data, REDACT_KEYS)`): whatever it is,
 * the keys it is given are the ones it can hide.
 */
export function isRedactionCall(call: CallSite): boolean {
  if (REDACT_FUNCTIONS.test(call.name ?? '') || call.name === 'async_redact_data') return true;
  const last = (call.name ?? call.method ?? '').split('.').pop() ?? '';
  return /^_?(async_)?redact(_data|_dict|_config)?$/.test(last) && (call.args.length >= 2 || call.keywords.has('to_redact'));
}

/** Calls whose result no longer holds the secret: sizes, truth values, hashes, Home Assistant's redaction helpers. */
const SANITIZERS =
  /(^|\.)_?(len|bool|type|id|hash|isinstance|callable|async_redact_data|partial_redact|redact\w*|mask\w*|obfuscate\w*|anonymi[sz]e\w*|censor\w*|scrub\w*|sanitize\w*|hide\w*|sha\d+|md5|blake2[bs]|hexdigest|digest|compare_digest|startswith|endswith|count|find|index|is\w+|has\w*|keys)$/;

function isSanitizer(site: CallSite): boolean {
  return SANITIZERS.test(site.name ?? '') || (site.method !== undefined && SANITIZERS.test(`.${site.method}`));
}

/** Methods returning the same secret in another form (or, for a mapping, its values). */
export const SAME_VALUE_METHODS = new Set([
  'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'title', 'casefold', 'encode', 'decode', 'replace', 'get_secret_value',
  'copy', 'items', 'values', 'as_dict', 'asdict', 'to_dict', 'toDict', 'model_dump', 'dict', 'hex', 'to_json', 'tojson',
  'toJson', 'to_json_dict', 'model_dump_json', 'json_dumps', 'serialize', 'get_dict',
]);

/** Sources of payloads that come in with a request: their keys are the caller's, not the integration's. */
export const WEBHOOK_BODY_SOURCE = 'a webhook request body';
export const VIEW_BODY_SOURCE = 'an HTTP request body';

/** A request's methods that read its body: `await request.json()`, `.text()`, `.read()`, `.post()`. */
export const REQUEST_BODY_READS: ReadonlySet<string> = new Set(['json', 'text', 'read', 'post']);
export const REQUEST_HEADERS_SOURCE = 'the request headers';
/** The headers of a request that passed Home Assistant's authentication: they hold the caller's access token. */
export const AUTHENTICATED_HEADERS_SOURCE = "the headers of an authenticated request, which hold the caller's access token";
/** A service call (or its data) whose schema takes a credential: the source names that credential's key. */
export const SERVICE_DATA_SOURCE = 'a service call whose data holds ';

/** A payload that came in with a request (its body or headers), not the integration's own configuration. */
export function isRequestPayload(carrier: SecretCarrier): boolean {
  return carrier.kind === 'payload' && (carrier.source === WEBHOOK_BODY_SOURCE || carrier.source === VIEW_BODY_SOURCE || isRequestHeaders(carrier));
}

/** All of a request's headers, which may be (or, authenticated, are) where its caller's credential travels. */
export function isRequestHeaders(carrier: SecretCarrier): boolean {
  return carrier.kind === 'payload' && (carrier.source === REQUEST_HEADERS_SOURCE || carrier.source === AUTHENTICATED_HEADERS_SOURCE);
}

/** Functions returning their argument's content in another form. */
const SAME_VALUE_FUNCTIONS = /^(str|repr|ascii|format|dict|vars|bytes|json\.dumps|orjson\.dumps|json\.loads|orjson\.loads|homeassistant\.util\.json\.json_loads|pprint\.pformat|pformat|copy\.copy|copy\.deepcopy|deepcopy|dataclasses\.asdict|asdict|types\.MappingProxyType|MappingProxyType|base64\.\w*encode|b64encode|urlsafe_b64encode|urllib\.parse\.urlencode|urlencode|quote|urllib\.parse\.quote|urljoin|urllib\.parse\.urljoin|yarl\.URL)$/;
/** Functions that, given a mapping, keep only its keys (`list(entry.data)`), and given a secret keep it. */
const COLLECTION_FUNCTIONS = /^(list|tuple|set|frozenset|sorted)$/;
/** `get_token()`, `async_get_access_token()`, `_fetch_api_key()`: a call named for the secret it returns. */
const SECRET_GETTER = /^_?(async_)?(get|fetch|obtain|retrieve|request|load|read|refresh|generate|create|renew|new|current)_(\w+)$/;

/** A tokenizer's or lexer's calls (`tokenize.generate_tokens(readline)`, `lexer.get_tokens(text)`): lexical tokens. */
const LEXER_CALL = /(^|\.)(tokenize|_?tokenizer|_?lexer)\.\w+$/i;
/** A lexer's own code: a class named as one (`shlex`, `ExprLexer`) or a tokenizer module, whose tokens are text. */
const LEXER_CLASS = /^(shlex|\w*(Lexer|Tokenizer|Scanner))$/;
const LEXER_MODULE = /(^|[\\/])(tokenize|tokenizer|lexer|shlex)\.py$/;

/** Whether a name is read inside a lexer, where `token`, `self.token` and `get_token()` are pieces of text. */
function inLexer(file: FileModel, node: Node): boolean {
  if (LEXER_MODULE.test(file.path)) return true;
  const cls = enclosingClass(node);
  return cls !== undefined && LEXER_CLASS.test(cls.childForFieldName('name')?.text ?? '');
}

/** Names that hold a secret only in a disguised or shortened form (`masked_token`, `token_err`). */
const HARMLESS_NAME = /(^|_)(masked|redacted|obfuscated|hidden|anonymi[sz]ed|censored|truncated|partial|short|safe|err|error|exc|exception|ex)(_|$)/;

function isConstantName(name: string): boolean {
  return /^_?[A-Z][A-Z0-9_]*$/.test(name);
}

/** Keys for codes that unlock something: credentials as config keys, though `pin` alone is often a GPIO pin. */
const CODE_KEY = /^(pin|pin_code|pincode|passcode|pass_code|access_code|security_code|alarm_code|user_code|master_code|unlock_code|lock_code|pairing_code)$/;

/**
 * Keys for database connection URLs, which carry the database's password (`postgresql://user:secret@host/db`);
 * Home Assistant's own SQL integration redacts them before logging. Also a service's connection string
 * (`event_hub_connection_string`: Azure's carry a `SharedAccessKey`).
 */
const CONNECTION_URL_KEY = /^(db|database|sql|sqlalchemy(_database)?|mysql|mariadb|postgres|postgresql|mongo|mongodb)_(url|uri)$|^dsn$|(^|_)(connection_string|conn_string|conn_str)$/;

/**
 * A dict or config key that holds a credential: `password`, `api_key`, `token`, PIN-like codes (`pin`) and database
 * connection URLs (`db_url`).
 */
export function isCredentialKey(key: string, declared?: ReadonlySet<string>): boolean {
  if (declared?.has(key)) return true;
  let credential = credentialKeyCache.get(key);
  if (credential === undefined) {
    // Every key of every dict, schema and subscript is asked about, most of them many times an edit.
    if (credentialKeyCache.size >= CREDENTIAL_KEY_CACHE_LIMIT) credentialKeyCache.clear();
    const normalized = normalizeName(key);
    credential = isSecretName(key) || CODE_KEY.test(normalized) || CONNECTION_URL_KEY.test(normalized.replace(/^conf_/, ''));
    credentialKeyCache.set(key, credential);
  }
  return credential;
}

const CREDENTIAL_KEY_CACHE_LIMIT = 50_000;
const credentialKeyCache = new Map<string, boolean>();

/** A variable, attribute or parameter name that holds a credential (not a key name like `CONF_PASSWORD`). */
function isSecretHolderName(name: string): boolean {
  return !isConstantName(name) && isSecretName(name) && !HARMLESS_NAME.test(normalizeName(name));
}

// ---------------------------------------------------------------------------------------------------------------
// Credential keys

/** Credential key -> the qualified constant naming it (`homeassistant.const.CONF_PASSWORD`), or undefined for a literal. */
export type CredentialKeys = ReadonlyMap<string, string | undefined>;

interface KeyIndex {
  /** Every credential key the integration asks for, reads or stores. */
  all: Map<string, string | undefined>;
  /** The ones its config entries hold. */
  stored: Map<string, string | undefined>;
  /**
   * Whether the entries' options may hold a credential: one is read from or written to them, or a write is unreadable
   * in an integration that names credentials at all.
   */
  optionsHoldCredentials: boolean;
  /**
   * Whether nothing shows what the entries' data holds: no credential key is named anywhere, and no flow of the
   * integration writes entries readably (none is found, or what it writes is built out of sight).
   */
  dataUnknown: boolean;
  /**
   * Whether the entries' data may hold a credential: not when every credential the entries hold is written to and
   * read from their options, and everything written to their data can be read.
   */
  dataHoldsCredentials: boolean;
}

const keyCache = new WeakMap<object, KeyIndex>();
/** A step of a flow built with the schema flow helper (`SchemaFlowFormStep(DATA_SCHEMA)`). */
export const SCHEMA_FLOW_STEP = /^homeassistant\.helpers\.schema_config_entry_flow\.SchemaFlowFormStep$/;

/** The keys of the schema a `SchemaFlowFormStep(DATA_SCHEMA, ...)` shows, when it is written in this file. */
function schemaFlowStepKeys(file: FileModel, step: CallSite): Node[] {
  let schema = step.args[0] ?? step.keywords.get('schema');
  if (schema && unwrap(schema).type === 'identifier' && !file.imports.has(unwrap(schema).text)) schema = file.constants.get(unwrap(schema).text) ?? schema;
  if (!schema) return [];
  const keys: Node[] = [];
  for (const call of file.calls) {
    if (call.node.startIndex < schema.startIndex || call.node.endIndex > schema.endIndex) continue;
    const marked = markedKey(file, call);
    if (marked) keys.push(marked.key);
  }
  return keys;
}
const ENTRY_WRITERS = new Set(['async_create_entry', 'async_update_entry', 'async_update_reload_and_abort']);
const CONFIG_HOLDER = /^_?(user_input|entry_data|config|conf|config_data|import_data|import_config|import_info|user_data|new_data|new_options|credentials)$/;

/**
 * The credential keys an integration asks for (voluptuous schemas), reads (`entry.data[CONF_TOKEN]`,
 * `user_input.get("api_key")`, `config[CONF_PASSWORD]`) or stores (`async_create_entry(data={...})`), plus `token`
 * for OAuth2 flows, which store the token dict under that key.
 */
export function credentialKeys(file: FileModel, integration: IntegrationModel | undefined): CredentialKeys {
  return keyIndex(file, integration).all;
}

/**
 * The credential keys the integration's config entries hold: those its flows write into entries
 * (`data=user_input` writes what the step's form asked for), those read back from `entry.data`/`entry.options`,
 * and OAuth's `token`. A password a flow only exchanges for a token is not among them. When the entries' contents
 * cannot be read, every credential key counts.
 */
export function storedCredentialKeys(file: FileModel, integration: IntegrationModel | undefined): CredentialKeys {
  return keyIndex(file, integration).stored;
}

/** Whether nothing in the integration shows what its config entries' data holds (see KeyIndex.dataUnknown). */
export function entryDataUnknown(file: FileModel, integration: IntegrationModel | undefined): boolean {
  return keyIndex(file, integration).dataUnknown;
}

/** Whether a file reads a credential back from a config entry (`entry.data[CONF_PASSWORD]`): it keeps one there. */
export function readsEntryCredential(file: FileModel, integration: IntegrationModel | undefined): boolean {
  return keyUses(file).keys.some((use) => {
    if (use.kind !== 'stored' || !use.key) return false;
    const key = file.stringValue(use.key, integration?.constantString);
    return key !== undefined && isCredentialKey(key, declaredSecretKeys(file, integration));
  });
}

/** The key set as plain strings. */
export function integrationSecretKeys(file: FileModel, integration: IntegrationModel | undefined): Set<string> {
  return new Set(credentialKeys(file, integration).keys());
}

function keyIndex(file: FileModel, integration: IntegrationModel | undefined): KeyIndex {
  const cacheKey: object = integration ?? file;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const all = new Map<string, string | undefined>();
  const stored = new Map<string, string | undefined>();
  let storedUnknown = false;
  let writesEntries = false;
  // Options are what options flows (and `options=`) write; an integration that writes none keeps them empty.
  const options = new Map<string, string | undefined>();
  let optionsUnknown = false;
  // A key every schema makes a switch or a plain number (`"requires_api_password": cv.boolean`) holds no credential.
  const switches = nonCredentialKeys(file, integration);
  const note = (target: Map<string, string | undefined>, candidate: FileModel, key: Node | null | undefined) => {
    if (!key) return;
    const value = candidate.stringValue(key, integration?.constantString);
    if (value === undefined || switches.has(value) || !isCredentialKey(value, declaredSecretKeys(candidate, integration))) return;
    const spelling = keySpelling(candidate, key);
    for (const map of target === all ? [all] : [all, stored]) {
      if (!map.has(value) || (spelling && !map.get(value))) map.set(value, spelling);
    }
  };
  // Stored credential keys seen in the entries' data (written there, or read back from it).
  const inData = new Set<string>();
  const noteData = (candidate: FileModel, key: Node | null | undefined) => {
    const value = key ? candidate.stringValue(key, integration?.constantString) : undefined;
    if (value !== undefined) inData.add(value);
  };
  const noteOption = (candidate: FileModel, key: Node | null | undefined) => {
    const value = key ? candidate.stringValue(key, integration?.constantString) : undefined;
    if (value !== undefined && !switches.has(value) && isCredentialKey(value, declaredSecretKeys(candidate, integration))) options.set(value, undefined);
  };
  for (const candidate of integration?.files ?? [file]) {
    const uses = keyUses(candidate);
    for (const use of uses.keys) {
      if (use.kind === 'written') {
        writesEntries = true;
        const written = writtenKeys(candidate, use.value, integration);
        // Options a flow writes unreadably may hold anything, but they are not the data: that stays as read.
        if (!written.complete && use.part === 'data') storedUnknown = true;
        if (!written.complete && use.part === 'options') optionsUnknown = true;
        for (const key of written.keys) {
          note(stored, candidate, key);
          if (use.part === 'options') noteOption(candidate, key);
          else if (use.part === 'data') noteData(candidate, key);
        }
        // `{"auth": secrets.token_hex(32)}`: a secret the integration generates, whatever its key is called.
        for (const key of written.generated) {
          const value = candidate.stringValue(key, integration?.constantString);
          if (value === undefined) continue;
          for (const map of [all, stored]) if (!map.has(value)) map.set(value, keySpelling(candidate, key));
          if (use.part === 'options') options.set(value, undefined);
          else if (use.part === 'data') inData.add(value);
        }
      } else {
        // What another integration's entries hold (`hass.config_entries.async_entries("smartthings")`) is not ours.
        const entriesDomain = use.kind === 'stored' && use.entriesOf ? candidate.stringValue(use.entriesOf, integration?.constantString) : undefined;
        if (integration && entriesDomain !== undefined && entriesDomain !== integration.domain) continue;
        note(use.kind === 'stored' ? stored : all, candidate, use.key);
        if (use.kind === 'stored' && use.part === 'options') noteOption(candidate, use.key);
        else if (use.kind === 'stored') noteData(candidate, use.key);
      }
    }
    if (uses.oauth) {
      for (const map of [all, stored]) if (!map.has('token')) map.set('token', undefined);
      inData.add('token');
    }
  }
  const storedKeys = stored.size > 0 || (writesEntries && !storedUnknown) ? stored : all;
  // What entries demonstrably hold (read back, or written readably) wins; with no such evidence, every key counts.
  const index = {
    all,
    stored: storedKeys,
    optionsHoldCredentials: options.size > 0 || (optionsUnknown && all.size > 0),
    dataUnknown: all.size === 0 && (!writesEntries || storedUnknown),
    dataHoldsCredentials: storedKeys.size > 0 && (storedUnknown || !writesEntries || [...storedKeys.keys()].some((key) => inData.has(key) || !options.has(key))),
  };
  keyCache.set(cacheKey, index);
  return index;
}

/**
 * Where one file names keys, in the order `keyIndex` reads them: what it asks for or reads from a configuration
 * (`all`), reads from an entry (`stored`), or writes into entries (`written`, the value given as `data=` and the like).
 */
type KeyUse =
  | { kind: 'all'; key: Node | null | undefined }
  | { kind: 'stored'; key: Node | null | undefined; part: EntryPart; entriesOf?: Node }
  | { kind: 'written'; value: Node; part: EntryPart };

/** The part of a config entry a key is in: its data, its options, or the data of one of its subentries. */
type EntryPart = 'data' | 'options' | 'subentry';

interface FileKeyUses {
  keys: KeyUse[];
  /** The file imports Home Assistant's OAuth2 flow helpers. */
  oauth: boolean;
}

/**
 * The key uses of a file depend on that file alone, so they are found once per file model; what the keys spell
 * (constants may come from other modules) is read per integration by `keyIndex`.
 */
const KEY_USES = derivedKey<FileKeyUses>('key uses');

/**
 * Steps (and their schema constants) asking for a code that is used once to log in, never kept (`async_step_2fa`):
 * what they ask for and read is no key of the entries.
 */
const ONE_TIME_CODE_STEP = /^async_step_(2fa|mfa|otp|totp|two_?factor\w*|verification_?code|validate_?code|sms_?code)$/;
const ONE_TIME_CODE_SCHEMA = /(^|_)(2FA|MFA|OTP|TOTP|TWO_?FACTOR)(_|$)/i;

function inOneTimeCodeForm(file: FileModel, marker: Node): boolean {
  const step = file.enclosingFunction(marker);
  if (step) return ONE_TIME_CODE_STEP.test(step.childForFieldName('name')?.text ?? '');
  for (let node = marker.parent; node && node.type !== 'module'; node = node.parent) {
    if (node.type === 'assignment') return ONE_TIME_CODE_SCHEMA.test(node.childForFieldName('left')?.text ?? '');
  }
  return false;
}

/**
 * A key of a service's schema (`SERVICE_SEND_PIN_SCHEMA = vol.Schema({vol.Optional(CONF_PIN): str})`, or a schema
 * written into the registration): what a service call carries, a one-time PIN sent on, not what entries hold.
 */
function inServiceSchema(file: FileModel, marker: Node): boolean {
  const registrations = serviceRegistrations(file);
  for (let node = marker.parent; node && node.type !== 'module'; node = node.parent) {
    if (node.type === 'call' && registrations.calls.has(node.id)) return true;
    if (node.type !== 'assignment') continue;
    const name = node.childForFieldName('left')?.text ?? '';
    return /(^|_)SERVICES?_/.test(name) || registrations.argumentTexts.has(name);
  }
  return false;
}

/** A file's service registration calls, and the text of every argument they are given (a schema passed by name). */
interface ServiceRegistrations {
  calls: Set<number>;
  argumentTexts: Set<string>;
}

const SERVICE_REGISTRATIONS = derivedKey<ServiceRegistrations>('service registrations');

function serviceRegistrations(file: FileModel): ServiceRegistrations {
  return file.derived(SERVICE_REGISTRATIONS, () => {
    const found: ServiceRegistrations = { calls: new Set(), argumentTexts: new Set() };
    for (const call of file.calls) {
      if (serviceHandlerReference(call) === undefined) continue;
      found.calls.add(call.node.id);
      for (const argument of [...call.args, ...call.keywords.values()]) found.argumentTexts.add(argument.text);
    }
    return found;
  });
}

/**
 * Inside `async_migrate_entry`: what it reads from an entry is what entries of an older version held; the entries
 * hold what it writes (read back elsewhere, a key still kept counts as held).
 */
function inMigration(file: FileModel, node: Node): boolean {
  for (let fn = file.enclosingFunction(node); fn; fn = file.enclosingFunction(fn)) {
    if (fn.childForFieldName('name')?.text === 'async_migrate_entry') return true;
  }
  return false;
}

function keyUses(file: FileModel): FileKeyUses {
  return file.derived(KEY_USES, () => findKeyUses(file));
}

function findKeyUses(file: FileModel): FileKeyUses {
  const keys: KeyUse[] = [];
  for (const call of file.calls) {
    const receiver = call.callee.type === 'attribute' ? call.callee.childForFieldName('object') : null;
    if (SCHEMA_KEY_MARKER.test(call.name ?? '')) {
      if (!inOneTimeCodeForm(file, call.node) && !inServiceSchema(file, call.node)) keys.push({ kind: 'all', key: markedKey(file, call)?.key });
    } else if (SCHEMA_FLOW_STEP.test(call.name ?? '')) {
      // The schema flow helper keeps what each step's form asks for in the entry's options.
      for (const key of schemaFlowStepKeys(file, call)) keys.push({ kind: 'stored', key, part: 'options' });
    } else if ((call.method === 'get' || call.method === 'pop') && receiver && entryPayloadPart(file, receiver)) {
      if (inMigration(file, call.node)) keys.push({ kind: 'all', key: call.args[0] });
      else keys.push({ kind: 'stored', key: call.args[0], part: entryPayloadPart(file, receiver)!, entriesOf: entriesDomainArgument(file, receiver) });
    } else if ((call.method === 'get' || call.method === 'pop') && isConfigHolder(file, receiver)) {
      if (!inOneTimeCodeForm(file, call.node)) keys.push({ kind: 'all', key: call.args[0] });
    } else if (call.method && ENTRY_WRITERS.has(call.method)) {
      // An options flow's entry is the options.
      // An options flow's entry is the options; a subentry flow's, a subentry of the entry.
      const creates = call.method === 'async_create_entry';
      const dataPart: EntryPart = creates && inOptionsFlow(call.node) ? 'options' : creates && inSubentryFlow(call.node) ? 'subentry' : 'data';
      for (const keyword of ['data', 'options', 'data_updates']) {
        const value = call.keywords.get(keyword);
        if (value) keys.push({ kind: 'written', value, part: keyword === 'options' ? 'options' : keyword === 'data' ? dataPart : 'data' });
      }
    }
  }
  // From the walk the file index shares, which visits `a[0][1]` before `a[0]` as a walk of subscripts alone would.
  for (const subscript of indexNodesOfType(file, 'subscript')) {
    const value = subscript.childForFieldName('value');
    const part = value ? entryPayloadPart(file, value) : undefined;
    if (part && inMigration(file, subscript)) keys.push({ kind: 'all', key: subscript.childForFieldName('subscript') });
    else if (part) keys.push({ kind: 'stored', key: subscript.childForFieldName('subscript'), part, entriesOf: entriesDomainArgument(file, value!) });
    else if (isConfigHolder(file, value) && !inOneTimeCodeForm(file, subscript)) keys.push({ kind: 'all', key: subscript.childForFieldName('subscript') });
  }
  const oauth = [...file.imports.values()].some((name) => name.startsWith('homeassistant.helpers.config_entry_oauth2_flow'));
  return { keys, oauth };
}

/**
 * The key expressions of what a flow writes into an entry: a dict literal's keys, and for `user_input` the keys of
 * the form its step showed. `complete` is false when some of the content cannot be read.
 */
function writtenKeys(file: FileModel, value: Node, integration: IntegrationModel | undefined, depth = 3): WrittenKeys {
  const keys: Node[] = [];
  const generated: Node[] = [];
  let complete = depth > 0;
  if (!complete) return { keys, complete, generated };
  const add = (inner: WrittenKeys) => {
    keys.push(...inner.keys);
    generated.push(...inner.generated);
    complete &&= inner.complete;
  };
  // `new_data = entry.data.copy()` then `new_data[CONF_LATITUDE] = latitude`: the keys added count too.
  if (unwrap(value).type === 'identifier') {
    for (const addition of dictAdditionValues(file, unwrap(value), integration)) {
      if (addition.key) keys.push(addition.key);
      // `data.update(user_input)`: every key of what is merged in.
      else if (isUpdateArgument(addition.node)) add(writtenKeys(file, addition.node, integration, depth - 1));
    }
  }
  for (const origin of file.origins(value)) {
    const node = unwrap(origin.node);
    const copied = node.type === 'call' && file.callSite(node)?.method === 'copy' ? node.childForFieldName('function')?.childForFieldName('object') : null;
    // `entry.data.copy()` keeps what the entry held, which its own writes account for.
    if (copied && isEntryPayload(file, copied)) continue;
    if (origin.kind === 'parameter') {
      const fn = origin.scope;
      const schema = fn && /^async_step_/.test(fn.childForFieldName('name')?.text ?? '') ? stepSchemaKeyNodes(file, fn, integration) : undefined;
      // `async_finish(data=..., options={ATTR_DURATION: 6})`: a helper writing what its callers hand it.
      const handed = !schema && fn && origin.name && !/^async_step_/.test(fn.childForFieldName('name')?.text ?? '') ? callerArguments(file, fn, origin.name, integration) : [];
      if (schema) keys.push(...schema);
      else if (handed.length > 0) for (const argument of handed) add(writtenKeys(argument.file, argument.node, integration, depth - 1));
      else complete = false;
    } else if (node.type === 'dictionary') {
      for (const child of node.namedChildren) {
        if (child?.type === 'pair') {
          const key = child.childForFieldName('key')!;
          const pairValue = child.childForFieldName('value');
          keys.push(key);
          if (pairValue && isGeneratedSecret(file, pairValue)) generated.push(key);
          // `{"webhooks": [{"token": ..., "name": ...}]}`: the entries hold the nested keys too (what they cannot
          // read of nested values leaves the top level as complete as it was).
          if (pairValue) {
            const nested = nestedKeys(file, pairValue, integration, depth - 1);
            keys.push(...nested.keys);
            generated.push(...nested.generated);
          }
        } else if (child?.type === 'dictionary_splat') {
          const spread = child.namedChild(0);
          // `{**entry.data, ...}` keeps what the entry held, which its own writes account for.
          if (!spread || isEntryPayload(file, spread)) continue;
          add(writtenKeys(file, spread, integration, depth - 1));
        }
      }
    } else if (node.type === 'call' && node.childForFieldName('function')?.text === 'dict' && file.isBuiltin('dict') && dictCopied(node)) {
      // `dict(self.config_entry.options)`: a copy holds what the original held.
      add(writtenKeys(file, dictCopied(node)!, integration, depth - 1));
    } else if (node.type === 'attribute' && node.childForFieldName('object')?.text === 'self' && enclosingClass(node)) {
      // `self.options = dict(entry.options)`, then `self.options.update(user_input)`: what the class puts in.
      const writes = file.selfAttributeWrites(enclosingClass(node)!, node.childForFieldName('attribute')?.text ?? '');
      if (!writes.updates || writes.values.length === 0) {
        complete = false;
        continue;
      }
      for (const part of [...writes.values, ...writes.updates]) add(writtenKeys(file, part, integration, depth - 1));
      keys.push(...writes.keyed.map((write) => write.key));
    } else if (node.type === 'dictionary_comprehension' && comprehendedMapping(node)) {
      // `{k: v for k, v in user_input.items() if k != "test_dhcp"}`: some of the keys of what it goes through.
      add(writtenKeys(file, comprehendedMapping(node)!, integration, depth - 1));
    } else if (node.type === 'call' && builtHere(file, node, integration)) {
      // `options=self._default_options()`: what the module's own function returns.
      for (const returned of file.returnedValues(builtHere(file, node, integration)!)) add(writtenKeys(file, returned, integration, depth - 1));
    } else if (node.type === 'identifier' && file.imports.has(node.text) && integration?.resolveConstant(file.imports.get(node.text)!)) {
      // `options=DEFAULT_OPTIONS` from the integration's const.py: what that constant holds.
      const constant = integration.resolveConstant(file.imports.get(node.text)!)!;
      add(writtenKeys(constant.file, constant.node, integration, depth - 1));
    } else if (node.type !== 'none' && !isEntryPayload(file, node)) {
      // `data=None` writes nothing (an options flow that saved its options with async_update_entry).
      complete = false;
    }
  }
  return { keys, complete, generated };
}

/** The mapping handed to a dict's `update(...)`. */
function isUpdateArgument(node: Node): boolean {
  const call = node.parent?.type === 'argument_list' ? node.parent.parent : null;
  return call?.type === 'call' && call.childForFieldName('function')?.childForFieldName('attribute')?.text === 'update';
}

/**
 * `x` of `{k: v for k, v in x.items()}` (filtered or not): a comprehension that keeps each key it goes through, so
 * holds no key `x` does not.
 */
function comprehendedMapping(comprehension: Node): Node | undefined {
  const pair = comprehension.namedChild(0);
  const loop = comprehension.namedChildren.find((child) => child.type === 'for_in_clause');
  const targets = loop?.childForFieldName('left');
  const source = loop ? unwrap(loop.childForFieldName('right') ?? loop) : undefined;
  if (pair?.type !== 'pair' || !targets || source?.type !== 'call' || comprehension.namedChildren.filter((child) => child.type === 'for_in_clause').length !== 1) return undefined;
  const items = source.childForFieldName('function');
  if (items?.type !== 'attribute' || items.childForFieldName('attribute')?.text !== 'items') return undefined;
  const keyName = unwrap(targets).type === 'pattern_list' || unwrap(targets).type === 'tuple_pattern' ? unwrap(targets).namedChild(0)?.text : undefined;
  return keyName !== undefined && unwrap(pair.childForFieldName('key') ?? pair).text === keyName ? items.childForFieldName('object') ?? undefined : undefined;
}

/** The function of this module a call runs (`self._default_options()`, `build_options(user_input)`), if it has returns. */
function builtHere(file: FileModel, call: Node, integration: IntegrationModel | undefined): Node | undefined {
  const callee = call.childForFieldName('function');
  const [target] = callee ? resolveCallables(file, callee, integration, 2, false) : [];
  return target?.file === file && target.node.type === 'function_definition' && file.returnedValues(target.node).length > 0 ? target.node : undefined;
}

interface WrittenKeys {
  keys: Node[];
  complete: boolean;
  /** Keys whose value is a secret the code generates (`secrets.token_hex(32)`). */
  generated: Node[];
}

/** The keys of the dicts a value nests: a dict, or a list or tuple of dicts (also through a local name). */
function nestedKeys(file: FileModel, value: Node, integration: IntegrationModel | undefined, depth: number): WrittenKeys {
  const found: WrittenKeys = { keys: [], complete: true, generated: [] };
  if (depth <= 0) return found;
  for (const origin of file.origins(value)) {
    const node = unwrap(origin.node);
    const dicts = node.type === 'dictionary' ? [node] : node.type === 'list' || node.type === 'tuple' ? node.namedChildren.filter((item) => unwrap(item).type === 'dictionary') : [];
    for (const dict of dicts) {
      const inner = writtenKeys(file, dict, integration, depth);
      found.keys.push(...inner.keys);
      found.generated.push(...inner.generated);
    }
  }
  return found;
}

/**
 * Makers of secrets, and of a webhook's address (its id, a cloudhook's URL: whoever has it can call the webhook), which
 * an entry then holds under whatever key.
 */
const SECRET_GENERATORS = /^(secrets\.(token_hex|token_urlsafe|token_bytes)|os\.urandom|homeassistant\.components\.(webhook\.async_generate_id|cloud\.async_create_cloudhook))$/;

/** A value made by a generator of secrets (`secrets.token_hex(32)`), also through `str()` or a local name. */
function isGeneratedSecret(file: FileModel, value: Node): boolean {
  return file.origins(value).some((origin) => {
    let node = unwrap(origin.node);
    if (node.type === 'await') node = unwrap(node.namedChild(0) ?? node);
    let site = node.type === 'call' ? file.callSite(node) : undefined;
    if (site?.name === 'str' && site.args[0]) {
      node = unwrap(site.args[0]);
      site = node.type === 'call' ? file.callSite(node) : undefined;
    }
    return SECRET_GENERATORS.test(site?.name ?? '');
  });
}

/** The one mapping `dict(mapping)` copies, if that is all it is given. */
function dictCopied(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((child) => child !== null && child.type !== 'comment') ?? [];
  return args.length === 1 && args[0]!.type !== 'keyword_argument' && args[0]!.type !== 'dictionary_splat' && args[0]!.type !== 'list_splat' ? args[0]! : undefined;
}

/** `entry.data`, `entry.options`, or a local variable holding one. */
function isEntryPayload(file: FileModel, node: Node): boolean {
  return entryPayloadPart(file, node) !== undefined;
}

/** Which part of an entry a value is: `entry.data`, `entry.options`, or a local variable holding one. */
function entryPayloadPart(file: FileModel, node: Node): EntryPart | undefined {
  const target = unwrap(node);
  if (target.type === 'attribute') {
    const attribute = target.childForFieldName('attribute')?.text ?? '';
    const object = target.childForFieldName('object');
    return (attribute === 'data' || attribute === 'options') && object !== null && isConfigEntry(file, object) ? attribute : undefined;
  }
  if (target.type !== 'identifier') return undefined;
  for (const origin of file.origins(target, 2)) {
    if (origin.kind !== 'expression' || unwrap(origin.node).type !== 'attribute') continue;
    const part = entryPayloadPart(file, origin.node);
    if (part) return part;
  }
  return undefined;
}

/** For `entry.data` of an `entry` looped over `hass.config_entries.async_entries(domain)`: that domain argument. */
function entriesDomainArgument(file: FileModel, payload: Node): Node | undefined {
  let target = unwrap(payload);
  if (target.type === 'identifier') {
    const origin = file.origins(target, 2).find((candidate) => candidate.kind === 'expression' && unwrap(candidate.node).type === 'attribute');
    if (!origin) return undefined;
    target = unwrap(origin.node);
  }
  const entry = target.type === 'attribute' ? target.childForFieldName('object') : null;
  if (entry?.type !== 'identifier') return undefined;
  for (const binding of file.bindingsOf(entry)) {
    const iterable = binding.kind === 'for' && binding.value ? unwrap(binding.value) : undefined;
    const site = iterable?.type === 'call' ? file.callSite(iterable) : undefined;
    if (site?.method === 'async_entries' && site.args[0]) return site.args[0];
  }
  return undefined;
}

/** Inside a class deriving from a subentry flow (`class ZoneSubentryFlowHandler(ConfigSubentryFlow)`). */
function inSubentryFlow(node: Node): boolean {
  const cls = enclosingClass(node);
  return /SubentryFlow/.test(cls?.childForFieldName('superclasses')?.text ?? '');
}

/** Inside a class deriving from an options flow (`class OptionsFlowHandler(OptionsFlow)`). */
function inOptionsFlow(node: Node): boolean {
  const cls = enclosingClass(node);
  const bases = cls?.childForFieldName('superclasses')?.text ?? '';
  return /OptionsFlow/.test(bases);
}

function keySpelling(file: FileModel, key: Node): string | undefined {
  const target = unwrap(key);
  if (target.type !== 'identifier' && target.type !== 'attribute') return undefined;
  if (target.type === 'identifier' && !file.imports.has(target.text) && file.constants.has(target.text)) {
    return file.moduleName ? `${file.moduleName}.${target.text}` : undefined;
  }
  return file.qualifiedName(target);
}

/** Something a flow or a YAML setup reads configuration from: `user_input`, `config`, `self._data` of a flow. */
function isConfigHolder(file: FileModel, node: Node | null | undefined): boolean {
  if (!node) return false;
  const target = unwrap(node);
  if (target.type === 'attribute') {
    const attribute = target.childForFieldName('attribute')?.text ?? '';
    return target.childForFieldName('object')?.text === 'self' && /^_(data|config|user_input|entry_data|config_data)$/.test(attribute);
  }
  return target.type === 'identifier' && CONFIG_HOLDER.test(target.text);
}

// ---------------------------------------------------------------------------------------------------------------
// Config entries, flows, YAML setup

const ENTRY_NAME = /^_?((config|reauth|reconfigure|existing|current|old|new|matching|other|source|parent|this|my)_)?entry$/;
const REGISTRY_SOURCE = /(entity_registry|device_registry|\b(er|dr)\.|async_entries_for_(config_entry|device)|registry\.(async_get|entities|devices))/;
const ENTRY_GETTERS = new Set(['async_get_entry', 'async_get_known_entry', '_get_reauth_entry', '_get_reconfigure_entry']);

/** A `ConfigEntry`: named so (`entry`, `config_entry`, `self._entry`), annotated so, or looked up. */
export function isConfigEntry(file: FileModel, node: Node, depth = 3): boolean {
  const target = unwrap(node);
  if (target.type === 'attribute') return ENTRY_NAME.test(target.childForFieldName('attribute')?.text ?? '');
  if (target.type === 'call') return ENTRY_GETTERS.has(file.callSite(target)?.method ?? file.callSite(target)?.name ?? '');
  if (target.type !== 'identifier') return false;
  const bindings = file.bindingsOf(target);
  if (ENTRY_NAME.test(target.text)) {
    // An `entry` taken from the entity or device registry is a registry entry, whose options are display settings.
    return !(bindings.length > 0 && bindings.every((binding) => binding.value !== null && REGISTRY_SOURCE.test(binding.value.text)));
  }
  if (depth <= 0) return false;
  return bindings.some((binding) => {
    if (binding.kind === 'parameter') return /ConfigEntry\b/.test(binding.node.childForFieldName('type')?.text ?? '') || isUpdateListenerEntry(file, binding.node);
    return binding.kind === 'assign' && binding.value !== null && binding.value.type !== 'expression_list' && isConfigEntry(file, binding.value, depth - 1);
  });
}

/** `entry.add_update_listener(update_listener)`: Home Assistant calls it with (hass, entry), whatever the names. */
function isUpdateListenerEntry(file: FileModel, parameter: Node): boolean {
  const fn = parameter.parent?.parent;
  const name = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text : undefined;
  return name !== undefined && parameterIndex(parameter) === 1 && updateListeners(file).has(name);
}

const UPDATE_LISTENERS = derivedKey<Set<string>>('update listeners');

/** The names of the functions a file registers as a config entry's update listener. */
function updateListeners(file: FileModel): Set<string> {
  return file.derived(UPDATE_LISTENERS, () => {
    const names = new Set<string>();
    for (const call of file.calls) {
      const listener = call.method === 'add_update_listener' ? call.args[0] : undefined;
      if (listener && unwrap(listener).type === 'identifier') names.add(unwrap(listener).text);
    }
    return names;
  });
}

const SETUP_FUNCTIONS = new Set(['async_setup', 'setup', 'async_setup_platform', 'setup_platform', 'async_setup_scanner', 'setup_scanner', 'async_get_scanner', 'get_scanner', 'async_get_service', 'get_service']);
/** Discovery steps receive facts about a device on the network, not what a user typed. */
const DISCOVERY_STEPS = /^async_step_(zeroconf|dhcp|ssdp|usb|bluetooth|homekit|mqtt|discovery|integration_discovery)$/;

function parameterIndex(parameter: Node): number {
  return parameter.parent?.namedChildren.filter((child) => child !== null && child.type !== 'comment').findIndex((child) => child?.id === parameter.id) ?? -1;
}

function isMethod(fn: Node): boolean {
  return fn.parent?.type === 'block' && fn.parent.parent?.type === 'class_definition';
}

/** A step with more parameters than `self` and one without a default: Home Assistant passes it only the input. */
function needsMoreThanInput(step: Node): boolean {
  const required = parametersOf(step).filter((parameter) => parameter.kind === 'plain' && (parameter.node.type === 'identifier' || parameter.node.type === 'typed_parameter'));
  return required.length > 2;
}

/** What a parameter holds, when it is one of Home Assistant's data-carrying parameters. */
function parameterPayload(file: FileModel, binding: Binding, integration: IntegrationModel | undefined): SecretCarrier['source'] | undefined {
  const fn = binding.node.parent?.parent;
  if (!fn || fn.type !== 'function_definition') return undefined;
  const name = fn.childForFieldName('name')?.text ?? '';
  const index = parameterIndex(binding.node);
  // Home Assistant calls a step with the form's input alone: a step that needs more arguments
  // (`async_step_finish(self, unique_id, data)`) is only called by the flow's own code, with what it chooses.
  if (/^async_step_/.test(name) && isMethod(fn) && index === 1 && !DISCOVERY_STEPS.test(name) && !needsMoreThanInput(fn)) {
    return stepAsksForSecrets(file, fn, binding.name, integration) ? 'config flow input' : undefined;
  }
  if (SETUP_FUNCTIONS.has(name) && !isMethod(fn) && index === 1) return 'YAML configuration';
  // Home Assistant's OAuth2 flow hands `async_oauth_create_entry` the entry data it made: the token, refresh token included.
  if (name === 'async_oauth_create_entry' && isMethod(fn) && index === 1) return 'OAuth token data';
  // `_LOGGER.debug("%s", call)`: a service call's repr shows its data.
  const key = serviceCredentialKey(file, fn, binding.name, integration);
  return key ? `${SERVICE_DATA_SOURCE}${key}` : undefined;
}

/**
 * For the call parameter of a service handler registered with a schema that takes a credential (a lock's user
 * code, a password): that credential's key. The data of such a call carries it.
 */
function serviceCredentialKey(file: FileModel, fn: Node, parameter: string, integration: IntegrationModel | undefined): string | undefined {
  const positional = parametersOf(fn).filter((candidate) => candidate.kind === 'plain' && !candidate.keywordOnly);
  if (positional[positional.length - 1]?.name !== parameter || !registeredHandlers(file, integration).services.has(fn.id)) return undefined;
  for (const candidate of integration?.files ?? [file]) {
    for (const call of candidate.calls) {
      const reference = serviceHandlerReference(call);
      const schema = reference ? (call.keywords.get('schema') ?? (/(^|\.)async_register$/.test(call.name ?? '') ? call.args[3] : undefined)) : undefined;
      if (!reference || !schema || !resolveCallables(candidate, reference, integration).some((handler) => handler.node.id === fn.id)) continue;
      for (const key of schemaKeys(candidate, schema, integration, 4) ?? []) {
        const value = candidate.stringValue(key, integration?.constantString);
        if (value !== undefined && isCredentialKey(value, declaredSecretKeys(candidate, integration))) return value;
      }
    }
  }
  return undefined;
}

/**
 * Whether a flow step's input holds a credential: its form's `data_schema` asks for one, or the step reads one from
 * its input. When the schema cannot be read (built by a helper), the integration's credential keys decide.
 */
function stepAsksForSecrets(file: FileModel, step: Node, input: string, integration: IntegrationModel | undefined): boolean {
  const cache = fileIndex(file).stepSecrets;
  let answer = cache.get(step.id);
  if (answer === undefined) {
    // An import step's answer may follow the YAML setup's data, which could lead back here: no secret meanwhile.
    cache.set(step.id, false);
    answer = readStepSecrets(file, step, input, integration);
    cache.set(step.id, answer);
  }
  return answer;
}

function readStepSecrets(file: FileModel, step: Node, input: string, integration: IntegrationModel | undefined): boolean {
  const keys = stepSchemaKeyNodes(file, step, integration, true);
  const declared = declaredSecretKeys(file, integration);
  if (keys?.some((key) => isCredentialKey(file.stringValue(key, integration?.constantString) ?? constantName(key) ?? '', declared))) return true;
  const readsSecret = (key: Node | null | undefined) => {
    const value = key ? file.stringValue(key, integration?.constantString) : undefined;
    return value !== undefined && isCredentialKey(value, declared);
  };
  for (const call of file.calls) {
    if ((call.method === 'get' || call.method === 'pop') && contains(step, call.node) && call.callee.childForFieldName('object')?.text === input && readsSecret(call.args[0])) return true;
  }
  for (const subscript of indexNodesWithin(file, 'subscript', step)) {
    if (subscript.childForFieldName('value')?.text === input && readsSecret(subscript.childForFieldName('subscript'))) return true;
  }
  if (keys) return false;
  const imported = importedData(step, integration);
  if (imported) return imported.some(({ file: owner, node }) => secretIn(owner, node, integration) !== undefined);
  // A step the flow shows no form for (`async_step_final`, run by another step with nothing) gets no form's input;
  // what Home Assistant hands a reauth or import step is another matter.
  if (!STARTED_WITH_DATA.test(step.childForFieldName('name')?.text ?? '') && !formShownFor(file, step, integration)) return false;
  return credentialKeys(file, integration).size > 0;
}

const STARTED_WITH_DATA = /^async_step_(reauth|import|unignore|hassio|integration_discovery)$/;

/**
 * Whether the step's flow (its class and the integration's bases of it) shows a form for the step, or one whose step
 * cannot be told. A flow that shows no form at all may have its forms shown by a library's base class: true.
 */
function formShownFor(file: FileModel, step: Node, integration: IntegrationModel | undefined): boolean {
  const cls = ancestorOfType(step, ['class_definition']);
  if (!cls) return true;
  const { validated, bare } = shownForms(classLineage(file, cls, integration).classes, integration);
  const stepId = (step.childForFieldName('name')?.text ?? '').slice('async_step_'.length);
  return (validated.size === 0 && bare.size === 0) || validated.has(ANY_STEP) || validated.has(stepId) || bare.has(stepId);
}

/**
 * For an import step, what the integration's YAML setup hands it: the `data` of each
 * `hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_IMPORT}, data=...)`. Undefined for other
 * steps, or when no such call is found (the data then may be anything the YAML schema takes).
 */
function importedData(step: Node, integration: IntegrationModel | undefined): { file: FileModel; node: Node }[] | undefined {
  if (step.childForFieldName('name')?.text !== 'async_step_import' || !integration) return undefined;
  const handed: { file: FileModel; node: Node }[] = [];
  for (const file of integration.files) {
    if (!file.mentions(/async_init/)) continue;
    for (const call of file.calls) {
      const data = call.method === 'async_init' ? call.keywords.get('data') : undefined;
      if (data && /SOURCE_IMPORT|["']import["']/.test(call.keywords.get('context')?.text ?? '')) handed.push({ file, node: data });
    }
  }
  return handed.length > 0 ? handed : undefined;
}

/**
 * The key expressions of the forms a flow step shows, or undefined when it shows none or one we cannot read.
 * `byName`: see schemaKeys.
 */
function stepSchemaKeyNodes(file: FileModel, step: Node, integration: IntegrationModel | undefined, byName = false): Node[] | undefined {
  let keys: Node[] | undefined;
  for (const call of file.calls) {
    if (call.method !== 'async_show_form' || !contains(step, call.node)) continue;
    const schema = call.keywords.get('data_schema');
    if (!schema) continue;
    const found = schemaKeys(file, schema, integration, 4, byName);
    if (!found) return undefined;
    keys = [...(keys ?? []), ...found];
  }
  return keys;
}

/**
 * The key expressions of a voluptuous schema (`vol.Required(CONF_PASSWORD)` gives `CONF_PASSWORD`; resolve them with
 * the file they belong to, which is this one: schemas from other modules are not followed), or undefined when it is
 * built where we cannot see. `byName` also takes a key that is a constant whose value we cannot see (imported from a
 * library, or from a module the index lacks): where only whether a key is a credential matters, its name tells.
 */
function schemaKeys(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth: number, byName = false): Node[] | undefined {
  if (depth <= 0) return undefined;
  const target = unwrap(expression);
  if (target.type === 'identifier') {
    const local = file.bindingsOf(target).filter((binding) => binding.kind === 'assign' && binding.value);
    if (local.length === 0) return undefined;
    const all: Node[] = [];
    for (const binding of local) {
      const keys = schemaKeys(file, binding.value!, integration, depth - 1, byName);
      if (!keys) return undefined;
      all.push(...keys);
    }
    return all;
  }
  if (target.type === 'dictionary') {
    const keys: Node[] = [];
    for (const pair of target.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const key = unwrap(pair.childForFieldName('key')!);
      const site = key.type === 'call' ? file.callSite(key) : undefined;
      const keyNode = site && SCHEMA_KEY_MARKER.test(site.name ?? '') ? markedKey(file, site)?.key : key;
      if (!keyNode || (file.stringValue(keyNode, integration?.constantString) === undefined && !(byName && constantName(keyNode)))) return undefined;
      keys.push(keyNode);
      // `vol.Required("advanced"): section(vol.Schema({...}))`: the form's fields grouped under the key, submitted nested.
      const value = pair.childForFieldName('value');
      const grouped = value && unwrap(value).type === 'call' ? file.callSite(unwrap(value)) : undefined;
      if (grouped && /(^|\.)data_entry_flow\.section$/.test(grouped.name ?? '') && grouped.args[0]) {
        const nested = schemaKeys(file, grouped.args[0], integration, depth, byName);
        if (!nested) return undefined;
        keys.push(...nested);
      }
    }
    return keys;
  }
  if (target.type === 'call') {
    const site = file.callSite(target);
    if (!site) return undefined;
    if (/(^|\.)Schema$/.test(site.name ?? '') && site.args[0]) return schemaKeys(file, site.args[0], integration, depth - 1, byName);
    if (site.method === 'extend') {
      const receiver = site.callee.childForFieldName('object');
      const base = receiver ? schemaKeys(file, receiver, integration, depth - 1, byName) : undefined;
      const extra = site.args[0] ? schemaKeys(file, site.args[0], integration, depth - 1, byName) : undefined;
      return base && extra ? [...base, ...extra] : undefined;
    }
    const suggested = site.method === 'add_suggested_values_to_schema' ? site.args[0] ?? site.keywords.get('data_schema') : undefined;
    if (suggested) return schemaKeys(file, suggested, integration, depth - 1, byName);
  }
  return undefined;
}

/** The name of a constant used as a key (`OPTION_LOCATIONS`, `const.CONF_TOKEN`), if the key is one. */
function constantName(key: Node): string | undefined {
  const target = unwrap(key);
  const name = target.type === 'attribute' ? target.childForFieldName('attribute')?.text : target.type === 'identifier' ? target.text : undefined;
  return name !== undefined && /^[A-Z][A-Z0-9_]*$/.test(name) ? name : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// A per-file index, built once: the flow questions are asked for every logged value

interface FileIndex {
  /** Assignments and `del` statements by the id of their scope (function, lambda or module), in document order. */
  statementsByScope: Map<number, Node[]>;
  /** Calls by the id of their scope, in document order. */
  callsByScope: Map<number, CallSite[]>;
  /** By class id and attribute name: the values assigned to `self.name`, and what a `@property` of that name returns. */
  selfAttributes: Map<number, Map<string, Node[]>>;
  /** Whether a flow step's input holds credentials, by step id. */
  stepSecrets: Map<number, boolean>;
}

/** The node types the file index, the key uses and the quote style read, all collected by the file model's index. */
const INDEX_TYPES = ['assignment', 'delete_statement', 'decorated_definition', 'subscript', 'string_start', 'return_statement'];
/** The index types `fileIndex` reads as statements (the others are looked up by position). */
const STRUCTURE_TYPES: ReadonlySet<string> = new Set(['assignment', 'delete_statement', 'decorated_definition']);

interface IndexNodes {
  byType: Map<string, Node[]>;
  /** The statements `fileIndex` reads, with their types, in document order. */
  structure: { node: Node; type: string }[];
}

const indexNodeGroups = new WeakMap<FileModel, IndexNodes>();

function groupedIndexNodes(file: FileModel): IndexNodes {
  let groups = indexNodeGroups.get(file);
  if (!groups) {
    // The file model's index walk has collected these types already, in document order.
    groups = { byType: new Map(INDEX_TYPES.map((name) => [name, [...file.nodesOfType(name)]])), structure: file.walkedInOrder(STRUCTURE_TYPES) };
    indexNodeGroups.set(file, groups);
  }
  return groups;
}

/**
 * The index walk's nodes of one type inside a function (nested ones included), in document order, as
 * `descendants(fn, [type])` finds them: those starting within its range, since a statement or subscript is never
 * empty and never straddles a definition's edge.
 */
function indexNodesWithin(file: FileModel, type: 'return_statement' | 'subscript', fn: Node): Node[] {
  const nodes = indexNodesOfType(file, type);
  const start = fn.startIndex;
  const end = fn.endIndex;
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (nodes[middle].startIndex < start) low = middle + 1;
    else high = middle;
  }
  const inside: Node[] = [];
  for (let index = low; index < nodes.length && nodes[index].startIndex < end; index++) inside.push(nodes[index]);
  return inside;
}

/** The index walk's nodes of one type, in document order. */
function indexNodesOfType(file: FileModel, type: string): readonly Node[] {
  return groupedIndexNodes(file).byType.get(type) ?? [];
}

const FILE_INDEX = derivedKey<FileIndex>('file index');

function fileIndex(file: FileModel): FileIndex {
  return file.derived(FILE_INDEX, () => buildFileIndex(file));
}

function buildFileIndex(file: FileModel): FileIndex {
  const index: FileIndex = { statementsByScope: new Map(), callsByScope: new Map(), selfAttributes: new Map(), stepSecrets: new Map() };
  const push = <K, T>(map: Map<K, T[]>, key: K, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  const attributeValue = (cls: Node, name: string, value: Node) => {
    let byName = index.selfAttributes.get(cls.id);
    if (!byName) index.selfAttributes.set(cls.id, (byName = new Map()));
    push(byName, name, value);
  };
  for (const { node, type } of groupedIndexNodes(file).structure) {
    if (type === 'decorated_definition') {
      const fn = node.childForFieldName('definition');
      const isProperty = node.namedChildren.some((child) => child?.type === 'decorator' && /^@(functools\.)?(cached_)?property$/.test(child.text));
      const cls = fn && isProperty ? enclosingClass(node) : undefined;
      const property = fn?.childForFieldName('name')?.text;
      if (!fn || !cls || !property) continue;
      for (const statement of indexNodesWithin(file, 'return_statement', fn)) {
        const value = statement.namedChild(0);
        if (value) attributeValue(cls, property, value);
      }
      continue;
    }
    push(index.statementsByScope, file.scopeOf(node).id, node);
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (type === 'assignment' && left?.type === 'attribute' && left.childForFieldName('object')?.text === 'self' && right) {
      const cls = enclosingClass(node);
      const attribute = left.childForFieldName('attribute')?.text;
      if (cls && attribute) attributeValue(cls, attribute, right);
    }
  }
  for (const call of file.calls) push(index.callsByScope, file.scopeOf(call.node).id, call);
  return index;
}

/** The nearest class around a node, through any functions in between (a nested def inside a method included). */
function enclosingClass(node: Node): Node | undefined {
  return ancestorOfType(node, ['class_definition']) ?? undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Following values

interface Walk {
  file: FileModel;
  integration: IntegrationModel | undefined;
  /** Identifiers being resolved, against cycles (`x = x + y`). */
  resolving: Set<number>;
  /** Whether a call of the module's own functions carries what they return (see returnedCarriers). */
  throughReturns: boolean;
}

/** The first credential (or credential payload) a value carries, if any. */
export function secretIn(file: FileModel, expression: Node, integration: IntegrationModel | undefined): SecretCarrier | undefined {
  return secretsIn(file, expression, integration)[0];
}

/**
 * Every place inside a value that carries a credential or a credential payload, outermost first, not nested.
 * `throughReturns`: a call of the module's own functions carries what they return (for rules that do not follow
 * helpers themselves, as the diagnostics rule does).
 */
export function secretsIn(file: FileModel, expression: Node, integration: IntegrationModel | undefined, throughReturns = false): SecretCarrier[] {
  return carriers({ file, integration, resolving: new Set(), throughReturns }, expression, 6);
}

function hasCredentials(walk: Walk): boolean {
  return credentialKeys(walk.file, walk.integration).size > 0;
}

/** Whether the integration's config entries hold a credential, in their data or their options. */
export function entryHoldsAnyCredential(file: FileModel, integration: IntegrationModel | undefined): boolean {
  const index = keyIndex(file, integration);
  return index.dataHoldsCredentials || index.optionsHoldCredentials;
}

function entryHoldsCredentials(walk: Walk): boolean {
  return keyIndex(walk.file, walk.integration).dataHoldsCredentials;
}

function carriers(walk: Walk, expression: Node, depth: number): SecretCarrier[] {
  if (depth <= 0) return [];
  const node = unwrap(expression);
  // Parts of an expression are read at the same depth: only following a value elsewhere (a variable's assignment, a
  // parameter's callers, a function's return) counts against it, and parts always lie inside the expression.
  const recurse = (child: Node | null | undefined) => (child ? carriers(walk, child, depth) : []);
  switch (node.type) {
    case 'identifier':
      return identifierCarrier(walk, node, depth);
    case 'attribute':
      return attributeCarrier(walk, node, depth);
    case 'subscript':
      return subscriptCarrier(walk, node, depth);
    case 'call':
      return callCarrier(walk, node, depth);
    case 'await':
      return recurse(node.namedChild(0));
    case 'named_expression':
      return recurse(node.childForFieldName('value'));
    case 'string':
    case 'concatenated_string':
      // Only the interpolated values of an f-string; the literal text at most names a secret.
      return interpolations(node).flatMap((value) => recurse(value));
    case 'binary_operator': {
      const operator = node.childForFieldName('operator')?.text;
      if (operator !== '+' && operator !== '%' && operator !== '|') return [];
      // `entry.data | {CONF_PASSWORD: REDACTED}`: the merge overrides keys as `{**entry.data, ...}` does.
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (operator === '|' && left && right && unwrap(right).type === 'dictionary') return mergedCarrier(walk, node, left, unwrap(right), depth);
      return [...recurse(left), ...recurse(right)];
    }
    case 'boolean_operator':
      // `password or ""` is the password.
      return [...recurse(node.childForFieldName('left')), ...recurse(node.childForFieldName('right'))];
    case 'conditional_expression':
      return [...recurse(node.namedChild(0)), ...recurse(node.namedChild(2))];
    case 'tuple':
    case 'list':
    case 'set':
    case 'expression_list':
      return node.namedChildren.flatMap((child) => (child && child.type !== 'comment' ? recurse(child.type === 'list_splat' ? child.namedChild(0) : child) : []));
    case 'dictionary':
      return dictionaryCarrier(walk, node, depth);
    case 'dictionary_comprehension':
      return comprehensionCarrier(walk, node, depth);
    default:
      // Comparisons, `not`, numbers, lambdas, other comprehensions: nothing readable leaks.
      return [];
  }
}

function identifierCarrier(walk: Walk, node: Node, depth: number): SecretCarrier[] {
  const { file } = walk;
  if (walk.resolving.has(node.id)) return [];
  walk.resolving.add(node.id);
  try {
    const name = node.text;
    if (usedAsFilePath(file, node)) return [];
    const bindings = file.bindingsOf(node);
    let opaque = bindings.length === 0;
    let derived: SecretCarrier | undefined;
    for (const binding of bindings) {
      const result = bindingCarrier(walk, binding, node, depth);
      if (result === 'opaque') opaque = true;
      else if (result && (!derived || (derived.kind === 'payload' && result.kind === 'secret'))) derived = result;
    }
    if (derived?.kind === 'payload' && locallyMasked(walk, node)) {
      // `data = dict(entry.data); data[CONF_PASSWORD] = "***"` where the entries also hold a token: that one is left.
      const left = credentialLeftByMasking(walk, node);
      derived = left ? { kind: 'payload', source: `${PARTLY_MASKED_SOURCE}${left}`, node } : undefined;
    }
    // A token endpoint's answer where the code found it lacks its parts (`if "access_token" not in answer:`): an error's.
    if (derived?.kind === 'payload' && derived.source === TOKEN_ENDPOINT_ANSWER && inMissingPartBranch(node, name)) derived = undefined;
    // A request body the code reads a credential from says which credential it holds.
    const bodyKey = derived && isRequestPayload(derived) ? credentialResponseKey(file, node, bindings) : undefined;
    if (bodyKey) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${bodyKey}`, node }];
    if (derived) return [{ ...derived, node }];
    const additions = dictAdditions(walk, node, depth);
    if (additions) return [{ ...additions, node }];
    const responseKey = credentialResponseKey(file, node, bindings);
    if (responseKey && keyMaskedAfter(walk, node, responseKey, Math.max(...bindings.map((binding) => binding.node.startIndex), -1))) return [];
    if (responseKey) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${responseKey}`, node }];
    const callersKey = bindings.length > 0 ? credentialReadByCallers(walk, node, bindings) : undefined;
    if (callersKey) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${callersKey}`, node }];
    // `body = await resp.text()` logged, then `json.loads(body)["result"]["token"]`.
    const parsedKey = bindings.length > 0 ? credentialReadFromParsedText(file, node) : undefined;
    if (parsedKey) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${parsedKey}`, node }];
    // A secret-named value whose origin we cannot see (a parameter, a call, an attribute) is taken at its word.
    // Not where the code found the answer lacks its credential (`if "access_token" not in tokens:`): a failed login's.
    if (opaque && isSecretHolderName(name) && !inLexer(file, node) && !catchingClause(node) && !inMissingPartBranch(node, name)) return [{ kind: 'secret', source: name, node }];
    const raised = bindings.length === 0 && depth > 1 ? caughtExceptionCarrier(walk, node, depth) : undefined;
    if (raised) return [{ ...raised, node }];
    // `**kwargs` of the function around (the file model binds no splat parameter): what its callers give it.
    const splat = bindings.length === 0 ? keywordsParameter(file, node) : undefined;
    const given = splat ? carrierHandedTo(walk, { name, kind: 'parameter', value: null, node: splat }, depth, true) : undefined;
    if (given) return [{ ...given, node }];
    return [];
  } finally {
    walk.resolving.delete(node.id);
  }
}

/** The `except ... as name:` clause around a use of `name` that caught it (`excpt_token` is an error, not a token). */
function catchingClause(identifier: Node): Node | undefined {
  for (let node = identifier.parent; node && node.type !== 'function_definition'; node = node.parent) {
    if (node.type !== 'except_clause') continue;
    const alias = node.namedChildren.find((child) => child.type === 'as_pattern')?.childForFieldName('alias');
    if (alias && unwrap(alias).text === identifier.text) return node;
  }
  return undefined;
}

/** The source of an API client's attributes dumped whole (`vars(api)`, `client.__dict__`). */
export const CLIENT_ATTRIBUTES_SOURCE = "an API client's attributes, the credentials it logs in with included";

/** `api`, `self._client`, `coordinator.session`: a name for the object that talks to the service. */
function holdsClient(object: Node): boolean {
  const node = unwrap(object);
  const name = node.type === 'attribute' ? node.childForFieldName('attribute')?.text : node.type === 'identifier' ? node.text : undefined;
  return name !== undefined && /(^|_)(api|client|connection|account|hub|gateway|bridge|auth)$/i.test(normalizeName(name));
}

/** The source of a caught HTTP error whose text quotes a URL that carries a credential (model/requestErrors.ts). */
export const FAILED_REQUEST_URL_SOURCE = 'the URL of the failed request, which carries ';
/** The source of an aiohttp response written whole, which shows the URL of its request (model/requestErrors.ts). */
export const RESPONSE_URL_SOURCE = 'the URL of its request, which carries ';

/**
 * `except Exception as err: _LOGGER.error("Failed: %s", err)` around a call of the integration's function that raises
 * `ConnectionError(f"No answer from {url}")`, where `url` carries the token: the exception's message is what its
 * text is made of. Raises in the try block itself and in the functions it calls (two levels) are read.
 */
function caughtExceptionCarrier(walk: Walk, identifier: Node, depth: number): SecretCarrier | undefined {
  const { file, integration } = walk;
  const clause = catchingClause(identifier);
  const body = clause?.parent?.type === 'try_statement' ? clause.parent.childForFieldName('body') : null;
  if (!body) return undefined;
  const raisedIn = (scopeFile: FileModel, scope: Node): SecretCarrier | undefined => {
    for (const statement of descendants(scope, ['raise_statement'])) {
      const raised = statement.namedChild(0);
      const exception = raised && unwrap(raised).type === 'call' ? unwrap(raised) : undefined;
      const message = exception?.childForFieldName('arguments')?.namedChildren[0];
      if (!message || !mayCatch(file, clause!, scopeFile, exception!.childForFieldName('function'), integration)) continue;
      const [secret] = carriers(scopeFile === file ? walk : { ...walk, file: scopeFile }, message, depth - 1).filter((carrier) => carrier.kind === 'secret');
      if (secret) return secret;
    }
    // `requests.get(f"{API}?appid={self._api_key}")`: the error's text quotes the URL, key and all.
    for (const part of requestPartsQuotedByCaughtError(file, clause!, scopeFile, scope)) {
      const [secret] = carriers(scopeFile === file ? walk : { ...walk, file: scopeFile }, part, depth - 1).filter((carrier) => carrier.kind === 'secret');
      if (secret) return { kind: 'secret', source: `${FAILED_REQUEST_URL_SOURCE}${secret.source}`, node: identifier };
    }
    return undefined;
  };
  const direct = raisedIn(file, body);
  if (direct) return direct;
  // What the functions the try block calls raise, and what the functions they call raise (`connect()` calls
  // `_read()`, which raises with the URL holding the password).
  const seen = new Set<number>();
  const raisedBelow = (scopeFile: FileModel, scope: Node, levels: number): SecretCarrier | undefined => {
    for (const call of descendants(scope, ['call']).slice(0, 8)) {
      const callee = call.childForFieldName('function');
      for (const target of callee ? resolveCallables(scopeFile, callee, integration) : []) {
        if (target.node.type !== 'function_definition' || seen.has(target.node.id)) continue;
        seen.add(target.node.id);
        const found = raisedIn(target.file, target.node) ?? (levels > 1 ? raisedBelow(target.file, target.node, levels - 1) : undefined);
        if (found) return found;
      }
    }
    return undefined;
  };
  return raisedBelow(file, body, 2);
}

/** Python's built-in exceptions, each with its built-in bases short of Exception (IOError is OSError). */
const BUILTIN_EXCEPTIONS: Record<string, readonly string[]> = {
  ValueError: [],
  TypeError: [],
  RuntimeError: [],
  NotImplementedError: ['RuntimeError'],
  AttributeError: [],
  AssertionError: [],
  LookupError: [],
  KeyError: ['LookupError'],
  IndexError: ['LookupError'],
  ArithmeticError: [],
  ZeroDivisionError: ['ArithmeticError'],
  UnicodeError: ['ValueError'],
  UnicodeDecodeError: ['UnicodeError', 'ValueError'],
  OSError: [],
  ConnectionError: ['OSError'],
  ConnectionRefusedError: ['ConnectionError', 'OSError'],
  ConnectionResetError: ['ConnectionError', 'OSError'],
  TimeoutError: ['OSError'],
  FileNotFoundError: ['OSError'],
  PermissionError: ['OSError'],
};

/**
 * Whether an `except` clause catches what `raise Error(...)` raises: the clause names the class or one of its bases
 * (the integration's own classes are followed to theirs), or catches everything. A class of a library, whose bases
 * cannot be read here, is taken to be caught.
 */
function mayCatch(clauseFile: FileModel, clause: Node, raisedFile: FileModel, raisedClass: Node | null, integration: IntegrationModel | undefined): boolean {
  const caught = clause.namedChildren.find((child) => child.type === 'as_pattern')?.namedChild(0);
  if (!caught || !raisedClass) return true;
  const plainName = (name: string) => {
    const last = name.slice(name.lastIndexOf('.') + 1);
    return last === 'IOError' || last === 'EnvironmentError' ? 'OSError' : last;
  };
  const caughtNames = (unwrap(caught).type === 'tuple' ? unwrap(caught).namedChildren : [caught]).map((cls) => plainName(clauseFile.qualifiedName(unwrap(cls)) ?? cls.text));
  if (caughtNames.some((name) => name === 'Exception' || name === 'BaseException')) return true;
  const builtin = (name: string, file: FileModel) => (file.isBuiltin(name) ? BUILTIN_EXCEPTIONS[name] : undefined);
  const own = resolveClass(raisedFile, raisedClass, integration);
  let names: string[];
  if (own) {
    const lineage = classLineage(own.file, own.node, integration);
    names = lineage.classes.map((member) => member.node.childForFieldName('name')?.text ?? '');
    for (const base of lineage.outsideBases.map(plainName)) {
      const bases = base === 'Exception' || base === 'BaseException' ? [] : builtin(base, own.file);
      if (!bases && base !== 'Exception' && base !== 'BaseException') return true;
      names.push(base, ...(bases ?? []));
    }
  } else {
    const raisedName = plainName(raisedFile.qualifiedName(raisedClass) ?? raisedClass.text);
    const bases = builtin(raisedName, raisedFile);
    if (!bases) return true;
    names = [raisedName, ...bases];
  }
  return names.some((name) => caughtNames.includes(name));
}

const JSON_PARSERS = /^(json\.loads|orjson\.loads|homeassistant\.util\.json\.json_loads)$/;

/**
 * The source of a payload the code reads a credential from (a response, a request's query string); log-secret words
 * its message by it.
 */
export const RESPONSE_SOURCE = 'a response holding ';
/** A copy that leaves out some keys but not every credential (`{k: v ... if k != CONF_PASSWORD}`): no fix is sure. */
export const PARTLY_MASKED_SOURCE = `${RESPONSE_SOURCE}after the keys it leaves out, still `;
/** An OAuth2 token endpoint's answer: the access and refresh tokens (a response, so no redaction fix is offered). */
export const TOKEN_ENDPOINT_ANSWER = `${RESPONSE_SOURCE}access and refresh tokens`;

/**
 * `payload = await resp.json()` where the same function later reads `payload["access_token"]` (or `.get(...)`): the
 * response of a login or token request, which carries the credential whole. Returns the credential key read.
 */
function credentialResponseKey(file: FileModel, use: Node, bindings: readonly Binding[]): string | undefined {
  const name = use.text;
  const fromResponse = bindings.some((binding) => {
    // A parameter the function reads a credential from (`def _accept(resp_json): ... resp_json["data"]["password"]`),
    // or each item of a list it reads one from (`for device in devices: ... device["localKey"]`).
    if (binding.kind === 'parameter' || binding.kind === 'for') return true;
    if (binding.value === undefined || binding.value === null) return false;
    // What a library call answered (`payload = await api.login()` then `payload["access_token"]`).
    return isParsedResponse(file, binding.value) || (binding.kind === 'assign' && isCallResult(binding.value));
  });
  return fromResponse && !inMissingPartBranch(use, name) ? credentialKeyReadFrom(file, name, use, bindings) : undefined;
}

/**
 * `body = await resp.json()`, logged and returned by a helper whose callers read a credential from what it returns
 * (`res = await self._parse_resp(resp)`, then `res["access_token"]`): every answer the helper logs may hold one.
 */
function credentialReadByCallers(walk: Walk, use: Node, bindings: readonly Binding[]): string | undefined {
  const { file, integration } = walk;
  const fn = file.enclosingFunction(use);
  // The returned value itself is what a caller follows into the helper: that caller's own reads decide, not others'.
  if (use.parent?.type === 'return_statement') return undefined;
  // A name bound to an answer, or the parse of an answer written out (`resp.json()`) that the function returns as written.
  const parsed = use.type === 'call';
  if (!fn || (!parsed && !bindings.some((binding) => binding.kind === 'assign' && binding.value && (isParsedResponse(file, binding.value) || isCallResult(binding.value))))) return undefined;
  const returnedAsUsed = (value: Node) => (parsed ? unwrapAwait(value).text === use.text : unwrap(value).type === 'identifier' && unwrap(value).text === use.text);
  if (!file.returnedValues(fn).some(returnedAsUsed)) return undefined;
  // Logged on the way to a raise (`if error_code != 0: _LOGGER.debug(..., body); raise ...`): that answer is never
  // returned, so no caller reads anything from it.
  if (endsInRaise(use, fn)) return undefined;
  for (const caller of callSitesOf(file, fn, integration)) {
    let value: Node = caller.node;
    while (value.parent && (value.parent.type === 'await' || value.parent.type === 'parenthesized_expression')) value = value.parent;
    const assignment = value.parent?.type === 'assignment' && value.parent.childForFieldName('right')?.id === value.id ? value.parent : undefined;
    const target = assignment?.childForFieldName('left');
    if (target?.type !== 'identifier') continue;
    const key = credentialKeyReadFrom(caller.file, target.text, target, caller.file.bindingsOf(target).filter((binding) => binding.node.id === assignment!.id));
    if (key) return key;
  }
  return undefined;
}

function unwrapAwait(value: Node): Node {
  const node = unwrap(value);
  return node.type === 'await' ? unwrap(node.namedChild(0) ?? node) : node;
}

/** Whether a block between `node` and the function `fn` around it ends with a raise. */
function endsInRaise(node: Node, fn: Node): boolean {
  for (let current = node.parent; current && current.id !== fn.id; current = current.parent) {
    if (current.type !== 'block') continue;
    const last = current.namedChildren[current.namedChildren.length - 1];
    if (last?.type === 'raise_statement') return true;
  }
  return false;
}

/** A status test that holds for a failed answer: `!= 200`, `not response.ok`, `>= 400`, `== 401`, `in (401, 403)`. */
const FAILED_STATUS = /!=|\bnot\b|>=?\s*[3-5]\d\d|<\s*[2-5]\d\d|==\s*[3-5]\d\d|\bin\b.*\b[3-5]\d\d\b/;

/** `await api.login()`, `client.get_devices()`: what a call answered. */
function isCallResult(value: Node): boolean {
  let node = unwrap(value);
  if (node.type === 'await') node = unwrap(node.namedChild(0) ?? node);
  return node.type === 'call';
}

/**
 * Whether `node` sits under an `if` (or `elif`) that tests the status of `response`, directly or through a name bound
 * to it (`status_code = response.status`): the branch of an error answer.
 */
function inStatusBranch(file: FileModel, node: Node, response: string): boolean {
  // `response` is an identifier: nothing in it needs escaping.
  const status = new RegExp(`\\b${response}\\.(status|status_code|ok)\\b`);
  const testsStatus = (condition: Node) =>
    status.test(condition.text) ||
    descendants(condition, ['identifier']).some((name) => file.bindingsOf(name).some((binding) => binding.kind === 'assign' && binding.value != null && status.test(binding.value.text)));
  for (let current = node.parent; current && current.type !== 'function_definition'; current = current.parent) {
    if (current.type !== 'block') continue;
    const branch = current.parent;
    const condition = branch?.type === 'if_statement' || branch?.type === 'elif_clause' ? branch.childForFieldName('condition') : null;
    // `if response.status == 200:` is the branch of the answer that holds the token, its `else:` the failed one.
    if (condition && testsStatus(condition) && FAILED_STATUS.test(condition.text)) return true;
    const tested = branch?.type === 'else_clause' && branch.parent?.type === 'if_statement' ? branch.parent.childForFieldName('condition') : null;
    if (tested && testsStatus(tested) && !FAILED_STATUS.test(tested.text)) return true;
  }
  return false;
}

/** A credential key the code reads from `response.json()` in the scope of `use`, directly or through the name it binds. */
function credentialReadFromJsonOf(file: FileModel, response: Node, use: Node): string | undefined {
  return credentialReadFromParse(file, use, (call) => call.method === 'json' && call.args.length === 0 && call.callee.childForFieldName('object')?.text === response.text);
}

/**
 * `rest.data` logged, where the function reads `json.loads(rest.data)["result"]["token"]` (also through the name the
 * parse is bound to): the text of an answer that holds that credential.
 */
function credentialReadFromParsedText(file: FileModel, text: Node): string | undefined {
  if (!file.mentions(/\bloads\(/)) return undefined;
  return credentialReadFromParse(file, text, (call) => JSON_PARSERS.test(call.name ?? '') && call.args[0]?.text === text.text);
}

/** A credential key read from what a parse `parses` matches returns, in the scope of `use`. */
function credentialReadFromParse(file: FileModel, use: Node, parses: (call: CallSite) => boolean): string | undefined {
  const scope = file.scopeOf(use);
  for (const call of file.calls) {
    if (!parses(call) || file.scopeOf(call.node).id !== scope.id || leavesBefore(use, call.node)) continue;
    const direct = credentialKeyReadFrom(file, call.node.text, call.node);
    if (direct) return direct;
    let value: Node = call.node;
    while (value.parent && (value.parent.type === 'await' || value.parent.type === 'parenthesized_expression')) value = value.parent;
    const target = value.parent?.type === 'assignment' && value.parent.childForFieldName('right')?.id === value.id ? value.parent.childForFieldName('left') : null;
    if (target?.type !== 'identifier') continue;
    const key = credentialKeyReadFrom(file, target.text, target, file.bindingsOf(target).filter((binding) => binding.node.id === value.parent!.id)) ?? credentialReadByCallee(file, target);
    if (key && !inMissingPartBranch(use, target.text)) return key;
  }
  return undefined;
}

/** `data["auth"] = ...`, `data["auth"]["id"] = ...`: a subscript on the left of an assignment. */
function writtenTo(subscript: Node): boolean {
  let node = subscript;
  while (node.parent?.type === 'subscript' && node.parent.childForFieldName('value')?.id === node.id) node = node.parent;
  return (node.parent?.type === 'assignment' || node.parent?.type === 'augmented_assignment') && node.parent.childForFieldName('left')?.id === node.id;
}

/**
 * `data = json.loads(message)`, then `self._handle(data)` where `_handle(self, data)` reads `data["result"]["token"]`:
 * the parse handed to a function or method of this module that reads a credential from its parameter.
 */
function credentialReadByCallee(file: FileModel, parsed: Node): string | undefined {
  const scope = file.scopeOf(parsed);
  for (const call of fileIndex(file).callsByScope.get(scope.id) ?? []) {
    if (call.node.startIndex < parsed.startIndex) continue;
    for (const { fn, name } of parametersHanded(file, call, parsed.text, undefined)) {
      const body = fn.childForFieldName('body');
      const firstUse = body ? descendants(body, ['identifier']).find((identifier) => identifier.text === name) : undefined;
      // Only what it reads: a credential it writes into the dict (`data["auth"] = ...`) was not in what was logged.
      const key = firstUse ? credentialKeyReadFrom(file, name, firstUse, undefined, true) : undefined;
      if (key) return key;
    }
  }
  return undefined;
}

/**
 * `if "Incorrect login" in result: _LOGGER.error(..., result); return False`, then `json.loads(result)["idToken"]`:
 * `use` sits in a branch that found the answer itself a failure (its test reads the logged text and looks for an
 * error or for something missing) and leaves the function before the answer is parsed: an answer the code never took
 * a credential from.
 */
function leavesBefore(use: Node, parse: Node): boolean {
  const logged = new RegExp(`(^|[^\\w.])${use.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`);
  for (let current = use.parent; current && current.type !== 'function_definition'; current = current.parent) {
    if (current.type !== 'block') continue;
    const branch = current.parent;
    if (branch?.type !== 'if_statement' && branch?.type !== 'elif_clause') continue;
    const condition = branch.childForFieldName('condition');
    const last = current.namedChildren[current.namedChildren.length - 1];
    const statement = branch.type === 'if_statement' ? branch : branch.parent;
    if (!condition || !last || (last.type !== 'return_statement' && last.type !== 'raise_statement') || !statement || statement.endIndex > parse.startIndex) continue;
    if (logged.test(condition.text) && FAILURE_TEST.test(condition.text)) return true;
  }
  return false;
}

/** A test that finds an answer failed: something missing from it, or an error named in it. */
const FAILURE_TEST = /\bnot\b|\bis None\b|error|fail|incorrect|invalid|denied|wrong|unauthori[sz]ed|forbidden|expired|locked/i;

/**
 * Whether `use` sits in the branch taken when a part of the parsed answer is missing (`if response["result"] is None:`,
 * `if not data.get("result"):`): an answer without the part the credential is read from holds none.
 */
function inMissingPartBranch(use: Node, parsedName: string): boolean {
  const parsed = parsedName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const part = new RegExp(`^\\(?\\s*${parsed}\\s*(\\[|\\.get\\()`);
  // `"access_token" not in data`: the part is missing.
  const absent = new RegExp(`^\\S+\\s+not\\s+in\\s+${parsed}$`);
  for (let current = use.parent; current && current.type !== 'function_definition'; current = current.parent) {
    if (current.type !== 'block') continue;
    const branch = current.parent;
    const condition = branch?.type === 'if_statement' || branch?.type === 'elif_clause' ? branch.childForFieldName('condition') : null;
    if (!condition || branch?.childForFieldName('consequence')?.id !== current.id) continue;
    const node = unwrap(condition);
    const tested = node.type === 'not_operator' ? node.childForFieldName('argument') : node.type === 'comparison_operator' && /\bis\s+None$/.test(node.text) ? node.namedChild(0) : null;
    // `if "access_token" not in tokens: tokens = resp.json()`: the answer used is the new one, not the one tested.
    if (((tested && part.test(tested.text)) || (node.type === 'comparison_operator' && absent.test(node.text))) && !reboundBetween(use, parsedName, condition.endIndex)) return true;
  }
  return fallsThroughWhenPresent(use, parsed, parsedName);
}

/** Whether the function assigns `name` again between index `from` and `use`. */
function reboundBetween(use: Node, name: string, from: number): boolean {
  const fn = ancestorOfType(use, ['function_definition']);
  return descendants(fn ?? use, ['assignment', 'augmented_assignment']).some((assignment) => assignment.startIndex > from && assignment.startIndex < use.startIndex && assignment.childForFieldName('left')?.text === name);
}

/**
 * `if "access_token" in answer: return ...` (or `if answer.get("access_token"):`), then `answer` used below it: the
 * code after a branch that leaves whenever the part is there runs only for an answer without it.
 */
function fallsThroughWhenPresent(use: Node, parsed: string, name: string): boolean {
  const part = new RegExp(`^\\(?\\s*${parsed}\\s*(\\[|\\.get\\()`);
  const present = new RegExp(`^\\S+\\s+in\\s+${parsed}$`);
  for (let current: Node | null = use; current && current.type !== 'function_definition'; current = current.parent) {
    const block = current.parent;
    if (block?.type !== 'block' && block?.type !== 'module') continue;
    for (const statement of block.namedChildren) {
      if (statement.startIndex >= current.startIndex) break;
      if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
      const condition = statement.childForFieldName('condition');
      const consequence = statement.childForFieldName('consequence');
      const last = consequence?.namedChildren[consequence.namedChildren.length - 1];
      if (!condition || !last || (last.type !== 'return_statement' && last.type !== 'raise_statement')) continue;
      const node = unwrap(condition);
      const tests = (node.type === 'comparison_operator' && present.test(node.text)) || ((node.type === 'subscript' || node.type === 'call') && part.test(node.text));
      if (tests && !reboundBetween(use, name, condition.endIndex)) return true;
    }
  }
  return false;
}

/**
 * `await resp.json()`, the text of a response parsed by hand (`json.loads(await resp.text())`), or a part of one
 * (`resp.json()["data"]`, `body.get("data", {})` of such a `body`): the payloads a service answers with.
 */
function isParsedResponse(file: FileModel, expression: Node, depth = 3): boolean {
  let value = unwrap(expression);
  if (value.type === 'await') value = unwrap(value.namedChild(0) ?? value);
  if (value.type === 'subscript') {
    const of = value.childForFieldName('value');
    return of !== null && depth > 0 && isParsedResponse(file, of, depth - 1);
  }
  if (value.type === 'identifier') {
    return depth > 0 && file.bindingsOf(value).some((binding) => binding.kind === 'assign' && binding.value != null && isParsedResponse(file, binding.value, depth - 1));
  }
  if (value.type !== 'call') return false;
  const site = file.callSite(value);
  if (site?.method === 'json' || JSON_PARSERS.test(site?.name ?? '')) return true;
  const receiver = site?.method === 'get' ? site.callee.childForFieldName('object') : null;
  return receiver !== null && depth > 0 && isParsedResponse(file, receiver, depth - 1);
}

/**
 * A credential key the code reads from the value written `root` in the scope of `use`: `body["token"]`,
 * `body.get("token")`, also nested (`body["serviceBus"]["authorizationHeaderValue"]`). With the `bindings` of a
 * name, only reads of one of those values count: `data` bound again to another response holds none of the first's.
 */
/**
 * `_LOGGER.debug("%s", res.json())`, then `res_json = res.json()` and `res_json["AuthenticationResult"]["AccessToken"]`:
 * the same answer parsed again into a name the function reads a credential from.
 */
function credentialKeyReadFromReparse(file: FileModel, parse: Node): string | undefined {
  const scope = file.scopeOf(parse);
  for (const [name, bindings] of file.bindingsIn(scope)) {
    for (const binding of bindings) {
      if (binding.kind !== 'assign' || !binding.value || binding.node.startIndex < parse.startIndex) continue;
      let value = unwrap(binding.value);
      if (value.type === 'await') value = unwrap(value.namedChild(0) ?? value);
      if (value.text !== parse.text) continue;
      const key = credentialKeyReadFrom(file, name, binding.node, [binding]);
      if (key) return key;
    }
  }
  return undefined;
}

function credentialKeyReadFrom(file: FileModel, root: string, use: Node, bindings?: readonly Binding[], readsOnly = false): string | undefined {
  const scope = file.scopeOf(use);
  const inScope = (node: Node) => contains(scope, node) && file.scopeOf(node).id === scope.id;
  const sameValue = (read: Node) => read.text === root && (bindings === undefined || read.type !== 'identifier' || file.bindingsOf(read).some((binding) => bindings.includes(binding)));
  for (const subscript of file.nodesOfType('subscript')) {
    if (!inScope(subscript) || (readsOnly && writtenTo(subscript))) continue;
    // Down the chain of subscripts to what they read from; a credential key anywhere on the way counts.
    let found: string | undefined;
    let node: Node | null = subscript;
    while (node?.type === 'subscript') {
      const key = node.childForFieldName('subscript');
      const text = key ? literalString(key) : undefined;
      if (text !== undefined && isSecretName(text)) found ??= text;
      node = node.childForFieldName('value');
    }
    // `(await resp.json())["token"]` reads from `resp.json()`.
    let base = node ? unwrap(node) : null;
    if (base?.type === 'await') base = base.namedChild(0) ? unwrap(base.namedChild(0)!) : null;
    if (found !== undefined && base && sameValue(base)) return found;
    // `token_dict = json_response["data"]`: the part read is kept as a credential.
    const kept = subscript.parent?.type === 'assignment' && subscript.parent.childForFieldName('right')?.id === subscript.id ? subscript.parent.childForFieldName('left') : null;
    if (kept?.type === 'identifier' && isSecretHolderName(kept.text) && base && sameValue(base)) return kept.text;
  }
  for (const call of file.calls) {
    const object = call.method === 'get' ? call.callee.childForFieldName('object') : null;
    if (!object || !sameValue(object) || !inScope(call.node)) continue;
    const text = call.args[0] ? literalString(call.args[0]) : undefined;
    if (text !== undefined && isSecretName(text)) return text;
  }
  return undefined;
}

/**
 * What a module function's callers hand it for this parameter: a request body, or, when the function never binds
 * the name again (bindings are not ordered, so a reassigned `data = await api.info()` could be what is logged),
 * any credential or payload: a flow's `user_input`, `entry.data`, a token
 * (`_log_config(user_input)` with `def _log_config(data): _LOGGER.debug(data)`).
 */
function carrierHandedTo(walk: Walk, binding: Binding, depth: number, onlyBinding: boolean): SecretCarrier | undefined {
  const fn = binding.node.parent?.parent;
  if (fn?.type !== 'function_definition' || depth <= 1 || walk.resolving.has(fn.id)) return undefined;
  walk.resolving.add(fn.id);
  try {
    // Calls of a function or of a method through self (`await self.async_auth(user_input)`), in this module or
    // another of the integration (`new_client(entry.data)` in __init__.py).
    for (const { file, node: argument } of callerArguments(walk.file, fn, binding.name, walk.integration)) {
      const handed = carriers(file === walk.file ? walk : { ...walk, file }, argument, depth - 1);
      const found = onlyBinding ? handed[0] : handed.find(isRequestPayload);
      if (found) return found;
    }
    // `def _request(self, method, path, **kwargs)`: the keywords its callers give beyond its named parameters
    // (`self._request("post", "/login", json={"password": ...})`).
    const parameters = parametersOf(fn);
    if (onlyBinding && parameters.find((parameter) => parameter.name === binding.name)?.kind === 'kwargs') {
      const named = new Set(parameters.map((parameter) => parameter.name));
      for (const caller of callSitesOf(walk.file, fn, walk.integration)) {
        const site = caller.file.callSite(caller.node);
        const callerWalk = caller.file === walk.file ? walk : { ...walk, file: caller.file };
        for (const [keyword, value] of site?.keywords ?? []) {
          if (named.has(keyword)) continue;
          const found = carriers(callerWalk, value, depth - 1)[0];
          if (found) return found;
        }
        // `self.post(path, **params)`: the dict spread into the keywords.
        const spread = caller.node.childForFieldName('arguments')?.namedChildren.filter((argument) => argument.type === 'dictionary_splat') ?? [];
        for (const dict of spread) {
          const found = dict.namedChild(0) ? carriers(callerWalk, dict.namedChild(0)!, depth - 1)[0] : undefined;
          if (found) return found;
        }
      }
    }
    return undefined;
  } finally {
    walk.resolving.delete(fn.id);
  }
}

/** Whether every call of the function hands this parameter a name that describes a credential without holding one. */
function handedOnlyDescriptions(walk: Walk, binding: Binding): boolean {
  const fn = binding.node.parent?.parent;
  if (fn?.type !== 'function_definition') return false;
  const handed = callerArguments(walk.file, fn, binding.name, walk.integration);
  return handed.length > 0 && handed.every(({ node }) => {
    const value = unwrap(node);
    const name = value.type === 'attribute' ? value.childForFieldName('attribute')?.text : value.type === 'identifier' ? value.text : undefined;
    return name !== undefined && describesSecret(name);
  });
}

/** The `**name` parameter node of the function around `identifier` that bears its name. */
function keywordsParameter(file: FileModel, identifier: Node): Node | undefined {
  const fn = file.enclosingFunction(identifier);
  const parameter = fn ? parametersOf(fn).find((candidate) => candidate.kind === 'kwargs' && candidate.name === identifier.text) : undefined;
  return parameter?.node;
}

/**
 * A parameter annotated `bool` or defaulting to `True`/`False` (`renew_token: bool = False`): a flag about a
 * credential, never the credential. (Numbers are not ruled out: a PIN or an alarm code may be typed `int`.)
 */
function declaredTruthValue(parameter: Node): boolean {
  const annotation = parameterAnnotation(parameter);
  if (annotation) return isTruthAnnotation(annotation);
  const fallback = parameter.type === 'default_parameter' ? parameter.childForFieldName('value') : null;
  return fallback !== null && (unwrap(fallback).type === 'true' || unwrap(fallback).type === 'false');
}

/** `bool`, `Optional[bool]`, `bool | None`. */
function isTruthAnnotation(annotation: Node): boolean {
  return /^(bool|Optional\[bool\]|bool\|None|None\|bool)$/.test(annotation.text.replace(/\s+/g, ''));
}

/** What one binding of a name says: a carrier, nothing, or `opaque` (a value we cannot see into). */
/**
 * `async def async_alarm_disarm(self, code=None)`, `async def async_unlock(self, code)`: the PIN a user typed to disarm
 * an alarm panel or open a lock, which Home Assistant hands the entity's command method.
 */
function isCommandCode(binding: Binding): boolean {
  if (binding.name !== 'code') return false;
  const fn = binding.node.parent?.parent;
  const name = fn?.type === 'function_definition' ? fn.childForFieldName('name')?.text ?? '' : '';
  return ALARM_OR_LOCK_COMMAND.test(name);
}

const ALARM_OR_LOCK_COMMAND = /^(async_)?(alarm_(disarm|arm_\w+|trigger)|lock|unlock|open)$/;

function bindingCarrier(walk: Walk, binding: Binding, use: Node, depth: number): SecretCarrier | 'opaque' | undefined {
  const { file, integration } = walk;
  switch (binding.kind) {
    case 'parameter': {
      if (declaredTruthValue(binding.node)) return undefined;
      if (isCommandCode(binding)) return { kind: 'secret', source: use.text, node: use };
      const source = parameterPayload(file, binding, integration);
      if (source === 'YAML configuration' && !hasCredentials(walk)) return undefined;
      if (source) return { kind: 'payload', source, node: use };
      // `_send_event(hass, data)` called with a webhook's body: the helper's parameter is that body.
      const handed = carrierHandedTo(walk, binding, depth, file.bindingsOf(use).length === 1);
      if (handed) return { ...handed, node: use };
      // `check_token_is_valid(self.token_exp)` everywhere it is called: the callers say what the parameter holds.
      return handedOnlyDescriptions(walk, binding) ? undefined : 'opaque';
    }
    case 'import':
    case 'def':
      return undefined;
    case 'for':
      return loopVariableCarrier(walk, binding, depth);
    default: {
      if (!binding.value) return 'opaque';
      const returned = unpackedReturn(walk, binding, use.text);
      if (returned) {
        for (const part of returned) {
          const found = carriers(part.file === file ? walk : { ...walk, file: part.file }, part.node, depth - 1)[0];
          if (found) return part.file === file ? found : { ...found, node: use };
        }
        return returned.some((part) => isOpaque(part.file, part.node, integration)) ? 'opaque' : undefined;
      }
      const values = positionalValues(file, binding, use.text) ?? [binding.value];
      for (const value of values) {
        // `payload = body`: another name for the same value, which costs no step of the budget.
        const found = carriers(walk, value, unwrap(value).type === 'identifier' ? depth : depth - 1)[0];
        if (found) return found;
      }
      return values.some((value) => isOpaque(file, value, integration)) ? 'opaque' : undefined;
    }
  }
}

/**
 * `token, refresh, expires_on = await refresh_access_token(data)`, a function of the integration that returns a
 * tuple: what it returns at that position, in its own module. The function's name speaks of the whole result, not of
 * each part (`expires_on` is a date). Undefined when the function or a return is not a tuple of known length.
 */
function unpackedReturn(walk: Walk, binding: Binding, name: string): { file: FileModel; node: Node }[] | undefined {
  if (binding.kind !== 'assign' || !binding.value) return undefined;
  const left = binding.node.childForFieldName('left');
  if (!left || (left.type !== 'pattern_list' && left.type !== 'tuple_pattern')) return undefined;
  const targets = left.namedChildren.filter((target): target is Node => target !== null && target.type !== 'comment');
  const index = targets.findIndex((target) => target.text === name);
  let value = unwrap(binding.value);
  if (value.type === 'await') value = unwrap(value.namedChild(0) ?? value);
  if (index < 0 || value.type !== 'call' || targets.some((target) => target.type === 'list_splat_pattern')) return undefined;
  const callee = value.childForFieldName('function');
  const target = callee ? resolveCallables(walk.file, callee, walk.integration, 2, false)[0] : undefined;
  if (!target || target.node.type !== 'function_definition') return undefined;
  const parts: { file: FileModel; node: Node }[] = [];
  for (const returned of target.file.returnedValues(target.node)) {
    const tuple = unwrap(returned);
    const elements = tuple.type === 'tuple' || tuple.type === 'expression_list' ? tuple.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') : [];
    if (elements.length !== targets.length || elements.some((element) => element.type === 'list_splat')) return undefined;
    parts.push({ file: target.file, node: elements[index] });
  }
  return parts.length > 0 ? parts : undefined;
}

/** For `host, token = a, b` (or `user, password = self._auth`) the parts that may be assigned to one name. */
function positionalValues(file: FileModel, binding: Binding, name: string): Node[] | undefined {
  if (binding.kind !== 'assign' || !binding.value) return undefined;
  const left = binding.node.childForFieldName('left');
  if (!left || (left.type !== 'pattern_list' && left.type !== 'tuple_pattern')) return undefined;
  const index = left.namedChildren.findIndex((target) => target?.text === name);
  return index >= 0 ? sequenceElements(file, binding.value, index) : undefined;
}

/** `for key in entry.data` yields keys; `for key, value in entry.data.items()` yields values in `value`. */
function loopVariableCarrier(walk: Walk, binding: Binding, depth: number): SecretCarrier | 'opaque' | undefined {
  if (!binding.value) return 'opaque';
  const left = binding.node.childForFieldName('left');
  const iterable = unwrap(binding.value);
  const site = iterable.type === 'call' ? walk.file.callSite(iterable) : undefined;
  const receiver = site?.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  const position = left && left.type !== 'identifier' ? left.namedChildren.findIndex((child) => child?.text === binding.name) : -1;
  if (site?.method === 'keys') return undefined;
  // `for token in range(31)`, `for index, token in enumerate(tokens)`: numbers (a slot, a position), not secrets.
  if (site?.name === 'range' && walk.file.isBuiltin('range')) return undefined;
  if (site?.name === 'enumerate' && walk.file.isBuiltin('enumerate') && site.args[0]) {
    return position === 0 ? undefined : position === 1 ? (carriers(walk, site.args[0], depth - 1)[0] ?? 'opaque') : 'opaque';
  }
  if ((site?.method === 'items' || site?.method === 'values') && receiver) {
    if (site.method === 'items' && position === 0) return undefined;
    const found = carriers(walk, receiver, depth - 1)[0];
    // One field of a request body at a time is not the body, and nothing says which field it is; a header's value
    // may be the Authorization header itself.
    if (found && isRequestPayload(found) && !isRequestHeaders(found)) return undefined;
    return found ?? 'opaque';
  }
  // `for name, value in [("API key", api_key), ("Secret", secret)]`: each name takes its column of the rows.
  const column = position >= 0 && left ? literalColumn(iterable, position, left.namedChildren.length) : undefined;
  if (column) {
    for (const cell of column) {
      const found = carriers(walk, cell, depth - 1)[0];
      if (found) return found;
    }
    return column.some((cell) => isOpaque(walk.file, cell, walk.integration)) ? 'opaque' : undefined;
  }
  const found = carriers(walk, iterable, depth - 1)[0];
  if (found?.kind === 'payload') return undefined;
  return found ?? 'opaque';
}

/** The `index`th element of every row of a literal list, tuple or set of rows `width` long; undefined otherwise. */
function literalColumn(iterable: Node, index: number, width: number): Node[] | undefined {
  if (iterable.type !== 'list' && iterable.type !== 'tuple' && iterable.type !== 'set') return undefined;
  const column: Node[] = [];
  for (const row of iterable.namedChildren) {
    if (row === null || row.type === 'comment') continue;
    const target = unwrap(row);
    if (target.type !== 'tuple' && target.type !== 'list') return undefined;
    const cells = target.namedChildren.filter((cell): cell is Node => cell !== null && cell.type !== 'comment');
    if (cells.length !== width || cells.some((cell) => cell.type === 'list_splat')) return undefined;
    column.push(cells[index]);
  }
  return column.length > 0 ? column : undefined;
}

/** Calls that only ask about a file, given its path (file operations are in FILE_OPERATIONS). */
const PATH_QUERIES = /^(os\.path\.(isfile|exists|isdir|getsize|getmtime|abspath|realpath)|pathlib\.(Pure)?Path)$/;

/**
 * `for path in (cert_path, key_path): if not os.path.isfile(path): ...`: a variable its function hands over as a
 * file's path holds that path (an option named like a key that names the key file), not the secret.
 */
function usedAsFilePath(file: FileModel, identifier: Node): boolean {
  return filePathVariables(file).has(`${(file.enclosingFunction(identifier) ?? file.root).id} ${identifier.text}`);
}

const FILE_PATH_VARIABLES = derivedKey<Set<string>>('variables handed over as file paths');

/** "<function id> <name>" for each variable a function hands over as a file's path. */
function filePathVariables(file: FileModel): Set<string> {
  return file.derived(FILE_PATH_VARIABLES, () => {
    const found = new Set<string>();
    for (const site of file.callsWithDeferred) {
      const takesPath = site.name !== undefined && (PATH_QUERIES.test(site.name) || (FILE_OPERATIONS.has(site.name) && (site.name !== 'open' || file.isBuiltin('open'))));
      const given = takesPath ? site.args[0] : site.method === 'load_cert_chain' ? site.keywords.get('keyfile') ?? site.args[1] : undefined;
      const variable = given ? unwrap(given) : undefined;
      if (variable?.type === 'identifier') found.add(`${(file.enclosingFunction(site.node) ?? file.root).id} ${variable.text}`);
    }
    return found;
  });
}

/** A value we cannot see into: its name is then the best evidence of what it holds. */
function isOpaque(file: FileModel, value: Node, integration: IntegrationModel | undefined): boolean {
  const node = unwrap(value);
  if (node.type === 'await') return isOpaque(file, node.namedChild(0) ?? node, integration);
  if (node.type === 'call') {
    const site = file.callSite(node);
    return !site || !(isSanitizer(site) || COLLECTION_FUNCTIONS.test(site.name ?? '') || LEXER_CALL.test(site.name ?? site.callee.text) || isPathValue(file, node, integration));
  }
  if (node.type === 'subscript') {
    const index = node.childForFieldName('subscript');
    const object = node.childForFieldName('value');
    if (index?.type !== 'slice') return true;
    // A piece of something unseen (`match.group()[-9:]`, `header[7:]`) is what its name says; a few characters of a
    // credential (`self._token[:8]`) are not the credential.
    return object !== null && isOpaque(file, object, integration) && !(isTruncation(index) && (isSecretHolderName(lastName(object)) || readsCredentialKey(file, object, integration)));
  }
  return node.type === 'attribute' || node.type === 'identifier';
}

/** `data.get(CONF_TOKEN, "")`, `data[CONF_TOKEN]`: a read of a credential key, whatever holds it. */
function readsCredentialKey(file: FileModel, expression: Node, integration: IntegrationModel | undefined): boolean {
  const node = unwrap(expression);
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  const key = site?.method === 'get' ? site.args[0] : node.type === 'subscript' ? node.childForFieldName('subscript') : undefined;
  const name = key ? file.stringValue(key, integration?.constantString) : undefined;
  return name !== undefined && isCredentialKey(name, declaredSecretKeys(file, integration));
}

/** The last name of an expression: `token`, `self._token` -> `_token`, `match.group()` -> `group`. */
function lastName(expression: Node): string {
  const node = unwrap(expression);
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text ?? '';
  if (node.type === 'call') return lastName(node.childForFieldName('function') ?? node);
  if (node.type === 'subscript') return lastName(node.childForFieldName('value') ?? node);
  return '';
}

/**
 * Calls that give a file-system path, or the paths in a folder: `client_key = shutil.move(upload, folder / "pkey")`
 * names a file, not a key, and `user_token = glob.glob("*_token.txt")` lists files.
 */
const PATH_FUNCTIONS = /^(os\.path\.(join|abspath|realpath|normpath|expanduser)|pathlib\.(Pure)?Path|shutil\.(move|copy|copy2|copyfile)|(.+\.)?config\.path|glob\.i?glob|os\.(listdir|scandir))$/;
const PATH_LISTING_METHODS = new Set(['glob', 'rglob', 'iterdir']);

/**
 * Whether a value is a file-system path: what PATH_FUNCTIONS give, also through `str()`, `await`, the executor, `/`
 * joins and the integration's own functions that return one on every path.
 */
function isPathValue(file: FileModel, value: Node, integration: IntegrationModel | undefined, depth = 3): boolean {
  const node = unwrap(value);
  if (depth <= 0) return false;
  if (node.type === 'await') return isPathValue(file, node.namedChild(0) ?? node, integration, depth);
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '/') {
    return isPathValue(file, node.childForFieldName('left') ?? node, integration, depth - 1);
  }
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  if (!site) return false;
  const called = file.deferredCall(site) ?? site;
  if (PATH_FUNCTIONS.test(called.name ?? '')) return true;
  // `Path(folder).glob("*_token.txt")`: the files of a folder.
  const receiver = called.method !== undefined && PATH_LISTING_METHODS.has(called.method) ? called.callee.childForFieldName('object') : null;
  if (receiver && isPathValue(file, receiver, integration, depth - 1)) return true;
  if (called.name === 'str' && file.isBuiltin('str') && called.args.length === 1) return isPathValue(file, called.args[0], integration, depth);
  const helper = called.callee.type === 'identifier' ? file.bindingsOf(called.callee).find((binding) => binding.kind === 'def')?.node : undefined;
  const target = helper?.type === 'function_definition' ? { file, node: helper } : called.name ? integration?.resolveFunction(called.name) : undefined;
  if (!target) return false;
  const returned = target.file.returnedValues(target.node);
  return returned.length > 0 && returned.every((returnedValue) => isPathValue(target.file, returnedValue, integration, depth - 1));
}

/** `config_entry_oauth2_flow.OAuth2Session(hass, entry, implementation)`, directly or through names. */
/** Whether a module of the integration makes Home Assistant's OAuth2Session (whose `valid_token` is a truth). */
function makesOAuthSessions(walk: Walk): boolean {
  return (walk.integration?.files ?? [walk.file]).some((file) => file.mentions(/OAuth2Session\(/) && file.calls.some((call) => /(^|\.)OAuth2Session$/.test(call.name ?? '')));
}

function isOAuthSession(file: FileModel, expression: Node): boolean {
  return file.origins(expression, 2).some((origin) => {
    const value = unwrap(origin.node);
    return value.type === 'call' && /(^|\.)OAuth2Session$/.test(file.callSite(value)?.name ?? '');
  });
}

/** For a response (`async with session.get(url, params=...) as resp`): a credential its request put in the query. */
function queryCredentialSent(walk: Walk, response: Node, depth: number): string | undefined {
  for (const binding of walk.file.bindingsOf(response)) {
    let value = binding.value ? unwrap(binding.value) : undefined;
    if (value?.type === 'await') value = unwrap(value.namedChild(0) ?? value);
    const site = value?.type === 'call' ? walk.file.callSite(value) : undefined;
    const params = site?.keywords.get('params');
    const secret = params ? carriers(walk, params, depth - 1).find((carrier) => carrier.kind === 'secret') : undefined;
    if (secret) return secret.source;
  }
  return undefined;
}

function attributeCarrier(walk: Walk, node: Node, depth: number): SecretCarrier[] {
  const attribute = node.childForFieldName('attribute')?.text ?? '';
  const object = node.childForFieldName('object');
  if ((attribute === 'data' || attribute === 'options') && object && isConfigEntry(walk.file, object)) {
    const holds = attribute === 'options' ? keyIndex(walk.file, walk.integration).optionsHoldCredentials : entryHoldsCredentials(walk);
    return holds ? [{ kind: 'payload', source: `config entry ${attribute}`, node }] : [];
  }
  // Home Assistant's `OAuth2Session.valid_token` says whether the token is still valid: a truth, not the token.
  // Made in another module and reached through an attribute (`api.session.valid_token`): a session object of an
  // integration that makes OAuth2Sessions.
  if (attribute === 'valid_token' && object && (isOAuthSession(walk.file, object) || (/session$/i.test(unwrap(object).text) && makesOAuthSessions(walk)))) return [];
  if (isSecretHolderName(attribute) && !inLexer(walk.file, node)) return [{ kind: 'secret', source: node.text, node }];
  // `device.pin` where the integration asks the user for a text PIN (see declaredSecretKeys).
  if (attribute === 'pin' && declaredSecretKeys(walk.file, walk.integration).has('pin')) return [{ kind: 'secret', source: node.text, node }];
  const parsedKey = credentialReadFromParsedText(walk.file, node);
  if (parsedKey) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${parsedKey}`, node }];
  // `call.data` of a service whose schema takes a credential.
  if (attribute === 'data' && object && unwrap(object).type === 'identifier') {
    const parameter = walk.file.bindingsOf(unwrap(object)).find((binding) => binding.kind === 'parameter');
    const fn = parameter?.node.parent?.parent;
    const key = fn?.type === 'function_definition' ? serviceCredentialKey(walk.file, fn, unwrap(object).text, walk.integration) : undefined;
    if (key) return [{ kind: 'payload', source: `${SERVICE_DATA_SOURCE}${key}`, node }];
  }
  // `resp.url` of `session.get(url, params={"api-key": key})`: the address sent, query string and credential included.
  if ((attribute === 'url' || attribute === 'real_url') && object && unwrap(object).type === 'identifier') {
    const sent = queryCredentialSent(walk, unwrap(object), depth);
    if (sent) return [{ kind: 'secret', source: sent, node }];
  }
  // An incoming request's headers carry the caller's Authorization token or the webhook's signature.
  if (attribute === 'headers' && object && unwrap(object).type === 'identifier') {
    const kind = untrustedSource(walk.file, object, walk.integration)?.kind;
    if (kind === 'view-request') {
      const handler = walk.file.enclosingFunction(node);
      const authenticated = handler !== undefined && isAuthenticatedViewHandler(walk.file, handler, walk.integration);
      return [{ kind: 'payload', source: authenticated ? AUTHENTICATED_HEADERS_SOURCE : REQUEST_HEADERS_SOURCE, node }];
    }
    if (kind === 'webhook') return [{ kind: 'payload', source: REQUEST_HEADERS_SOURCE, node }];
  }
  // A request's query string, where the integration reads a credential from a query (a signed path's `authSig`, a
  // `?token=`): logged whole, it carries that credential.
  if (attribute === 'query' && object && unwrap(object).type === 'identifier') {
    const kind = untrustedSource(walk.file, object, walk.integration)?.kind;
    const key = kind === 'webhook' || kind === 'view-request' ? queryCredentialKey(walk) : undefined;
    if (key) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${key}`, node }];
  }
  if (attribute === '__dict__' && object && holdsClient(object) && hasCredentials(walk)) return [{ kind: 'payload', source: CLIENT_ATTRIBUTES_SOURCE, node }];
  // `f"{resp.text}"`, the method not called: its text shows the response, and so its request's URL.
  const invoked = node.parent?.type === 'call' && node.parent.childForFieldName('function')?.id === node.id;
  if ((attribute === 'text' || attribute === 'json' || attribute === 'read') && !invoked && object && unwrap(object).type === 'identifier') {
    const shown = carriers(walk, object, depth).find((carrier) => carrier.source.startsWith(RESPONSE_URL_SOURCE));
    if (shown) return [{ ...shown, node }];
  }
  // `client.headers["Authorization"] = f"Bearer {token}"` earlier in the function: another object's dict, filled here.
  const written = object && unwrap(object).type === 'identifier' && unwrap(object).text !== 'self' ? attributeDictWrites(walk, node, depth) : undefined;
  if (written) return [{ ...written, node }];
  // `self._headers` holds what the class put there (`self._headers = {...}`, or a property returning it).
  if (walk.resolving.has(node.id)) return [];
  walk.resolving.add(node.id);
  try {
    for (const value of selfAttributeValues(walk.file, node)) {
      const found = carriers(walk, value, depth - 1)[0];
      if (found) return [{ ...found, node }];
    }
    // `self._config["client_secret"] = ...` somewhere in the class: the dict holds that credential.
    const key = selfSubscriptCredential(walk, node);
    if (key) return [{ kind: 'secret', source: `${node.text}["${key}"]`, node }];
    // `self.status = await client.get_status()`, and another method reads `self.status["settings"]["token"]`.
    const answered = selfAttributeValues(walk.file, node).some(isCallResult) ? credentialReadFromSelf(walk.file, node) : undefined;
    return answered ? [{ kind: 'payload', source: `${RESPONSE_SOURCE}${answered}`, node }] : [];
  } finally {
    walk.resolving.delete(node.id);
  }
}

/**
 * What the function wrote into `obj.attr[...]` before `node` reads `obj.attr`: a credential under a credential's key,
 * or a value that carries one.
 */
function attributeDictWrites(walk: Walk, node: Node, depth: number): SecretCarrier | undefined {
  const { file, integration } = walk;
  for (const assignment of fileIndex(file).statementsByScope.get(file.scopeOf(node).id) ?? []) {
    if (assignment.startIndex > node.startIndex) break;
    const left = assignment.type === 'assignment' ? assignment.childForFieldName('left') : null;
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'subscript' || !right || left.childForFieldName('value')?.text !== node.text) continue;
    const key = left.childForFieldName('subscript');
    const name = key ? file.stringValue(key, integration?.constantString) : undefined;
    const found = carriers(walk, right, depth - 1)[0];
    if (found) return found;
    if (name !== undefined && isCredentialKey(name, declaredSecretKeys(file, integration)) && !isInert(file, right)) return { kind: 'secret', source: `${node.text}["${name}"]`, node };
  }
  return undefined;
}

/** A credential key the integration reads from a request's query string (`request.query.get(SIGN_QUERY_PARAM)`), if any. */
function queryCredentialKey(walk: Walk): string | undefined {
  const { integration } = walk;
  for (const file of integration?.files ?? [walk.file]) {
    if (!file.mentions(/\.query\b/)) continue;
    for (const call of file.calls) {
      const receiver = call.callee.type === 'attribute' ? call.callee.childForFieldName('object') : null;
      if (call.method !== 'get' || receiver?.type !== 'attribute' || receiver.childForFieldName('attribute')?.text !== 'query' || !call.args[0]) continue;
      const key = file.stringValue(call.args[0], integration?.constantString);
      if (key !== undefined && isCredentialKey(key)) return key;
    }
    for (const subscript of file.nodesOfType('subscript')) {
      const value = subscript.childForFieldName('value');
      const index = subscript.childForFieldName('subscript');
      if (value?.type !== 'attribute' || value.childForFieldName('attribute')?.text !== 'query' || !index) continue;
      const key = file.stringValue(index, integration?.constantString);
      if (key !== undefined && isCredentialKey(key)) return key;
    }
  }
  return undefined;
}

/**
 * A credential key some method of the class reads from `self.name`: down a chain of subscripts and `.get()`s, also
 * through a local bound to a part of it (`settings = self.status["settings"] or {}`, then `settings.get("token")`).
 */
function credentialReadFromSelf(file: FileModel, attribute: Node): string | undefined {
  const cls = enclosingClass(attribute);
  if (!cls) return undefined;
  const root = attribute.text;
  const partOfRoot = (expression: Node, depth: number): boolean => {
    let node = unwrap(expression);
    // `self.status["settings"] or {}`: the part, or an empty default.
    if (node.type === 'boolean_operator') node = unwrap(node.childForFieldName('left') ?? node);
    while (node.type === 'subscript' || (node.type === 'call' && file.callSite(node)?.method === 'get')) {
      const next = node.type === 'subscript' ? node.childForFieldName('value') : file.callSite(node)!.callee.childForFieldName('object');
      if (!next) return false;
      node = unwrap(next);
    }
    if (node.text === root) return true;
    return depth > 0 && node.type === 'identifier' && file.bindingsOf(node).some((binding) => binding.kind === 'assign' && binding.value !== null && partOfRoot(binding.value, depth - 1));
  };
  const reads: { key: Node | null | undefined; from: Node | null | undefined }[] = [
    ...descendants(cls, ['subscript']).map((read) => ({ key: read.childForFieldName('subscript'), from: read.childForFieldName('value') })),
    ...descendants(cls, ['call']).flatMap((call) => {
      const site = file.callSite(call);
      return site?.method === 'get' ? [{ key: site.args[0], from: site.callee.childForFieldName('object') }] : [];
    }),
  ];
  for (const { key, from } of reads) {
    const text = key ? literalString(key) : undefined;
    if (text !== undefined && from && isSecretName(text) && partOfRoot(from, 2)) return text;
  }
  return undefined;
}

/** A credential key the class writes into the dict `self.name` (`self._config["client_secret"] = value`), if any. */
function selfSubscriptCredential(walk: Walk, attribute: Node): string | undefined {
  const name = attribute.childForFieldName('attribute')?.text;
  if (attribute.childForFieldName('object')?.text !== 'self' || !name) return undefined;
  const cls = enclosingClass(attribute);
  const method = walk.file.enclosingFunction(attribute);
  for (const { key: index, assignment } of cls ? walk.file.selfAttributeWrites(cls, name).keyed : []) {
    // Written further down the same method (`_LOGGER.debug(self._inputs)`, then `self._inputs["token"] = ...`): not
    // there yet when the value is read.
    if (method && assignment.startIndex > attribute.startIndex && walk.file.enclosingFunction(assignment)?.id === method.id && !inLoop(assignment, method)) continue;
    const key = walk.file.stringValue(index, walk.integration?.constantString);
    if (key !== undefined && isCredentialKey(key)) return key;
  }
  return undefined;
}

/** Whether a statement sits in a loop inside `fn`, where a later statement runs before an earlier one's next round. */
function inLoop(statement: Node, fn: Node): boolean {
  for (let node = statement.parent; node && node.id !== fn.id; node = node.parent) {
    if (node.type === 'for_statement' || node.type === 'while_statement') return true;
  }
  return false;
}

/**
 * What `self.name` may hold: the values its class assigns to `self.name`, or what a `@property` of that name
 * returns. Empty for other attributes.
 */
export function selfAttributeValues(file: FileModel, attribute: Node): Node[] {
  const object = attribute.childForFieldName('object');
  const name = attribute.childForFieldName('attribute')?.text;
  if (object?.type !== 'identifier' || object.text !== 'self' || !name) return [];
  const cls = enclosingClass(attribute);
  return (cls && fileIndex(file).selfAttributes.get(cls.id)?.get(name)) || [];
}

/**
 * The element at `index` of a tuple or list a value is built as (directly, through local names or `self`
 * attributes): `self._auth[0]` of `self._auth = (username, password)` is the username. Undefined when unknown.
 */
function sequenceElements(file: FileModel, value: Node, index: number, depth = 3): Node[] | undefined {
  const node = unwrap(value);
  if (node.type === 'tuple' || node.type === 'list' || node.type === 'expression_list') {
    const elements = node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
    if (elements.some((element) => element.type === 'list_splat')) return undefined;
    const element = elements[index < 0 ? elements.length + index : index];
    return element ? [element] : undefined;
  }
  if (depth <= 0) return undefined;
  let sources: Node[] = [];
  if (node.type === 'identifier') {
    const bindings = file.bindingsOf(node);
    if (bindings.length === 0 || bindings.some((binding) => binding.kind !== 'assign' || !binding.value || binding.node.childForFieldName('left')?.type !== 'identifier')) return undefined;
    sources = bindings.map((binding) => binding.value!);
  } else if (node.type === 'attribute') {
    sources = selfAttributeValues(file, node);
  }
  if (sources.length === 0) return undefined;
  const elements: Node[] = [];
  for (const source of sources) {
    const found = sequenceElements(file, source, index, depth - 1);
    if (!found) return undefined;
    elements.push(...found);
  }
  return elements;
}

/**
 * `"Login {username}:{password}".format(**entry.data)`: a template that names a credential field, filled in from a
 * payload, writes that credential.
 */
function splatFormatted(walk: Walk, site: CallSite, depth: number): SecretCarrier[] {
  const template = site.callee.childForFieldName('object');
  const text = template ? literalString(unwrap(template)) : undefined;
  if (text === undefined || !site.hasSplat) return [];
  const declared = declaredSecretKeys(walk.file, walk.integration);
  const field = [...text.matchAll(/\{(\w+)[^{}]*\}/g)].map((match) => match[1]).find((name) => isCredentialKey(name, declared));
  if (!field) return [];
  for (const splat of site.node.childForFieldName('arguments')?.namedChildren ?? []) {
    const spread = splat?.type === 'dictionary_splat' ? splat.namedChild(0) : null;
    if (spread && carriers(walk, spread, depth - 1).some((found) => found.kind === 'payload')) return [{ kind: 'secret', source: `${spread.text}["${field}"]`, node: site.node }];
  }
  return [];
}

function subscriptCarrier(walk: Walk, node: Node, depth: number): SecretCarrier[] {
  const { file, integration } = walk;
  const index = node.childForFieldName('subscript');
  const value = node.childForFieldName('value');
  if (!index || !value) return [];
  if (index.type === 'slice') {
    if (isTruncation(index)) return [];
    return carriers(walk, value, depth - 1).filter((found) => found.kind === 'secret').map((found) => ({ ...found, node }));
  }
  const key = file.stringValue(index, integration?.constantString);
  if (key !== undefined) {
    if (isCredentialKey(key, declaredSecretKeys(file, integration))) return [{ kind: 'secret', source: node.text, node }];
    // `resp.cookies["PHPSESSID"]`: a cookie's value, whatever its name, is the session it keeps.
    if (unwrap(value).type === 'attribute' && unwrap(value).childForFieldName('attribute')?.text === 'cookies') return [{ kind: 'secret', source: node.text, node }];
    if (isDomainSection(walk, value, index, key, depth)) return [{ kind: 'payload', source: 'YAML configuration', node }];
    // `config[DOMAIN][CONF_ACCOUNTS]`, whose schema asks each account for a password: a part of the YAML that holds them.
    const credentialKey = (name: string) => isCredentialKey(name, declaredSecretKeys(file, integration));
    if (keysHoldingCredentials(file, integration, credentialKey).has(key) && carriers(walk, value, depth - 1).some((found) => found.source === 'YAML configuration')) {
      return [{ kind: 'payload', source: `YAML configuration "${key}"`, node }];
    }
    // `entry.as_dict()["data"]`: the entry's data, as `entry.data` is.
    const dumped = unwrap(value).type === 'call' ? file.callSite(unwrap(value)) : undefined;
    const entry = dumped?.method === 'as_dict' ? dumped.callee.childForFieldName('object') : null;
    if ((key === 'data' || key === 'options') && entry && isConfigEntry(file, entry)) {
      const holds = key === 'options' ? keyIndex(file, integration).optionsHoldCredentials : entryHoldsCredentials(walk);
      return holds ? [{ kind: 'payload', source: `config entry ${key}`, node }] : [];
    }
    // `hass.data["acme-config"]`: what this module put there under that key (`hass.data["acme-config"] = {...}`).
    if (/^(self\.)?hass\.data$/.test(value.text)) {
      for (const stored of hassDataWrites(file, key, integration)) {
        const found = carriers(walk, stored, depth - 1)[0];
        if (found) return [{ ...found, node }];
      }
    }
    // `data["device_id"]` of a dict written out in the function, or handed in written out by the callers
    // (`BrewSensor({"device_id": entry.data[CONF_TOKEN]})`): what the dict holds under that key.
    for (const held of writtenEntries(walk, value, key)) {
      const found = carriers(held.file === file ? walk : { ...walk, file: held.file }, held.node, depth - 1)[0];
      if (found) return [{ ...found, node }];
    }
    return [];
  }
  if (index.type === 'integer' || index.type === 'unary_operator') {
    const elements = /^-?\s*\d+$/.test(index.text) ? sequenceElements(file, value, Number(index.text.replace(/\s+/g, ''))) : undefined;
    if (elements) return elements.flatMap((element) => carriers(walk, element, depth - 1)).slice(0, 1).map((found) => ({ ...found, node }));
    // `tokens[0]` is a whole token; `token[0]` one character, which we let pass with the secret's other forms.
    return carriers(walk, value, depth - 1).filter((found) => found.kind === 'secret').map((found) => ({ ...found, node }));
  }
  if (isDomainSection(walk, value, index, '', depth)) return [{ kind: 'payload', source: 'YAML configuration', node }];
  // An iterating key (`entry.data[key]` in a loop) may be any of a payload's keys, credentials included.
  return unreadKeyCarriers(walk, index, node) ?? carriers(walk, value, depth - 1).map((found) => ({ ...found, node }));
}

/** The values dict literals hold under `key`, where `value` is such a dict: bound to one, or a parameter callers hand one. */
function writtenEntries(walk: Walk, value: Node, key: string): { file: FileModel; node: Node }[] {
  const { file, integration } = walk;
  const target = unwrap(value);
  if (target.type !== 'identifier') return [];
  const dicts: { file: FileModel; node: Node }[] = [];
  for (const origin of file.origins(target, 2)) {
    if (origin.kind === 'expression' && unwrap(origin.node).type === 'dictionary') dicts.push({ file, node: unwrap(origin.node) });
    if (origin.kind === 'parameter' && origin.scope && origin.name) {
      for (const handed of callerArguments(file, origin.scope, origin.name, integration)) {
        if (unwrap(handed.node).type === 'dictionary') dicts.push({ file: handed.file, node: unwrap(handed.node) });
      }
    }
  }
  return dicts.flatMap(({ file: owner, node }) =>
    node.namedChildren.flatMap((pair) => {
      const pairKey = pair.type === 'pair' ? pair.childForFieldName('key') : null;
      const pairValue = pair.type === 'pair' ? pair.childForFieldName('value') : null;
      return pairKey && pairValue && owner.stringValue(pairKey, integration?.constantString) === key ? [{ file: owner, node: pairValue }] : [];
    }),
  );
}

/** The values this module assigns to `hass.data[key]` (the key as a string). */
function hassDataWrites(file: FileModel, key: string, integration: IntegrationModel | undefined): Node[] {
  const values: Node[] = [];
  for (const subscript of indexNodesOfType(file, 'subscript')) {
    const assignment = subscript.parent;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.id !== subscript.id) continue;
    const index = subscript.childForFieldName('subscript');
    if (!/^(self\.)?hass\.data$/.test(subscript.childForFieldName('value')?.text ?? '') || !index || file.stringValue(index, integration?.constantString) !== key) continue;
    const value = assignment.childForFieldName('right');
    if (value) values.push(value);
  }
  return values;
}

/**
 * One field of a mapping read under a key whose string we cannot read. A key that iterates (`for key in entry.data:
 * ... entry.data[key]`) may be every one of them, the credentials included: undefined, the caller reads the mapping.
 * A constant we cannot resolve is judged by its name (`CONF_CLOUDHOOK_URL` is one URL, not the whole entry); any other
 * key is one field we know nothing of.
 */
function unreadKeyCarriers(walk: Walk, key: Node, read: Node): SecretCarrier[] | undefined {
  const target = unwrap(key);
  if (target.type === 'identifier' && isIterationVariable(walk.file, target)) return undefined;
  const name = target.type === 'identifier' ? target.text : target.type === 'attribute' ? target.childForFieldName('attribute')?.text : undefined;
  if (name && isConstantName(name) && isCredentialKey(name)) return [{ kind: 'secret', source: read.text, node: read }];
  return [];
}

/** A name bound by a `for` loop or a comprehension's `for ... in` around its use. */
function isIterationVariable(file: FileModel, identifier: Node): boolean {
  if (file.bindingsOf(identifier).some((binding) => binding.kind === 'for')) return true;
  for (let current = identifier.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'lambda' || current.type === 'module') return false;
    if (!/comprehension$|^generator_expression$/.test(current.type)) continue;
    for (const clause of current.namedChildren) {
      if (clause?.type !== 'for_in_clause') continue;
      const left = clause.childForFieldName('left');
      if (left && left.descendantsOfType('identifier').some((bound) => bound.text === identifier.text)) return true;
    }
  }
  return false;
}

/**
 * `config[DOMAIN]` of the YAML configuration is the integration's own section, credentials included (also when the
 * `DOMAIN` constant cannot be resolved: `key` is then '').
 */
function isDomainSection(walk: Walk, value: Node, index: Node, key: string, depth: number): boolean {
  const isDomain = key === walk.integration?.domain || unwrap(index).text === 'DOMAIN';
  return isDomain && carriers(walk, value, depth - 1).some((found) => found.source === 'YAML configuration');
}

/** `x[:4]`, `x[-4:]`, `x[2:6]`: a bounded piece. `x[4:]` and `x[:-4]` keep almost all of it. */
export function isTruncation(slice: Node): boolean {
  const match = /^\s*(-?\s*\d+)?\s*:\s*(-?\s*\d+)?\s*(:\s*)?$/.exec(slice.text);
  if (!match) return false;
  const start = match[1] === undefined ? undefined : Number(match[1].replace(/\s+/g, ''));
  const stop = match[2] === undefined ? undefined : Number(match[2].replace(/\s+/g, ''));
  if (stop !== undefined && stop >= 0) return start === undefined || start >= 0;
  if (start !== undefined && start < 0) return stop === undefined || stop < 0;
  return false;
}

/** `def _ensure_token(self) -> bool`: a function of the integration whose annotation says it returns a truth value. */
function returnsTruthValue(walk: Walk, site: CallSite): boolean {
  const targets = resolveCallables(walk.file, site.callee, walk.integration);
  return targets.length > 0 && targets.every((target) => {
    const annotation = target.node.type === 'function_definition' ? target.node.childForFieldName('return_type') : null;
    return annotation !== null && isTruthAnnotation(annotation);
  });
}

/** An OAuth2 token endpoint, by the name of its URL (`self.token_url`, `OAUTH2_TOKEN`, `".../oauth/token"`). */
const TOKEN_ENDPOINT = /(^|[._])(token_url|token_endpoint|oauth2?_token)$|\/(oauth2?\/)?token\/?["']$/i;

/** A response (`resp`) bound to a request posted to a token endpoint, in the same function. */
function answersTokenEndpoint(file: FileModel, response: Node): boolean {
  const target = unwrap(response);
  if (target.type !== 'identifier') return false;
  return file.origins(target).some((origin) => {
    let value = unwrap(origin.node);
    if (value.type === 'await') value = unwrap(value.namedChild(0) ?? value);
    const request = value.type === 'call' ? file.callSite(value) : undefined;
    const url = request && (request.method === 'post' || request.method === 'request') ? (request.method === 'post' ? request.args[0] : request.args[1]) ?? request.keywords.get('url') : undefined;
    return url !== undefined && TOKEN_ENDPOINT.test(unwrap(url).text);
  });
}

function callCarrier(walk: Walk, node: Node, depth: number): SecretCarrier[] {
  const { file, integration } = walk;
  const site = file.callSite(node);
  if (!site || isSanitizer(site)) return [];
  const name = site.name ?? '';
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  const fromReceiver = () => (receiver ? carriers(walk, receiver, depth - 1) : []);
  // The whole derived expression is the secret (`token.strip()`), but a payload stays the mapping to redact.
  const asDerived = (found: SecretCarrier[]) => found.map((carrier) => (carrier.kind === 'secret' ? { ...carrier, node } : carrier));

  // `resp = await session.get(f"{API}?appid={key}")` written whole: aiohttp's response shows its request's URL.
  for (const part of aiohttpResponseUrlParts(file, node)) {
    const secret = carriers(walk, part, depth - 1).find((carrier) => carrier.kind === 'secret');
    if (secret) return [{ kind: 'secret', source: `${RESPONSE_URL_SOURCE}${secret.source}`, node }];
  }
  if (site.method === 'as_dict' && receiver && isConfigEntry(file, receiver)) {
    // The whole entry: its data and its options.
    const index = keyIndex(file, walk.integration);
    return index.dataHoldsCredentials || index.optionsHoldCredentials ? [{ kind: 'payload', source: 'config entry', node }] : [];
  }
  if (site.method && REQUEST_BODY_READS.has(site.method) && receiver && unwrap(receiver).type === 'identifier') {
    const kind = untrustedSource(file, receiver, integration)?.kind;
    if (kind === 'webhook') return [{ kind: 'payload', source: WEBHOOK_BODY_SOURCE, node }];
    if (kind === 'view-request') return [{ kind: 'payload', source: VIEW_BODY_SOURCE, node }];
  }
  // `_LOGGER.debug(r.json())` where the same function reads `r.json()["auth"]["token"]`: a token response, whole.
  if (site.method === 'json' && site.args.length === 0) {
    const key = credentialKeyReadFrom(file, node.text, node) ?? credentialKeyReadFromReparse(file, node);
    if (key) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${key}`, node }];
    // `resp = await session.post(self.token_url, data=data)` then `await resp.json()`: an OAuth token endpoint's answer.
    if (receiver && answersTokenEndpoint(file, receiver)) return [{ kind: 'payload', source: TOKEN_ENDPOINT_ANSWER, node }];
    // `_LOGGER.debug(..., resp.json()); return resp.json()`, and a caller reads `["result"]["apiKey"]` from the result.
    const callersKey = credentialReadByCallers(walk, node, []);
    if (callersKey) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${callersKey}`, node }];
  }
  // `raw = await resp.text()` logged, where the function reads `(await resp.json())["token"]`: the same body as text
  // (not the body of a failed answer, `if resp.status != 200: raise Error(await resp.text())`, which holds none).
  if (site.method === 'text' && site.args.length === 0 && receiver && unwrap(receiver).type === 'identifier' && !inStatusBranch(file, node, unwrap(receiver).text)) {
    const key = credentialReadFromJsonOf(file, unwrap(receiver), node);
    if (key) return [{ kind: 'payload', source: `${RESPONSE_SOURCE}${key}`, node }];
  }
  if (site.method && ['get', 'pop', 'setdefault'].includes(site.method) && receiver && site.args[0]) {
    const key = file.stringValue(site.args[0], integration?.constantString);
    if (key !== undefined) {
      if (isCredentialKey(key, declaredSecretKeys(file, integration))) return [{ kind: 'secret', source: node.text, node }];
      // `body.get("data", {})` of a webhook's or a request's body: a nested part of it, which can carry what it does.
      const fallback = site.args[1] ? unwrap(site.args[1]).type : undefined;
      if (fallback === 'dictionary' || fallback === 'list') {
        const nested = fromReceiver().find(isRequestPayload);
        if (nested) return [{ ...nested, node, part: nested.part ?? node }];
      }
      return isDomainSection(walk, receiver, site.args[0], key, depth) ? [{ kind: 'payload', source: 'YAML configuration', node }] : [];
    }
    if (isDomainSection(walk, receiver, site.args[0], '', depth)) return [{ kind: 'payload', source: 'YAML configuration', node }];
    return unreadKeyCarriers(walk, site.args[0], node) ?? fromReceiver().map((found) => ({ ...found, node: found.kind === 'secret' ? node : found.node }));
  }
  if (site.method === 'format') {
    return [...fromReceiver(), ...[...site.args, ...site.keywords.values()].flatMap((arg) => carriers(walk, arg, depth - 1)), ...splatFormatted(walk, site, depth)];
  }
  // `"".join([base, f"&auth={key}"])`: the text joins every part, the secret with the rest.
  if (site.method === 'join' && receiver && unwrap(receiver).type === 'string' && site.args.length === 1) {
    return asDerived(carriers(walk, site.args[0], depth).filter((carrier) => carrier.kind === 'secret'));
  }
  // `hass.config_entries.flow.async_init(DOMAIN, context=..., data=device_data)`: the result of a flow that creates
  // the entry at once holds the data it was given.
  if ((site.method === 'async_init' || site.method === 'async_configure') && receiver && /(^|\.)flow$/.test(receiver.text)) {
    const data = site.keywords.get('data') ?? site.keywords.get('user_input');
    return data ? asDerived(carriers(walk, data, depth - 1)).map((carrier) => ({ ...carrier, node })) : [];
  }
  // `str.encode(secret)`: the method called through its class takes the value first.
  if (site.method && SAME_VALUE_METHODS.has(site.method) && receiver && /^(str|bytes)$/.test(receiver.text) && file.isBuiltin(receiver.text)) {
    return site.args[0] ? asDerived(carriers(walk, site.args[0], depth - 1)) : [];
  }
  if (site.method && SAME_VALUE_METHODS.has(site.method) && receiver) return asDerived(fromReceiver());
  // `cast(dict, await resp.json())`: the value, as it was.
  if ((name === 'typing.cast' || name === 'cast') && site.args[1]) return carriers(walk, site.args[1], depth);
  // `vars(coordinator.api)`: every attribute of the integration's API client, the credentials it logs in with included.
  if (name === 'vars' && file.isBuiltin('vars') && site.args.length === 1 && holdsClient(site.args[0]) && hasCredentials(walk)) {
    return [{ kind: 'payload', source: CLIENT_ATTRIBUTES_SOURCE, node }];
  }
  // The same value in another form: its arguments are parts of the expression, read at the same depth (a deep copy of a
  // local dict that holds `dict(entry.data)` two levels down is still that).
  if (SAME_VALUE_FUNCTIONS.test(name)) {
    if (name === 'dict' && masksByKeywords(walk, site)) return [];
    return asDerived([...site.args, ...site.keywords.values()].flatMap((arg) => carriers(walk, arg, depth)));
  }
  // `_walk(data)`, a function of this module that hands every value of its argument on: the argument, as it was.
  const walker = site.args.length === 1 && site.keywords.size === 0 && site.callee.type === 'identifier' ? file.moduleFunction(site.callee.text) : undefined;
  if (walker && handsValuesOn(file, walker)) return asDerived(carriers(walk, site.args[0], depth));
  if (site.args[0] && passesExtraKeys(walk, site)) {
    // `BODY_SCHEMA(await request.json())` with `extra=vol.ALLOW_EXTRA`: what comes out holds all that went in.
    return asDerived(carriers(walk, site.args[0], depth - 1));
  }
  if (COLLECTION_FUNCTIONS.test(name) && file.isBuiltin(name) && site.args[0]) {
    // `list(entry.data)` lists the keys; `list(entry.data.items())` and `list(tokens)` keep the values.
    const argument = unwrap(site.args[0]);
    const keepsValues = argument.type === 'call' && ['items', 'values'].includes(file.callSite(argument)?.method ?? '');
    return asDerived(carriers(walk, argument, depth - 1).filter((found) => keepsValues || found.kind === 'secret'));
  }
  const called = site.method ?? name.split('.').pop() ?? '';
  const getter = LEXER_CALL.test(name || site.callee.text) ? null : SECRET_GETTER.exec(called);
  if (((getter && isSecretHolderName(getter[3])) || (site.method && isSecretHolderName(site.method) && site.args.length === 0)) && !inLexer(file, node) && !returnsTruthValue(walk, site)) {
    return [{ kind: 'secret', source: `${called}()`, node }];
  }
  const shown = reprShownSecret(walk, site);
  if (shown) return [{ kind: 'secret', source: shown, node }];
  return returnedCarriers(walk, site, depth);
}

/**
 * `LoginResult(access_token, refresh_token)`, or a call of the integration's function annotated `-> LoginResult`,
 * where LoginResult is a dataclass or NamedTuple of the integration with a credential field: its repr, which a log
 * call writes, shows that field (`LoginResult.access_token`). Not a field declared with `field(repr=False)`.
 */
function reprShownSecret(walk: Walk, site: CallSite): string | undefined {
  const { file, integration } = walk;
  // Asked of every call the flow reaches: most integrations define no such class, which one pass per file tells.
  if (!(integration?.files ?? [file]).some((candidate) => candidate.derived(SECRET_REPR_CLASSES, () => candidate.classes.some((cls) => reprSecretField(candidate, cls) !== undefined)))) return undefined;
  const classes: { file: FileModel; node: Node }[] = [];
  const constructed = resolveClass(file, site.callee, integration);
  if (constructed) classes.push(constructed);
  else {
    for (const target of resolveCallables(file, site.callee, integration)) {
      const returnType = target.node.type === 'function_definition' ? target.node.childForFieldName('return_type') : null;
      // The field holds a `type` node around the annotation's expression.
      const annotation = returnType?.type === 'type' ? returnType.namedChild(0) : returnType;
      const named = annotation && unwrap(annotation).type === 'identifier' ? resolveClass(target.file, unwrap(annotation), integration) : undefined;
      if (named) classes.push(named);
    }
  }
  for (const { file: owner, node: cls } of classes) {
    const field = reprSecretField(owner, cls);
    if (field) return `${cls.childForFieldName('name')?.text ?? 'object'}.${field}`;
  }
  return undefined;
}

const SECRET_REPR_CLASSES = derivedKey<boolean>('classes whose repr shows a credential');

function reprSecretField(file: FileModel, cls: Node): string | undefined {
  const dataclass = file.decoratorsOf(cls).some(({ name, expression }) => /(^|\.)dataclass$/.test(name ?? '') && !/\brepr\s*=\s*False/.test(expression.text));
  const namedTuple = (cls.childForFieldName('superclasses')?.namedChildren ?? []).some((base) => /(^|\.)NamedTuple$/.test(file.qualifiedName(base) ?? ''));
  if (!dataclass && !namedTuple) return undefined;
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    const name = assignment?.type === 'assignment' && assignment.childForFieldName('type') ? assignment.childForFieldName('left')?.text : undefined;
    if (name === undefined || !isSecretHolderName(name)) continue;
    if (/\brepr\s*=\s*False/.test(assignment!.childForFieldName('right')?.text ?? '')) continue;
    return name;
  }
  return undefined;
}

/** A one-parameter function whose results are its argument, or a comprehension over it that keeps or re-walks each value. */
export function handsValuesOn(file: FileModel, fn: Node): boolean {
  const parameters = fn.childForFieldName('parameters')?.namedChildren.filter((child) => child.type !== 'comment') ?? [];
  const name = fn.childForFieldName('name')?.text;
  if (parameters.length !== 1 || parameters[0].type !== 'identifier' || !name) return false;
  const parameter = parameters[0].text;
  const values = file.returnedValues(fn).map(unwrap);
  const walksOn = (value: Node): boolean => {
    if (value.type === 'identifier') return value.text === parameter;
    if (value.type !== 'dictionary_comprehension' && value.type !== 'list_comprehension') return false;
    if (value.namedChildren.some((child) => child.type === 'if_clause')) return false;
    const loop = value.namedChildren.find((child) => child.type === 'for_in_clause');
    if (!loop || !new RegExp(`^${parameter}(\\.(items|values)\\(\\))?$`).test(unwrap(loop.childForFieldName('right') ?? loop).text)) return false;
    const body = unwrap(value.type === 'dictionary_comprehension' ? value.namedChild(0)?.childForFieldName('value') ?? value : value.namedChild(0) ?? value);
    const walked = body.type === 'call' && body.childForFieldName('function')?.text === name ? unwrap(body.childForFieldName('arguments')?.namedChildren[0] ?? body) : body;
    return walked.type === 'identifier' && descendants(loop.childForFieldName('left') ?? loop, ['identifier']).some((target) => target.text === walked.text);
  };
  // Results made of something else (`return TOKENS[obj]`) replace a value, which hides nothing kept elsewhere.
  return values.some(walksOn) && values.every((value) => walksOn(value) || !descendants(value, ['identifier']).some((part) => part.text === parameter));
}

/**
 * A method of the caller's own class (`self._settings_payload()`) or a function of this module carries what it
 * returns: `return {"auth_token": self.config.get(CONF_ACCESS_TOKEN), ...}`.
 */
function returnedCarriers(walk: Walk, site: CallSite, depth: number): SecretCarrier[] {
  const { file } = walk;
  if (!walk.throughReturns) return [];
  const callee = site.callee;
  let fn: Node | undefined;
  if (callee.type === 'attribute' && callee.childForFieldName('object')?.text === 'self' && site.method) {
    const cls = enclosingClass(site.node);
    fn = cls ? methodsOf(cls).find((method) => method.childForFieldName('name')?.text === site.method) : undefined;
  } else if (callee.type === 'identifier') {
    fn = file.moduleFunction(callee.text);
  }
  // Keyed apart from the function's own id, which carrierHandedTo holds while it follows the function's callers: a
  // helper returning its parameter (`def parse(event): ...; return event`) is followed into that parameter's callers.
  if (!fn || walk.resolving.has(-fn.id)) return [];
  const returnsKey = -fn.id;
  walk.resolving.add(returnsKey);
  try {
    for (const value of file.returnedValues(fn)) {
      const found = carriers(walk, value, depth - 1)[0];
      if (found) return [{ ...found, node: site.node }];
    }
    return [];
  } finally {
    walk.resolving.delete(returnsKey);
  }
}

/** A voluptuous schema constant called on a value that lets keys it does not name through (`extra=vol.ALLOW_EXTRA`). */
function passesExtraKeys(walk: Walk, site: CallSite): boolean {
  if (site.callee.type !== 'identifier' || !/^[A-Z][A-Z0-9_]*$/.test(site.callee.text)) return false;
  const constant = constantExpression(walk.file, site.callee, walk.integration);
  return constant !== undefined && /\bSchema\(/.test(constant.node.text) && /ALLOW_EXTRA/.test(constant.node.text);
}

/** `dict(entry.data, password="***")` overrides the secret. */
function masksByKeywords(walk: Walk, site: CallSite): boolean {
  return [...site.keywords.entries()].some(([key, value]) => isCredentialKey(key) && isInert(walk.file, value));
}

/**
 * A dict leaks when a credential key maps to a real value, or when it spreads a payload without overriding any
 * credential key (`{**entry.data, CONF_PASSWORD: "***"}` is hand-written masking).
 */
/** `base | {KEY: value, ...}`: read as `{**base, KEY: value, ...}` (see dictionaryCarrier). */
function mergedCarrier(walk: Walk, node: Node, base: Node, overrides: Node, depth: number): SecretCarrier[] {
  return dictionaryParts(walk, node, [{ spread: base }, ...overrides.namedChildren.map((child) => ({ child }))], depth);
}

function dictionaryCarrier(walk: Walk, node: Node, depth: number): SecretCarrier[] {
  return dictionaryParts(walk, node, node.namedChildren.map((child) => (child.type === 'dictionary_splat' ? { spread: child.namedChild(0) ?? child } : { child })), depth);
}

/** A dict made of spread payloads and pairs: what it holds, with the keys its pairs mask by hand. */
function dictionaryParts(walk: Walk, node: Node, parts: ({ spread: Node } | { child: Node })[], depth: number): SecretCarrier[] {
  const { file, integration } = walk;
  let masks = false;
  const masked = new Set<string>();
  const spreadPayloads: Node[] = [];
  const found: SecretCarrier[] = [];
  const spreads: SecretCarrier[] = [];
  for (const part of parts) {
    if ('spread' in part) {
      spreads.push(...carriers(walk, part.spread, depth - 1));
      spreadPayloads.push(part.spread);
      continue;
    }
    const child = part.child;
    if (child.type === 'pair') {
      const key = child.childForFieldName('key');
      const value = child.childForFieldName('value');
      if (!value) continue;
      const keyName = key ? file.stringValue(key, integration?.constantString) : undefined;
      // `CONF_WEBHOOK_ID: REDACTED`: any key overridden with a placeholder is masked, a webhook's id as a password.
      if (keyName !== undefined && isInert(file, value)) {
        masked.add(normalizeName(keyName));
        if (isCredentialKey(keyName, declaredSecretKeys(file, integration)) || isWebhookAddress(keyName)) masks = true;
        continue;
      }
      if (keyName !== undefined && isCredentialKey(keyName, declaredSecretKeys(file, integration))) {
        const inner = carriers(walk, value, depth - 1);
        // A credential key with an unknown value (`{"Authorization": auth}`) holds the credential.
        if (inner.length > 0 || isOpaque(file, value, walk.integration) || unwrap(value).type === 'string' || unwrap(value).type === 'binary_operator') {
          found.push({ kind: 'secret', source: `{${key?.text ?? keyName}: ...}`, node: value });
        }
        continue;
      }
      found.push(...carriers(walk, value, depth - 1));
    }
  }
  if (!masks) return [...found, ...spreads];
  // `{**user_input, CONF_PASSWORD: "***"}` where the form also asks for a `totp_secret`: that one is still in the copy.
  for (const spread of spreadPayloads) {
    const left = heldCredentialKeys(walk, spread)?.find((key) => !masked.has(normalizeName(key)));
    if (left) return [...found, { kind: 'payload', source: `${PARTLY_MASKED_SOURCE}${left}`, node }];
  }
  return found;
}

/**
 * `{k: v for k, v in entry.data.items()}` copies the payload; any `if` clause is taken as filtering it. A value built
 * with a secret from outside the loop (`{k: v.format(api_key) for k, v in HEADERS.items()}`) puts it in every entry.
 */
function comprehensionCarrier(walk: Walk, node: Node, depth: number): SecretCarrier[] {
  const injected = injectedSecret(walk, node, depth);
  if (injected) return [{ ...injected, node }];
  const filter = node.namedChildren.find((child) => child?.type === 'if_clause');
  if (filter) {
    // `{k: v for k, v in entry.data.items() if k in ONLY_LOGIN}`: what the filter keeps, when it names a credential.
    const kept = keptCredentialKey(walk, filter);
    if (kept) return [{ kind: 'secret', source: kept, node }];
    const left = credentialLeftByFilter(walk, node, filter);
    return left ? [{ kind: 'payload', source: `${PARTLY_MASKED_SOURCE}${left}`, node }] : [];
  }
  const body = node.childForFieldName('body');
  const value = body?.childForFieldName('value');
  const loop = node.namedChildren.find((child) => child?.type === 'for_in_clause');
  const iterable = loop?.childForFieldName('right');
  if (!value || !iterable) return [];
  if (unwrap(value).type === 'identifier') return carriers(walk, iterable, depth - 1).filter((found) => found.kind === 'payload');
  // `{k: v if k != "id_token" else "***" for k, v in data.items()}` masks id_token only: a response whose
  // credential the code reads under another key still carries it.
  const masked = maskedKeys(walk, unwrap(value), loop);
  if (!masked) return [];
  return carriers(walk, iterable, depth - 1).filter((found) => found.kind === 'payload' && found.source.startsWith(RESPONSE_SOURCE) && !masked.has(normalizeName(found.source.slice(RESPONSE_SOURCE.length))));
}

/** A secret a comprehension's value takes from outside its loop, not from the loop's variables. */
function injectedSecret(walk: Walk, node: Node, depth: number): SecretCarrier | undefined {
  const value = node.childForFieldName('body')?.childForFieldName('value');
  if (!value || unwrap(value).type === 'identifier') return undefined;
  const loops = node.namedChildren.filter((child) => child?.type === 'for_in_clause');
  const variables = new Set(loops.flatMap((loop) => descendants(loop.childForFieldName('left') ?? loop, ['identifier']).map((identifier) => identifier.text)));
  return carriers(walk, value, depth - 1).find((found) => found.kind === 'secret' && !variables.has(found.source.split(/[.[(]/)[0]));
}

/**
 * `{k: v for k, v in user_input.items() if k != CONF_PASSWORD}` where the form also asks for `totp_secret`: the
 * credential the filter leaves in, when the keys the payload holds can be read (a flow step's form, the entries'
 * data). Undefined when the filter is no key test, or nothing is left.
 */
function credentialLeftByFilter(walk: Walk, comprehension: Node, filter: Node): string | undefined {
  const { file } = walk;
  const loop = comprehension.namedChildren.find((child) => child?.type === 'for_in_clause');
  const keyVariable = loop ? descendants(loop.childForFieldName('left') ?? loop, ['identifier'])[0]?.text : undefined;
  const parts = comparisonParts(unwrap(filter.namedChild(0) ?? filter));
  if (!loop || !keyVariable || !parts || (parts.operator !== '!=' && parts.operator !== 'not in') || unwrap(parts.left).text !== keyVariable) return undefined;
  const tested = testedKeys(walk, parts);
  if (!tested || tested.includes(undefined)) return undefined;
  const removed = new Set(tested.map((key) => normalizeName(key!)));
  const iterable = loop.childForFieldName('right');
  const site = iterable && unwrap(iterable).type === 'call' ? file.callSite(unwrap(iterable)) : undefined;
  const payload = site?.method === 'items' ? site.callee.childForFieldName('object') : null;
  if (!payload) return undefined;
  const held = heldCredentialKeys(walk, payload);
  return held?.find((key) => !removed.has(normalizeName(key)));
}

/** The credential keys a payload holds, when they can be read: a flow step's form input, or the entries' data. */
function heldCredentialKeys(walk: Walk, payload: Node): string[] | undefined {
  const { file, integration } = walk;
  if (isEntryPayload(file, payload)) return [...storedCredentialKeys(file, integration).keys()];
  const target = unwrap(payload);
  const origin = target.type === 'identifier' ? file.origins(target).find((candidate) => candidate.kind === 'parameter') : undefined;
  const step = origin?.scope && /^async_step_/.test(origin.scope.childForFieldName('name')?.text ?? '') ? origin.scope : undefined;
  // `def _redact(data)` that every caller hands an entry's data: what the entries hold.
  if (!step && origin?.scope && origin.name) {
    const handed = callerArguments(file, origin.scope, origin.name, integration);
    if (handed.length > 0 && handed.every((argument) => isEntryPayload(argument.file, argument.node))) return [...storedCredentialKeys(file, integration).keys()];
  }
  const keys = step ? stepSchemaKeyNodes(file, step, integration) : undefined;
  if (!keys) return undefined;
  return keys.map((key) => file.stringValue(key, integration?.constantString)).filter((key): key is string => key !== undefined && isCredentialKey(key, declaredSecretKeys(file, integration)));
}

/**
 * The keys a comprehension's value masks, `v if k != "id_token" else "***"` or `"***" if k in SECRET_KEYS else v`:
 * those for which it gives an inert value, when it gives every other key's value unchanged. Undefined for any
 * other value (a call, a lookup), which the rule takes for masking as a whole.
 */
function maskedKeys(walk: Walk, value: Node, loop: Node | null | undefined): Set<string> | undefined {
  if (value.type !== 'conditional_expression' || !loop) return undefined;
  const [whenTrue, condition, whenFalse] = [value.namedChild(0), value.namedChild(1), value.namedChild(2)];
  const parts = condition ? comparisonParts(unwrap(condition)) : undefined;
  const variables = descendants(loop.childForFieldName('left') ?? loop, ['identifier']).map((identifier) => identifier.text);
  if (!whenTrue || !whenFalse || !parts || variables.length !== 2 || unwrap(parts.left).text !== variables[0]) return undefined;
  const selects = parts.operator === '==' || parts.operator === 'in';
  if (!selects && parts.operator !== '!=' && parts.operator !== 'not in') return undefined;
  const [forKeys, forOthers] = selects ? [whenTrue, whenFalse] : [whenFalse, whenTrue];
  if (unwrap(forOthers).text !== variables[1] || !isInert(walk.file, forKeys)) return undefined;
  const tested = testedKeys(walk, parts);
  if (!tested || tested.includes(undefined)) return undefined;
  return new Set(tested.map((key) => normalizeName(key!)));
}

/**
 * The keys a comparison tests a key against: one for `k == KEY` / `k != KEY`; for `k in KEYS` / `k not in KEYS`
 * those of a list, tuple or set, written out or a constant holding one. An entry is undefined where it cannot be
 * read; the whole is undefined when the table cannot be.
 */
function testedKeys(walk: Walk, parts: { right: Node; operator: string }): (string | undefined)[] | undefined {
  const table = unwrap(parts.right);
  const membership = parts.operator === 'in' || parts.operator === 'not in';
  const listed = membership && table.type === 'identifier' ? constantExpression(walk.file, table, walk.integration) : { file: walk.file, node: table };
  if (!listed || (membership && !['list', 'tuple', 'set'].includes(unwrap(listed.node).type))) return undefined;
  const items = membership ? unwrap(listed.node).namedChildren : [listed.node];
  return items.map((item) => listed.file.stringValue(item, walk.integration?.constantString));
}

/** For `if k in KEYS` (a list, tuple or set written in the source, or a constant holding one): a credential among KEYS. */
function keptCredentialKey(walk: Walk, filter: Node): string | undefined {
  const parts = comparisonParts(unwrap(filter.namedChild(0) ?? filter));
  const tested = parts?.operator === 'in' ? testedKeys(walk, parts) : undefined;
  return tested?.find((key): key is string => key !== undefined && isCredentialKey(key));
}

/** A value that holds no secret of its own: a literal, None, a number, a constant like `REDACTED`, a sanitised call. */
export function isInert(file: FileModel, value: Node): boolean {
  const node = unwrap(value);
  if (literalString(node) !== undefined) return true;
  if (['none', 'integer', 'float', 'true', 'false', 'comparison_operator', 'not_operator', 'ellipsis'].includes(node.type)) return true;
  if (node.type === 'identifier') return isConstantName(node.text);
  if (node.type === 'attribute') return isConstantName(node.childForFieldName('attribute')?.text ?? '');
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '*') return true;
  // `token[:8] + "..."`: a truncation marked as one.
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '+') {
    const [left, right] = [node.childForFieldName('left'), node.childForFieldName('right')];
    return left !== null && right !== null && isInert(file, left) && isInert(file, right);
  }
  // `token[:8]`: a few characters to recognise a secret by, not the secret.
  const slice = node.type === 'subscript' ? node.childForFieldName('subscript') : null;
  if (slice?.type === 'slice' && isTruncation(slice)) return true;
  // `token[:8] if token else "-"`: inert when both values are (the condition is only tested).
  if (node.type === 'conditional_expression') {
    const [whenTrue, , whenFalse] = node.namedChildren;
    return whenTrue !== undefined && whenFalse !== undefined && isInert(file, whenTrue) && isInert(file, whenFalse);
  }
  if (node.type === 'call') {
    const site = file.callSite(node);
    return site !== undefined && isSanitizer(site);
  }
  return false;
}

/**
 * Hand-written masking of a local copy before the use: `data[CONF_PASSWORD] = "***"`, `data.pop(CONF_TOKEN)`,
 * `del data[CONF_TOKEN]`, `data.update({CONF_TOKEN: REDACTED})`.
 */
function locallyMasked(walk: Walk, identifier: Node): boolean {
  const { file, integration } = walk;
  const scope = file.scopeOf(identifier);
  const name = identifier.text;
  const isSecretKey = (key: Node | null | undefined): boolean => {
    const value = key ? file.stringValue(key, integration?.constantString) : undefined;
    if (value !== undefined) return isCredentialKey(value, declaredSecretKeys(file, integration));
    // `for key in ("password", "username"): data[key] = "***"`: the loop's literal keys.
    return key?.type === 'identifier' && loopedKeys(file, key).some((looped) => isSecretKey(looped));
  };
  if (maskedKeyWrites(walk, identifier).some(({ key }) => isSecretKey(key))) return true;
  for (const call of fileIndex(file).callsByScope.get(scope.id) ?? []) {
    if (call.node.startIndex > identifier.startIndex) break;
    if (call.method !== 'update' || call.callee.type !== 'attribute' || call.callee.childForFieldName('object')?.text !== name) continue;
    if (masksByKeywords(walk, call) || (call.args[0] && unwrap(call.args[0]).type === 'dictionary' && dictMasks(walk, unwrap(call.args[0])))) return true;
  }
  return false;
}

/**
 * For a local copy of a payload (`dict(entry.data)`, `entry.data.copy()`, `{**user_input}`) masked key by key
 * (`data[CONF_PASSWORD] = "***"`, `data.pop(CONF_PASSWORD)`): a credential the payload holds that no write masks.
 * Undefined when the copy or the keys cannot be read.
 */
function credentialLeftByMasking(walk: Walk, identifier: Node): string | undefined {
  const { file, integration } = walk;
  const origins = file.origins(identifier);
  if (origins.length !== 1 || origins[0].kind !== 'expression') return undefined;
  const copy = unwrap(origins[0].node);
  const site = copy.type === 'call' ? file.callSite(copy) : undefined;
  const splats = copy.type === 'dictionary' ? copy.namedChildren.filter((child) => child.type === 'dictionary_splat') : [];
  const payload =
    site?.name === 'dict' && site.args.length === 1 ? site.args[0]
    : site?.method === 'copy' ? site.callee.childForFieldName('object')
    : splats.length === 1 && copy.namedChildCount === 1 ? splats[0].namedChild(0)
    : null;
  const held = payload ? heldCredentialKeys(walk, payload) : undefined;
  if (!held) return undefined;
  const masked = new Set<string>();
  for (const { key } of maskedKeyWrites(walk, identifier)) {
    // `for key in (CONF_PASSWORD,): data[key] = "***"`: each key the loop goes through.
    const looped = key.type === 'identifier' ? loopedKeys(file, key) : [];
    const names = (looped.length > 0 ? looped : [key]).map((each) => file.stringValue(each, integration?.constantString));
    if (names.includes(undefined)) return undefined;
    for (const name of names) masked.add(normalizeName(name!));
  }
  return held.find((key) => !masked.has(normalizeName(key)));
}

/**
 * The keys of the dict named `identifier` that its scope masks before that use: `name.pop(key)`, `del name[key]`,
 * `name[key] = "***"` (an inert value), each with where it happens.
 */
function maskedKeyWrites(walk: Walk, identifier: Node): { key: Node; at: Node }[] {
  const { file } = walk;
  const scope = file.scopeOf(identifier);
  const name = identifier.text;
  const index = fileIndex(file);
  const masked: { key: Node; at: Node }[] = [];
  for (const call of index.callsByScope.get(scope.id) ?? []) {
    if (call.node.startIndex > identifier.startIndex) break;
    if (call.callee.type !== 'attribute' || call.callee.childForFieldName('object')?.text !== name) continue;
    if (call.method === 'pop' && call.args[0]) masked.push({ key: call.args[0], at: call.node });
    // `data.update({CONF_PASSWORD: REDACTED})`: each key given a placeholder.
    if (call.method === 'update') {
      const given = call.args[0] ? unwrap(call.args[0]) : undefined;
      for (const pair of given?.type === 'dictionary' ? given.namedChildren : []) {
        const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
        const value = pair.type === 'pair' ? pair.childForFieldName('value') : null;
        if (key && value && isInert(file, value)) masked.push({ key, at: call.node });
      }
    }
  }
  for (const statement of index.statementsByScope.get(scope.id) ?? []) {
    if (statement.startIndex > identifier.startIndex) break;
    const value = statement.type === 'assignment' ? statement.childForFieldName('right') : null;
    if (statement.type !== 'delete_statement' && !(value && isInert(file, value))) continue;
    const target = statement.type === 'assignment' ? statement.childForFieldName('left') : statement.namedChild(0);
    const targets = target?.type === 'expression_list' || target?.type === 'pattern_list' ? target.namedChildren : [target];
    for (const subscript of targets) {
      const key = subscript?.type === 'subscript' && subscript.childForFieldName('value')?.text === name ? subscript.childForFieldName('subscript') : null;
      if (key) masked.push({ key, at: statement });
    }
  }
  return masked;
}

/** For a loop variable over a literal list or tuple (`for key in ("password", "token")`): the items. */
function loopedKeys(file: FileModel, variable: Node): readonly Node[] {
  const binding = file.bindingsOf(variable).find((candidate) => candidate.kind === 'for' && candidate.node.childForFieldName('left')?.text === variable.text);
  const iterable = binding?.value ? unwrap(binding.value) : undefined;
  return iterable && (iterable.type === 'tuple' || iterable.type === 'list') ? iterable.namedChildren : [];
}

function dictMasks(walk: Walk, dict: Node): boolean {
  return dict.namedChildren.some((pair) => {
    if (pair?.type !== 'pair') return false;
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    const name = key ? walk.file.stringValue(key, walk.integration?.constantString) : undefined;
    return name !== undefined && isCredentialKey(name, declaredSecretKeys(walk.file, walk.integration)) && value !== null && isInert(walk.file, value);
  });
}

/** `info = {}; info["token"] = token`: what a local dict receives after it is built. */
function dictAdditions(walk: Walk, identifier: Node, depth: number): SecretCarrier | undefined {
  for (const value of dictAdditionValues(walk.file, identifier, walk.integration)) {
    if (value.key && keyMaskedAfter(walk, identifier, value.key, value.key.endIndex)) continue;
    const found = carriers(walk, value.node, depth - 1)[0];
    if (found) return found;
    if (value.secretKey && !isInert(walk.file, value.node)) return { kind: 'secret', source: value.node.text, node: value.node };
  }
  // `history.append(reading)` before the list is saved or logged: what went in.
  for (const { value: added, call } of walk.file.listAdditions(identifier)) {
    if (call.startIndex > identifier.startIndex) break;
    // A tuple appended is unpacked by position where it is read (`for name, parent, cfg in items`): not followed here.
    if (['tuple', 'parenthesized_expression'].includes(added.type)) continue;
    const found = carriers(walk, added, depth - 1)[0];
    if (found) return found;
  }
  return undefined;
}

/**
 * `data[ATTR_PASSWORD] = "<hidden>"` (or `del`, `.pop`) after index `from` (where the credential was stored under that
 * key, or the dict was bound) and before the dict is used at `identifier`: the code masks it for the log line (and may
 * put it back after).
 */
function keyMaskedAfter(walk: Walk, identifier: Node, key: string | Node, from: number): boolean {
  const { file, integration } = walk;
  const keyName = typeof key === 'string' ? key : file.stringValue(key, integration?.constantString);
  // A constant whose value is not known here (`ATTR_PASSWORD` from another package) is the same key by its name.
  const sameKey = (other: Node | null | undefined) =>
    other != null && (keyName !== undefined ? file.stringValue(other, integration?.constantString) === keyName : typeof key !== 'string' && unwrap(other).text === unwrap(key).text);
  return maskedKeyWrites(walk, identifier).some(({ key: masked, at }) => at.startIndex > from && sameKey(masked));
}

/**
 * The values stored into a local dict by name, in its own scope: `data["config"] = entry.data`,
 * `data.update({...})`, `data.update(key=value)`; `secretKey` says the key they are stored under is a credential key,
 * `key` is that key where it is an expression (a subscript's, a `setdefault`'s) and the dict itself is written to.
 */
export function dictAdditionValues(file: FileModel, identifier: Node, integration: IntegrationModel | undefined): { node: Node; secretKey: boolean; key?: Node }[] {
  const scope = file.scopeOf(identifier);
  const values = additionsInScope(file, scope, identifier.text, identifier.startIndex, integration);
  // `self._merge(data, access_token, refresh_token)`, where the method sets `data["access_token"] = access_token`.
  for (const call of fileIndex(file).callsByScope.get(scope.id) ?? []) {
    if (call.node.startIndex > identifier.startIndex) break;
    // Only calls made before this use, on its way there: what the call this value is handed to does with it comes
    // after, and a call in another branch (`if ...: helper(data) else: ...`) is not made on the way.
    if (call.node.endIndex > identifier.startIndex || !onTheWayTo(call.node, identifier)) continue;
    for (const { fn, name } of parametersHanded(file, call, identifier.text, integration)) values.push(...additionsInScope(file, fn, name, fn.endIndex, integration));
  }
  return values;
}

/**
 * The parameters of this module's functions and methods a call hands the local name `name` to, by position
 * (`self._merge(data)` binds `data` to the parameter after `self`).
 */
function parametersHanded(file: FileModel, call: CallSite, name: string, integration: IntegrationModel | undefined): { fn: Node; name: string }[] {
  const position = call.args.findIndex((argument) => unwrap(argument).type === 'identifier' && unwrap(argument).text === name);
  if (position < 0) return [];
  const handed: { fn: Node; name: string }[] = [];
  for (const helper of resolveCallables(file, call.callee, integration)) {
    if (helper.file !== file || helper.node.type !== 'function_definition') continue;
    const parameters = parametersOf(helper.node);
    const bound = call.callee.type === 'attribute' && /^(self|cls)$/.test(parameters[0]?.name ?? '') ? 1 : 0;
    const parameter = parameters[position + bound];
    if (parameter?.kind === 'plain' && !parameter.keywordOnly) handed.push({ fn: helper.node, name: parameter.name });
  }
  return handed;
}

/** Whether the statement holding `node` sits in a block that also holds `use` (so it runs before `use` does). */
function onTheWayTo(node: Node, use: Node): boolean {
  let statement: Node | null = node;
  while (statement?.parent && statement.parent.type !== 'block' && statement.parent.type !== 'module') statement = statement.parent;
  const block = statement?.parent;
  return block != null && block.startIndex <= use.startIndex && use.endIndex <= block.endIndex;
}

/** The values written into the dict `name` in `scope` before `before`: `name[KEY] = value`, setdefault, update. */
function additionsInScope(file: FileModel, scope: Node, name: string, before: number, integration: IntegrationModel | undefined): { node: Node; secretKey: boolean; key?: Node }[] {
  const values: { node: Node; secretKey: boolean; key?: Node }[] = [];
  const secretKey = (key: Node | null | undefined) => {
    const value = key ? file.stringValue(key, integration?.constantString) : undefined;
    return value !== undefined && isCredentialKey(value, declaredSecretKeys(file, integration));
  };
  const index = fileIndex(file);
  for (const assignment of index.statementsByScope.get(scope.id) ?? []) {
    if (assignment.startIndex > before) break;
    if (assignment.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'subscript' || !right || !nestedIn(left.childForFieldName('value'), name)) continue;
    const key = left.childForFieldName('subscript');
    const direct = unwrap(left.childForFieldName('value') ?? left).type === 'identifier';
    values.push({ node: right, secretKey: secretKey(key), ...(direct && key ? { key } : {}) });
  }
  for (const call of index.callsByScope.get(scope.id) ?? []) {
    if (call.node.startIndex > before) break;
    const receiver = call.callee.childForFieldName('object');
    if (call.method === 'setdefault' && call.args[1] && nestedIn(receiver, name)) {
      const direct = receiver !== null && unwrap(receiver).type === 'identifier';
      values.push({ node: call.args[1], secretKey: secretKey(call.args[0]), ...(direct && call.args[0] ? { key: call.args[0] } : {}) });
      continue;
    }
    // ConfigParser's `config.set(section, "jwt_token", token)`: the option's value under its name.
    if (call.method === 'set' && call.args.length === 3 && receiver !== null && unwrap(receiver).type === 'identifier' && unwrap(receiver).text === name) {
      values.push({ node: call.args[2], secretKey: secretKey(call.args[1]) });
      continue;
    }
    if (call.method !== 'update' || !nestedIn(receiver, name)) continue;
    for (const arg of call.args) values.push({ node: arg, secretKey: false });
    for (const [key, value] of call.keywords) values.push({ node: value, secretKey: isCredentialKey(key) });
  }
  return values;
}

/**
 * Whether an expression is the dict called `name` or a dict inside it: `config`, `config["api"]`,
 * `config.setdefault("api", {})` (what `config.setdefault("api", {}).setdefault("password", pasw)` fills).
 */
function nestedIn(expression: Node | null, name: string, depth = 4): boolean {
  const node = expression ? unwrap(expression) : null;
  if (!node || depth < 0) return false;
  if (node.type === 'identifier') return node.text === name;
  if (node.type === 'subscript') return nestedIn(node.childForFieldName('value'), name, depth - 1);
  if (node.type === 'call') {
    const callee = node.childForFieldName('function');
    return callee?.type === 'attribute' && /^(setdefault|get)$/.test(callee.childForFieldName('attribute')?.text ?? '') && nestedIn(callee.childForFieldName('object'), name, depth - 1);
  }
  return false;
}

/**
 * Whether a payload expression evaluates to the mapping itself, so that wrapping it in `async_redact_data` redacts
 * it (`json.dumps(entry.data)` is a string, which the helper passes through untouched).
 */
export function isMappingPayload(file: FileModel, node: Node, depth = 4): boolean {
  const target = unwrap(node);
  if (depth <= 0) return false;
  switch (target.type) {
    case 'attribute':
    case 'dictionary':
      return true;
    case 'await':
      return target.namedChild(0) !== null && isMappingPayload(file, target.namedChild(0)!, depth - 1);
    case 'subscript': {
      // Only the YAML configuration's own section (`config[DOMAIN]`) is a mapping for sure.
      const index = target.childForFieldName('subscript');
      return index !== null && (index.text === 'DOMAIN' || literalString(index) !== undefined);
    }
    case 'identifier':
      return file.bindingsOf(target).every(
        (binding) => binding.kind === 'parameter' || (binding.kind === 'assign' && binding.value !== null && isMappingPayload(file, binding.value, depth - 1)),
      );
    case 'call': {
      const site = file.callSite(target);
      if (!site) return false;
      if (site.method && ['as_dict', 'json', 'post', 'copy'].includes(site.method)) return true;
      if (site.method === 'get') return site.args[0]?.text === 'DOMAIN';
      return /^(dict|deepcopy|copy\.deepcopy|copy\.copy)$/.test(site.name ?? '');
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Redaction sets and fixes

export interface RedactionSet {
  file: FileModel;
  /** The set, list or tuple literal (or the first of several joined with `|`). */
  node: Node;
  keys: Set<string>;
  /** False when some member could not be resolved to a string (then coverage cannot be judged). */
  complete: boolean;
  /** A mapping of keys to redaction functions (`{CONF_PASSWORD: partial_redact}`), which a fix cannot extend as a set. */
  mapping?: boolean;
}

/** The keys a `to_redact` argument stands for: a literal, a local or module constant (also from const.py), unions. */
export function redactionSetKeys(file: FileModel, argument: Node, integration: IntegrationModel | undefined, depth = 4): RedactionSet | undefined {
  const target = unwrap(argument);
  if (depth <= 0) return undefined;
  if (target.type === 'set' || target.type === 'list' || target.type === 'tuple') {
    const keys = new Set<string>();
    let complete = true;
    for (const member of target.namedChildren) {
      if (!member || member.type === 'comment') continue;
      if (member.type === 'list_splat') {
        const inner = member.namedChild(0) ? redactionSetKeys(file, member.namedChild(0)!, integration, depth - 1) : undefined;
        if (!inner) complete = false;
        else {
          inner.keys.forEach((key) => keys.add(key));
          complete &&= inner.complete;
        }
        continue;
      }
      const value = file.stringValue(member, integration?.constantString);
      if (value === undefined) complete = false;
      else keys.add(value);
    }
    return { file, node: target, keys, complete };
  }
  // `{CONF_PASSWORD: partial_redact, CONF_TOKEN: REDACTED}`: the mapping form of Home Assistant's redact helper.
  if (target.type === 'dictionary') {
    const keys = new Set<string>();
    let complete = true;
    for (const member of target.namedChildren) {
      if (member?.type !== 'pair') {
        if (member && member.type !== 'comment') complete = false;
        continue;
      }
      const value = file.stringValue(member.childForFieldName('key')!, integration?.constantString);
      if (value === undefined) complete = false;
      else keys.add(value);
    }
    return { file, node: target, keys, complete, mapping: true };
  }
  if (target.type === 'call') {
    const site = file.callSite(target);
    if (site && /^(set|frozenset|list|tuple)$/.test(site.name ?? '') && site.args[0]) {
      const inner = redactionSetKeys(file, site.args[0], integration, depth - 1);
      return inner ? { ...inner, node: inner.node } : undefined;
    }
    return undefined;
  }
  if (target.type === 'binary_operator' && ['|', '+'].includes(target.childForFieldName('operator')?.text ?? '')) {
    const left = redactionSetKeys(file, target.childForFieldName('left')!, integration, depth - 1);
    const right = redactionSetKeys(file, target.childForFieldName('right')!, integration, depth - 1);
    if (!left || !right) return undefined;
    return { file: left.file, node: left.node, keys: new Set([...left.keys, ...right.keys]), complete: left.complete && right.complete };
  }
  if (target.type !== 'identifier') return undefined;
  const local = file.bindingsOf(target).find((binding) => binding.kind === 'assign' && binding.value && file.scopeOf(binding.node).type !== 'module');
  if (local?.value) return redactionSetKeys(file, local.value, integration, depth - 1);
  const constant = constantExpression(file, target, integration);
  return constant ? redactionSetKeys(constant.file, constant.node, integration, depth - 1) : undefined;
}

/**
 * What an `async_redact_data` call on the config entry's data leaves in: the credential keys the integration asks for
 * or stores that its key set does not cover (undefined when it covers them, or when the set cannot be read whole).
 */
export function redactionGaps(
  file: FileModel,
  call: CallSite,
  integration: IntegrationModel | undefined,
): { missing: string[]; wanted: CredentialKeys; set: RedactionSet; keysArgument: Node } | undefined {
  const wanted = storedCredentialKeys(file, integration);
  if (wanted.size === 0) return undefined;
  const data = call.args[0] ?? call.keywords.get('data');
  const keysArgument = call.args[1] ?? call.keywords.get('to_redact');
  if (!data || !keysArgument) return undefined;
  const redactsEntry = secretsIn(file, data, integration).some((carrier) => carrier.kind === 'payload' && !isRequestPayload(carrier));
  if (!redactsEntry) return undefined;
  const set = redactionSetKeys(file, keysArgument, integration);
  if (!set || !set.complete) return undefined;
  const missing = [...wanted.keys()].filter((key) => !coversKey(set.keys, key)).sort();
  return missing.length > 0 ? { missing, wanted, set, keysArgument } : undefined;
}

/** How to word a redaction's gaps, and the fix adding the missing keys where the set is written in this file. */
export function describeGaps(
  file: FileModel,
  integration: IntegrationModel | undefined,
  gaps: NonNullable<ReturnType<typeof redactionGaps>>,
): { quoted: string; them: string; here: boolean; fix: Fix | undefined } {
  const here = gaps.set.file === file;
  const quoted = gaps.missing.map((name) => `"${name}"`).join(', ');
  const known = credentialKeys(file, integration);
  const edits = here && !gaps.set.mapping ? extendKeySet(file, integration, gaps.set.node, new Map(gaps.missing.map((name) => [name, gaps.wanted.get(name) ?? known.get(name)]))) : undefined;
  return { quoted, them: gaps.missing.length === 1 ? 'it' : 'them', here, fix: edits ? { title: `Add ${quoted} to the redacted keys`, safe: true, edits } : undefined };
}

/** Whether a key set covers a credential key: itself, or for a dict-valued key like OAuth's `token`, its parts. */
export function coversKey(keys: ReadonlySet<string>, key: string): boolean {
  if (keys.has(key)) return true;
  const normalized = normalizeName(key);
  // An OAuth entry's "token" is a dict: redacting only its access token leaves the long-lived refresh token in.
  if (normalized === 'token') return [...keys].some((covered) => /(^|_)refresh_token$/.test(normalizeName(covered))) && [...keys].some((covered) => /(^|_)access_token$/.test(normalizeName(covered)));
  return [...keys].some((covered) => normalizeName(covered).endsWith(`_${normalized}`));
}

export interface RedactionSetup {
  edits: TextEdit[];
  /** What to call: `async_redact_data` or the file's alias for it. */
  redact: string;
  /** The key set to pass: `TO_REDACT` or the file's alias for it. */
  keys: string;
  /** False when an existing set in another module misses some of `cover` (the user must add them there). */
  complete: boolean;
}

/**
 * What a fix needs to write `async_redact_data(value, TO_REDACT)` in a file: the helper imported once (from
 * `homeassistant.components.diagnostics`, unless the file has it from either module), and a `TO_REDACT` that exists
 * (in the file, imported, or in the integration's const.py) or is created after the imports from the integration's
 * credential keys, importing their `CONF_` constants as needed. An existing set in this file that misses keys of
 * `cover` gets them added. Undefined when there is nothing to redact with.
 */
export function redactionSetup(file: FileModel, integration: IntegrationModel | undefined, cover: CredentialKeys = new Map()): RedactionSetup | undefined {
  const edits: TextEdit[] = [];
  let redact = file.importOf(REDACT_FUNCTIONS)?.[0];
  if (!redact) {
    if (file.imports.has('async_redact_data') || !file.isBuiltin('async_redact_data')) return undefined;
    redact = 'async_redact_data';
    const edit = addImport(file, 'homeassistant.components.diagnostics', 'async_redact_data');
    if (edit) edits.push(edit);
  }
  const existing = existingRedactionSet(file, integration, edits);
  if (existing) {
    let complete = true;
    const missing = existing.set ? [...cover.keys()].filter((key) => !coversKey(existing.set!.keys, key)) : [];
    if (missing.length > 0 && existing.set?.file === file && !existing.set.mapping) {
      const extension = extendKeySet(file, integration, existing.set.node, new Map(missing.map((key) => [key, cover.get(key)])));
      if (extension) edits.push(...extension);
      else complete = false;
    } else if (missing.length > 0) {
      complete = false;
    }
    return { edits: mergeInserts(edits), redact, keys: existing.name, complete };
  }
  if (!file.isBuiltin('TO_REDACT')) return undefined;
  const wanted = new Map(credentialKeys(file, integration));
  for (const [key, spelling] of cover) if (!wanted.has(key)) wanted.set(key, spelling);
  if (wanted.size === 0) return undefined;
  const members = keyExpressions(file, integration, wanted, edits);
  const after = afterDefinitions(file, members);
  edits.push(insertAt(after.line, after.character, `\nTO_REDACT = {${members.join(', ')}}\n`));
  return { edits: mergeInserts(edits), redact, keys: 'TO_REDACT', complete: true };
}

/** The `TO_REDACT` a file can use, with its keys when they can be read. */
function existingRedactionSet(file: FileModel, integration: IntegrationModel | undefined, edits: TextEdit[]): { name: string; set: RedactionSet | undefined } | undefined {
  const local = file.constants.get('TO_REDACT');
  if (local && !file.imports.has('TO_REDACT')) return { name: 'TO_REDACT', set: redactionSetKeys(file, local, integration) };
  const imported = file.importOf(/(^|\.)TO_REDACT$/);
  if (imported) {
    const constant = integration?.resolveConstant(imported[1]);
    return { name: imported[0], set: constant ? redactionSetKeys(constant.file, constant.node, integration) : undefined };
  }
  // Reuse the integration's const.py set; other modules may import the integration's package (a cycle).
  const constModule = siblingModule(file, 'const');
  const constFile = constModule && integration?.moduleFile(constModule.qualified);
  const value = constFile && constFile !== file ? constFile.constants.get('TO_REDACT') : undefined;
  if (constModule && constFile && value && file.isBuiltin('TO_REDACT')) {
    // Joins the module's `from .const import ...` where it has one.
    const edit = importNames(file, constModule.relative, ['TO_REDACT']);
    if (edit) edits.push(edit);
    return { name: 'TO_REDACT', set: redactionSetKeys(constFile, value, integration) };
  }
  return undefined;
}

/** Edits adding keys to a set, list or tuple literal of this file (and importing their constants), or undefined. */
export function extendKeySet(file: FileModel, integration: IntegrationModel | undefined, literal: Node, keys: CredentialKeys): TextEdit[] | undefined {
  if (!['set', 'list', 'tuple'].includes(literal.type)) return undefined;
  const members = literal.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
  const last = members[members.length - 1];
  if (!last || (literal.type === 'tuple' && members.length === 1 && last.nextSibling?.type === ',')) return undefined;
  const edits: TextEdit[] = [];
  const expressions = keyExpressions(file, integration, keys, edits);
  const trailingComma = last.nextSibling?.type === ',' ? last.nextSibling : null;
  if (trailingComma && last.startPosition.row !== literal.startPosition.row) {
    // A line of its own for each key, after the last one's line and its comment, indented as that line is.
    const line = rangeOf(trailingComma).end.line;
    const text = file.lineText(line);
    const after = text.slice(rangeOf(trailingComma).end.character);
    const indent = /^\s*/.exec(file.lineText(last.startPosition.row))![0];
    const at = /^\s*(#.*)?$/.test(after) ? text.length : rangeOf(trailingComma).end.character;
    edits.push(insertAt(line, at, expressions.map((expression) => `\n${indent}${expression},`).join('')));
  } else {
    const end = rangeOf(last).end;
    edits.push(insertAt(end.line, end.character, expressions.map((expression) => `, ${expression}`).join('')));
  }
  return edits;
}

function siblingModule(file: FileModel, name: string): { qualified: string; relative: string } | undefined {
  const parts = file.moduleName.split('.');
  if (parts.length < 2) return undefined;
  return { qualified: [...parts.slice(0, -1), name].join('.'), relative: `.${name}` };
}

/**
 * Python expressions for credential keys: the constant naming each (`CONF_PASSWORD`), imported from
 * `homeassistant.const` or the integration's const.py when the file lacks it, else a string literal in the file's
 * quote style. Import edits are appended to `edits`.
 */
export function keyExpressions(file: FileModel, integration: IntegrationModel | undefined, keys: CredentialKeys, edits: TextEdit[]): string[] {
  const quote = quoteStyle(file);
  const toImport = new Map<string, string[]>();
  const constModule = siblingModule(file, 'const');
  const members = [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, qualified]) => {
    const cut = qualified ? qualified.lastIndexOf('.') : -1;
    const module = qualified && cut > 0 ? qualified.slice(0, cut) : undefined;
    const name = qualified && cut > 0 ? qualified.slice(cut + 1) : undefined;
    if (module && name) {
      if (file.imports.get(name) === qualified || (module === file.moduleName && file.constants.has(name))) return name;
      const importable = module === 'homeassistant.const' ? module : module === constModule?.qualified && integration?.moduleFile(module) ? constModule.relative : undefined;
      if (importable && file.isBuiltin(name) && !file.constants.has(name)) {
        toImport.set(importable, [...(toImport.get(importable) ?? []), name]);
        return name;
      }
    }
    return `${quote}${key}${quote}`;
  });
  for (const [module, names] of toImport) {
    const edit = importNames(file, module, names);
    if (edit) edits.push(edit);
  }
  return members;
}

/** `from module import a, b`: joins an existing `from module import ...` statement, or adds one statement. */
function importNames(file: FileModel, module: string, names: string[]): TextEdit | undefined {
  for (const statement of file.root.namedChildren) {
    if (statement?.type !== 'import_from_statement' || statement.childForFieldName('module_name')?.text !== module) continue;
    const imported = statement.childrenForFieldName('name').filter((child): child is Node => child !== null);
    const last = imported[imported.length - 1];
    if (!last) continue;
    const trailingComma = last.nextSibling?.type === ',' ? last.nextSibling : null;
    if (trailingComma && last.startPosition.row !== statement.startPosition.row) {
      const indent = ' '.repeat(last.startPosition.column);
      const end = rangeOf(trailingComma).end;
      return insertAt(end.line, end.character, names.map((name) => `\n${indent}${name},`).join(''));
    }
    const end = rangeOf(last).end;
    return insertAt(end.line, end.character, names.map((name) => `, ${name}`).join(''));
  }
  const edit = addImport(file, module, names[0]);
  return edit ? { ...edit, newText: edit.newText.replace(`import ${names[0]}`, `import ${names.join(', ')}`) } : undefined;
}

/** Inserts at one position become one edit, so every client applies them in the order given. */
function mergeInserts(edits: TextEdit[]): TextEdit[] {
  const merged: TextEdit[] = [];
  for (const edit of edits) {
    const isInsert = (candidate: TextEdit) => candidate.range.start.line === candidate.range.end.line && candidate.range.start.character === candidate.range.end.character;
    const same = merged.find((other) => isInsert(other) && isInsert(edit) && other.range.start.line === edit.range.start.line && other.range.start.character === edit.range.start.character);
    if (same) same.newText += edit.newText;
    else merged.push({ ...edit });
  }
  return merged;
}

/** Where a module-level definition goes: the start of the line after the imports, or the end of the text. */
/**
 * Where a new module-level set naming `members` can go: after the imports, and after the module's own constants it
 * names (`CONF_CLIENT_SECRET = "client_secret"` below the imports), or importing the module would fail.
 */
function afterDefinitions(file: FileModel, members: readonly string[]): { line: number; character: number } {
  let line = lineAfterImports(file);
  for (const member of members) {
    const value = /^[A-Za-z_]\w*$/.test(member) && !file.imports.has(member) ? file.constants.get(member) : undefined;
    let statement: Node | null | undefined = value;
    while (statement?.parent && statement.parent.id !== file.root.id) statement = statement.parent;
    if (statement) line = Math.max(line, rangeOf(statement).end.line + 1);
  }
  return lineStart(file, line);
}

function lineStart(file: FileModel, line: number): { line: number; character: number } {
  // The file ends on the statement the set goes after, without a line break: there is no next line to start.
  const last = file.lineCount - 1;
  return line > last ? { line: last, character: file.lineText(last).length } : { line, character: 0 };
}

function lineAfterImports(file: FileModel): number {
  let line = 0;
  for (const child of file.root.namedChildren) {
    if (!child) continue;
    if (child.type === 'import_statement' || child.type === 'import_from_statement' || child.type === 'future_import_statement') line = rangeOf(child).end.line + 1;
  }
  if (line === 0) {
    // No imports: after the module docstring, if any.
    const first = file.root.namedChildren.find((child) => child !== null && child.type !== 'comment');
    if (first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string') line = rangeOf(first).end.line + 1;
  }
  return line;
}

/** The quote the file mostly uses for strings. */
export function quoteStyle(file: FileModel): string {
  let quote = quoteCache.get(file);
  if (quote === undefined) {
    let single = 0;
    let double = 0;
    for (const start of indexNodesOfType(file, 'string_start')) {
      if (start.text.endsWith("'")) single++;
      else if (start.text.endsWith('"')) double++;
    }
    quote = single > double ? "'" : '"';
    quoteCache.set(file, quote);
  }
  return quote;
}

const quoteCache = new WeakMap<FileModel, string>();

/** Replaces a value with the redaction marker, in the file's quote style. */
export function redactedLiteral(file: FileModel, node: Node): TextEdit {
  const quote = quoteStyle(file);
  return replaceNode(node, `${quote}${REDACTED_MARKER}${quote}`);
}

/** Home Assistant's own marker (`homeassistant.components.diagnostics.REDACTED`). */
export const REDACTED_MARKER = '**REDACTED**';
