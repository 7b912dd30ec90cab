import type { Node } from '../python/syntaxTree';
import type { CallSite, FileModel } from '../model/fileModel';
import { constantExpression, type IntegrationModel } from '../model/integration';
import { markedKey } from '../model/schemaKeys';
import { credentialKeys } from '../model/secretFlow';
import { isSecretName, normalizeName } from '../model/secrets';
import { isHex, isPlaceholder, knownSecretFormat, looksLikeSecretValue, looksRandom } from '../model/secretValues';
import { identifiersMatching, literalString, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';

export const hardcodedSecret: Rule = {
  meta: {
    id: 'hardcoded-secret',
    checklist: 'hardcoded-credentials',
    severity: 'error',
    fix: 'none',
    cwe: 798,
    banditIds: ['B105', 'B106', 'B107'],
    description: 'A secret value (password, token, API key, client secret, private key) is written in the source.',
    docs: `A secret in source code is published with it: every copy of the repository, every HACS download and every
fork carries it, and it cannot be rotated without a release. A vendor app secret or an OAuth client secret in an
integration is shared by all of its users, so whoever extracts it can impersonate the integration.

**What is reported**
- A string that looks like a secret bound to a credential name: a variable, attribute or class attribute
  (\`API_KEY = "..."\`, \`self._token = "..."\`), a default parameter value (\`def login(password="...")\`), a keyword
  argument (\`Client(client_secret="...")\`), a dict key (\`{"api_key": "..."}\`, \`headers={"Authorization": "Bearer ..."}\`),
  a fallback (\`os.getenv("ACME_TOKEN", "...")\`, \`entry.data.get(CONF_API_KEY, "...")\`) or a comparison
  (\`if password == "..."\`). A literal passed through a constant or a local variable counts too, and so do key bytes
  written out (\`bytes([26, 256 - 74, ...])\`, \`bytes.fromhex("1ab6...")\`, \`base64.b64decode("...")\`, judged as their
  hex or base64 text) and a literal encoded on the way (\`key.encode()\`). Names that only
  sometimes hold one (\`auth\`, \`SESSION_DEFAULT\`: a session is as often a client object or a cookie's name) count
  with a random literal of 32 characters or more, a bare \`"key"\` in a table of data with an AES key in hex (32, 48
  or 64 hex digits), and any other name ending in \`_key\` (\`CLOUD_KEY\`) with such an AES key, also as the bytes
  decoded from it (\`bytes.fromhex("...")\`, \`unhexlify(...)\`, \`bytes([...])\`).
- Literals in the credential position of well-known calls: \`aiohttp.BasicAuth(user, "...")\`, requests/httpx basic and
  digest auth, \`hmac.new(b"...", ...)\`, \`jwt.encode(payload, "...")\` (also as \`key=\`, and through \`functools.partial\`), MQTT \`username_pw_set\`, and Home Assistant's
  \`LocalOAuth2Implementation\` and \`ClientCredential\` (use application credentials instead).
- Well-known secret formats wherever they appear, whatever the name: private key blocks, JSON Web Tokens (Home
  Assistant long-lived access tokens are JWTs), Google API keys and OAuth client secrets, AWS, GitHub, Slack, Stripe,
  OpenAI/Anthropic, SendGrid, Twilio, Mailgun and Telegram keys, Slack and Discord webhook URLs, and URLs with a
  password (\`https://user:pw@host\`) or a key in their query string (\`?api_key=...\`, \`&appid=...\`); such a key given
  as a request's query parameter (\`params={"key": "..."}\`) too, and a known format hidden in base64
  (\`"QUl6YVN5..."\`, a Google API key, decoded before use).

**How a value is judged.** Names decide where to look; the value decides whether it is a secret. A value is a
secret when it is at least 8 characters long, has no spaces, and looks random: a hex string of 16 or more
characters, or at least two kinds of characters (lower case, upper case, digits, symbols) with a Shannon entropy of
at least 2.5 bits per character (long mixed-case letters count too). Digits alone are ids, ports and PINs, except
under a name that says secret (\`"client_secret": "56951025"\`, with at least five different digits). It is not a secret when it is the key name
again or any other identifier made of words (\`"password"\`, \`"api_key"\`, \`"invalid_auth"\`, \`"accessToken"\`,
\`"acme_token_v2"\`), a URL, path, file name, host, e-mail or version, a template (\`"{token}"\`, \`"%s"\`,
\`"<token>"\`), or a placeholder (\`"your_api_key"\`, \`"changeme"\`, \`"xxxxxxxx"\`, \`"***"\`, \`"REDACTED"\`,
the alphabet typed out in order such as \`"abcdef0123456789"\`, anything with "example" or "dummy" in it, or any value under a name starting with \`EXAMPLE_\`, \`DUMMY_\`, \`FAKE_\`,
\`MOCK_\`, \`SAMPLE_\` or \`PLACEHOLDER_\` unless it has a known secret format). Names starting with \`DEFAULT_\` or \`FACTORY_\` usually hold a device's
published factory password, so for them only strongly random values count. Test code (\`tests/\`, \`test_*.py\`,
\`conftest.py\`) and docstrings are skipped.

**Fix:** ask the user for the credential in the config flow and read it from \`entry.data\`; for OAuth, use
Home Assistant's application credentials so each user brings their own client secret. Then revoke the published
secret: removing it from the code does not remove it from the repository's history or from past releases.

Bad:
\`\`\`python
API_KEY = "9f8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"

client = AcmeClient(session, api_key=API_KEY)
\`\`\`

Good:
\`\`\`python
CONF_API_KEY = "api_key"  # a key name, not a secret

client = AcmeClient(session, api_key=entry.data[CONF_API_KEY])
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    if (file.isTestFile) return;
    const reported = new Set<number>();
    const report = (node: Node, message: string) => {
      if (reported.has(node.id)) return;
      reported.add(node.id);
      context.report(node, message);
    };
    checkNamedValues(context, report);
    checkComparisons(context, report);
    checkCredentialArguments(context, report);
    checkKnownFormats(context, report);
    // An integration that handles credentials (`config[CONF_PASSWORD]`, `self._token`) and writes none in its source
    // passes the item; it applies to it.
    // The integration's key index (credential keys asked for, read or written), built once and shared by the rules,
    // answers for most; a credential only handed around (`def login(host, password)`) is found by its name.
    if (context.integration && (credentialKeys(file, context.integration).size > 0 || identifiersMatching(file.root, file.text, CREDENTIAL_WORD).some((name) => isSecretName(name.text)))) {
      context.markUsed();
    }
  },
};

const CREDENTIAL_WORD = /\w*(pass|pwd|secret|token|api_?key|credential)\w*/i;

type Reporter = (node: Node, message: string) => void;

/**
 * Assignments, default parameters, keyword arguments and dict entries, with the field that holds the name (or key) a
 * value is bound to. The value is read only for the few names that denote a credential.
 */
const NAME_FIELDS = new Map<string, string>([
  ['assignment', 'left'],
  ['default_parameter', 'name'],
  ['typed_default_parameter', 'name'],
  ['keyword_argument', 'name'],
  ['pair', 'key'],
]);

function checkNamedValues(context: FileContext, report: Reporter): void {
  const { file, integration } = context;
  // In document order, so that a literal reached from two names is reported under the first, as it always was.
  const binders = [...NAME_FIELDS].flatMap(([type, field]) => file.nodesOfType(type).map((binder) => ({ binder, type, field })));
  binders.sort((a, b) => a.binder.startIndex - b.binder.startIndex);
  for (const { binder, type, field } of binders) {
    const target = binder.childForFieldName(field);
    // A parameter or keyword is named by an identifier (a tuple parameter `def f((a, b)=...)` names nothing).
    if (!target || (field === 'name' && target.type !== 'identifier')) continue;
    const name = nameOfTarget(file, target, integration, binder);
    if (!name) continue;
    const secretName = isSecretName(name);
    if (!secretName && !/auth$|session|key$/i.test(name)) continue;
    const value = binder.childForFieldName(type === 'assignment' ? 'right' : 'value');
    if (!value) continue;
    // `auth = "401c2fe6..."`, `SESSION_DEFAULT = "cqq577bz..."`: a bare auth or session name holds a key or token
    // only when the value is a long random string (a session is as often a client object or a cookie's name); a bare
    // `key` only when it is an AES key written in hex (32, 48 or 64 hex digits), as a key is as often a lookup's.
    // Any other `*_key` (`CLOUD_KEY`, `RELAY_KEY`) holds a secret when it is written as an AES key in hex.
    const cipherKey = /(^|_)key$/.test(normalizeName(name)) && !/^_?key$/i.test(name) && isHexCipherKey(file, value);
    if (!secretName && !cipherKey && !(AUTH_NAME.test(normalizeName(name)) && isLongRandomLiteral(value)) && !(/^_?key$/i.test(name) && inKeyTable(binder) && isHexCipherKey(file, value))) continue;
    context.markUsed();
    reportLiteralSecret(context, value, name, (where) => `"${name}" is given a literal secret${where}`, report);
  }
}

/**
 * The name a value is bound to: a variable, attribute, parameter or keyword by its name; a subscript or dict key by
 * the string it holds (`data[CONF_PASSWORD]`, `{CONF_API_KEY: ...}`, also through constants of sibling modules).
 */
function nameOfTarget(file: FileModel, target: Node, integration: IntegrationModel | undefined, parent = target.parent): string | undefined {
  if (parent?.type === 'pair') return file.stringValue(target, integration?.constantString);
  switch (target.type) {
    case 'identifier':
      return target.text;
    case 'attribute':
      return target.childForFieldName('attribute')?.text;
    case 'subscript': {
      const index = target.childForFieldName('subscript');
      return index ? file.stringValue(index, integration?.constantString) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Reports `value` when it is (or certainly holds, through a local variable or a constant) a literal that looks
 * like a secret for `name`. A literal of this file is reported where it is written; one defined in another module of
 * the integration is reported here, where this file uses it, unless that module names it as a credential (then it is
 * reported there).
 */
function reportLiteralSecret(context: FileContext, value: Node, name: string, describe: (where: string) => string, report: Reporter): void {
  const found = literalBehind(context, value);
  if (!found || !looksLikeSecretValue(found.text, name)) return;
  const local = found.file === context.file;
  if (!local && definedUnderSecretName(found.node)) return;
  const where = local ? '' : ` (written in ${found.file.path.split('/').pop()})`;
  report(local ? found.node : value, `${describe(where)}; read it from the config entry (or application credentials) instead of shipping it in the source.`);
}

function definedUnderSecretName(literal: Node): boolean {
  const assignment = literal.parent?.type === 'assignment' ? literal.parent : undefined;
  const left = assignment?.childForFieldName('left');
  return left?.type === 'identifier' && isSecretName(left.text);
}

interface Literal {
  file: FileModel;
  node: Node;
  text: string;
}

/** The string literal an expression certainly holds: itself, `"...".encode()`, or a local variable or constant set to one. */
function literalBehind(context: FileContext, expression: Node, file: FileModel = context.file, depth = 3): Literal | undefined {
  const node = unwrap(expression);
  const text = literalString(node);
  if (text !== undefined) return { file, node, text };
  if (depth <= 0) return undefined;
  if (node.type === 'call') {
    // `"secret".encode()`, `key.encode()` hand a literal key to hmac and jwt just like `b"secret"`.
    const callee = node.childForFieldName('function');
    const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
    const args = node.childForFieldName('arguments');
    if (object && callee?.childForFieldName('attribute')?.text === 'encode' && (args?.namedChildCount ?? 0) <= 1) {
      return literalBehind(context, object, file, depth - 1);
    }
    const decoded = decodedKeyBytes(file, node);
    return decoded === undefined ? undefined : { file, node, text: decoded };
  }
  if (node.type !== 'identifier') return undefined;
  if (file.imports.has(node.text)) {
    const constant = constantExpression(file, node, context.integration);
    return constant ? literalBehind(context, constant.node, constant.file, depth - 1) : undefined;
  }
  const origins = file.origins(node, 2);
  if (origins.length === 1 && origins[0].kind === 'expression' && origins[0].node.id !== node.id) {
    return literalBehind(context, origins[0].node, file, depth - 1);
  }
  return undefined;
}

/** Calls that turn written-out text into the key's bytes: the text is the key, in hex or base64. */
const BYTES_FROM_TEXT = /^(bytes\.fromhex|bytearray\.fromhex|binascii\.(unhexlify|a2b_hex)|base64\.(b64decode|b16decode|b32decode|urlsafe_b64decode))$/;

/**
 * Key bytes written out in the source, as hex: `bytes([26, 256 - 74, ...])`, `bytearray((0x1a, 0xb6, ...))`, and the
 * text of `bytes.fromhex("1ab6...")` or `base64.b64decode("...")`.
 */
function decodedKeyBytes(file: FileModel, call: Node): string | undefined {
  const site = file.callSite(call);
  const name = site?.name ?? '';
  if (!site || site.args.length !== 1) return undefined;
  if (BYTES_FROM_TEXT.test(name)) return literalString(unwrap(site.args[0]));
  if (name !== 'bytes' && name !== 'bytearray') return undefined;
  const list = unwrap(site.args[0]);
  if (list.type !== 'list' && list.type !== 'tuple') return undefined;
  const values = list.namedChildren.map((item) => (item ? smallInteger(unwrap(item)) : undefined));
  if (values.length < 8 || values.some((value) => value === undefined || value < 0 || value > 255)) return undefined;
  return values.map((value) => value!.toString(16).padStart(2, '0')).join('');
}

/** An integer written as a literal or as a sum or difference of literals (`256-74`). */
function smallInteger(node: Node): number | undefined {
  if (node.type === 'integer') {
    const value = Number(node.text.replace(/_/g, ''));
    return Number.isSafeInteger(value) ? value : undefined;
  }
  if (node.type === 'unary_operator' && node.child(0)?.type === '-') {
    const operand = node.childForFieldName('argument');
    const value = operand ? smallInteger(unwrap(operand)) : undefined;
    return value === undefined ? undefined : -value;
  }
  if (node.type !== 'binary_operator') return undefined;
  const operator = node.childForFieldName('operator')?.text;
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  const [a, b] = [left ? smallInteger(unwrap(left)) : undefined, right ? smallInteger(unwrap(right)) : undefined];
  if (a === undefined || b === undefined) return undefined;
  return operator === '+' ? a + b : operator === '-' ? a - b : undefined;
}

/** `if password == "..."`: a credential checked against a literal is a hardcoded credential too. */
function checkComparisons(context: FileContext, report: Reporter): void {
  const { file, integration } = context;
  for (const node of file.nodesOfType('comparison_operator')) {
    // `a == b`: two operands around one operator (chains, `not in` and comments have more children).
    if (node.childCount !== 3 || node.namedChildCount !== 2) continue;
    const operator = node.child(1)?.type;
    if (operator !== '==' && operator !== '!=') continue;
    const [left, right] = [node.namedChild(0), node.namedChild(1)];
    if (!left || !right) continue;
    for (const [subject, literal] of [[left, right], [right, left]]) {
      if (literalString(literal) === undefined) continue;
      const name = nameOfTarget(file, unwrap(subject), integration);
      if (!name || !isSecretName(name)) continue;
      context.markUsed();
      reportLiteralSecret(context, literal, name, () => `"${name}" is checked against a literal secret`, report);
    }
  }
}

/** Calls whose argument at a known position is a credential, whatever the caller named it. */
const CREDENTIAL_ARGUMENTS: { match: (name: string, method: string | undefined) => boolean; index: number; keyword: string; what: string; parameter?: string }[] = [
  { match: (name) => /^aiohttp\.(helpers\.)?BasicAuth$/.test(name), index: 1, keyword: 'password', what: 'The BasicAuth password' },
  { match: (name) => /^requests\.(auth\.)?(HTTPBasicAuth|HTTPDigestAuth|HTTPProxyAuth)$/.test(name), index: 1, keyword: 'password', what: 'The HTTP auth password' },
  { match: (name) => /^httpx\.(BasicAuth|DigestAuth)$/.test(name), index: 1, keyword: 'password', what: 'The HTTP auth password' },
  { match: (name) => name === 'hmac.new' || name === 'hmac.digest', index: 0, keyword: 'hmac_key', what: 'The HMAC key', parameter: 'key' },
  { match: (name) => name === 'jwt.encode' || name === 'jwt.decode', index: 1, keyword: 'signing_key', what: 'The JWT signing key', parameter: 'key' },
  { match: (_name, method) => method === 'username_pw_set', index: 1, keyword: 'password', what: 'The MQTT password' },
  { match: (name) => name === 'homeassistant.helpers.config_entry_oauth2_flow.LocalOAuth2Implementation', index: 3, keyword: 'client_secret', what: 'The OAuth client secret' },
  { match: (name) => name === 'homeassistant.components.application_credentials.ClientCredential', index: 1, keyword: 'client_secret', what: 'The OAuth client secret' },
];

/** Every name a CREDENTIAL_ARGUMENTS entry matches (but the MQTT method) matches this. */
const CREDENTIAL_CALL_HINT = /Auth$|^hmac\.|^jwt\.|\.LocalOAuth2Implementation$|\.ClientCredential$/;

/** Lookups whose fallback is judged when the key is a credential: `os.getenv("ACME_TOKEN", "...")`, `data.get(CONF_API_KEY, "...")`. */
const LOOKUP_METHODS = new Set(['get', 'getenv', 'setdefault', 'pop']);

function checkCredentialArguments(context: FileContext, report: Reporter): void {
  const { file, integration } = context;
  // Asked once: sorting out every call's keywords to find `params=` would cost every file, and few pass one.
  const passesParams = file.mentions(/\bparams\s*=/);
  // Also `partial(jwt.encode, payload, key="...")`, the call it makes later.
  for (const call of file.callsWithDeferred) {
    const name = call.name ?? '';
    // Reading a call's arguments costs more than these tests, and few calls pass them.
    if (CREDENTIAL_CALL_HINT.test(name) || call.method === 'username_pw_set') {
      for (const known of CREDENTIAL_ARGUMENTS) {
        // Keyword arguments named for a credential (`password=`, `client_secret=`) are judged as named values already;
        // a bare `key=` is not, so it is read here.
        const argument = known.match(name, call.method) ? call.args[known.index] ?? (known.parameter ? call.keywords.get(known.parameter) : undefined) : undefined;
        if (argument) reportLiteralSecret(context, argument, known.keyword, () => `${known.what} is a literal secret`, report);
      }
    }
    if (passesParams) checkQueryParameters(context, call, report);
    const isSchemaKey = /(^|\.)(Optional|Required)$/.test(name);
    const isLookup = LOOKUP_METHODS.has(call.method ?? '') || name === 'os.getenv';
    if (!isSchemaKey && !isLookup) continue;
    const marked = isSchemaKey ? markedKey(file, call) : undefined;
    const key = marked?.key ?? call.args[0];
    const fallback = isSchemaKey ? call.keywords.get('default') : isLookup ? call.args[1] ?? call.keywords.get('default') : undefined;
    if (!key || !fallback) continue;
    const keyName = file.stringValue(key, integration?.constantString);
    if (!keyName || !(isSecretName(keyName) || marked?.secret)) continue;
    context.markUsed();
    reportLiteralSecret(context, fallback, keyName, () => `The fallback for "${keyName}" is a literal secret`, report);
  }
}

/** Query parameters that carry an API's key, as in a URL's query string (`?key=...`, `&appid=...`). */
const QUERY_KEY_PARAMETER = /^(key|apikey|api_key|appid|app_id|token|access_token|auth|sig|signature)$/i;

/** `session.get(url, params={"key": "9f8b..."})`: the key a URL's query string would carry, given as a parameter. */
function checkQueryParameters(context: FileContext, call: CallSite, report: Reporter): void {
  const params = call.keywords.size > 0 ? call.keywords.get('params') : undefined;
  const table = params ? unwrap(params) : undefined;
  if (table?.type !== 'dictionary') return;
  for (const pair of table.namedChildren) {
    const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
    const value = pair.type === 'pair' ? pair.childForFieldName('value') : null;
    const name = key ? context.file.stringValue(key, context.integration?.constantString) : undefined;
    if (!value || name === undefined || !QUERY_KEY_PARAMETER.test(name) || isSecretName(name)) continue;
    reportLiteralSecret(context, value, name, () => `The "${name}" query parameter is given a literal secret`, report);
  }
}

/**
 * Text every string that `knownSecretFormat` accepts contains: a format's fixed prefix, a URL's `://`, or an
 * Authorization scheme at the start of a literal (or right after an interpolation). Only strings holding one are read.
 */
const FORMAT_HINT = /PRIVATE KEY|eyJ|AIza|GOCSPX-|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|_live_|sk-|SG\.|SK[0-9a-fA-F]{8}|key-[0-9a-f]{4}|\d:AA/;
const AUTH_OR_URL_HINT = /:\/\/|["'}]\s*(?:Bearer|Basic|Token|Bot|Digest|Key|ApiKey|SSWS|OAuth|GenieKey)\s/i;

function checkKnownFormats(context: FileContext, report: Reporter): void {
  const { file } = context;
  const candidates = [...file.stringsContaining(FORMAT_HINT), ...file.stringsContaining(AUTH_OR_URL_HINT), ...file.stringsContaining(QUERY_KEY_HINT)];
  const seen = new Set<number>();
  for (const node of candidates.sort((a, b) => a.startIndex - b.startIndex)) {
    if (seen.has(node.id) || isDocstring(node)) continue;
    seen.add(node.id);
    const label = knownSecretFormat(literalParts(node), builtOnUrl(node));
    if (!label) continue;
    context.markUsed();
    report(node, `This string holds ${label}; anything in the source is public. Revoke it and read it from the config entry instead.`);
  }
  // `AUTH_ENDPOINT_KEY = "QUl6YVN5..."`, decoded before use: base64 hides the format, not the key.
  for (const node of file.stringsContaining(BASE64_FORMAT_HINT)) {
    if (seen.has(node.id) || isDocstring(node)) continue;
    const text = literalString(node);
    const decoded = text !== undefined && /^[A-Za-z0-9+/_-]{20,}={0,2}$/.test(text) ? base64Text(text) : undefined;
    const label = decoded ? knownSecretFormat(decoded) : undefined;
    if (!label) continue;
    context.markUsed();
    report(node, `This string holds ${label}, base64-encoded; encoding hides nothing, and anything in the source is public. Revoke it and read it from the config entry instead.`);
  }
}

/** The base64 of the formats' prefixes (`AIza`, `AKIA`, `ghp_`, `xox`, `-----BEGIN`), at the start of a string. */
const BASE64_FORMAT_HINT = /["'](QUl6Y|QUtJQ|Z2hwX|eG94|LS0tLS1CRUdJT)/;

/** Printable text a base64 string decodes to, or undefined. */
function base64Text(text: string): string | undefined {
  try {
    const decoded = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return /^[\x20-\x7e\r\n]+$/.test(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** The literal text of a string; the literal parts of an f-string are joined by a space so no match spans a `{...}`. */
function literalParts(node: Node): string {
  const strings = node.type === 'concatenated_string' ? node.namedChildren : [node];
  const parts: string[] = [];
  for (const string of strings) {
    for (const child of string?.namedChildren ?? []) {
      if (child?.type === 'string_content' || child?.type === 'escape_sequence') parts.push(child.text);
      else if (child?.type === 'interpolation') parts.push(' ');
    }
  }
  return parts.join('');
}

/** `?apikey=...` in a string: the hint that it may be a URL with a key in its query. */
const QUERY_KEY_HINT = /[?&](api_?key|apikey|access_token|auth_token|token|secret|client_secret|appid|app_key|key)=\w/i;

/** `f"{BASE_URL}/v2/parcels/{code}?apikey=..."`: a URL built on a base whose name says it is one. */
function builtOnUrl(node: Node): boolean {
  const first = node.type === 'string' ? node.namedChildren.find((child) => child.type !== 'string_start') : undefined;
  return first?.type === 'interpolation' && /url|host|base|endpoint|api/i.test(first.childForFieldName('expression')?.text ?? '');
}


const AUTH_NAME = /(^|_)auth$|(^|_)session(_|$)/;

/**
 * A `"key": ...` pair of a dict written as data (`DEFAULT_KEYS = {99: {"key": "..."}}`), not one handed to a call
 * (query parameters and signing calls are judged where they are made).
 */
function inKeyTable(binder: Node): boolean {
  if (binder.type !== 'pair') return false;
  for (let node = binder.parent; node; node = node.parent) {
    if (node.type === 'call' || node.type === 'argument_list') return false;
    if (node.type === 'expression_statement' || node.type === 'block' || node.type === 'module') return true;
  }
  return true;
}

/** 128, 192 or 256 bits written in hex, with both digits and letters (`"ed37bd31558a4b03..."`). */
/** An AES key written in hex: as text, or as the bytes `bytes.fromhex("...")`, `unhexlify(...)` or `bytes([...])` make. */
function isHexCipherKey(file: FileModel, value: Node): boolean {
  const node = unwrap(value);
  const hexDecoder = node.type === 'call' && /(fromhex|unhexlify|a2b_hex)$/.test(file.callSite(node)?.name ?? '');
  const listed = node.type === 'call' && /^(bytes|bytearray)$/.test(file.callSite(node)?.name ?? '');
  const text = hexDecoder || listed ? decodedKeyBytes(file, node) : literalString(node);
  return text !== undefined && [32, 48, 64].includes(text.length) && isHex(text) && looksRandom(text) && !isPlaceholder(text);
}

function isLongRandomLiteral(value: Node): boolean {
  const text = literalString(unwrap(value));
  return text !== undefined && text.length >= 32 && !/\s/.test(text) && (isHex(text) || looksRandom(text)) && !isPlaceholder(text);
}


function isDocstring(string: Node): boolean {
  let node = string;
  if (node.parent?.type === 'concatenated_string') node = node.parent;
  return node.parent?.type === 'expression_statement' && node.parent.namedChildCount === 1;
}
