import type { Node } from '../python/syntaxTree';
import type { FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { isSecretName, normalizeName } from '../model/secrets';
import { callTakingArgument, identifiersMatching, stringPrefix, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix, TextEdit } from '../types';

/** Private, loopback, link-local and carrier-grade NAT (Tailscale) IPv4 ranges: the user's own network. */
const PRIVATE_IPV4 = /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.|0\.0\.0\.0$)/;
/** Names that only resolve at home: mDNS, home and router suffixes, and the names routers answer for themselves. */
const LOCAL_NAME = /(^|\.)(local|lan|home|internal|intranet|localdomain|localhost|home\.arpa|fritz\.box|speedport\.ip|pi\.hole|routerlogin\.(net|com)|tplink(wifi|login|modem|repeater)\.net|router\.asus\.com|(www\.)?asusrouter\.com|host\.docker\.internal)$/i;
/** Placeholder domains people write in examples (RFC 2606) and hosts that name XML namespaces and schemas rather than serve them. */
const NOT_A_SERVER = /(^|\.)(example\.(com|org|net)|invalid)$|^(www\.)?(w3\.org|schemas\.xmlsoap\.org|schemas\.microsoft\.com|schemas\.openxmlformats\.org|purl\.org|xmlns\.com|ns\.adobe\.com|onvif\.org|schemas\.upnp\.org|upnp\.org|json-schema\.org|docs\.oasis-open\.org|opengis\.net|xml\.org|schemas\.android\.com)$/i;

/** Words of a name that make it a URL of something called (`API_URL`, `base`, `endpoint`, `host`). */
const URL_WORDS = new Set(['url', 'urls', 'uri', 'uris', 'endpoint', 'endpoints', 'host', 'base', 'api', 'server', 'address', 'resource', 'href', 'baseurl', 'apiurl']);
/** Words of a name that make it a link for people or an identifier, not something the integration calls. */
const NOT_CALLED_WORDS = new Set([
  'doc', 'docs', 'documentation', 'help', 'manual', 'wiki', 'homepage', 'website', 'site', 'about', 'support', 'terms', 'tos',
  'privacy', 'license', 'attribution', 'learn', 'more', 'configuration', 'issue', 'issues', 'tracker', 'changelog', 'faq', 'image',
  'icon', 'logo', 'picture', 'thumbnail', 'photo', 'avatar', 'referer', 'referrer', 'origin', 'namespace', 'namespaces', 'ns',
  'xmlns', 'schema', 'xsd', 'dtd', 'spec', 'signup', 'register', 'registration', 'portal', 'dashboard', 'manufacturer', 'vendor',
  'placeholders', 'placeholder', 'example', 'redirect', 'release', 'notes',
]);
/** Calls whose string arguments are messages, patterns or XML names, not requests. */
const NOT_A_REQUEST = /(^|\.)(debug|info|warning|warn|error|exception|critical|log|print|startswith|endswith|replace|split|rsplit|join|removeprefix|removesuffix|find|rfind|index|count|strip|lstrip|rstrip|partition|match|fullmatch|search|sub|compile|register_namespace|QName|Element|SubElement|findall|findtext|iterfind|isinstance|async_create|create|async_show_form|async_abort|_|gettext|open_new_tab)$/;

