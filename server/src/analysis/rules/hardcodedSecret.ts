import type { Node } from 'web-tree-sitter';
import { isSecretName, normalizeName } from '../model/secrets';
import { pythonQuery } from '../python/parser';
import { literalString } from '../python/syntax';
import type { Rule } from '../rule';


/** Secret formats recognisable whatever the variable is called. */
const KNOWN_FORMATS: [RegExp, string][] = [
  [/-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----/, 'a private key'],
  [/^AIza[0-9A-Za-z_-]{35}$/, 'a Google API key'],
  [/^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}$/, 'a JSON Web Token (for example a Home Assistant long-lived access token)'],
  [/^(AKIA|ASIA)[0-9A-Z]{16}$/, 'an AWS access key'],
  [/^gh[pousr]_[A-Za-z0-9]{36,}$/, 'a GitHub token'],
  [/^xox[abprs]-[A-Za-z0-9-]{10,}$/, 'a Slack token'],
  [/^(sk|rk)_live_[A-Za-z0-9]{16,}$/, 'a Stripe secret key'],
  [/^(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{16,}$/, 'an Authorization header value'],
];

/** Values that stand in for a secret rather than being one. */
const PLACEHOLDER = /^(x+|\*+|\.+|-+|<[^>]*>|\{[^}]*\}|\$\{[^}]*\}|%\([^)]*\)s|your[_ -].*|my[_ -].*|change[_ -]?me|example|dummy|fake|test|testing|none|null|nil|redacted|\*\*redacted\*\*|placeholder|secret|password|passw0rd|token|api[_ -]?key|todo|fixme|replace[_ -]?me|insert[_ -].*|enter[_ -].*|default|unknown|undefined|empty|not[_ -]set|n\/a)$/i;

export const hardcodedSecret: Rule = {
  meta: {
    id: 'hardcoded-secret',
    checklist: 'hardcoded-credentials',
    severity: 'error',
    fix: 'none',
    cwe: 798,
    description: 'A secret value (password, token, API key, client secret, private key) is written in the source.',
    docs: `A secret in source code is published with it: every copy of the repository, every HACS download and every
fork carries it, and it cannot be rotated without a release. A vendor app secret or an OAuth client secret in an
integration is shared by all of its users, so whoever extracts it can impersonate the integration.

The rule reports string literals that look like secrets when they are assigned to credential names (variables,
attributes, class attributes, default parameter values, keyword arguments, dict keys such as \`"api_key"\` or
\`"Authorization"\`), and well-known secret formats wherever they appear: private keys, Google API keys, JSON Web
Tokens (Home Assistant long-lived access tokens are JWTs), AWS, GitHub, Slack and Stripe keys.

It does not report key *names* (\`CONF_PASSWORD = "password"\`, \`ATTR_TOKEN = "token"\`), URLs
(\`TOKEN_URL = "https://..."\`), empty strings, placeholders (\`"your_api_key"\`, \`"<token>"\`, \`"***"\`),
translation keys and error codes (\`"invalid_auth"\`), or test files.

**Fix:** ask the user for the credential in the config flow and read it from \`entry.data\`; for OAuth, use
Home Assistant's application credentials so each user brings their own client secret.

Bad:
\`\`\`python
API_KEY = "9f8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
\`\`\`

Good:
\`\`\`python
api_key = entry.data[CONF_API_KEY]
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    if (file.isTestFile) return;
    const reported = new Set<number>();
    const report = (value: Node, message: string) => {
      if (reported.has(value.id)) return;
      reported.add(value.id);
      context.report(value, message);
    };
    for (const { name, node } of pythonQuery(NAMED_VALUES).captures(file.root)) {
      if (name !== 'value') continue;
      const target = namedTarget(node);
      if (!target || !isSecretName(target)) continue;
      context.markUsed();
      const text = literalString(node);
      if (text === undefined) continue;
      if (looksLikeSecretValue(text, target)) {
        report(node, `"${target}" is given a literal secret; read it from the config entry (or application credentials) instead of shipping it in the source.`);
      }
    }
    for (const { node } of pythonQuery('(string (string_content) @content)').captures(file.root)) {
      const string = node.parent;
      if (!string || string.namedChildren.some((child) => child?.type === 'interpolation') || reported.has(string.id)) continue;
      const text = literalString(string);
      const format = text === undefined ? undefined : KNOWN_FORMATS.find(([pattern]) => pattern.test(text.trim()));
      if (!format || isDocstring(string)) continue;
      context.markUsed();
      report(string, `This string is ${format[1]}; secrets in source are public. Read it from the config entry instead.`);
    }
  },
};

/** Assignments, default parameters, keyword arguments and dict entries whose value is a string. */
const NAMED_VALUES = `
(assignment left: (_) @target right: (string) @value)
(default_parameter name: (identifier) @target value: (string) @value)
(typed_default_parameter name: (identifier) @target value: (string) @value)
(keyword_argument name: (identifier) @target value: (string) @value)
(pair key: (string) @target value: (string) @value)
`;

/** The credential name a string value is bound to, if any. */
function namedTarget(value: Node): string | undefined {
  const parent = value.parent;
  if (!parent) return undefined;
  switch (parent.type) {
    case 'assignment': {
      const left = parent.childForFieldName('left');
      if (left?.type === 'identifier') return left.text;
      if (left?.type === 'attribute') return left.childForFieldName('attribute')?.text;
      if (left?.type === 'subscript') {
        const index = left.childForFieldName('subscript');
        return index ? literalString(index) : undefined;
      }
      return undefined;
    }
    case 'default_parameter':
    case 'typed_default_parameter':
    case 'keyword_argument':
      return parent.childForFieldName('name')?.text;
    case 'pair': {
      const key = parent.childForFieldName('key');
      return key ? literalString(key) : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A literal that plausibly is the secret itself: long enough, not a placeholder, not a URL or a path, not the key
 * name again (`CONF_PASSWORD = "password"`), not an identifier-like word (`"invalid_auth"`, `"accessToken"`).
 */
export function looksLikeSecretValue(text: string, name: string): boolean {
  const value = text.trim();
  if (KNOWN_FORMATS.some(([pattern]) => pattern.test(value))) return true;
  if (value.length < 8 || /\s/.test(value) || PLACEHOLDER.test(value)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || value.startsWith('/') || /^\w+\.(json|ya?ml|txt|pem|key|crt)$/i.test(value)) return false;
  const normalizedValue = normalizeName(value);
  const normalizedName = normalizeName(name);
  if (normalizedName.includes(normalizedValue) || normalizedValue.includes(normalizedName)) return false;
  // snake_case, kebab-case, dotted or camelCase words: a field name, translation key or error code. Parts that are
  // not words (`tok_4f9a8b7c6d5e`) make it a value again.
  const parts = value.split(/[_.-]|(?<=[a-z])(?=[A-Z])/);
  if (parts.length > 1 && parts.every((part) => /^[A-Za-z]+\d{0,3}$/.test(part) && part.length <= 12)) return false;
  if (isSecretName(value)) return false;
  // A plain word or a word with a version number is not a secret either.
  if (/^[A-Za-z]+$/.test(value) && value.length < 16) return false;
  return true;
}

function isDocstring(string: Node): boolean {
  return string.parent?.type === 'expression_statement' && string.parent.namedChildCount === 1;
}
