import type { Node, SyntaxTree } from '../python/syntaxTree';
import { comparisonParts, descendants, firstFound, interpolations, parameterAnnotation, unwrap } from '../python/syntax';
import { derivedKey, type CallSite, type FileModel } from './fileModel';
import type { IntegrationModel } from './integration';
import { markedKey } from './schemaKeys';

/**
 * Home Assistant's untrusted inputs, and the local data flow from them.
 *
 * `untrustedSource(file, expression, integration?)` answers whether a value may carry data that someone outside
 * the integration controls, and which kind:
 * - `service-data`: `call.data` (and anything read from it) where `call` is the ServiceCall of a service handler:
 *   a function registered with `hass.services.async_register`, `async_register_admin_service`,
 *   `platform.async_register_entity_service` or `service.async_register_platform_entity_service` (the
 *   registration may sit in another module of the integration), a parameter annotated `ServiceCall`, or one
 *   named `call` / `service_call`. Entity service methods named by a string (`"async_boost"`) get the data as
 *   keyword parameters, so their parameters are service data as a whole.
 * - `flow-input`: the input of a config/options/subentry flow `async_step_*` method (`user_input`, discovery info).
 * - `webhook`: what a webhook handler (registered with `webhook.async_register`) reads from its request:
 *   `await request.json()` / `.post()` / `.text()` / `.read()`, `request.query`, `request.headers`,
 *   `request.match_info`, `request.cookies`, ... . `request.app["hass"]` and `request[KEY_HASS_USER]` are not data.
 * - `view-request`: the same for the `get`/`post`/... methods of a `HomeAssistantView` subclass, whose further
 *   parameters (URL path parameters) are untrusted as a whole.
 * - `request`: the same for any parameter annotated `aiohttp.web.Request`.
 *
 * Values derived from those stay untrusted: local assignments (transitively), attributes, subscripts,
 * `.get(...)` and other methods called on them, f-strings, `+`, `%`, `.format`, `str()`, `os.path.join`,
 * `Path(...)`, `"/".join(...)`, schema calls (`SCHEMA(data)` validates types, not content) and the parameters of
 * the integration's own helpers called with untrusted arguments (two calls deep, also through
 * `hass.async_add_executor_job(fn, ...)` and `functools.partial`). Conversions that leave no text to inject
 * (`int()`, `float()`, `len()`, comparisons) end the flow. Which further functions sanitise is rule-specific
 * (`Path(x).name` makes a file name safe, not a SQL string), so rules check their own sanitisers.
 *
 * Also exported for rules: `registeredHandlers` (service and webhook handler definitions of an integration),
 * `webhookRegistrations`, `resolveCallable(s)` (the `def` a callable reference names, across modules),
 * `isViewClass`, `viewHandlers`, `requestHandlerKind` and `isRequestObject`.
 */

export type UntrustedKind = 'service-data' | 'flow-input' | 'webhook' | 'view-request' | 'request';

export interface UntrustedSource {
  kind: UntrustedKind;
  /** For messages: "service call data", "config flow input", ... */
  description: string;
  /** The parameter the data enters through. */
  node: Node;
  /** For request objects, the part that was read: `headers`, `json`, `query`, `match_info`, ... */
  part?: string;
}

/**
 * What an administrator typed into a config flow's form (the step's `user_input`), as opposed to what discovery found
 * on the network: often a setting the integration is for (a SQL query, a download folder), which a person weighs.
 */
export function isAdministratorFormInput(source: UntrustedSource | undefined): boolean {
  return source?.kind === 'flow-input' && /^user_input\b/.test(source.node.text);
}

/**
 * The callee of a call that checks data against a schema or a model: `SCHEMA(data)`, `vol.Schema(...)(data)`,
 * `validate_input(data)`, `Model.parse_obj(data)`, `Model.model_validate(data)`.
 */
export const VALIDATION_CALLEE = /schema|validat|(^|\.)vol\.|voluptuous|probatio|(^|\.)(parse_obj|parse_obj_as|parse_raw|from_dict|model_validate|model_validate_json)$/i;

const DESCRIPTIONS: Record<UntrustedKind, string> = {
  'service-data': 'service call data',
  'flow-input': 'config flow input',
  webhook: 'a webhook request',
  'view-request': 'an HTTP request',
  request: 'an HTTP request',
};

/** How a parameter carries untrusted data: as a whole, through `.data`, or through a request's accessors. */
type Role = 'data' | 'service-call' | 'request-object';

interface ParameterRole {
  kind: UntrustedKind;
  role: Role;
  description?: string;
}

/** The parts of an aiohttp request that hold what the client sent. */
const REQUEST_DATA = new Set([
  'json', 'post', 'text', 'read', 'content', 'multipart', 'query', 'rel_url', 'url', 'path', 'path_qs', 'raw_path',
  'query_string', 'headers', 'raw_headers', 'match_info', 'cookies', 'body', 'host', 'forwarded',
]);

const SERVICE_REGISTRATION = /(^|\.)services\.(async_)?register$/;
const ADMIN_SERVICE_REGISTRATION = /(^|\.)async_register_admin_service$/;
const ENTITY_SERVICE_REGISTRATION = /(^|\.)async_register_entity_service$/;
const PLATFORM_ENTITY_SERVICE_REGISTRATION = /(^|\.)async_register_platform_entity_service$/;
const WEBHOOK_REGISTRATION = /(^|\.)components\.webhook\.async_register$|^webhook\.async_register$/;
const VIEW_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'head', 'options']);
const FLOW_STEP = /^async_step_/;
const DISCOVERY_STEP = /^async_step_(zeroconf|dhcp|ssdp|usb|bluetooth|mqtt|homekit|hassio|discovery|integration_discovery)$/;
const SERVICE_CALL_NAMES = new Set(['call', 'service_call']);
const REQUEST_TYPES = /^aiohttp\.(web|web_request)\.(Base)?Request$/;

/** Calls whose result holds no text from their arguments. */
const CONVERSIONS = new Set(['int', 'float', 'bool', 'len', 'round', 'abs', 'hash', 'isinstance', 'issubclass', 'callable', 'id', 'type', 'ord']);
/** Methods whose result is a number or a truth value. */
const SCALAR_METHODS = /^(is\w*|startswith|endswith|count|find|rfind|index|rindex|__len__|__contains__|has_key|total_seconds|timestamp)$/;
/** Calls whose result carries the text (or items) of their arguments. */
const PASSTHROUGH_FUNCTIONS = /^(str|repr|bytes|bytearray|format|dict|list|tuple|set|frozenset|sorted|reversed|next|iter|os\.fspath|os\.path\.(join|abspath|normpath|realpath|expanduser|expandvars|dirname|basename|relpath|splitext|split)|(pathlib\.)?(Path|PurePath|PosixPath|PurePosixPath|WindowsPath)|urllib\.parse\.\w+|json\.(loads|dumps)|base64\.\w+|binascii\.\w+|codecs\.(decode|encode)|shlex\.(quote|join|split)|html\.unescape|textwrap\.\w+|re\.sub|yarl\.URL|URL|string\.Template|(\w+\.)?(cv|config_validation)\.\w+|voluptuous\.\w+|vol\.\w+|probatio\.\w+)$/;
/** Methods whose result carries the text of their arguments (`"/".join(parts)`, `TEMPLATE.format(name=x)`). */
const PASSTHROUGH_METHODS = new Set(['join', 'joinpath', 'format', 'format_map', 'replace', 'with_name', 'with_suffix', 'with_path', 'with_query', 'update_query', 'extend_query', 'substitute', 'safe_substitute', 'path']);

interface Context {
  integration: IntegrationModel | undefined;
  /** Helper parameters being followed, to stop at recursion. */
  following: Set<string>;
  /**
   * While a helper's return is read for one call of it (`self.get_path(name)`), what that call hands each of the
   * helper's parameters (null: nothing, the default), by `path#function id#name`: the helper's other callers do not
   * decide what this call returns.
   */
  bound?: ReadonlyMap<string, { file: FileModel; node: Node } | null>;
}

const nearCache = new WeakMap<object, Map<string, UntrustedSource | null>>();
const distantCache = new WeakMap<object, Map<string, UntrustedSource | null>>();

/** Whether (and how) a value may carry data controlled from outside the integration. */
export function untrustedSource(file: FileModel, expression: Node, integration?: IntegrationModel): UntrustedSource | undefined {
  return cachedSource(nearCache, file, expression, integration, () => sourceOf({ integration, following: new Set() }, file, expression, undefined, 8, 2));
}

/**
 * Like untrustedSource, following the value through one more of the integration's helpers (a service handler
 * handing its data to a manager method that hands a path on twice more), but only to data from outside Home
 * Assistant: a service call, a webhook or a request. What someone typed into a config flow that far away is left out.
 */
export function distantUntrustedSource(file: FileModel, expression: Node, integration?: IntegrationModel): UntrustedSource | undefined {
  return (
    untrustedSource(file, expression, integration) ??
    cachedSource(distantCache, file, expression, integration, () => {
      const found = sourceOf({ integration, following: new Set() }, file, expression, undefined, 12, 3);
      return found?.kind === 'flow-input' ? undefined : found;
    })
  );
}

/** A source found once per expression and integration (or lone file). */
function cachedSource(
  caches: WeakMap<object, Map<string, UntrustedSource | null>>,
  file: FileModel,
  expression: Node,
  integration: IntegrationModel | undefined,
  find: () => UntrustedSource | undefined,
): UntrustedSource | undefined {
  const owner: object = integration ?? file;
  let cache = caches.get(owner);
  if (!cache) {
    cache = new Map();
    caches.set(owner, cache);
  }
  const key = `${file.path}#${expression.id}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const found = find();
  cache.set(key, found ?? null);
  return found;
}

/** True when `expression` is (an alias of) the request object of a webhook handler, view method or aiohttp handler. */
export function isRequestObject(file: FileModel, expression: Node, integration?: IntegrationModel, depth = 4): boolean {
  const target = unwrap(expression);
  if (target.type !== 'identifier' || depth <= 0) return false;
  return file.bindingsOf(target).some((binding) => {
    if (binding.kind === 'parameter') {
      const fn = binding.node.parent?.parent;
      return fn?.type === 'function_definition' && parameterRole(file, fn, binding.name, integration)?.role === 'request-object';
    }
    return binding.kind === 'assign' && binding.value !== null && isRequestObject(file, binding.value, integration, depth - 1);
  });
}

/** What the class stores into `self.name` anywhere (`self._file_path = file_path` in a service method), if outside data. */
function selfAttributeSource(context: Context, file: FileModel, attribute: Node, depth: number, helpers: number): UntrustedSource | undefined {
  const name = attribute.childForFieldName('attribute')?.text;
  const cls = classOfMethodAround(file, attribute);
  if (!name || !cls) return undefined;
  const key = `${file.path}#${cls.id}.${name}`;
  if (context.following.has(key)) return undefined;
  context.following.add(key);
  try {
    return firstFound(file.selfAttributeWrites(cls, name).values, (value) => sourceOf(context, file, value, undefined, depth - 1, helpers));
  } finally {
    context.following.delete(key);
  }
}

/**
 * @param access how the value is used where the flow started: the attribute read from it (`data` in `call.data`),
 *   `[]` for a subscript; undefined for the value as a whole.
 * @param helpers how many helper calls may still be followed back to their callers.
 */