export const insecureHttpUrl: Rule = {
  meta: {
    id: 'insecure-http-url',
    checklist: 'tls-verification',
    severity: 'warning',
    fix: 'safe',
    cwe: 319,
    description: 'A remote API is called over plain http://, so credentials and data cross the internet unencrypted.',
    docs: `Plain HTTP sends everything in the clear: API keys in headers or query strings, passwords in login
requests, and the responses the integration acts on. Anyone on the path can read and change them.

**What is reported:** \`http://\` URLs to remote hosts that the integration calls: literals and f-strings (by their
literal start) assigned to URL names (\`API_URL\`, \`BASE\`, \`ENDPOINTS = {...}\`, \`self._host\`), passed as URL
keywords (\`url=\`, \`base_url=\`), as the default of a URL option (\`vol.Optional(CONF_URL, default=...)\`),
returned from a URL property, or passed to a call (\`session.get("http://...")\`, \`AcmeApi("http://...")\`). It is an
error when the request carries a credential: a key or token in the query string, a password in the URL, an
\`auth=\` or a header or body with a credential in the call the URL reaches (also through the constant and the local
it is built into: \`URL = "http://..."\`, \`url = f"{URL}{email}"\`, \`requests.get(url, headers=header)\`).

**What is not:** \`localhost\`, private and link-local addresses (also Tailscale's 100.64.0.0/10), \`.local\`/\`.lan\`/
\`.home.arpa\` names, single-label names and the names routers and DNS filters answer for themselves (\`fritz.box\`, \`pi.hole\`); URLs built from a
host the user configured (\`f"http://{host}:{port}/api"\`, \`"http://%s" % host\`: that is a device on their
network); XML namespaces and schema URIs; reserved example domains; documentation links in docstrings, comments,
messages and names like \`DOCS_URL\` or \`configuration_url\`; test files.

**Fix:** use \`https://\`. The quick fix switches the scheme (dropping an explicit \`:80\`, plain HTTP's port); check
that the service answers on HTTPS (nearly every cloud API does, and many refuse plain HTTP already). With another
explicit port it is only a suggestion, since that port may not speak TLS.

Bad:
\`\`\`python
API_URL = "http://api.acme-cloud.com/v1"
\`\`\`

Good:
\`\`\`python
API_URL = "https://api.acme-cloud.com/v1"
LOCAL_URL = f"http://{host}:{port}/status"  # a device on the user's network
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    if (file.isTestFile) return;
    for (const node of file.stringsContaining(/https?:\/\//i)) {
      const url = urlAtStart(file, node, context.integration);
      if (!url) continue;
      if (url.host === undefined || !isRemoteHost(url.host)) {
        // A device on the user's network, or a host the user configured, over plain HTTP as the checklist allows:
        // the integration still makes HTTP requests, so the item applies (and passes).
        if (url.scheme === 'http' && isCalledUrl(file, node, context.integration)) context.markUsed();
        continue;
      }
      if (!isCalledUrl(file, node, context.integration)) continue;
      // An https URL shows TLS in use where it is handed to a call, or where the integration has an HTTP client to
      // use it with; otherwise it may be a link to documentation.
      if (url.scheme !== 'http') {
        if (isCallArgument(node) || namesService(node) || usesHttpClient(file, context.integration)) context.markUsed();
        continue;
      }
      context.markUsed();
      const credential = credentialCarried(file, node, url.text, context.integration);
      context.report(node, `\`${url.origin}\` is a remote service reached without encryption${credential ? `, and the request carries ${credential}` : ''}; use https://.`, {
        severity: credential ? 'error' : undefined,
        fix: httpsFix(url),
      });
    }
  },
};

/**
 * `http://` -> `https://`. An explicit `:80` (plain HTTP's port) goes too; another explicit port may not speak TLS,
 * so that rewrite is a suggestion for a person to check.
 */
function httpsFix(url: UrlStart): Fix {
  const scheme: TextEdit = { range: { start: url.start, end: { line: url.start.line, character: url.start.character + 'http://'.length } }, newText: 'https://' };
  const port = /:(\d+)$/.exec(url.origin)?.[1];
  if (port === undefined) return { title: 'Use https://', safe: true, edits: [scheme] };
  // A port inside a constant filled in is not where the text says: rewrite the scheme only, for a person to check.
  if (url.filledIn) return { title: `Use https:// (check that port ${port} answers HTTPS)`, safe: false, edits: [scheme] };
  if (port !== '80' || !url.text.startsWith(url.origin) || /\\/.test(url.origin)) return { title: `Use https:// (check that port ${port} answers HTTPS)`, safe: false, edits: [scheme] };
  const at = url.start.character + url.origin.length - ':80'.length;
  const dropPort: TextEdit = { range: { start: { line: url.start.line, character: at }, end: { line: url.start.line, character: at + ':80'.length } }, newText: '' };
  return { title: 'Use https:// (on its own port, not :80)', safe: true, edits: [scheme, dropPort] };
}

const HTTP_CLIENT = /^(aiohttp|requests|httpx|urllib3|urllib\.request|homeassistant\.helpers\.(aiohttp_client|httpx_client))(\.|$)/;

