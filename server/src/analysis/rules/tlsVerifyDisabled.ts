import type { Node } from 'web-tree-sitter';
import { removeArgument, replaceNode } from '../fixes';
import type { CallSite } from '../model/fileModel';
import { pythonQuery } from '../python/parser';
import { unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import type { Fix, Severity } from '../types';

/** Home Assistant's session helpers; `verify_ssl` is their second positional parameter. */
const HA_SESSION_HELPERS = /^homeassistant\.helpers\.(aiohttp_client\.(async_get_clientsession|async_create_clientsession)|httpx_client\.(get_async_client|create_async_httpx_client))$/;
const REQUESTS_LIKE = /^(requests|httpx)\.(get|post|put|patch|delete|head|options|request|stream|Client|AsyncClient|Session)$/;
const AIOHTTP = /^aiohttp\.(TCPConnector|ClientSession|request)$/;
const SESSION_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'ws_connect']);
const CONF_VERIFY = /verify_ssl|verify_tls|ssl_verify|verify_certificate|verify_cert|validate_cert/i;

export const tlsVerifyDisabled: Rule = {
  meta: {
    id: 'tls-verify-disabled',
    checklist: 'tls-verification',
    severity: 'error',
    fix: 'safe',
    cwe: 295,
    description: 'TLS certificate verification is turned off (verify_ssl=False, ssl=False, verify=False, CERT_NONE).',
    docs: `Without certificate verification HTTPS only looks secure: anyone on the path (a compromised router, a
hostile Wi-Fi, DNS spoofing) can present their own certificate, read the credentials the integration sends and
change the answers it gets back.

The rule knows Home Assistant's helpers (\`async_get_clientsession(hass, verify_ssl=False)\`, also with
\`False\` passed positionally, \`async_create_clientsession\`, \`get_async_client\`/\`create_async_httpx_client\`),
aiohttp (\`ssl=False\`, \`verify_ssl=False\`, \`TCPConnector(ssl=False)\`), requests and httpx (\`verify=False\`,
\`session.verify = False\`), the \`ssl\` module (\`CERT_NONE\`, \`check_hostname = False\`,
\`_create_unverified_context()\`), MQTT's \`tls_insecure_set(True)\`, ssh's \`StrictHostKeyChecking=no\`, and
insecure defaults for a verify option (\`vol.Optional(CONF_VERIFY_SSL, default=False)\`,
\`entry.data.get(CONF_VERIFY_SSL, False)\`). Verification taken from a user's option is not reported.

Cloud integrations get errors. Local devices often have self-signed certificates, so for \`local_*\` integrations
this is a warning: prefer letting the user choose, with verification on by default.

**Fix:** turn verification on (the quick fix does), or make it an option that defaults to on.

Bad:
\`\`\`python
session = async_get_clientsession(hass, verify_ssl=False)
\`\`\`

Good:
\`\`\`python
session = async_get_clientsession(hass, verify_ssl=entry.data.get(CONF_VERIFY_SSL, True))
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    if (file.isTestFile) return;
    for (const call of file.calls) checkCall(context, call);
    checkAssignments(context);
    for (const { node } of pythonQuery('(attribute) @attr').captures(file.root)) {
      const qualified = file.qualifiedName(node);
      if (qualified !== 'ssl.CERT_NONE' || node.parent?.type === 'attribute') continue;
      context.markUsed();
      const comparison = node.parent?.type === 'comparison_operator';
      if (!comparison) context.report(node, '`ssl.CERT_NONE` accepts any certificate; use `ssl.CERT_REQUIRED`.', { severity: severity(context), fix: replaceFix(node, node.text.replace(/CERT_NONE$/, 'CERT_REQUIRED'), 'Require certificates') });
    }
  },
};

function severity(context: FileContext): Severity {
  return context.integration?.manifest.iotClass?.startsWith('local') ? 'warning' : 'error';
}

function replaceFix(node: Node, text: string, title: string): Fix {
  return { title, safe: true, edits: [replaceNode(node, text)] };
}

function isFalse(node: Node | undefined): boolean {
  return node !== undefined && unwrap(node).type === 'false';
}

/**
 * Inside `if not entry.options.get(CONF_VERIFY_SSL, True):` the user chose to skip verification for a
 * self-signed device; that is the documented way, not a finding.
 */
function chosenByUser(node: Node): boolean {
  let current = node.parent;
  while (current && current.type !== 'function_definition') {
    if (current.type === 'if_statement' || current.type === 'elif_clause' || current.type === 'conditional_expression') {
      const condition = current.childForFieldName('condition') ?? current.namedChild(1);
      if (condition && CONF_VERIFY.test(condition.text)) return true;
    }
    current = current.parent;
  }
  return false;
}

function checkCall(context: FileContext, call: CallSite): void {
  const { file } = context;
  const name = call.name ?? '';
  if (chosenByUser(call.node)) {
    context.markUsed();
    return;
  }
  if (HA_SESSION_HELPERS.test(name)) {
    context.markUsed();
    const keyword = call.keywords.get('verify_ssl');
    const positional = call.args[1];
    const flag = keyword ?? positional;
    if (isFalse(flag)) {
      context.report(flag!, `\`${name.split('.').pop()}\` is called with certificate verification off; keep verify_ssl on, or take it from a user option that defaults to on.`, {
        severity: severity(context),
        fix: replaceFix(unwrap(flag!), 'True', 'Turn certificate verification on'),
      });
    }
    return;
  }
  if (REQUESTS_LIKE.test(name) || (call.method && SESSION_METHODS.has(call.method) && call.keywords.has('verify'))) {
    context.markUsed();
    const verify = call.keywords.get('verify');
    if (isFalse(verify)) {
      context.report(verify!, 'verify=False accepts any certificate; remove it so the default verification applies.', {
        severity: severity(context),
        fix: { title: 'Turn certificate verification on', safe: true, edits: [removeArgument(verify!)] },
      });
    }
    return;
  }
  if (AIOHTTP.test(name) || (call.method && SESSION_METHODS.has(call.method) && (call.keywords.has('ssl') || call.keywords.has('verify_ssl')))) {
    context.markUsed();
    for (const keyword of ['ssl', 'verify_ssl']) {
      const value = call.keywords.get(keyword);
      if (!isFalse(value)) continue;
      context.report(value!, `${keyword}=False turns off certificate verification for this connection; remove it so aiohttp verifies certificates.`, {
        severity: severity(context),
        fix: { title: 'Turn certificate verification on', safe: true, edits: [removeArgument(value!)] },
      });
    }
    return;
  }
  if (name === 'ssl._create_unverified_context' || name === 'ssl._create_stdlib_context') {
    context.markUsed();
    context.report(call.node, `\`${name}\` creates a context that skips certificate checks; use \`ssl.create_default_context()\`.`, {
      severity: severity(context),
      fix: call.callee.type === 'attribute' ? replaceFix(call.callee, call.callee.text.replace(/_create_(unverified|stdlib)_context$/, 'create_default_context'), 'Use ssl.create_default_context()') : undefined,
    });
    return;
  }
  if (call.method === 'tls_insecure_set' && call.args[0] && unwrap(call.args[0]).type === 'true') {
    context.markUsed();
    context.report(call.node, 'tls_insecure_set(True) skips the MQTT broker\'s host name check; leave it off.', {
      severity: severity(context),
      fix: replaceFix(unwrap(call.args[0]), 'False', 'Check the broker host name'),
    });
    return;
  }
  for (const argument of [...call.args, ...call.keywords.values()]) {
    const text = unwrap(argument).type === 'string' ? argument.text : '';
    if (/StrictHostKeyChecking\s*=\s*no/i.test(text)) {
      context.markUsed();
      context.report(argument, 'StrictHostKeyChecking=no accepts any SSH host key, so a machine in the middle is not noticed; keep host key checking on.', { severity: severity(context) });
    }
  }
  // Insecure defaults for a verification option: vol.Optional(CONF_VERIFY_SSL, default=False), .get(CONF_VERIFY_SSL, False)
  const key = call.args[0];
  const keyText = key ? file.stringValue(key, context.integration?.constantString) ?? key.text : '';
  if (!CONF_VERIFY.test(keyText)) return;
  const fallback = /(^|\.)(Optional|Required)$/.test(name) ? call.keywords.get('default') : call.method === 'get' ? call.args[1] ?? call.keywords.get('default') : undefined;
  if (!fallback) return;
  context.markUsed();
  if (isFalse(fallback)) {
    context.report(fallback, 'Certificate verification defaults to off; default it to on and let users opt out for self-signed devices.', {
      severity: 'warning',
      fix: replaceFix(unwrap(fallback), 'True', 'Default certificate verification to on'),
    });
  }
}

/** `ctx.check_hostname = False`, `ctx.verify_mode = ssl.CERT_NONE` (reported by the attribute scan), `session.verify = False`. */
function checkAssignments(context: FileContext): void {
  const { file } = context;
  for (const { node } of pythonQuery('(assignment left: (attribute) @target right: (false) @value)').captures(file.root)) {
    if (node.type !== 'attribute') continue;
    const attribute = node.childForFieldName('attribute')?.text;
    const value = node.parent?.childForFieldName('right');
    if (!value || (attribute !== 'check_hostname' && attribute !== 'verify')) continue;
    context.markUsed();
    const message = attribute === 'check_hostname' ? 'check_hostname = False accepts certificates issued for any host; leave host name checking on.' : 'session.verify = False accepts any certificate; leave verification on.';
    context.report(node.parent!, message, { severity: severity(context), fix: replaceFix(value, 'True', 'Turn certificate verification on') });
  }
}

