import type { Node } from '../python/syntaxTree';
import { ancestorOfType, contains, descendants, literalString, parameterAnnotation, unwrap } from '../python/syntax';
import type { CallSite, FileModel } from './fileModel';

/**
 * What the text of a caught HTTP error quotes of the request that failed. Logging the error whole
 * (`except requests.RequestException as err: _LOGGER.error("Update failed: %s", err)`) writes that text, so a key
 * sent in the URL's path or query (`?appid=...`, `/bot<token>/sendMessage`) ends up in the log:
 *
 * - requests: a connection error (refused, DNS, TLS, connect timeout) is urllib3's "Max retries exceeded with url:
 *   <path and query>"; `raise_for_status()`'s HTTPError is "... for url: <the whole URL>";
 * - aiohttp and httpx: only the error `raise_for_status` raises names the URL (`ClientResponseError` as
 *   "url='...'", `HTTPStatusError` as "for url '...'"), and aiohttp's `resp.json()` for an answer that is not JSON
 *   (ContentTypeError, a ClientResponseError); their connection errors name only the host.
 *
 * `params=` is merged into the URL by all three, so it counts as the URL.
 */

type Library = 'requests' | 'aiohttp' | 'httpx';

const REQUEST_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request']);

/** requests' errors whose text quotes urllib3's failed URL: its connection errors and their bases. */
const REQUESTS_CONNECTION_ERRORS = new Set(['RequestException', 'ConnectionError', 'ConnectTimeout', 'Timeout', 'SSLError', 'ProxyError', 'RetryError']);

/** The error classes a status error is caught by, per library. */
const STATUS_ERRORS: Record<Library, ReadonlySet<string>> = {
  requests: new Set(['RequestException', 'HTTPError']),
  aiohttp: new Set(['ClientError', 'ClientResponseError', 'ContentTypeError']),
  httpx: new Set(['HTTPError', 'HTTPStatusError']),
};

/** What an `except` clause catches, in terms of the classes above. */
interface Caught {
  /** `Exception`, `BaseException`: every library's errors. */
  everything: boolean;
  /** `OSError`, `IOError`: requests' errors derive from it, aiohttp's and httpx's status errors do not. */
  osErrors: boolean;
  /** Class names caught from each library (`requests.exceptions.HTTPError` is requests' `HTTPError`). */
  byLibrary: Map<Library, Set<string>>;
}

/** What the `except` clauses before `clause`, on the same try statement, catch. */
function caughtBefore(file: FileModel, clause: Node): Caught {
  const merged: Caught = { everything: false, osErrors: false, byLibrary: new Map() };
  for (const sibling of clause.parent?.namedChildren ?? []) {
    if (sibling.id === clause.id) break;
    if (sibling.type !== 'except_clause') continue;
    const caught = caughtBy(file, sibling);
    // A bare `except:` before this one leaves it nothing.
    if (!caught) {
      if (!sibling.namedChildren.some((child) => child.type !== 'block' && child.type !== 'comment')) merged.everything = true;
      continue;
    }
    merged.everything ||= caught.everything;
    merged.osErrors ||= caught.osErrors;
    for (const [library, names] of caught.byLibrary) merged.byLibrary.set(library, new Set([...(merged.byLibrary.get(library) ?? []), ...names]));
  }
  return merged;
}

function libraryOf(qualifiedName: string | undefined): Library | undefined {
  if (!qualifiedName) return undefined;
  if (/^requests(\.|$)/.test(qualifiedName)) return 'requests';
  if (/^(aiohttp|homeassistant\.helpers\.aiohttp_client)(\.|$)/.test(qualifiedName)) return 'aiohttp';
  if (/^(httpx|homeassistant\.helpers\.httpx_client)(\.|$)/.test(qualifiedName)) return 'httpx';
  return undefined;
}