function usesHttpClient(file: FileModel, integration: IntegrationModel | undefined): boolean {
  return (integration?.files ?? [file]).some((candidate) => [...candidate.imports.values()].some((name) => HTTP_CLIENT.test(name)));
}

/** Words of a name that say an API is called there (`API_URL`, `BASE_URL`, `ENDPOINT`), unlike a bare `URL`. */
const SERVICE_WORDS = new Set(['api', 'apiurl', 'endpoint', 'endpoints', 'base', 'baseurl', 'server', 'host']);

function namesService(string: Node): boolean {
  const left = string.parent?.type === 'assignment' ? string.parent.childForFieldName('left') : null;
  const name = left?.type === 'attribute' ? left.childForFieldName('attribute')?.text : left?.type === 'identifier' ? left.text : undefined;
  return name !== undefined && words(name).some((word) => SERVICE_WORDS.has(word));
}

function isCallArgument(string: Node): boolean {
  let node: Node = string;
  while (node.parent && ['parenthesized_expression', 'binary_operator', 'concatenated_string'].includes(node.parent.type)) node = node.parent;
  const parent = node.parent;
  return parent?.type === 'argument_list' || (parent?.type === 'keyword_argument' && parent.parent?.type === 'argument_list');
}

interface UrlStart {
  scheme: 'http' | 'https';
  /** The host when it is written literally or is a constant; undefined when it comes from a variable or a placeholder. */
  host: string | undefined;
  /** The literal text of the URL, constants filled in and other interpolations written as `{}`. */
  text: string;
  /** Whether a constant was filled in, so the text is longer or shorter than the source. */
  filledIn: boolean;
  /** `http://host[:port]` as written, for messages. */
  origin: string;
  start: { line: number; character: number };
}