function sourceOf(context: Context, file: FileModel, expression: Node, access: string | undefined, depth: number, helpers: number): UntrustedSource | undefined {
  if (depth <= 0) return undefined;
  const node = unwrap(expression);
  const next = (child: Node | null | undefined, childAccess?: string) => (child ? sourceOf(context, file, child, childAccess, depth - 1, helpers) : undefined);
  const firstOf = (children: readonly (Node | null | undefined)[]) => firstFound(children, (child) => next(child));
  // Reading a part of a value (`request.headers["Authorization"]`) descends into the same expression: no depth spent.
  const part = (child: Node | null | undefined, childAccess?: string) => (child ? sourceOf(context, file, child, childAccess, depth, helpers) : undefined);
  switch (node.type) {
    case 'identifier':
      return identifierSource(context, file, node, accessAt(node) ?? access, depth, helpers);
    case 'attribute': {
      const object = node.childForFieldName('object');
      if (object?.type === 'identifier' && object.text === 'self') {
        // `self.path` of a standard library request handler (`class Handler(BaseHTTPRequestHandler)`): the request's.
        const handled = stdlibRequestPart(context, file, node);
        if (handled) return handled;
        // `self._file_path`, set from service data in one method and opened in another.
        const stored = selfAttributeSource(context, file, node, depth, helpers);
        if (stored) return stored;
      }
      return part(object);
    }
    case 'subscript':
      // `call.data["unit"]` of a field the service schema limits to fixed values (`vol.In(UNITS)`): one of those.
      if (isFixedChoiceField(context, file, node)) return undefined;
      // `MAPPING[key]` is one of MAPPING's values whoever picks the key; `data["key"]` is data.
      return part(node.childForFieldName('value'));
    case 'call':
      return callSource(context, file, node, depth, helpers);
    case 'string':
    case 'concatenated_string':
      return firstOf(interpolations(node));
    case 'binary_operator':
    case 'boolean_operator':
      return firstOf([node.childForFieldName('left'), node.childForFieldName('right')]);
    case 'conditional_expression':
      return firstOf([node.namedChild(0), node.namedChild(2)]);
    case 'await': {
      // Awaiting hands the value on unchanged; it costs no depth (a multipart part read in a loop and handed to a
      // helper took more steps than the depth allows once every `await` counted as one).
      const awaited = node.namedChildren.find((child) => child.type !== 'comment');
      return awaited ? sourceOf(context, file, awaited, undefined, depth, helpers) : undefined;
    }
    case 'list_splat':
    case 'dictionary_splat':
    case 'parenthesized_expression':
      return firstOf(node.namedChildren);
    case 'named_expression':
      return next(node.childForFieldName('value'));
    case 'keyword_argument':
      return next(node.childForFieldName('value'));
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
    case 'dictionary':
    case 'pair':
      return firstOf(node.namedChildren);
    case 'list_comprehension':
    case 'set_comprehension':
    case 'generator_expression':
    case 'dictionary_comprehension': {
      const body = node.childForFieldName('body');
      const iterables = node.namedChildren.filter((child) => child?.type === 'for_in_clause').map((clause) => clause?.childForFieldName('right'));
      return firstOf([body, ...iterables]);
    }
    default:
      // Numbers, None, booleans, comparisons and `not` hold no text from outside.
      return undefined;
  }
}

function identifierSource(context: Context, file: FileModel, identifier: Node, access: string | undefined, depth: number, helpers: number): UntrustedSource | undefined {
  for (const binding of file.bindingsOf(identifier)) {
    if (binding.kind === 'parameter') {
      const fn = binding.node.parent?.parent;
      if (!fn || fn.type !== 'function_definition') continue;
      const found = parameterSource(context, file, fn, binding.name, binding.node, access, depth, helpers);
      if (found) return found;
      continue;
    }
    if (!binding.value || binding.kind === 'def' || binding.kind === 'import') continue;
    // An alias (`r = request`) keeps the use's access; any other value is data as a whole.
    const value = unwrap(binding.value);
    const found = sourceOf(context, file, value, value.type === 'identifier' ? access : undefined, depth - 1, helpers);
    if (found) return found;
  }
  return undefined;
}

/** The attribute read from an identifier (`data` for `call.data`), `[]` for a subscript. */
function accessAt(identifier: Node): string | undefined {
  const parent = identifier.parent;
  if (!parent) return undefined;
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === identifier.id) return parent.childForFieldName('attribute')?.text;
  if (parent.type === 'subscript' && parent.childForFieldName('value')?.id === identifier.id) return '[]';
  return undefined;
}