/** What one `except` clause catches (`except X as err:`, `except (X, Y):`); undefined for a bare `except:`. */
function caughtBy(file: FileModel, clause: Node): Caught | undefined {
  const pattern = clause.namedChildren.find((child) => child.type === 'as_pattern');
  const caught = pattern ? pattern.namedChild(0) : clause.namedChildren.find((child) => child.type !== 'block' && child.type !== 'comment');
  if (!caught) return undefined;
  const classes = unwrap(caught).type === 'tuple' ? unwrap(caught).namedChildren : [caught];
  const result: Caught = { everything: false, osErrors: false, byLibrary: new Map() };
  for (const cls of classes) {
    const name = file.qualifiedName(unwrap(cls));
    if (!name) continue;
    if (name === 'Exception' || name === 'BaseException') result.everything = true;
    else if (name === 'OSError' || name === 'IOError') result.osErrors = true;
    const library = libraryOf(name);
    if (!library) continue;
    const names = result.byLibrary.get(library) ?? new Set<string>();
    names.add(name.slice(name.lastIndexOf('.') + 1));
    result.byLibrary.set(library, names);
  }
  return result;
}

/**
 * The URL and query parameters of the requests made in `scope` (a try block, or a function it calls) whose failure
 * the `except` clause would catch with a text that quotes them. Requests inside a try of their own are left out:
 * that one catches their errors first.
 */
export function requestPartsQuotedByCaughtError(clauseFile: FileModel, clause: Node, file: FileModel, scope: Node): Node[] {
  const caught = caughtBy(clauseFile, clause);
  if (!caught || (!caught.everything && !caught.osErrors && caught.byLibrary.size === 0)) return [];
  const earlier = caughtBefore(clauseFile, clause);
  const calls = descendants(scope, ['call']).filter((call) => !caughtInside(call, scope));
  const raisesForStatus = calls.some((call) => file.callSite(call)?.method === 'raise_for_status');
  // aiohttp's `resp.json()` raises ContentTypeError, a ClientResponseError, for an answer that is not JSON.
  const readsJsonStrictly = calls.some((call) => {
    const site = file.callSite(call);
    return site?.method === 'json' && site.args.length === 0 && site.keywords.get('content_type')?.text !== 'None';
  });
  const parts: Node[] = [];
  for (const call of calls) {
    const site = file.callSite(call);
    if (!site?.method || !REQUEST_METHODS.has(site.method)) continue;
    const url = site.keywords.get('url') ?? site.args[site.method === 'request' ? 1 : 0];
    if (!url) continue;
    const library = requestLibrary(file, site, caught);
    if (!library && !looksLikeUrl(file, url)) continue;
    const forStatus = raisesForStatus || site.keywords.get('raise_for_status')?.text === 'True' || (library === 'aiohttp' && readsJsonStrictly);
    if (!quotesUrl(caught, earlier, library, forStatus)) continue;
    parts.push(url);
    const params = site.keywords.get('params');
    if (params) parts.push(params);
  }
  return parts;
}

/**
 * The URL and query parameters of an aiohttp request whose response is the value of `call`: aiohttp's response shows
 * its URL when written as text (`<ClientResponse(https://...?appid=...) [200 OK]>`); requests' and httpx's do not.
 */
export function aiohttpResponseUrlParts(file: FileModel, call: Node): Node[] {
  const site = file.callSite(call);
  if (!site?.method || !REQUEST_METHODS.has(site.method)) return [];
  if (requestLibrary(file, site, { everything: false, osErrors: false, byLibrary: new Map() }) !== 'aiohttp') return [];
  const url = site.keywords.get('url') ?? site.args[site.method === 'request' ? 1 : 0];
  const params = site.keywords.get('params');
  return [url, params].filter((part): part is Node => part !== undefined);
}

/** Whether a clause catches a library's connection errors (requests') or its status errors. */
function catches(caught: Caught, library: Library, kind: 'connection' | 'status', names: { connection: ReadonlySet<string>; status: Record<Library, ReadonlySet<string>> }): boolean {
  if (caught.everything || (library === 'requests' && caught.osErrors)) return true;
  const classes = [...(caught.byLibrary.get(library) ?? [])];
  return kind === 'connection' ? library === 'requests' && classes.some((name) => names.connection.has(name)) : classes.some((name) => names.status[library].has(name));
}