/** The URL a string starts with (the first literal piece of an f-string or concatenation), if any. */
function urlAtStart(file: FileModel, node: Node, integration: IntegrationModel | undefined): UrlStart | undefined {
  const first = node.type === 'concatenated_string' ? node.namedChildren.find((part) => part?.type === 'string') : node;
  if (!first) return undefined;
  const content = first.namedChildren.find((part) => part?.type !== 'string_start');
  if (!content || content.type !== 'string_content') return undefined;
  const scheme = /^(https?):\/\//i.exec(content.text);
  if (!scheme) return undefined;
  const formatted = stringPrefix(first).includes('f');
  let text = '';
  let filledIn = false;
  for (const part of first.namedChildren) {
    if (part?.type === 'string_content' || part?.type === 'escape_sequence') text += part.text;
    else if (part?.type === 'interpolation') {
      // `f"http://{HOST}/api"` with `HOST = "api.acme.com"`: the constant is the host called.
      const expression = part.childForFieldName('expression');
      const constant = expression && expression.type === 'identifier' ? file.stringValue(expression, integration?.constantString) : undefined;
      filledIn ||= constant !== undefined;
      text += constant ?? '{}';
    }
  }
  // In a plain string `{}`/`{host}` and `%s` are placeholders for `.format()`/`%`: the host comes from elsewhere.
  const authority = /^https?:\/\/(?:[^@/?#\s]*@)?(\[[^\]]*\]|[^/:?#\s]*)/i.exec(formatted ? text : text.replace(/\{[^}]*\}/g, '{}'))?.[1] ?? '';
  const host = /[{%]/.test(authority) ? hostAroundPlaceholder(authority) : authority.replace(/^\[|\]$/g, '');
  const origin = /^https?:\/\/[^/?#\s]*/i.exec(text)?.[0] ?? text;
  return { scheme: scheme[1].toLowerCase() as 'http' | 'https', host: host || undefined, text, origin, filledIn, start: { line: content.startPosition.row, character: content.startPosition.column } };
}

/**
 * `{}` alone, `{}.local` or `%s` is the user's host. `api.{}.acme.com` is a vendor's regional host: the literal domain
 * after the placeholder is what is called.
 */
function hostAroundPlaceholder(authority: string): string | undefined {
  const suffix = authority.split(/\{\}|%[sd]/).pop() ?? '';
  return /^(\.[a-z0-9-]+){2,}$/i.test(suffix) ? suffix.slice(1) : undefined;
}

function isRemoteHost(host: string): boolean {
  const bare = host.toLowerCase().replace(/\.$/, '');
  if (!bare.includes('.') && !bare.includes(':')) return false;
  if (PRIVATE_IPV4.test(bare) || LOCAL_NAME.test(bare) || NOT_A_SERVER.test(bare)) return false;
  // IPv6 loopback, unique local (fc00::/7) and link-local (fe80::/10).
  if (bare.includes(':')) return !/^(::1?$|f[cd][0-9a-f]{0,2}:|fe[89ab][0-9a-f]?:)/.test(bare);
  return true;
}

/** A string the integration calls as a URL (see the docs); links, messages and namespaces are not. */
function isCalledUrl(file: FileModel, string: Node, integration: IntegrationModel | undefined, depth = 3): boolean {
  let node: Node = string;
  for (;;) {
    const parent = node.parent;
    if (!parent) return false;
    const climbs =
      ['parenthesized_expression', 'binary_operator', 'conditional_expression', 'list', 'tuple', 'set', 'concatenated_string'].includes(parent.type) ||
      // `"http://api.acme.com/{}".format(x)`: the call is the value.
      (parent.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'format' && parent.parent?.type === 'call');
    if (!climbs) break;
    node = parent.type === 'attribute' ? parent.parent! : parent;
  }
  const parent = node.parent!;
  switch (parent.type) {
    case 'assignment': {
      if (parent.childForFieldName('right')?.id !== node.id) return false;
      const target = parent.childForFieldName('left');
      const index = target?.type === 'subscript' ? target.childForFieldName('subscript') : null;
      const name = target?.type === 'attribute' ? target.childForFieldName('attribute')?.text : index ? file.stringValue(index, integration?.constantString) : target?.text;
      return name !== undefined && namesCalledUrl(name);
    }
    case 'default_parameter':
    case 'typed_default_parameter':
      return namesCalledUrl(parent.childForFieldName('name')?.text ?? '');
    case 'keyword_argument': {
      const keyword = parent.childForFieldName('name')?.text ?? '';
      if (keyword === 'default') return isUrlOptionDefault(file, parent, integration);
      return namesCalledUrl(keyword);
    }
    case 'argument_list': {
      const callee = parent.parent?.childForFieldName('function');
      const name = callee ? file.qualifiedName(callee) ?? callee.text : '';
      return !NOT_A_REQUEST.test(name) && !/(Error|Exception|Warning)$/.test(name) && !/^(webbrowser|logging|re|xml)\./.test(name) && parent.parent?.parent?.type !== 'raise_statement';
    }
    case 'pair': {
      if (parent.childForFieldName('value')?.id !== node.id) return false;
      const key = parent.childForFieldName('key');
      const keyName = key ? file.stringValue(key, integration?.constantString) : undefined;
      const dict = parent.parent;
      const container = dict?.parent?.type === 'keyword_argument' ? dict.parent.childForFieldName('name')?.text ?? '' : '';
      if (/placeholders$/.test(container)) return false;
      // `config_entry_flow.register_webhook_flow(DOMAIN, "Title", {"docs_url": ...})`: placeholders shown in the form.
      const receiver = dict?.parent?.type === 'argument_list' ? dict.parent.parent?.childForFieldName('function') : null;
      if (receiver && /(^|\.)register_webhook_flow$/.test(file.qualifiedName(receiver) ?? receiver.text)) return false;
      if (keyName !== undefined && words(keyName).some((word) => NOT_CALLED_WORDS.has(word))) return false;
      if (keyName !== undefined && namesCalledUrl(keyName)) return true;
      // `ENDPOINTS = {"status": "http://..."}`: the dict's own name decides.
      return dict !== null && depth > 0 && isCalledUrl(file, dict, integration, depth - 1);
    }
    case 'return_statement': {
      const fn = file.enclosingFunction(parent);
      return fn !== undefined && namesCalledUrl(fn.childForFieldName('name')?.text ?? '');
    }
    default:
      return false;
  }
}

function words(name: string): string[] {
  return normalizeName(name).split('_').filter(Boolean);
}

function namesCalledUrl(name: string): boolean {
  const parts = words(name).flatMap((word) => [word, word.replace(/s$/, '')]);
  return parts.some((word) => URL_WORDS.has(word)) && !parts.some((word) => NOT_CALLED_WORDS.has(word));
}

/** `vol.Optional(CONF_URL, default="http://...")`: the default of a URL option is called unless the user changes it. */
function isUrlOptionDefault(file: FileModel, keyword: Node, integration: IntegrationModel | undefined): boolean {
  const call = keyword.parent?.parent;
  const site = call?.type === 'call' ? file.callSite(call) : undefined;
  if (!site || !/(^|\.)(Optional|Required)$/.test(site.name ?? '') || !site.args[0]) return false;
  const key = file.stringValue(site.args[0], integration?.constantString);
  return key !== undefined && namesCalledUrl(key);
}

/** What credential a request to this URL carries, as far as this file tells: in the URL, or in the same call. */
function credentialCarried(file: FileModel, string: Node, text: string, integration: IntegrationModel | undefined): string | undefined {
  if (/^https?:\/\/[^/@\s]*:[^/@\s]+@/i.test(text)) return 'a password in the URL';
  for (const [, name] of text.matchAll(/[?&]([A-Za-z_]+)=/g)) {
    if (isSecretName(name) || /^(key|apikey|appid|app_id|token|auth|sig|signature)$/i.test(name)) return `the \`${name}\` query parameter`;
  }
  for (const call of callsMadeWith(file, string, 2)) {
    const carried = callCredential(file, call, integration);
    if (carried) return carried;
  }
  return undefined;
}

function callCredential(file: FileModel, call: Node, integration: IntegrationModel | undefined): string | undefined {
  const site = file.callSite(call);
  if (!site) return undefined;
  if (site.keywords.has('auth')) return 'credentials (`auth=`)';
  for (const keyword of ['headers', 'params', 'data', 'json']) {
    const given = site.keywords.get(keyword);
    // `headers=header`, with `header = {"hibp-api-key": self._api_key}` just before.
    const origins = given && unwrap(given).type === 'identifier' ? file.origins(unwrap(given)) : [];
    const value = given && origins.length === 1 && origins[0].kind === 'expression' ? origins[0].node : given;
    if (value && unwrap(value).type === 'dictionary' && unwrap(value).namedChildren.some((pair) => pair?.type === 'pair' && isSecretName(file.stringValue(pair.childForFieldName('key')!, integration?.constantString) ?? ''))) {
      return `a credential in its ${keyword}`;
    }
  }
  return undefined;
}

/**
 * The calls a URL is handed to: as an argument (inside an f-string or a concatenation too), or through the names it
 * is assigned to (`URL = "http://..."`, then `url = f"{URL}{email}"`, then `requests.get(url, ...)`), `depth` names on.
 */
function callsMadeWith(file: FileModel, value: Node, depth: number): Node[] {
  let node: Node = value;
  while (node.parent && ['interpolation', 'string', 'parenthesized_expression', 'binary_operator', 'concatenated_string'].includes(node.parent.type)) node = node.parent;
  const direct = ancestorCall(node);
  if (direct) return [direct];
  const assignment = node.parent?.type === 'assignment' && node.parent.childForFieldName('right')?.id === node.id ? node.parent : undefined;
  const target = assignment?.childForFieldName('left');
  if (depth <= 0 || target?.type !== 'identifier') return [];
  // Where the name is read: the module for a constant, the function for a local.
  const fn = file.enclosingFunction(assignment!);
  const scope = fn ?? file.root;
  return identifiersMatching(scope, file.text, new RegExp(`\\b${target.text}\\b`))
    .filter((use) => use.text === target.text && use.id !== target.id && (!fn || file.scopeOf(use).id === file.scopeOf(target).id))
    .flatMap((use) => callsMadeWith(file, use, depth - 1));
}

/** The call a string is an argument of (through f-string concatenation and parentheses). */
function ancestorCall(string: Node): Node | undefined {
  let node: Node = string;
  while (node.parent && ['parenthesized_expression', 'binary_operator', 'concatenated_string'].includes(node.parent.type)) node = node.parent;
  return callTakingArgument(node);
}
