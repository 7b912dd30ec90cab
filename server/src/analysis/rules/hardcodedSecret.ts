import type { Node } from '../python/syntaxTree';
import type { CallSite, FileModel } from '../model/fileModel';
import { constantExpression, type IntegrationModel } from '../model/integration';
import { markedKey } from '../model/schemaKeys';
import { credentialKeys } from '../model/secretFlow';
import { isSecretName, normalizeName } from '../model/secrets';
import { identifiersMatching, literalString, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';

/**
 * Secret formats recognisable whatever the value is called. Each pattern is searched inside string literals (a key
 * can sit in a URL or a header); `secret` picks the random part, which must not be a placeholder.
 */
interface SecretFormat {
  pattern: RegExp;
  label: string;
  secret?: (match: RegExpExecArray) => string;
}

const EDGE = '(?<![A-Za-z0-9_-])';
const END = '(?![A-Za-z0-9_-])';

const SECRET_FORMATS: SecretFormat[] = [
  { pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----((?:\\[nr]|\s|[A-Za-z0-9+/=:,-])*)/, label: 'a private key', secret: (match) => match[1].replace(/\\[nr]|\s|-----END.*$/g, '') },
  { pattern: new RegExp(`${EDGE}eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{20,}${END}`), label: 'a JSON Web Token (Home Assistant long-lived access tokens are JWTs)' },
  { pattern: new RegExp(`${EDGE}AIza[0-9A-Za-z_-]{35}${END}`), label: 'a Google API key' },
  { pattern: new RegExp(`${EDGE}GOCSPX-[A-Za-z0-9_-]{28}${END}`), label: 'a Google OAuth client secret' },
  { pattern: new RegExp(`${EDGE}(?:AKIA|ASIA)[0-9A-Z]{16}${END}`), label: 'an AWS access key' },
  { pattern: new RegExp(`${EDGE}(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})${END}`), label: 'a GitHub token' },
  { pattern: new RegExp(`${EDGE}xox[abposr]-[A-Za-z0-9-]{10,}${END}`), label: 'a Slack token' },
  { pattern: /https:\/\/hooks\.slack\.com\/services\/(T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{20,})/, label: 'a Slack webhook URL (the URL is the credential)', secret: (match) => match[1] },
  { pattern: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/([A-Za-z0-9_-]{40,})/, label: 'a Discord webhook URL (the URL is the credential)', secret: (match) => match[1] },
  { pattern: new RegExp(`${EDGE}(?:sk|rk)_live_[A-Za-z0-9]{16,}${END}`), label: 'a Stripe secret key' },
  { pattern: new RegExp(`${EDGE}sk-(?:proj-|svcacct-|admin-|ant-[a-z]+\\d*-)?[A-Za-z0-9_-]{32,}${END}`), label: 'an OpenAI or Anthropic API key' },
  { pattern: new RegExp(`${EDGE}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}${END}`), label: 'a SendGrid API key' },
  { pattern: new RegExp(`${EDGE}SK[0-9a-fA-F]{32}${END}`), label: 'a Twilio API key' },
  { pattern: new RegExp(`${EDGE}key-[0-9a-f]{32}${END}`), label: 'a Mailgun API key' },
  { pattern: /(?<![\d:])\d{8,10}:(AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])/, label: 'a Telegram bot token', secret: (match) => match[1] },
];