/** The classes that catch every error of a kind, so that a later clause of the same try never sees one. */
const WHOLE_KIND = {
  connection: new Set(['RequestException', 'ConnectionError']),
  status: { requests: new Set(['RequestException', 'HTTPError']), aiohttp: new Set(['ClientError', 'ClientResponseError']), httpx: new Set(['HTTPError', 'HTTPStatusError']) },
};

/** `earlier`: what the clauses before this one, on the same try, catch first. */
function quotesUrl(caught: Caught, earlier: Caught, library: Library | undefined, forStatus: boolean): boolean {
  const receives = (candidate: Library, kind: 'connection' | 'status') =>
    catches(caught, candidate, kind, { connection: REQUESTS_CONNECTION_ERRORS, status: STATUS_ERRORS }) && !catches(earlier, candidate, kind, WHOLE_KIND);
  if (library === 'requests' && receives('requests', 'connection')) return true;
  if (!forStatus) return false;
  const libraries: Library[] = library ? [library] : ['requests', 'aiohttp', 'httpx'];
  return libraries.some((candidate) => receives(candidate, 'status'));
}

/**
 * The library making a request: named by the call (`requests.get`), by what the receiver was made from
 * (`requests.Session()`, `async_get_clientsession(hass)`, also kept in `self._session`), or else by the one library
 * the clause catches the errors of.
 */
function requestLibrary(file: FileModel, site: CallSite, caught: Caught): Library | undefined {
  const direct = libraryOf(file.qualifiedName(site.callee));
  if (direct) return direct;
  const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
  for (const value of receiver ? receiverValues(file, unwrap(receiver)) : []) {
    const made = unwrap(value);
    const maker = made.type === 'call' ? made.childForFieldName('function') : made.type === 'identifier' ? annotationOf(file, made) : made;
    const library = maker ? libraryOf(file.qualifiedName(maker)) : undefined;
    if (library) return library;
  }
  return caught.byLibrary.size === 1 ? [...caught.byLibrary.keys()][0] : undefined;
}

function receiverValues(file: FileModel, receiver: Node): Node[] {
  if (receiver.type === 'identifier') return file.origins(receiver).map((origin) => origin.node);
  const object = receiver.type === 'attribute' ? receiver.childForFieldName('object') : null;
  const name = receiver.childForFieldName('attribute')?.text;
  const cls = object?.text === 'self' ? ancestorOfType(receiver, ['class_definition']) : null;
  return cls && name ? file.selfAttributeWrites(cls, name).values : [];
}

/** The type a parameter is annotated with (`session: aiohttp.ClientSession`), for a name bound only to it. */
function annotationOf(file: FileModel, name: Node): Node | undefined {
  const bindings = file.bindingsOf(name);
  const parameter = bindings.length === 1 && bindings[0].kind === 'parameter' ? bindings[0].node : undefined;
  const annotation = parameter ? parameterAnnotation(parameter) : undefined;
  return annotation ? unwrap(annotation.namedChild(0) ?? annotation) : undefined;
}

/** A request of a library the code does not name: only where the first argument reads as a URL (not `dict.get`). */
function looksLikeUrl(file: FileModel, url: Node): boolean {
  return file.origins(url).some(({ node }) => {
    const value = unwrap(node);
    if (value.type === 'identifier' || value.type === 'attribute') return /url|uri|endpoint/i.test(value.text);
    const text = literalString(value) ?? (value.type === 'string' || value.type === 'binary_operator' || value.type === 'call' ? value.text : '');
    return /^[rbuf]*["']?(https?:\/\/|\/)/i.test(text) || text.includes('://');
  });
}

/** Whether a try inside `scope` around `call` has its own `except` clauses. */
function caughtInside(call: Node, scope: Node): boolean {
  for (let node = call.parent; node && node.id !== scope.id; node = node.parent) {
    if (node.type !== 'try_statement') continue;
    const body = node.childForFieldName('body');
    if (body && contains(body, call) && node.namedChildren.some((child) => child.type === 'except_clause')) return true;
  }
  return false;
}
