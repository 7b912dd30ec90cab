import { isSecretName, normalizeName } from './secrets';

/*
 * Whether a literal is a secret by its look: a well-known format (a private key, a JWT, a cloud provider's key), or a
 * random string under a credential's name rather than a key name, message, locator, template or placeholder. Shared
 * by the rules that judge literals (hardcoded credentials, and attributes that publish the code's own text).
 */

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
 * message, URL, template or placeholder. The hardcoded-secret rule's docs describe the heuristic.
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

/** Random-looking: long hex, or mixed kinds of characters with enough entropy. Digits alone are ids and PINs. */
export function looksRandom(value: string): boolean {
  if (/^\d+$/.test(value)) return false;
  if (isHex(value)) return value.length >= 16 && /\d/.test(value) && /[a-f]/i.test(value);
  const entropy = shannonEntropy(value);
  if (/^[A-Za-z]+$/.test(value)) return value.length >= 20 && /[a-z]/.test(value) && /[A-Z]/.test(value) && entropy >= 3.5;
  return characterClasses(value) >= 2 && entropy >= 2.5;
}

export function isHex(value: string): boolean {
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
export function isPlaceholder(value: string): boolean {
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