/** `Bearer <token>`, `Basic <base64>`: an Authorization header value with the credential in it. */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Bot|Digest|Key|ApiKey|SSWS|OAuth|GenieKey)\s+(\S+)$/i;
/** `scheme://user:password@host`. */
const URL_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@{}]+:([^/\s@{}]+)@/i;
/** `?api_key=...`, `&token=...`, `&appid=...` in a URL. */
const URL_QUERY_SECRET = /[?&](api_?key|apikey|access_token|auth_token|token|secret|client_secret|password|passwd|appid|app_key|key)=([^&#\s{}]+)/gi;

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
  or 64 hex digits), and any other name ending in \`_key\` (\`CLOUD_KEY\`) with such an AES key.
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
    const cipherKey = /(^|_)key$/.test(normalizeName(name)) && !/^_?key$/i.test(name) && isHexCipherKey(value);
    if (!secretName && !cipherKey && !(AUTH_NAME.test(normalizeName(name)) && isLongRandomLiteral(value)) && !(/^_?key$/i.test(name) && inKeyTable(binder) && isHexCipherKey(value))) continue;
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

/**
 * What kind of well-known secret a text holds, if any. `onUrl`: the text follows a URL the code built it on, so a
 * query string in it is a URL's.
 */
export function knownSecretFormat(text: string, onUrl = false): string | undefined {
  for (const format of SECRET_FORMATS) {
    const match = format.pattern.exec(text);
    if (!match) continue;
    const secret = format.secret ? format.secret(match) : match[0];
    if (secret.length >= 16 && !isPlaceholder(secret) && distinctCharacters(secret) > 6) return format.label;
  }
  const trimmed = text.trim();
  const scheme = AUTH_SCHEME.exec(trimmed);
  if (scheme && scheme[1].length >= 16 && looksRandom(scheme[1]) && !isPlaceholder(scheme[1]) && !isWordy(scheme[1])) return 'an Authorization header value with its credential';
  const password = URL_PASSWORD.exec(trimmed);
  if (password && looksLikeSecretValue(decodeURIComponentSafe(password[1]), 'password')) return 'a URL with a password in it';
  for (const query of trimmed.matchAll(URL_QUERY_SECRET)) {
    if ((onUrl || /^https?:\/\//i.test(trimmed)) && looksLikeSecretValue(decodeURIComponentSafe(query[2]), query[1])) return `a URL with a key in its query string (${query[1]}=)`;
  }
  return undefined;
}

/**
 * Whether a literal bound to the credential name `name` plausibly is the secret itself rather than a key name,
 * message, URL, template or placeholder. See the rule's docs for the heuristic.
 */
export function looksLikeSecretValue(text: string, name: string): boolean {
  const value = text.trim();
  if (!value) return false;
  if (knownSecretFormat(value)) return true;
  const scheme = AUTH_SCHEME.exec(value);
  if (scheme) return scheme[1].length >= 8 && !isPlaceholder(scheme[1]) && !isWordy(scheme[1]) && looksRandom(scheme[1]);
  if (value.length < 8 || /\s/.test(value) || isPlaceholder(value)) return false;
  // `EXAMPLE_LOCAL_KEY`, `DUMMY_TOKEN`: the name says the value stands in for one (a known format above still counts).
  if (/^(example|dummy|fake|mock|sample|placeholder)_/.test(normalizeName(name))) return false;
  // Digits alone are ids and PINs, except under a name that says secret (`"client_secret": "56951025"`, a vendor app's).
  if (/^\d+$/.test(value) && /(^|_)secret(_|$)/.test(normalizeName(name)) && distinctCharacters(value) >= 5) return true;
  if (isLocatorOrTemplate(value) || isWordy(value) || isSecretName(value)) return false;
  // A device's published factory password (`DEFAULT_PASSWORD = "admin1234"`) is no secret of the integration's.
  if (/^(default|factory)_/.test(normalizeName(name))) return isHex(value) ? value.length >= 24 : value.length >= 20 && characterClasses(value) >= 3 && looksRandom(value);
  return looksRandom(value);
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
function isHexCipherKey(value: Node): boolean {
  const text = literalString(unwrap(value));
  return text !== undefined && [32, 48, 64].includes(text.length) && isHex(text) && looksRandom(text) && !isPlaceholder(text);
}

function isLongRandomLiteral(value: Node): boolean {
  const text = literalString(unwrap(value));
  return text !== undefined && text.length >= 32 && !/\s/.test(text) && (isHex(text) || looksRandom(text)) && !isPlaceholder(text);
}

/** Random-looking: long hex, or mixed kinds of characters with enough entropy. Digits alone are ids and PINs. */
function looksRandom(value: string): boolean {
  if (/^\d+$/.test(value)) return false;
  if (isHex(value)) return value.length >= 16 && /\d/.test(value) && /[a-f]/i.test(value);
  const entropy = shannonEntropy(value);
  if (/^[A-Za-z]+$/.test(value)) return value.length >= 20 && /[a-z]/.test(value) && /[A-Z]/.test(value) && entropy >= 3.5;
  return characterClasses(value) >= 2 && entropy >= 2.5;
}

function isHex(value: string): boolean {
  return /^[0-9a-f]+$/i.test(value);
}

/** Kinds of characters present: lower case, upper case, digits, others. */
function characterClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(value)).length;
}

function distinctCharacters(value: string): number {
  return new Set(value).size;
}

function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / value.length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}

const PLACEHOLDER_WORDS = /example|placeholder|change_?me|replace_?me|redacted|dummy|sample|insert_?(your|the|api|key|token)|(^|[^a-z])your([^a-z]|$)|^(my|your|the)_|x{4,}|\*{3,}|\.{3,}|^(none|null|nil|undefined|unknown|empty|not_?set|n\/a|todo|fixme|tbd|secret|password|passw0rd|token|default|test(ing)?|fake)$/i;

/** Stand-ins for a secret: `<token>`, `{api_key}`, `${TOKEN}`, `your_api_key`, `xxxxxxxx`, `********`, `REDACTED`. */
function isPlaceholder(value: string): boolean {
  if (/^(<[^>]*>|\[[^\]]*\]|\{[^}]*\}|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|%\([^)]*\)[sd]|%[sd])$/.test(value)) return true;
  if (distinctCharacters(value) <= 2 || isAlphabetRuns(value)) return true;
  // `Basic KG51bGwpOihudWxsKQ==`: base64 of `(null):(null)`, a header an app sends with no account.
  const basic = basicCredentials(value);
  if (basic?.every((part) => part === '' || PLACEHOLDER_WORDS.test(part.replace(/^\((.*)\)$/, '$1')))) return true;
  return PLACEHOLDER_WORDS.test(value);
}

/**
 * `abcdef0123456789abcdef0123456789`, `1234567890abcdef`: the alphabet typed out in order, a stand-in of the right
 * length and no secret. Random text almost never has more than a few characters in a row that follow each other.
 */
function isAlphabetRuns(value: string): boolean {
  if (value.length < 8) return false;
  let runs = 1;
  for (let index = 1; index < value.length; index++) if (value.charCodeAt(index) !== value.charCodeAt(index - 1) + 1) runs++;
  return value.length / runs >= 4;
}

/** The user and password a Basic credential (base64 of `user:password`) spells, if the value is one. */
function basicCredentials(value: string): string[] | undefined {
  if (value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  let decoded: string;
  try {
    decoded = atob(value);
  } catch {
    return undefined;
  }
  const separator = decoded.indexOf(':');
  return separator >= 0 && /^[\x20-\x7e]*$/.test(decoded) ? [decoded.slice(0, separator), decoded.slice(separator + 1)] : undefined;
}

/** URLs, paths, file names, hosts, e-mail addresses, versions, dates and format strings. */
function isLocatorOrTemplate(value: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ||
    /^(urn|mailto|data|tel|file):/i.test(value) ||
    /^(\/|\.{1,2}\/|~\/|[A-Za-z]:\\)/.test(value) ||
    /^[\w.-]+\.(json|ya?ml|txt|pem|key|crt|cer|p12|pfx|db|sqlite|conf|cfg|ini|log|py|js|html?)$/i.test(value) ||
    /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(value) ||
    /^([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?$/.test(value) ||
    /^[\d.:]+$/.test(value) ||
    /^v?\d+(\.\d+)+([-+.]?[A-Za-z0-9]+)*$/.test(value) ||
    /^\d{4}-\d{2}-\d{2}/.test(value) ||
    // A Bluetooth SIG UUID (16-bit id on the base UUID) names a GATT service or characteristic.
    /^0000[0-9a-f]{4}-0000-1000-8000-00805f9b34fb$/i.test(value) ||
    /%(\([^)]*\))?[sdifxXYmdHMSz]|\{[^}]*\}/.test(value) ||
    // A regular expression (`token = r"[^\W\d]\w*"`, a lexer's token): character classes and groups, not a secret.
    /\\[wdsWDSbB]|\[\^|\(\?[:P<=!]/.test(value)
  );
}

/**
 * An identifier made of words: a key name, field, translation key or error code (`invalid_auth`, `accessToken`,
 * `acme_token_v2`, `X-Api-Key`, `application/json`). Parts that are not words (`tok_4f9a8b7c`) make it a value, and
 * so do long runs of letters with few vowels (`kXABXqQgfRzLmWpT`: base64, not camelCase).
 */
function isWordy(value: string): boolean {
  const parts = value.split(/[_.\-/:]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/).filter(Boolean);
  // A word may carry a short number (`sha256`, `pbkdf2`), and a short number may stand alone (`Profile_1`).
  if (!parts.some((part) => /[A-Za-z]/.test(part))) return false;
  if (!parts.every((part) => (/^[A-Za-z]+\d{0,3}$/.test(part) || /^\d{1,3}$/.test(part)) && part.length <= 24 && (part.length < 12 || vowelRatio(part) >= 0.25))) return false;
  if (/[_.\-/:]/.test(value) || value.length < 16) return true;
  return vowelRatio(value) >= 0.25 && parts.every((part) => part.length < 4 || /[aeiouy]/i.test(part));
}

/** English words are about 40% vowels; random letters about 20%. */
function vowelRatio(text: string): number {
  const letters = text.replace(/[^A-Za-z]/g, '');
  return letters.length === 0 ? 0 : letters.replace(/[^aeiouAEIOU]/g, '').length / letters.length;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function isDocstring(string: Node): boolean {
  let node = string;
  if (node.parent?.type === 'concatenated_string') node = node.parent;
  return node.parent?.type === 'expression_statement' && node.parent.namedChildCount === 1;
}