function callSource(context: Context, file: FileModel, node: Node, depth: number, helpers: number): UntrustedSource | undefined {
  const site = file.callSite(node);
  const callee = node.childForFieldName('function');
  if (!site || !callee) return undefined;
  const name = site.name ?? '';
  if (CONVERSIONS.has(name) && file.isBuiltin(name)) return undefined;
  if (site.method && SCALAR_METHODS.test(site.method)) return undefined;
  const next = (child: Node) => sourceOf(context, file, child, undefined, depth - 1, helpers);
  if (callee.type === 'attribute') {
    if (site.method === 'get' && isFixedChoiceField(context, file, node)) return undefined;
    const receiver = callee.childForFieldName('object');
    // `call.data.get("x")`, `(await request.json())["x"]`, `name.strip()`: the result comes from the receiver. Like an
    // await, a step into the receiver costs no depth (`header.strip().split(" ")` is one value, not three): only
    // hops between names and functions do, and a receiver is always a smaller part of the same expression.
    const fromReceiver = receiver ? sourceOf(context, file, receiver, undefined, depth, helpers) : undefined;
    if (fromReceiver) return fromReceiver;
  }
  const passes =
    PASSTHROUGH_FUNCTIONS.test(name) ||
    // `jwt.decode(token, options={"verify_signature": False})`: claims anyone could have written.
    (/(^|\.)jwt\.decode$/.test(name) && /verify_signature['"]?\s*:\s*False|\bverify\s*=\s*False/.test(node.text)) ||
    (site.method !== undefined && PASSTHROUGH_METHODS.has(site.method)) ||
    /(^|\.|_)schema$/i.test(name) ||
    // `vol.Schema({...})(data)`: validated data is still the caller's data.
    (callee.type === 'call' && /(^|\.)Schema$/.test(file.callSite(callee)?.name ?? ''));
  if (!passes) return helpers > 0 ? normalizerReturnSource(context, file, callee, depth, helpers) : undefined;
  for (const argument of [...site.args, ...site.keywords.values()]) {
    const found = next(argument);
    if (found) return found;
  }
  return undefined;
}

/**
 * `call.data["unit"]` or `call.data.get("unit")` in a service handler whose registered schema takes the field only as
 * one of fixed values (`vol.In(ALLOWED_UNITS)`): the sender picks one of the integration's own values, not free text.
 */
function isFixedChoiceField(context: Context, file: FileModel, read: Node): boolean {
  const site = read.type === 'call' ? file.callSite(read) : undefined;
  const data = read.type === 'subscript' ? read.childForFieldName('value') : site?.method === 'get' ? site.callee.childForFieldName('object') : null;
  const holder = data?.type === 'attribute' && data.childForFieldName('attribute')?.text === 'data' ? data.childForFieldName('object') : null;
  if (holder?.type !== 'identifier') return false;
  const keyNode = read.type === 'subscript' ? read.childForFieldName('subscript') : site?.args[0];
  const key = keyNode ? file.stringValue(keyNode, context.integration?.constantString) : undefined;
  const handler = key !== undefined ? file.origins(holder).find((origin) => origin.kind === 'parameter')?.scope : undefined;
  if (!handler || key === undefined) return false;
  const validators = serviceFieldValidators(handler, key, file, context.integration);
  return validators.length > 0 && validators.every(({ file: owner, node }) => isFixedChoice(owner, node));
}

/**
 * A value that can only be one of the integration's fixed values because the service schema says so: the field read
 * (`call.data["unit"]`), or a name bound to it (`unit = call.data["unit"]`).
 */
export function isFixedChoiceValue(file: FileModel, expression: Node, integration: IntegrationModel | undefined): boolean {
  const node = unwrap(expression);
  const context: Context = { integration, following: new Set() };
  if (node.type === 'subscript' || node.type === 'call') return isFixedChoiceField(context, file, node);
  if (node.type !== 'identifier') return false;
  const origins = file.origins(node);
  return origins.length > 0 && origins.every((origin) => origin.kind === 'expression' && origin.node.id !== node.id && ['subscript', 'call'].includes(unwrap(origin.node).type) && isFixedChoiceField(context, file, unwrap(origin.node)));
}

/** `vol.In([...])`, also inside `vol.All(cv.string, vol.In([...]))`. */
export function isFixedChoice(file: FileModel, validator: Node): boolean {
  const target = unwrap(validator);
  const site = target.type === 'call' ? file.callSite(target) : undefined;
  if (!site) return false;
  if (/(^|\.)In$/.test(site.name ?? '')) return true;
  return /(^|\.)All$/.test(site.name ?? '') && site.args.some((argument) => isFixedChoice(file, argument));
}

/** What a standard library request handler reads from its request, by attribute, as the part of the request it is. */
const STDLIB_REQUEST_PARTS: ReadonlyMap<string, string> = new Map([['path', 'query'], ['requestline', 'query'], ['raw_requestline', 'query'], ['headers', 'headers'], ['rfile', 'body']]);
const STDLIB_HANDLERS = /^(http\.server\.(Base|Simple|CGI)HTTPRequestHandler|socketserver\.(Base|Stream|Datagram)RequestHandler)$/;

/** `self.path`, `self.headers`, `self.rfile` in a method of a class deriving from http.server's request handlers. */
function stdlibRequestPart(context: Context, file: FileModel, attribute: Node): UntrustedSource | undefined {
  const part = STDLIB_REQUEST_PARTS.get(attribute.childForFieldName('attribute')?.text ?? '');
  if (!part || !file.mentions(/RequestHandler/)) return undefined;
  const cls = classOfMethodAround(file, attribute);
  if (!cls || !classLineage(file, cls, context.integration).outsideBases.some((base) => STDLIB_HANDLERS.test(base))) return undefined;
  return { kind: 'request', description: DESCRIPTIONS.request, node: attribute, part };
}

/** Text methods that reshape a value without judging it: a helper built from these alone hands its input on. */
const RESHAPING_METHODS = /^(strip|lstrip|rstrip|lower|upper|casefold|title|capitalize|removeprefix|removesuffix|startswith|endswith|format)$/;

/** Calls that put a value into a path as it is: `os.path.join(base, name)`, `Path(base) / name`, `hass.config.path(name)`. */
const PATH_BUILDERS = /(^|\.)(os\.path\.(join|normpath|abspath|expanduser)|posixpath\.join|Path|PurePath|PosixPath|config\.path)$/;

function buildsPath(site: CallSite): boolean {
  return PATH_BUILDERS.test(site.name ?? '') || site.method === 'joinpath';
}

/**
 * `_normalize_path(call.data.get("path"))`, with `def _normalize_path(raw): return (raw or "www").strip("/").lower()`:
 * what one of the integration's own functions returns, when it only reshapes text (the methods above, f-strings,
 * operators), raises and asserts nothing but a missing or empty value, and every value it returns comes from outside.
 * A helper that checks or cleans its input (any other raise, a fallback value, a sanitizer or any other call) is left
 * alone: the rules judge checks where they see them, and they cannot see into such a helper from its caller.
 */
function normalizerReturnSource(context: Context, file: FileModel, callee: Node, depth: number, helpers: number): UntrustedSource | undefined {
  for (const target of resolveCallables(file, callee, context.integration)) {
    const fn = target.node;
    if (fn.type !== 'function_definition') continue;
    const key = `${target.file.path}#${fn.id}#return`;
    if (context.following.has(key) || !onlyReshapesText(target.file, fn)) continue;
    // `return None` where the data lacks the part asked for is no value at all, not a fallback that replaces it.
    const returned = target.file.returnedValues(fn).filter((value) => unwrap(value).type !== 'none');
    if (returned.length === 0) continue;
    context.following.add(key);
    try {
      const call = callee.parent?.type === 'call' ? file.callSite(callee.parent) : undefined;
      const inner = call ? { ...context, bound: boundArguments(context, file, call, target.file, fn) } : context;
      const sources = returned.map((value) => sourceOf(inner, target.file, value, undefined, depth - 1, helpers - 1));
      if (sources.every((source) => source !== undefined)) return sources[0];
    } finally {
      context.following.delete(key);
    }
  }
  return undefined;
}

/** What `call` (made in `file`) hands each parameter of `fn`, added to what the context has bound already. */
function boundArguments(context: Context, file: FileModel, call: CallSite, fnFile: FileModel, fn: Node): Map<string, { file: FileModel; node: Node } | null> {
  const bound = new Map(context.bound);
  const parameters = parametersOf(fn);
  const isMethod = classDirectlyAround(fn) !== undefined && (parameters[0]?.name === 'self' || parameters[0]?.name === 'cls');
  const offset = isMethod && call.callee.type === 'attribute' ? 1 : 0;
  parameters.forEach((parameter, index) => {
    if (parameter.kind !== 'plain' || (isMethod && index === 0)) return;
    const argument = call.keywords.get(parameter.name) ?? (parameter.keywordOnly ? undefined : call.args[index - offset]);
    bound.set(`${fnFile.path}#${fn.id}#${parameter.name}`, argument ? { file, node: argument } : null);
  });
  return bound;
}

/**
 * `self.get_path(name)` with `def get_path(self, name): return self.dir + "/" + name`: a call of one of the
 * integration's functions that only reshapes text (see normalizerReturnSource), whose result is made of its arguments.
 */
export function callsTextReshapingHelper(file: FileModel, call: Node, integration: IntegrationModel | undefined): boolean {
  const callee = call.childForFieldName('function');
  if (!callee) return false;
  const targets = resolveCallables(file, callee, integration);
  return targets.length > 0 && targets.every((target) => target.node.type === 'function_definition' && onlyReshapesText(target.file, target.node) && returnsItsArguments(target.file, target.node));
}

/** Every value `fn` returns is made from its parameters (`return self.dir + "/" + name`), not a fallback of its own. */
function returnsItsArguments(file: FileModel, fn: Node): boolean {
  const parameters = new Set(parametersOf(fn).map((parameter) => parameter.name).filter((name) => name !== 'self' && name !== 'cls'));
  const returned = file.returnedValues(fn).filter((value) => unwrap(value).type !== 'none');
  // Text made of a parameter: the name itself, joined, formatted or reshaped; not a table it picks from (`FOLDERS[raw]`).
  const madeFromParameters = (value: Node, depth = 6): boolean => {
    const node = unwrap(value);
    if (depth <= 0) return false;
    if (node.type === 'identifier') return parameters.has(node.text) || file.origins(node).some((origin) => origin.kind === 'expression' && origin.node.id !== node.id && madeFromParameters(origin.node, depth - 1));
    if (node.type === 'binary_operator') return [node.childForFieldName('left'), node.childForFieldName('right')].some((side) => side !== null && madeFromParameters(side, depth - 1));
    if (node.type === 'string') return interpolations(node).some((part) => madeFromParameters(part, depth - 1));
    if (node.type === 'boolean_operator') return [node.childForFieldName('left'), node.childForFieldName('right')].every((side) => side !== null && madeFromParameters(side, depth - 1));
    if (node.type !== 'call') return false;
    const site = file.callSite(node);
    const receiver = site?.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
    // `"{}/{}".format(base, name)`: made of the values it formats.
    if (site?.method === 'format' && site.args.some((argument) => madeFromParameters(argument, depth - 1))) return true;
    if (site?.method && RESHAPING_METHODS.test(site.method) && receiver) return madeFromParameters(receiver, depth - 1);
    if (site && buildsPath(site)) return [...site.args, ...(site.method === 'joinpath' && receiver ? [receiver] : [])].some((part) => madeFromParameters(part, depth - 1));
    return site?.name === 'str' && site.args.some((argument) => madeFromParameters(argument, depth - 1));
  };
  return returned.length > 0 && returned.every((value) => madeFromParameters(value));
}

function onlyReshapesText(file: FileModel, fn: Node): boolean {
  const raises = fn.descendantsOfType('raise_statement');
  const asserts = fn.descendantsOfType('assert_statement');
  if (!raises.every(raisesOnlyWhenMissing) || !asserts.every((statement) => statement.namedChildren.every((condition) => condition !== null && isPresenceTest(condition)))) return false;
  // The tests for a missing value (`len(x)`, `isinstance(x, str)`) and the error raised (`vol.Invalid("...")`) are
  // not calls that change the value.
  const tests = [...raises, ...raises.map((statement) => statement.parent!.parent!.childForFieldName('condition')!), ...asserts];
  const inTest = (call: Node) => tests.some((test) => test.startIndex <= call.startIndex && call.endIndex <= test.endIndex);
  return fn.descendantsOfType('call').every((call) => {
    if (inTest(call)) return true;
    const site = file.callSite(call);
    if (site === undefined) return false;
    // `data = SCHEMA(data)`: validated data is still the caller's data (a schema checks types, not paths or commands).
    if (/(^|\.|_)schema$/i.test(site.name ?? '') || (site.callee.type === 'call' && /(^|\.)Schema$/.test(file.callSite(site.callee)?.name ?? ''))) return true;
    return (site.method !== undefined && RESHAPING_METHODS.test(site.method)) || (site.name === 'str' && file.isBuiltin('str')) || buildsPath(site);
  });
}

/**
 * `if not folder: raise vol.Invalid(...)`: a raise that only turns away a missing or empty value judges nothing about
 * what the value says (a path, a command), so the helper still hands its input on as it is.
 */
function raisesOnlyWhenMissing(statement: Node): boolean {
  const block = statement.parent;
  const branch = block?.type === 'block' ? block.parent : null;
  if (!branch || branch.type !== 'if_statement' || branch.childForFieldName('consequence')?.id !== block?.id) return false;
  const condition = branch.childForFieldName('condition');
  return condition !== null && isMissingTest(condition);
}

/** `not x`, `x is None`, `x == ""`, `len(x) == 0`, `not isinstance(x, str)`, or several of them joined by `or`. */
function isMissingTest(condition: Node): boolean {
  const node = unwrap(condition);
  if (node.type === 'boolean_operator') {
    const operator = node.childForFieldName('operator')?.text;
    return operator === 'or' && [node.childForFieldName('left'), node.childForFieldName('right')].every((side) => side !== null && isMissingTest(side));
  }
  if (node.type === 'not_operator') {
    const argument = node.childForFieldName('argument');
    return argument !== null && (isPlainValue(argument) || isTypeTest(argument));
  }
  const parts = comparisonParts(node);
  if (parts) {
    const { operator } = parts;
    const [left, right] = [unwrap(parts.left), unwrap(parts.right)];
    if (isLength(left) && right.type === 'integer') return (operator === '==' && right.text === '0') || (operator === '<' && right.text === '1') || (operator === '<=' && right.text === '0');
    return (operator === 'is' || operator === '==') && isPlainValue(left) && (right.type === 'none' || right.text === '""' || right.text === "''");
  }
  return false;
}

/** The same tests the other way round, as `assert` states them: `assert x`, `assert x is not None`, `assert isinstance(x, str)`. */
function isPresenceTest(condition: Node): boolean {
  const node = unwrap(condition);
  if (node.type === 'string') return true;
  if (isPlainValue(node) || isTypeTest(node)) return true;
  const parts = comparisonParts(node);
  if (parts) {
    const { operator } = parts;
    const [left, right] = [unwrap(parts.left), unwrap(parts.right)];
    return (operator === 'is not' || operator === '!=') && isPlainValue(left) && (right.type === 'none' || right.text === '""' || right.text === "''");
  }
  return false;
}

function isPlainValue(node: Node): boolean {
  const target = unwrap(node);
  return target.type === 'identifier' || (target.type === 'attribute' && target.childForFieldName('object')?.text === 'self');
}

function isTypeTest(node: Node): boolean {
  const target = unwrap(node);
  return target.type === 'call' && target.childForFieldName('function')?.text === 'isinstance';
}

function isLength(node: Node): boolean {
  return node.type === 'call' && node.childForFieldName('function')?.text === 'len' && (node.childForFieldName('arguments')?.namedChildren ?? []).every((argument) => argument !== null && isPlainValue(argument));
}

function parameterSource(context: Context, file: FileModel, fn: Node, name: string, parameterNode: Node, access: string | undefined, depth: number, helpers: number): UntrustedSource | undefined {
  const bound = context.bound?.get(`${file.path}#${fn.id}#${name}`);
  if (bound !== undefined) return bound ? sourceOf(context, bound.file, bound.node, unwrap(bound.node).type === 'identifier' ? access : undefined, depth - 1, helpers) : undefined;
  const role = parameterRole(file, fn, name, context.integration);
  // A helper annotated `request: web.Request` is only known to take some request; its callers say whose (a
  // webhook handler passing its request on).
  if (role?.kind === 'request' && role.role === 'request-object' && helpers > 0) {
    const passed = helperParameterSource(context, file, fn, name, access, depth, helpers);
    if (passed) return passed;
  }
  if (role) {
    const source = (part?: string): UntrustedSource => ({ kind: role.kind, description: role.description ?? DESCRIPTIONS[role.kind], node: parameterNode, ...(part ? { part } : {}) });
    if (role.role === 'data') return source(role.kind === 'view-request' ? 'match_info' : undefined);
    if (role.role === 'service-call') return access === 'data' ? source() : undefined;
    return access !== undefined && REQUEST_DATA.has(access) ? source(access === 'rel_url' || access === 'url' ? 'query' : access) : undefined;
  }
  if (helpers <= 0) return undefined;
  return helperParameterSource(context, file, fn, name, access, depth, helpers);
}

/** A parameter of one of the integration's functions is untrusted when some caller passes untrusted data to it. */
function helperParameterSource(context: Context, file: FileModel, fn: Node, name: string, access: string | undefined, depth: number, helpers: number): UntrustedSource | undefined {
  const key = `${file.path}#${fn.id}#${name}`;
  if (context.following.has(key)) return undefined;
  context.following.add(key);
  try {
    for (const argument of callerArguments(file, fn, name, context.integration)) {
      const bare = unwrap(argument.node).type === 'identifier';
      const found = sourceOf(context, argument.file, argument.node, bare ? access : undefined, depth - 1, helpers - 1);
      if (found) return found;
    }
    return undefined;
  } finally {
    context.following.delete(key);
  }
}

/**
 * What the integration's calls of `fn` (direct, through the executor or `partial`) pass for its parameter `name`;
 * calls that pass nothing for it are left out. Empty for a parameter that is not plain (`*args`, `**kwargs`).
 */
export function callerArguments(file: FileModel, fn: Node, name: string, integration: IntegrationModel | undefined): { file: FileModel; node: Node }[] {
  const parameters = parametersOf(fn);
  const index = parameters.findIndex((parameter) => parameter.name === name);
  const parameter = parameters[index];
  if (!parameter || parameter.kind !== 'plain') return [];
  const isMethod = classDirectlyAround(fn) !== undefined && (parameters[0]?.name === 'self' || parameters[0]?.name === 'cls');
  const found: { file: FileModel; node: Node }[] = [];
  for (const caller of callersOf(fn, file, integration)) {
    const offset = isMethod && caller.boundMethod ? 1 : 0;
    const argument = parameter.keywordOnly ? caller.keywords.get(name) : caller.keywords.get(name) ?? caller.args[index - offset];
    if (argument) found.push({ file: caller.file, node: argument });
  }
  return found;
}

/** The calls of `fn` in the integration (direct, through the executor or `partial`), with the file each is in. */
export function callSitesOf(file: FileModel, fn: Node, integration: IntegrationModel | undefined): { file: FileModel; node: Node }[] {
  return callersOf(fn, file, integration).map((caller) => ({ file: caller.file, node: caller.node }));
}

/**
 * The default of parameter `name` of `fn` (`update_interval=timedelta(seconds=5)`) where it is in use: some call of
 * `fn` in the integration leaves the parameter out, or nothing in the integration calls `fn`.
 */
export function defaultInUse(file: FileModel, fn: Node, name: string, integration: IntegrationModel | undefined): Node | undefined {
  const parameters = parametersOf(fn);
  const index = parameters.findIndex((parameter) => parameter.name === name);
  const parameter = parameters[index];
  const fallback = parameter?.kind === 'plain' ? parameter.node.childForFieldName('value') : null;
  if (!fallback) return undefined;
  const isMethod = classDirectlyAround(fn) !== undefined && (parameters[0]?.name === 'self' || parameters[0]?.name === 'cls');
  const callers = callersOf(fn, file, integration);
  const leavesOut = (caller: Caller) => {
    if (caller.keywords.has(name) || caller.node.descendantsOfType('dictionary_splat').length > 0) return false;
    const splat = caller.args.some((argument) => argument.type === 'list_splat');
    return parameter.keywordOnly || (!splat && caller.args.length <= index - (isMethod && caller.boundMethod ? 1 : 0));
  };
  return callers.length === 0 || callers.some(leavesOut) ? fallback : undefined;
}

/**
 * What callers hand the parameter a name is bound to (`def __init__(self, hass, interval)`, then `interval` read),
 * and its default where that is in use: undefined when the name is not a parameter there (or not only one).
 */
export function argumentsForParameter(file: FileModel, name: Node, integration: IntegrationModel | undefined): { file: FileModel; node: Node }[] | undefined {
  if (unwrap(name).type !== 'identifier') return undefined;
  const origins = file.origins(unwrap(name), 2);
  if (origins.length === 0 || !origins.every((origin) => origin.kind === 'parameter' && origin.scope && origin.name)) return undefined;
  // What callers hand it, and its default where a call leaves it out (or nothing calls the function).
  return origins.flatMap((origin) => {
    const fallback = defaultInUse(file, origin.scope!, origin.name!, integration);
    return [...callerArguments(file, origin.scope!, origin.name!, integration), ...(fallback ? [{ file, node: fallback }] : [])];
  });
}

const MEDIA_SOURCE_METHODS = new Set(['async_resolve_media', 'async_browse_media']);
const NOTIFY_METHODS = new Set(['send_message', 'async_send_message']);

/** How a parameter of `fn` receives untrusted data, if it does. */
function parameterRole(file: FileModel, fn: Node, name: string, integration: IntegrationModel | undefined): ParameterRole | undefined {
  const functionName = fn.childForFieldName('name')?.text ?? '';
  const parameters = parametersOf(fn);
  const index = parameters.findIndex((parameter) => parameter.name === name);
  if (index < 0) return undefined;
  const parameter = parameters[index];
  const cls = classDirectlyAround(fn);
  const isMethod = cls !== undefined && (parameters[0]?.name === 'self' || parameters[0]?.name === 'cls');
  if (isMethod && index === 0) return undefined;
  const annotation = parameter.annotation ? annotationName(file, parameter.annotation) : undefined;
  if (annotation !== undefined && /(^|\.)ServiceCall$/.test(annotation)) return { kind: 'service-data', role: 'service-call' };
  if (annotation !== undefined && REQUEST_TYPES.test(annotation)) {
    const kind = requestHandlerKind(file, fn, integration) ?? 'request';
    return { kind, role: 'request-object' };
  }
  // A media source resolves and browses identifiers any logged-in user may send.
  if ((annotation !== undefined && /(^|\.)MediaSourceItem$/.test(annotation)) || (isMethod && index === 1 && MEDIA_SOURCE_METHODS.has(functionName) && cls && /MediaSource\b/.test(cls.childForFieldName('superclasses')?.text ?? ''))) {
    return { kind: 'view-request', role: 'data', description: 'a media source item a user asked for' };
  }
  const handlers = registeredHandlers(file, integration);
  const positional = parameters.filter((candidate) => candidate.kind === 'plain' && !candidate.keywordOnly);
  const isLastPositional = positional[positional.length - 1]?.name === name;
  if (handlers.services.has(fn.id) && isLastPositional) return { kind: 'service-data', role: 'service-call' };
  if (SERVICE_CALL_NAMES.has(name)) return { kind: 'service-data', role: 'service-call' };
  if (isMethod && handlers.entityMethods.has(functionName)) return { kind: 'service-data', role: 'data' };
  // A notify platform's `send_message(message, **kwargs)`: the notify service call's message, target and data.
  if (isMethod && index > 0 && NOTIFY_METHODS.has(functionName) && cls && /NotificationService\b/.test(cls.childForFieldName('superclasses')?.text ?? '')) {
    return { kind: 'service-data', role: 'data', description: 'notify service data' };
  }
  // `async_step_reauth(entry_data)` gets the entry's own stored data from Home Assistant.
  if (isMethod && FLOW_STEP.test(functionName) && functionName !== 'async_step_reauth' && functionName !== 'async_step_unignore' && index === 1) {
    return { kind: 'flow-input', role: 'data', description: DISCOVERY_STEP.test(functionName) ? 'discovery data' : functionName === 'async_step_import' ? 'imported configuration' : undefined };
  }
  // `@websocket_api.websocket_command({...})` then `def handle(hass, connection, msg)`: what a logged-in user's frontend
  // (or any websocket client) sends; its schema checks types, not what a path or a command holds.
  if (index === 2 && isLastPositional && isWebsocketCommand(file, fn)) return { kind: 'service-data', role: 'data', description: "a websocket command's message" };
  if (handlers.webhooks.has(fn.id) && (name === 'request' || isLastPositional)) return { kind: 'webhook', role: 'request-object' };
  if (isMethod && cls && isViewHandler(file, cls, fn, integration)) {
    const offset = 1;
    if (index === offset) return { kind: 'view-request', role: 'request-object' };
    if (index > offset && parameter.kind !== 'varargs') return { kind: 'view-request', role: 'data' };
  }
  return undefined;
}

/** A handler decorated with Home Assistant's `websocket_api.websocket_command(...)`. */
export function isWebsocketCommand(file: FileModel, fn: Node): boolean {
  return hasWebsocketDecorator(file, fn, 'websocket_command');
}

/** Whether `fn` carries `@websocket_api.<name>` (called or not): `websocket_command(...)`, `require_admin`. */
export function hasWebsocketDecorator(file: FileModel, fn: Node, name: 'websocket_command' | 'require_admin'): boolean {
  return file.decoratorsOf(fn).some((decorator) => WEBSOCKET_DECORATOR.test(decorator.name ?? '') && decorator.name!.endsWith(`.${name}`));
}

const WEBSOCKET_DECORATOR = /(^|\.)websocket_api(\.decorators)?\.\w+$/;

/** `webhook` or `view-request` when `fn` handles HTTP requests of a webhook or a view, `request` for other aiohttp handlers. */
export function requestHandlerKind(file: FileModel, fn: Node, integration?: IntegrationModel): 'webhook' | 'view-request' | 'request' | undefined {
  if (registeredHandlers(file, integration).webhooks.has(fn.id)) return 'webhook';
  const cls = mayDefineViews(file, integration) ? classDirectlyAround(fn) : undefined;
  if (cls && isViewHandler(file, cls, fn, integration)) return 'view-request';
  if (!mayNameAiohttp(file)) return undefined;
  for (const parameter of parametersOf(fn)) {
    const annotation = parameter.annotation ? annotationName(file, parameter.annotation) : undefined;
    if (annotation !== undefined && REQUEST_TYPES.test(annotation)) return 'request';
  }
  return undefined;
}

/**
 * Whether an annotation of the file can name an aiohttp request type: the name it resolves to starts with `aiohttp`,
 * which comes from the file's text (an import, a dotted or quoted name) or, for a relative import, from its module
 * name. A cheap test before reading every parameter of every function.
 */
function mayNameAiohttp(file: FileModel): boolean {
  return file.mentions(AIOHTTP) || file.moduleName.includes('aiohttp');
}

const AIOHTTP = /aiohttp/;
const HOME_ASSISTANT_VIEW = /HomeAssistantView/;
const viewMentions = new WeakMap<IntegrationModel, boolean>();

/**
 * Whether a class of `file` can derive from HomeAssistantView: some base in the chain `isViewClass` follows (this
 * file's classes and the integration's modules) is named so, and every such name is spelled in its file's text.
 */
function mayDefineViews(file: FileModel, integration: IntegrationModel | undefined): boolean {
  if (file.mentions(HOME_ASSISTANT_VIEW)) return true;
  if (!integration) return false;
  let mentioned = viewMentions.get(integration);
  if (mentioned === undefined) {
    mentioned = integration.files.some((candidate) => candidate.mentions(HOME_ASSISTANT_VIEW));
    viewMentions.set(integration, mentioned);
  }
  return mentioned;
}

function annotationName(file: FileModel, annotation: Node): string | undefined {
  const expression = annotation.type === 'type' ? annotation.namedChild(0) : annotation;
  if (!expression) return undefined;
  if (expression.type === 'string') return expression.text.replace(/^['"]+|['"]+$/g, '');
  return file.qualifiedName(expression) ?? expression.text;
}

export interface Parameter {
  name: string;
  node: Node;
  kind: 'plain' | 'varargs' | 'kwargs';
  keywordOnly: boolean;
  annotation?: Node;
}

const parameterCache = new WeakMap<SyntaxTree, Map<number, readonly Parameter[]>>();

/**
 * The parameters of a function definition, in order, with `*args`/`**kwargs` and keyword-only ones marked. Read once
 * per function of a tree: rules and the flow questions ask about the same functions many times.
 */
export function parametersOf(fn: Node): readonly Parameter[] {
  return oncePerNode(parameterCache, fn, readParameters);
}

function readParameters(fn: Node): Parameter[] {
  const result: Parameter[] = [];
  let keywordOnly = false;
  for (const parameter of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!parameter) continue;
    if (parameter.type === 'keyword_separator') {
      keywordOnly = true;
      continue;
    }
    if (parameter.type === 'positional_separator' || parameter.type === 'comment') continue;
    const inner = parameter.type === 'typed_parameter' ? parameter.namedChild(0) : parameter;
    const kind = inner?.type === 'list_splat_pattern' ? 'varargs' : inner?.type === 'dictionary_splat_pattern' ? 'kwargs' : 'plain';
    const nameNode =
      parameter.type === 'identifier'
        ? parameter
        : parameter.childForFieldName('name') ?? (inner && inner.type !== 'identifier' ? inner.namedChild(0) : inner) ?? null;
    if (!nameNode) continue;
    result.push({ name: nameNode.text, node: parameter, kind, keywordOnly, annotation: parameter.childForFieldName('type') ?? undefined });
    if (kind === 'varargs') keywordOnly = true;
  }
  return result;
}

/**
 * What this file's calls of a module-level function pass for one of its parameters: `_save(hass.config.path(...))`,
 * also handed to the executor (`hass.async_add_executor_job(_save, path)`). Empty for methods and unknown names.
 */
export function argumentsFor(file: FileModel, fn: Node, parameterName: string): Node[] {
  const name = fn.childForFieldName('name')?.text;
  if (!name || file.moduleFunction(name)?.id !== fn.id) return [];
  const parameters = parametersOf(fn);
  const index = parameters.findIndex((parameter) => parameter.name === parameterName);
  const parameter = parameters[index];
  if (!parameter || parameter.kind !== 'plain') return [];
  const found: Node[] = [];
  for (const call of file.callsWithDeferred) {
    if (call.callee.type !== 'identifier' || call.callee.text !== name) continue;
    const argument = call.keywords.get(parameterName) ?? (parameter.keywordOnly ? undefined : call.args[index]);
    if (argument) found.push(argument);
  }
  return found;
}

export interface RegisteredHandlers {
  /** Function definitions registered as service handlers, by node id. */
  services: Set<number>;
  /** Function definitions registered as webhook handlers, by node id. */
  webhooks: Set<number>;
  /** Names of entity methods registered as entity services by name (`"async_boost"`). */
  entityMethods: Set<string>;
}

export interface WebhookRegistration {
  file: FileModel;
  call: CallSite;
  /** The handler argument as written. */
  reference: Node | undefined;
  /** The handler definitions it names (several when registered in a loop over a table). */
  handlers: { file: FileModel; node: Node }[];
  localOnly: boolean;
}

const handlerCache = new WeakMap<object, RegisteredHandlers>();
const webhookCache = new WeakMap<object, WebhookRegistration[]>();

function filesOf(file: FileModel, integration: IntegrationModel | undefined): readonly FileModel[] {
  return integration?.files ?? [file];
}

/** Every `webhook.async_register(hass, domain, name, webhook_id, handler)` of the integration (or of a lone file). */
export function webhookRegistrations(file: FileModel, integration?: IntegrationModel): WebhookRegistration[] {
  const key: object = integration ?? file;
  const cached = webhookCache.get(key);
  if (cached) return cached;
  const registrations: WebhookRegistration[] = [];
  for (const candidate of filesOf(file, integration)) {
    for (const call of candidate.calls) {
      if (!call.name || !WEBHOOK_REGISTRATION.test(call.name)) continue;
      // The handler comes last in every form: `(hass, domain, name, webhook_id, handler)`, the old
      // `hass.components.webhook.async_register(domain, name, webhook_id, handler)` without hass, and before those
      // `(hass, webhook_id, handler)` and `hass.components.webhook.async_register(webhook_id, handler)`.
      const reference = call.keywords.get('handler') ?? (call.args.length >= 2 ? call.args[call.args.length - 1] : undefined);
      const localOnly = call.keywords.get('local_only');
      registrations.push({
        file: candidate,
        call,
        reference,
        handlers: reference ? resolveCallables(candidate, reference, integration) : [],
        localOnly: localOnly !== undefined && unwrap(localOnly).type === 'true',
      });
    }
  }
  webhookCache.set(key, registrations);
  return registrations;
}

/** The service and webhook handlers of an integration (or of a lone file). */
export function registeredHandlers(file: FileModel, integration?: IntegrationModel): RegisteredHandlers {
  const key: object = integration ?? file;
  const cached = handlerCache.get(key);
  if (cached) return cached;
  const handlers: RegisteredHandlers = { services: new Set(), webhooks: new Set(), entityMethods: new Set() };
  handlerCache.set(key, handlers);
  for (const candidate of filesOf(file, integration)) {
    for (const call of candidate.calls) {
      const reference = serviceHandlerReference(call);
      if (!reference) continue;
      const target = unwrap(reference);
      if (target.type === 'string') {
        const method = candidate.stringValue(target);
        if (method) handlers.entityMethods.add(method);
        continue;
      }
      for (const definition of resolveCallables(candidate, reference, integration)) handlers.services.add(definition.node.id);
    }
  }
  for (const registration of webhookRegistrations(file, integration)) {
    for (const definition of registration.handlers) handlers.webhooks.add(definition.node.id);
  }
  return handlers;
}

/** The handler argument of a service registration, by the position each registration function takes it at. */
export function serviceHandlerReference(call: CallSite): Node | undefined {
  const name = call.name ?? '';
  if (SERVICE_REGISTRATION.test(name)) return call.keywords.get('service_func') ?? call.args[2];
  if (ADMIN_SERVICE_REGISTRATION.test(name)) return call.keywords.get('service_func') ?? call.args[3];
  if (PLATFORM_ENTITY_SERVICE_REGISTRATION.test(name)) return call.keywords.get('func');
  if (ENTITY_SERVICE_REGISTRATION.test(name) || call.method === 'async_register_entity_service') return call.keywords.get('func') ?? call.args[2];
  return undefined;
}

/**
 * What the schemas of the services registered with `handler` say of the field `key`: the validator each gives it
 * (`vol.In(["a.jpg", "b.jpg"])` for `vol.Required("filename"): vol.In([...])`), where the schema is written in a module
 * of the integration.
 */
export function serviceFieldValidators(handler: Node, key: string, file: FileModel, integration?: IntegrationModel): { file: FileModel; node: Node }[] {
  const found: { file: FileModel; node: Node }[] = [];
  for (const candidate of filesOf(file, integration)) {
    for (const call of candidate.calls) {
      const reference = serviceHandlerReference(call);
      if (!reference || !resolveCallables(candidate, reference, integration).some((target) => target.node.id === handler.id)) continue;
      const schema = call.keywords.get('schema') ?? (SERVICE_REGISTRATION.test(call.name ?? '') ? call.args[3] : ADMIN_SERVICE_REGISTRATION.test(call.name ?? '') ? call.args[4] : undefined);
      if (schema) found.push(...fieldValidators(candidate, schema, key, integration, 4));
    }
  }
  return found;
}

function fieldValidators(file: FileModel, schema: Node, key: string, integration: IntegrationModel | undefined, depth: number): { file: FileModel; node: Node }[] {
  const target = unwrap(schema);
  if (depth <= 0) return [];
  if (target.type === 'identifier') {
    const constant = file.imports.has(target.text) ? integration?.resolveConstant(file.imports.get(target.text)!) : file.constants.has(target.text) ? { file, node: file.constants.get(target.text)! } : undefined;
    return constant ? fieldValidators(constant.file, constant.node, key, integration, depth - 1) : [];
  }
  if (target.type === 'dictionary') {
    return target.namedChildren.flatMap((pair) => {
      if (pair?.type !== 'pair') return [];
      const keyNode = unwrap(pair.childForFieldName('key')!);
      const marker = keyNode.type === 'call' ? markedKey(file, file.callSite(keyNode)) : undefined;
      const value = pair.childForFieldName('value');
      return value && file.stringValue(marker?.key ?? keyNode, integration?.constantString) === key ? [{ file, node: value }] : [];
    });
  }
  // `vol.Schema({...})`, `cv.make_entity_service_schema({...})`, `vol.All(vol.Schema({...}), ...)`.
  const site = target.type === 'call' ? file.callSite(target) : undefined;
  return site?.args[0] ? fieldValidators(file, site.args[0], key, integration, depth - 1) : [];
}

/** The first `def` a callable reference names; see `resolveCallables`. */
export function resolveCallable(file: FileModel, reference: Node, integration?: IntegrationModel): { file: FileModel; node: Node } | undefined {
  return resolveCallables(file, reference, integration)[0];
}

/**
 * The `def`s a callable reference names: a local or module function, a method (`self._handle`), an imported
 * function of the integration, the function inside `functools.partial(fn, ...)` or a wrapper call
 * (`verify_domain_control(hass, DOMAIN)(fn)`), the functions of a table a loop registers from, and, for
 * `obj.method` with `byMethodName`, the one method of that name in the integration's classes (right for a
 * handler someone registers, a guess for an arbitrary call).
 */
export function resolveCallables(file: FileModel, reference: Node, integration?: IntegrationModel, depth = 4, byMethodName = true): { file: FileModel; node: Node }[] {
  if (depth <= 0) return [];
  const target = unwrap(reference);
  if (target.type === 'call') {
    const callee = target.childForFieldName('function');
    const args = target.childForFieldName('arguments');
    const first = args?.namedChildren.find((child) => child !== null && child.type !== 'keyword_argument' && child.type !== 'comment');
    const calleeName = callee ? file.qualifiedName(callee) ?? '' : '';
    if (callee?.type === 'call' || /(^|\.)partial$/.test(calleeName)) return first ? resolveCallables(file, first, integration, depth - 1) : [];
    // `PushHandler(entry)`: an instance of the integration's own class, called through its `__call__`.
    const cls = callee ? resolveClass(file, callee, integration) : undefined;
    const called = cls ? methodsOf(cls.node).find((fn) => fn.childForFieldName('name')?.text === '__call__') : undefined;
    if (cls && called) return [{ file: cls.file, node: called }];
    // `get_webhook_handler(data)`: a factory of the integration, whose handler is what it returns.
    if (callee?.type === 'identifier') {
      const imported = file.imports.get(callee.text);
      const local = imported ? undefined : file.moduleFunction(callee.text);
      const factory = imported ? integration?.resolveFunction(imported) : local ? { file, node: local } : undefined;
      if (factory) return factory.file.returnedValues(factory.node).flatMap((value) => resolveCallables(factory.file, value, integration, depth - 1));
    }
    // `self._make_hook_handler()`: a method of the class that builds the handler.
    if (callee?.type === 'attribute' && /^(self|cls)$/.test(callee.childForFieldName('object')?.text ?? '')) {
      return resolveCallables(file, callee, integration, depth - 1, false).flatMap((factory) => factory.file.returnedValues(factory.node).flatMap((value) => resolveCallables(factory.file, value, integration, depth - 1)));
    }
    return [];
  }
  // `lambda hass, webhook_id, request: _handle(hass, webhook_id, request, entry)`: a lambda that passes its parameters
  // on, in order and first, calls that function with the same arguments in the same places.
  if (target.type === 'lambda') {
    const body = target.childForFieldName('body');
    const call = body && unwrap(body).type === 'call' ? file.callSite(unwrap(body)) : undefined;
    const parameters = target.childForFieldName('parameters')?.namedChildren.map((parameter) => parameter?.text) ?? [];
    const passedOn = call !== undefined && parameters.length > 0 && parameters.every((name, index) => call.args[index]?.text === name);
    return passedOn ? resolveCallables(file, call.callee, integration, depth - 1) : [];
  }
  if (target.type === 'identifier') {
    const bindings = file.bindingsOf(target);
    const definition = bindings.find((binding) => binding.kind === 'def' && binding.node.type === 'function_definition');
    if (definition) return [{ file, node: definition.node }];
    const imported = file.imports.get(target.text);
    if (imported) {
      const found = integration?.resolveFunction(imported);
      return found ? [found] : [];
    }
    // Registered in a loop: `for name, handler in SERVICES.items()` or `for handler in (a, b)`.
    const loop = bindings.find((binding) => binding.kind === 'for' && binding.value);
    if (loop?.value) return callablesInTable(file, loop.value, integration, depth - 1);
    const alias = bindings.find((binding) => binding.kind === 'assign' && binding.value);
    return alias?.value ? resolveCallables(file, alias.value, integration, depth - 1) : [];
  }
  if (target.type === 'attribute') {
    const object = target.childForFieldName('object');
    const name = target.childForFieldName('attribute')?.text ?? '';
    if (object?.text === 'self' || object?.text === 'cls') {
      const cls = classOfMethodAround(file, target);
      const method = cls ? methodsOf(cls).find((fn) => fn.childForFieldName('name')?.text === name) : undefined;
      if (method) return [{ file, node: method }];
    }
    const qualified = file.qualifiedName(target);
    const found = qualified && integration ? integration.resolveFunction(qualified) : undefined;
    if (found) return [found];
    // `Store(hass).save(x)`, `store = Store(hass); store.save(x)`, `self._store = Store(hass)` then
    // `self._store.save(x)`: a method of a class the integration defines.
    if (object) {
      const selfAttribute = object.type === 'attribute' && object.childForFieldName('object')?.text === 'self' ? object.childForFieldName('attribute')?.text : undefined;
      const ownerClass = selfAttribute ? classOfMethodAround(file, object) : undefined;
      const values = ownerClass && selfAttribute ? file.selfAttributeWrites(ownerClass, selfAttribute).values : file.origins(object, 3).map((origin) => origin.node);
      for (const value of values) {
        const cls = classOfValue(file, value, integration, depth - 1);
        const method = cls ? methodsOf(cls.node).find((fn) => fn.childForFieldName('name')?.text === name) : undefined;
        if (cls && method) return [{ file: cls.file, node: method }];
      }
    }
    if (!byMethodName || (object && holdsForeignValue(file, object, integration, depth - 1))) return [];
    const methods = methodsNamed(file, integration).get(name) ?? [];
    return methods.length === 1 ? methods : [];
  }
  return [];
}

/** A call of a function or class imported from outside the integration. */
function madeByLibrary(file: FileModel, site: CallSite, integration: IntegrationModel | undefined): boolean {
  const root = /^\w+/.exec(site.callee.text)?.[0];
  const imported = root ? file.imports.get(root) : undefined;
  if (!imported || !site.name || resolveClass(file, site.callee, integration) || integration?.resolveFunction(site.name)) return false;
  // An import of the integration's own modules (`from . import api`) that cannot be resolved proves nothing.
  return !integration?.files.some((other) => other.moduleName !== '' && (imported === other.moduleName || imported.startsWith(`${other.moduleName}.`)));
}

/**
 * A receiver that holds no object of the integration's own classes: a literal or comprehension, data parsed or
 * copied (`data = await request.json()`, `dict(...)`), or a parameter annotated with another type. Its
 * methods are not the integration's, however its one method of the same name is called (`data.get(...)` is no
 * view's `get`).
 */
function holdsForeignValue(file: FileModel, receiver: Node, integration: IntegrationModel | undefined, depth: number): boolean {
  const origins = file.origins(receiver, 3);
  return (
    origins.length > 0 &&
    origins.every((origin) => {
      if (origin.kind === 'parameter') {
        const annotation = parameterAnnotation(origin.node);
        const named = annotation ? unwrap(annotation.namedChild(0) ?? annotation) : undefined;
        return named !== undefined && (named.type === 'identifier' || named.type === 'attribute' || named.type === 'generic_type') && resolveClass(file, named.type === 'generic_type' ? named.namedChild(0) ?? named : named, integration) === undefined;
      }
      if (origin.kind !== 'expression') return false;
      let value = unwrap(origin.node);
      if (value.type === 'await') value = unwrap(value.namedChild(0) ?? value);
      if (FOREIGN_LITERALS.has(value.type)) return true;
      // `data["entry"]`, `data.get("entry", [])`, `data.items()` of parsed data: parts of it, as foreign as it is (also
      // what a loop over them binds).
      const container = value.type === 'subscript' ? value.childForFieldName('value') : value.type === 'call' && CONTAINER_READS.test(file.callSite(value)?.method ?? '') ? value.childForFieldName('function')?.childForFieldName('object') : null;
      if (container && depth > 0 && unwrap(container).type === 'identifier' && unwrap(container).text !== 'self') return holdsForeignValue(file, unwrap(container), integration, depth - 1);
      const site = value.type === 'call' ? file.callSite(value) : undefined;
      if (!site) return false;
      // Parsed or copied data, not an object pulled out of a container (`hass.data[DOMAIN].get("store")`).
      if (site.method !== undefined) return DATA_METHODS.test(site.method) && depth > 0 && resolveCallables(file, site.callee, integration, depth, false).length === 0;
      // `async_get_clientsession(hass)`, `requests.Session()`: an object a library makes, with the library's methods.
      if (madeByLibrary(file, site, integration)) return true;
      return DATA_BUILDERS.test(site.name ?? '') && (!/^\w+$/.test(site.name ?? '') || file.isBuiltin(site.name!));
    })
  );
}

const DATA_METHODS = /^(json|text|read|loads|decode|split|splitlines|copy|format|strip|lower|upper|encode|model_dump|to_dict|as_dict)$/;
const DATA_BUILDERS = /^(dict|list|set|tuple|str|sorted|json\.loads|orjson\.loads|homeassistant\.util\.json\.json_loads)$/;

const CONTAINER_READS = /^(get|items|values|keys|pop|setdefault)$/;

const FOREIGN_LITERALS = new Set(['dictionary', 'list', 'set', 'tuple', 'string', 'concatenated_string', 'integer', 'float', 'dictionary_comprehension', 'list_comprehension', 'set_comprehension']);

/**
 * The integration's class a value is an instance of: made by its constructor (`VendorAPI(session)`), returned by a
 * helper annotated with it (`-> Coordinator`), or a parameter annotated with it (`def __init__(self, api: VendorAPI)`,
 * then `self._api = api`).
 */
function classOfValue(file: FileModel, value: Node, integration: IntegrationModel | undefined, depth: number): { file: FileModel; node: Node } | undefined {
  let node = unwrap(value);
  if (node.type === 'await') node = unwrap(node.namedChild(0) ?? node);
  if (node.type === 'call') {
    const callee = node.childForFieldName('function');
    if (!callee) return undefined;
    const cls = resolveClass(file, callee, integration);
    if (cls) return cls;
    // `_get_coordinator(hass, entity_id) -> Coordinator`: a helper of the integration that says what it returns.
    const helper = depth > 0 ? resolveCallables(file, callee, integration, depth, false)[0] : undefined;
    const returns = helper?.node.childForFieldName('return_type');
    const named = returns ? unwrap(returns.namedChild(0) ?? returns) : undefined;
    return helper && named && (named.type === 'identifier' || named.type === 'attribute') ? resolveClass(helper.file, named, integration) : undefined;
  }
  const parameter = node.type === 'identifier' ? file.origins(node, 1).find((origin) => origin.kind === 'parameter')?.node : node;
  const annotation = parameter ? parameterAnnotation(parameter) : undefined;
  const named = annotation ? unwrap(annotation.namedChild(0) ?? annotation) : undefined;
  return named && (named.type === 'identifier' || named.type === 'attribute') ? resolveClass(file, named, integration) : undefined;
}

/** The callables listed in a table a loop iterates: `{"a": handle_a}.items()`, `(handle_a, handle_b)`, a constant. */
function callablesInTable(file: FileModel, iterable: Node, integration: IntegrationModel | undefined, depth: number): { file: FileModel; node: Node }[] {
  const table = iteratedTable(file, iterable)?.table;
  if (!table) return [];
  const found: { file: FileModel; node: Node }[] = [];
  const visit = (node: Node) => {
    if (node.type === 'identifier' || node.type === 'attribute' || node.type === 'call') {
      found.push(...resolveCallables(file, node, integration, depth));
    } else if (node.type === 'pair') {
      const value = node.childForFieldName('value');
      if (value) visit(unwrap(value));
    } else if (['dictionary', 'list', 'tuple', 'set'].includes(node.type)) {
      for (const child of node.namedChildren) if (child) visit(unwrap(child));
    }
  };
  visit(table);
  return found.filter((entry) => entry.node.type === 'function_definition');
}

/**
 * The table a `for` loop goes through, written out in the module: `TABLE`, `TABLE.items()`, `TABLE.values()` of a
 * module constant, or a literal; `view` says which of a dict's views the loop takes. Undefined for anything else.
 */
export function iteratedTable(file: FileModel, iterable: Node): { table: Node; view?: 'items' | 'values' } | undefined {
  let table = unwrap(iterable);
  let view: 'items' | 'values' | undefined;
  if (table.type === 'call') {
    const callee = table.childForFieldName('function');
    const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
    if (method !== 'items' && method !== 'values') return undefined;
    view = method;
    table = unwrap(callee!.childForFieldName('object') ?? table);
  }
  if (table.type === 'identifier') {
    // A module constant, or a local name bound once to a literal table (`services = [("stop", SCHEMA, stop), ...]`).
    const origins = file.origins(table, 1);
    const local = origins.length === 1 && origins[0].kind === 'expression' && origins[0].node.id !== table.id ? unwrap(origins[0].node) : undefined;
    const constant = file.constants.get(table.text) ?? (local && ['list', 'tuple', 'dictionary'].includes(local.type) ? local : undefined);
    if (!constant) return undefined;
    table = unwrap(constant);
  }
  return { table, view };
}

const methodIndexCache = new WeakMap<object, Map<string, { file: FileModel; node: Node }[]>>();

function methodsNamed(file: FileModel, integration: IntegrationModel | undefined): Map<string, { file: FileModel; node: Node }[]> {
  const key: object = integration ?? file;
  let index = methodIndexCache.get(key);
  if (index) return index;
  index = new Map();
  for (const candidate of filesOf(file, integration)) {
    for (const fn of candidate.functions) {
      if (!classDirectlyAround(fn)) continue;
      const name = fn.childForFieldName('name')?.text ?? '';
      const list = index.get(name) ?? [];
      list.push({ file: candidate, node: fn });
      index.set(name, list);
    }
  }
  methodIndexCache.set(key, index);
  return index;
}

interface Caller {
  file: FileModel;
  /** The call. */
  node: Node;
  args: Node[];
  keywords: Map<string, Node>;
  /** Called as `obj.method(...)`, so `self` is not among the arguments. */
  boundMethod: boolean;
}

const callerIndexCache = new WeakMap<object, Map<string, Caller[]>>();

/**
 * The places in the integration that call `fn`, directly, through `hass.async_add_executor_job(fn, ...)`,
 * `asyncio.to_thread(fn, ...)` or `partial(fn, ...)`.
 */
/** The calls of a function of the integration that the integration itself makes (Home Assistant's calls aside). */
export function callsOf(fn: Node, file: FileModel, integration: IntegrationModel | undefined): { file: FileModel; node: Node }[] {
  return callersOf(fn, file, integration).map(({ file: caller, node }) => ({ file: caller, node }));
}

function callersOf(fn: Node, file: FileModel, integration: IntegrationModel | undefined): Caller[] {
  const key: object = integration ?? file;
  let index = callerIndexCache.get(key);
  if (!index) {
    index = buildCallerIndex(file, integration);
    callerIndexCache.set(key, index);
  }
  return index.get(`${file.path}#${fn.id}`) ?? [];
}

function buildCallerIndex(file: FileModel, integration: IntegrationModel | undefined): Map<string, Caller[]> {
  const index = new Map<string, Caller[]>();
  const files = filesOf(file, integration);
  const defined = new Set<string>();
  for (const candidate of files) for (const name of callReferences(candidate).defined) defined.add(name);
  for (const candidate of files) {
    for (const { reference, simple, call, skipped, keepsKeywords, boundMethod } of callReferences(candidate).calls) {
      if (!simple || !defined.has(simple)) continue;
      // Only certain targets: `client.save(x)` on a library object is not the integration's own `save`. An object
      // the integration keeps for its entry (in hass.data or runtime_data) is its own: its method is the one of that
      // name, if the integration defines only one.
      let targets = resolveCallables(candidate, reference, integration, 4, false).concat(constructorOf(candidate, reference, integration) ?? []);
      if (targets.length === 0 && reference.type === 'attribute' && keptForEntry(candidate, reference.childForFieldName('object'))) {
        targets = methodsNamed(candidate, integration).get(simple) ?? [];
        if (targets.length > 1) targets = [];
      }
      // `super().__init__(hass, update_interval=...)`: the method of that name of a base class of the integration.
      if (targets.length === 0 && reference.type === 'attribute' && /^super\(/.test(reference.childForFieldName('object')?.text ?? '')) {
        const inherited = superMethod(candidate, call.node, simple, integration);
        if (inherited) targets = [inherited];
      }
      for (const target of targets) {
        const key = `${target.file.path}#${target.node.id}`;
        const list = index.get(key) ?? [];
        const args = skipped === 0 ? call.args : call.args.slice(skipped);
        // A constructor's arguments go to `__init__` after `self`, as a bound method's do.
        list.push({ file: candidate, node: call.node, args, keywords: keepsKeywords ? call.keywords : new Map(), boundMethod: boundMethod || isInit(target.node) });
        index.set(key, list);
      }
    }
  }
  addDispatcherCallers(index, files, integration);
  addRegistryCallers(index, files, integration);
  return index;
}

/** The nearest base class of the integration (of the class around `node`) that defines method `name`. */
function superMethod(file: FileModel, node: Node, name: string, integration: IntegrationModel | undefined): { file: FileModel; node: Node } | undefined {
  const cls = classOfMethodAround(file, node);
  if (!cls) return undefined;
  const [, ...bases] = classLineage(file, cls, integration).classes;
  for (const base of bases) {
    const method = methodsOf(base.node).find((candidate) => candidate.childForFieldName('name')?.text === name);
    if (method) return { file: base.file, node: method };
  }
  return undefined;
}

/**
 * `hass.data[DOMAIN][entry_id]["coordinator"]`, `entry.runtime_data.hub`, also through a local name: an object the
 * integration stores for its entries, which holds the integration's own coordinator or hub.
 */
function keptForEntry(file: FileModel, object: Node | null, depth = 3): boolean {
  if (!object || depth <= 0) return false;
  let base = unwrap(object);
  for (;;) {
    if (/(^|\.)hass\.data$/.test(base.text) || (base.type === 'attribute' && base.childForFieldName('attribute')?.text === 'runtime_data')) return true;
    // `hass.data.get(DOMAIN, {}).get(entry_id)`: a lookup by get is a lookup too.
    const lookup = base.type === 'call' ? base.childForFieldName('function') : null;
    const inner =
      base.type === 'subscript' ? base.childForFieldName('value') :
      base.type === 'attribute' ? base.childForFieldName('object') :
      lookup?.type === 'attribute' && lookup.childForFieldName('attribute')?.text === 'get' ? lookup.childForFieldName('object') : null;
    if (!inner) break;
    base = unwrap(inner);
  }
  if (base.type !== 'identifier') return false;
  return file.origins(base, 2).some((origin) => origin.kind === 'expression' && origin.node.id !== base.id && keptForEntry(file, origin.node, depth - 1));
}

const DECORATOR_REGISTRY = /^homeassistant\.util\.decorator\.Registry$/;

/**
 * Home Assistant's `decorator.Registry`: `@HANDLERS.register("location")` files a function under a key, and
 * `HANDLERS.get(kind, fallback)(hass, context, message)` or `HANDLERS[kind](...)` calls the one filed there. Each such
 * call is taken for a call of every function the registry holds (which one runs is decided by data).
 */
function addRegistryCallers(index: Map<string, Caller[]>, files: readonly FileModel[], integration: IntegrationModel | undefined): void {
  const registered = new Map<string, { file: FileModel; node: Node }[]>();
  for (const candidate of files) {
    if (!candidate.mentions(/\.register\(/)) continue;
    for (const decorated of candidate.nodesOfType('decorated_definition')) {
      const definition = decorated.childForFieldName('definition');
      if (definition?.type !== 'function_definition') continue;
      for (const decorator of decorated.namedChildren) {
        const expression = decorator?.type === 'decorator' ? decorator.namedChild(0) : null;
        const site = expression?.type === 'call' ? candidate.callSite(expression) : undefined;
        const registry = site?.method === 'register' ? registryName(candidate, site.callee.childForFieldName('object'), integration) : undefined;
        if (registry) registered.set(registry, [...(registered.get(registry) ?? []), { file: candidate, node: definition }]);
      }
    }
  }
  if (registered.size === 0) return;
  for (const candidate of files) {
    for (const call of candidate.calls) {
      const chosen = registryLookup(candidate, call.callee, integration);
      const targets = chosen ? registered.get(chosen) : undefined;
      for (const target of targets ?? []) {
        const key = `${target.file.path}#${target.node.id}`;
        index.set(key, [...(index.get(key) ?? []), { file: candidate, node: call.node, args: call.args, keywords: call.keywords, boundMethod: false }]);
      }
    }
  }
}

/** The registry a callee takes its function from: `HANDLERS.get(kind)`, `HANDLERS[kind]`, or a local set to one. */
function registryLookup(file: FileModel, callee: Node, integration: IntegrationModel | undefined): string | undefined {
  const target = unwrap(callee);
  if (target.type === 'identifier') {
    const origins = file.origins(target, 2);
    return origins.length === 1 && origins[0].kind === 'expression' && origins[0].node.id !== target.id ? registryLookup(file, origins[0].node, integration) : undefined;
  }
  if (target.type === 'subscript') return registryName(file, target.childForFieldName('value'), integration);
  const site = target.type === 'call' ? file.callSite(target) : undefined;
  return site?.method === 'get' ? registryName(file, site.callee.childForFieldName('object'), integration) : undefined;
}

/** The qualified name of a module-level `decorator.Registry()` an expression names, here or imported. */
function registryName(file: FileModel, expression: Node | null, integration: IntegrationModel | undefined): string | undefined {
  if (!expression || (expression.type !== 'identifier' && expression.type !== 'attribute')) return undefined;
  const local = expression.type === 'identifier' && !file.imports.has(expression.text) ? file.constants.get(expression.text) : undefined;
  const constant = local ? { file, node: local } : integration?.resolveConstant(file.qualifiedName(expression) ?? '');
  const value = constant ? unwrap(constant.node) : undefined;
  const site = value?.type === 'call' ? constant!.file.callSite(value) : undefined;
  if (!site || !DECORATOR_REGISTRY.test(site.name ?? '')) return undefined;
  return local ? `${file.moduleName}.${expression.text}` : file.qualifiedName(expression);
}

const DISPATCHER_CONNECT = /(^|\.)(async_)?dispatcher_connect$/;
const DISPATCHER_SEND = /(^|\.)(async_)?dispatcher_send$/;

/**
 * `async_dispatcher_send(hass, SIGNAL, data)` calls whatever `async_dispatcher_connect(hass, SIGNAL, self._handle)`
 * connected with `data`: each send is a call of each target connected to the same signal.
 */
function addDispatcherCallers(index: Map<string, Caller[]>, files: readonly FileModel[], integration: IntegrationModel | undefined): void {
  const sends = new Map<string, { file: FileModel; call: CallSite }[]>();
  for (const candidate of files) {
    if (!candidate.mentions(/dispatcher_send/)) continue;
    for (const call of candidate.calls) {
      if (!DISPATCHER_SEND.test(call.name ?? '') || !call.args[1]) continue;
      const signal = signalKey(candidate, call.args[1], integration);
      sends.set(signal, [...(sends.get(signal) ?? []), { file: candidate, call }]);
    }
  }
  if (sends.size === 0) return;
  for (const candidate of files) {
    if (!candidate.mentions(/dispatcher_connect/)) continue;
    for (const call of candidate.calls) {
      const target = call.args[2];
      if (!DISPATCHER_CONNECT.test(call.name ?? '') || !call.args[1] || !target) continue;
      const matching = sends.get(signalKey(candidate, call.args[1], integration)) ?? [];
      if (matching.length === 0) continue;
      for (const handler of resolveCallables(candidate, target, integration, 4, false)) {
        const key = `${handler.file.path}#${handler.node.id}`;
        const list = index.get(key) ?? [];
        // `self._handle` is bound: what is sent fills the parameters after `self`.
        for (const { file, call: send } of matching) list.push({ file, node: send.node, args: send.args.slice(2), keywords: new Map(), boundMethod: unwrap(target).type === 'attribute' });
        index.set(key, list);
      }
    }
  }
}

/**
 * What a signal is, to match a send with a connect: its text when it is fixed (`SIGNAL_UPDATE`, `"acme_update"`), its
 * shape when it is filled in (`f"{DOMAIN}_update_{entry.entry_id}"` and `SIGNAL.format(entry_id)` with
 * `SIGNAL = "acme_update_{}"` are both "acme_update_{}"), else the expression as written.
 */
function signalKey(file: FileModel, signal: Node, integration: IntegrationModel | undefined, depth = 3): string {
  const target = unwrap(signal);
  // `signal = f"{DOMAIN}_{entry_id}"` first: the value assigned. A parameter or anything else unseen matches nothing,
  // or two unrelated `signal` variables would be taken for one signal.
  if (target.type === 'identifier' && !file.imports.has(target.text) && !file.constants.has(target.text)) {
    const origins = file.origins(target, 1);
    return origins.length === 1 && origins[0].kind === 'expression' && origins[0].node.id !== target.id && depth > 0
      ? signalKey(file, origins[0].node, integration, depth - 1)
      : `?${file.path}#${target.id}`;
  }
  const fixed = file.stringValue(target, integration?.constantString);
  if (fixed !== undefined) return `=${fixed}`;
  if (target.type === 'string') {
    const parts = target.namedChildren.map((part) => (part.type === 'interpolation' ? interpolationShape(file, part, integration) : part.type === 'string_content' ? part.text : ''));
    return `~${parts.join('')}`;
  }
  const site = target.type === 'call' ? file.callSite(target) : undefined;
  const template = site?.method === 'format' ? site.callee.childForFieldName('object') : null;
  const shape = template ? file.stringValue(template, integration?.constantString) : undefined;
  if (shape !== undefined) return `~${shape.replace(/\{[^}]*\}/g, '{}')}`;
  return `:${target.text}`;
}

/** A constant filled into a signal's f-string stays what it is (`{DOMAIN}`); anything else is a hole, `{}`. */
function interpolationShape(file: FileModel, interpolation: Node, integration: IntegrationModel | undefined): string {
  const expression = interpolation.namedChild(0);
  return (expression ? file.stringValue(expression, integration?.constantString) : undefined) ?? '{}';
}

interface CallReference {
  /** What the call invokes or hands on (`fn` of `async_add_executor_job(fn, x)`), and its last name. */
  reference: Node;
  simple: string | undefined;
  /** The call, whose arguments after the first `skipped` go to the reference (read only for a matching name). */
  call: CallSite;
  skipped: number;
  keepsKeywords: boolean;
  boundMethod: boolean;
}

interface FileCallReferences {
  /** The names of the file's functions. */
  defined: string[];
  calls: CallReference[];
}

/**
 * What each call of a file invokes, with the arguments it passes, in the order of the calls. It depends on the
 * file alone, so it is read once per file model; which `def` each reference names is resolved per integration.
 */
const CALL_REFERENCES = derivedKey<FileCallReferences>('call references');

function callReferences(file: FileModel): FileCallReferences {
  return file.derived(CALL_REFERENCES, () => findCallReferences(file));
}

function findCallReferences(file: FileModel): FileCallReferences {
  const calls: CallReference[] = [];
  const add = (reference: Node, call: CallSite, skipped: number, keepsKeywords: boolean) => {
    const boundMethod = reference.type === 'attribute';
    const simple = boundMethod ? reference.childForFieldName('attribute')?.text : reference.text;
    calls.push({ reference, simple, call, skipped, keepsKeywords, boundMethod });
  };
  for (const call of file.calls) {
    const name = call.name ?? '';
    if (/(^|\.)(async_add_executor_job|add_job|async_add_job|async_run_job)$/.test(name) && call.args[0]) {
      add(unwrap(call.args[0]), call, 1, false);
    } else if (name === 'asyncio.to_thread' && call.args[0]) {
      // `await asyncio.to_thread(_write, path, data)` hands keywords on as well.
      add(unwrap(call.args[0]), call, 1, true);
    } else if ((/(^|\.)run_in_executor$/.test(name) || call.method === 'run_in_executor') && call.args[1]) {
      // Also `asyncio.get_running_loop().run_in_executor(None, f, x)`, whose receiver has no name.
      add(unwrap(call.args[1]), call, 2, false);
    } else if (/(^|\.)partial$/.test(name) && call.args[0]) {
      add(unwrap(call.args[0]), call, 1, true);
    } else if (call.callee.type === 'identifier' || call.callee.type === 'attribute') {
      add(call.callee, call, 0, true);
    }
  }
  // Classes too: constructing one calls its `__init__`.
  const defined = [...file.functions, ...file.classes].map((definition) => definition.childForFieldName('name')?.text ?? '');
  return { defined, calls };
}

/** `Vehicle(...)` of a class the integration defines: the `__init__` the construction runs. */
function constructorOf(file: FileModel, reference: Node, integration: IntegrationModel | undefined): { file: FileModel; node: Node } | undefined {
  if (reference.type !== 'identifier' && reference.type !== 'attribute') return undefined;
  const cls = resolveClass(file, reference, integration);
  const init = cls ? methodsOf(cls.node).find((method) => isInit(method)) : undefined;
  return cls && init ? { file: cls.file, node: init } : undefined;
}

function isInit(fn: Node): boolean {
  return fn.childForFieldName('name')?.text === '__init__' && classDirectlyAround(fn) !== undefined;
}

/** The class a node sits in directly: a function in between (a method body, a nested def) means none. */
function classDirectlyAround(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'class_definition') return current;
    if (current.type === 'function_definition') return undefined;
  }
  return undefined;
}

/** The class whose method `node` is in (also inside a function nested in that method), where `self` is bound. */
export function classOfMethodAround(file: FileModel, node: Node): Node | undefined {
  for (let fn = file.enclosingFunction(node); fn; fn = file.enclosingFunction(fn)) {
    const cls = classDirectlyAround(fn);
    if (cls) return cls;
  }
  return undefined;
}

/** The methods defined directly in a class body (decorated ones included). */
export function methodsOf(cls: Node): Node[] {
  const body = cls.childForFieldName('body');
  const methods: Node[] = [];
  for (const statement of body?.namedChildren ?? []) {
    if (statement?.type === 'function_definition') methods.push(statement);
    else if (statement?.type === 'decorated_definition') {
      const definition = statement.childForFieldName('definition');
      if (definition?.type === 'function_definition') methods.push(definition);
    }
  }
  return methods;
}

/**
 * The methods of a view class that answer requests: `get`, `post`, ... and methods assigned to those names
 * (`post = _handle`).
 */
export function viewHandlers(cls: Node): Node[] {
  const methods = methodsOf(cls);
  const byName = new Map(methods.map((fn) => [fn.childForFieldName('name')?.text ?? '', fn]));
  const handlers = new Set<Node>();
  for (const [name, fn] of byName) if (VIEW_METHODS.has(name)) handlers.add(fn);
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (!left || !right || !VIEW_METHODS.has(left.text)) continue;
    const target = byName.get(right.text);
    if (target) handlers.add(target);
  }
  return [...handlers];
}

/** The `requires_auth = ...` of a view class, or of the integration's base view it derives from. */
export function requiresAuthSetting(file: FileModel, cls: Node, integration: IntegrationModel | undefined, depth = 4): { file: FileModel; node: Node; value: Node } | undefined {
  // `self.requires_auth = False` in `__init__` sets it for every instance the integration registers, over what the
  // class body says.
  const init = methodsOf(cls).find((method) => method.childForFieldName('name')?.text === '__init__');
  for (const assignment of init ? descendants(init, ['assignment']) : []) {
    const value = assignment.childForFieldName('right');
    if (assignment.childForFieldName('left')?.text === 'self.requires_auth' && value) return { file, node: assignment, value };
  }
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChild(0) : null;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.text !== 'requires_auth') continue;
    const value = assignment.childForFieldName('right');
    if (value) return { file, node: assignment, value };
  }
  if (depth <= 0) return undefined;
  for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!base || base.type === 'keyword_argument') continue;
    const parent = resolveClass(file, base, integration);
    const found = parent && parent.node.id !== cls.id ? requiresAuthSetting(parent.file, parent.node, integration, depth - 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

/**
 * Whether a request to view handler `fn` has passed Home Assistant's authentication, so that its headers carry the
 * caller's access token: the view leaves `requires_auth` at its default or sets it to True.
 */
export function isAuthenticatedViewHandler(file: FileModel, fn: Node, integration: IntegrationModel | undefined): boolean {
  const cls = classDirectlyAround(fn);
  if (!cls || !isViewHandler(file, cls, fn, integration)) return false;
  const setting = requiresAuthSetting(file, cls, integration);
  return !setting || unwrap(setting.value).type === 'true';
}

function isViewHandler(file: FileModel, cls: Node, fn: Node, integration: IntegrationModel | undefined): boolean {
  return isViewClass(file, cls, integration) && viewHandlerIds(cls).has(fn.id);
}

const viewHandlerCache = new WeakMap<SyntaxTree, Map<number, Set<number>>>();

/** The ids of `viewHandlers(cls)`, read once per class of a tree: every method of a view class asks. */
function viewHandlerIds(cls: Node): Set<number> {
  return oncePerNode(viewHandlerCache, cls, (node) => new Set(viewHandlers(node).map((handler) => handler.id)));
}

/** `compute(node)`, remembered per node of a tree; the tree keys the cache, so it goes when the tree does. */
function oncePerNode<T>(cache: WeakMap<SyntaxTree, Map<number, T>>, node: Node, compute: (node: Node) => T): T {
  let byNode = cache.get(node.tree);
  if (!byNode) {
    byNode = new Map();
    cache.set(node.tree, byNode);
  }
  let value = byNode.get(node.id);
  if (value === undefined) {
    value = compute(node);
    byNode.set(node.id, value);
  }
  return value;
}

/** A class deriving from HomeAssistantView (through aliases and the integration's own base classes). */
const viewClassCache = new WeakMap<object, Map<string, boolean>>();

export function isViewClass(file: FileModel, cls: Node, integration?: IntegrationModel): boolean {
  if (!mayDefineViews(file, integration)) return false;
  // Asked for every method of a class (is it a view handler?): answered once per class and integration.
  const cacheKey: object = integration ?? file;
  let cache = viewClassCache.get(cacheKey);
  if (!cache) {
    cache = new Map();
    viewClassCache.set(cacheKey, cache);
  }
  const key = `${file.path}#${cls.id}`;
  let answer = cache.get(key);
  if (answer === undefined) {
    answer = classLineage(file, cls, integration).outsideBases.some((base) => /(^|\.)HomeAssistantView$/.test(base));
    cache.set(key, answer);
  }
  return answer;
}

/**
 * A class and the integration's own classes it derives from (nearest first, each once, sixteen at most), with the
 * bases that lie outside the integration: their qualified names where imported, their text otherwise.
 */
export function classLineage(file: FileModel, cls: Node, integration?: IntegrationModel): { classes: { file: FileModel; node: Node }[]; outsideBases: string[] } {
  const classes = [{ file, node: cls }];
  const outsideBases: string[] = [];
  const seen = new Set([`${file.path}#${cls.id}`]);
  for (let index = 0; index < classes.length && index < 16; index++) {
    const current = classes[index];
    for (const base of current.node.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (!base || base.type === 'keyword_argument') continue;
      // `CoordinatorEntity[AcmeCoordinator]` names its class before the brackets.
      const named = base.type === 'subscript' ? base.childForFieldName('value') ?? base : base;
      const parent = resolveClass(current.file, named, integration);
      // `class ConfigFlow(ConfigFlow, domain=DOMAIN)`: the base is the imported class the new one shadows.
      if (!parent || parent.node.id === current.node.id) {
        outsideBases.push(current.file.qualifiedName(named) ?? named.text);
        continue;
      }
      const key = `${parent.file.path}#${parent.node.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      classes.push(parent);
    }
  }
  return { classes, outsideBases };
}

/** Home Assistant's entity base classes: every `*Entity`, and the camera platform's `Camera`. */
const ENTITY_BASE = /(^|\.)\w*Entity$|^homeassistant\.components\.\w+\.Camera$/;

export function isEntityBase(qualifiedName: string): boolean {
  return ENTITY_BASE.test(qualifiedName);
}

/** Home Assistant's flow handlers: config, options and subentry flows, and the helpers' ready-made ones. */
const FLOW_BASE = /(^|\.)(ConfigFlow|OptionsFlow|OptionsFlowWithConfigEntry|OptionsFlowWithReload|ConfigSubentryFlow|SubentryFlow|FlowHandler|AbstractOAuth2FlowHandler|DiscoveryFlowHandler|WebhookFlowHandler)$/;

export function isFlowBase(qualifiedName: string): boolean {
  return FLOW_BASE.test(qualifiedName);
}

/** An entity class: one of its bases, or its own classes' bases, is one of Home Assistant's entity classes. */
export function isEntityClass(file: FileModel, cls: Node, integration?: IntegrationModel): boolean {
  return classLineage(file, cls, integration).outsideBases.some(isEntityBase);
}

/** The class a base-class expression names, in this file or another module of the integration. */
export function resolveClass(file: FileModel, reference: Node, integration?: IntegrationModel): { file: FileModel; node: Node } | undefined {
  const target = unwrap(reference);
  if (target.type === 'identifier') {
    const local = file.bindingsOf(target).find((binding) => binding.kind === 'def' && binding.node.type === 'class_definition');
    if (local) return { file, node: local.node };
  }
  const qualified = file.qualifiedName(target);
  if (!qualified || !integration) return undefined;
  const cut = qualified.lastIndexOf('.');
  const module = cut > 0 ? integration.moduleFile(qualified.slice(0, cut)) : undefined;
  const name = qualified.slice(cut + 1);
  const node = module?.classes.find((candidate) => candidate.childForFieldName('name')?.text === name && module.scopeOf(candidate).type === 'module');
  return module && node ? { file: module, node } : undefined;
}
