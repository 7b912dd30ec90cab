import type { Node } from 'web-tree-sitter';
import { pythonQuery } from '../python/parser';
import { unwrap } from '../python/syntax';
import type { Rule } from '../rule';

/** Hosts that never leave the machine or the home network. */
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|[^/:]+\.(local|lan|home|internal|localdomain|home\.arpa))$/i;
/** URIs that name things rather than fetch them (XML namespaces, schemas). */
const IDENTIFIER_HOSTS = /^(www\.w3\.org|schemas\.xmlsoap\.org|schemas\.microsoft\.com|purl\.org|xmlns\.com|ns\.adobe\.com|www\.onvif\.org|schemas\.upnp\.org|www\.upnp\.org|upnp\.org|json-schema\.org|www\.example\.(com|org)|example\.(com|org))$/i;
const URL_NAMES = /(url|uri|endpoint|host|base|api|server|address)$/i;

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

The rule reports \`http://\` URLs to remote hosts written in the source: URL constants, and literals or f-strings
passed to HTTP calls. It leaves alone \`localhost\`, private addresses and \`.local\` names, URLs built from a host
the user configured (\`f"http://{host}/api"\`: that is a device on their network), XML namespaces and schema URIs,
and test files. A URL carrying a key, token or password is an error.

**Fix:** use \`https://\` (the quick fix switches the scheme; check that the service answers on HTTPS).

Bad:
\`\`\`python
API_URL = "http://api.acme-cloud.com/v1"
\`\`\`

Good:
\`\`\`python
API_URL = "https://api.acme-cloud.com/v1"
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    if (file.isTestFile) return;
    for (const { node } of pythonQuery('(string (string_start) @start (string_content) @content) @string').captures(file.root)) {
      if (node.type !== 'string_content') continue;
      const string = node.parent;
      if (!string || node.previousSibling?.type !== 'string_start') continue;
      const match = /^http:\/\/([^/:?#\s{]+)/.exec(node.text);
      if (!match) continue;
      const host = match[1];
      if (LOCAL_HOST.test(host) || IDENTIFIER_HOSTS.test(host) || !host.includes('.')) continue;
      if (!isUsedAsUrl(string)) continue;
      context.markUsed();
      const withSecret = /[?&](api_?key|key|token|access_token|password|secret|apikey)=/i.test(node.text);
      context.report(string, `\`http://${host}\` sends requests to a remote service unencrypted${withSecret ? ', including the credential in its query string' : ''}; use https://.`, {
        severity: withSecret ? 'error' : undefined,
        fix: { title: 'Use https://', safe: true, edits: [{ range: { start: { line: node.startPosition.row, character: node.startPosition.column }, end: { line: node.startPosition.row, character: node.startPosition.column + 7 } }, newText: 'https://' }] },
      });
    }
  },
};

/** A string used as a URL: assigned to a URL-like name, or passed to a call. Docstrings and messages are not. */
function isUsedAsUrl(string: Node): boolean {
  let node: Node = string;
  while (node.parent && (node.parent.type === 'concatenated_string' || node.parent.type === 'binary_operator' || node.parent.type === 'parenthesized_expression')) node = node.parent;
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'assignment') {
    const target = parent.childForFieldName('left');
    const name = target?.type === 'attribute' ? target.childForFieldName('attribute')?.text : target?.text;
    return name !== undefined && URL_NAMES.test(name);
  }
  if (parent.type === 'argument_list') {
    const call = parent.parent;
    const callee = call?.childForFieldName('function')?.text ?? '';
    return !/(^|\.)(debug|info|warning|error|exception|critical|log|print|format|join|startswith|endswith|replace|split)$/.test(callee) && !/Error$|Exception$/.test(callee);
  }
  if (parent.type === 'keyword_argument') return URL_NAMES.test(parent.childForFieldName('name')?.text ?? '');
  if (parent.type === 'pair') {
    const key = parent.childForFieldName('key');
    return key !== null && unwrap(key).id !== node.id && URL_NAMES.test(key.text.replace(/['"]/g, ''));
  }
  return false;
}
