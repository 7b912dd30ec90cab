import type { Node } from '../python/syntaxTree';
import { addImport, removeArgument, replaceNode } from '../fixes';
import type { CallSite, FileModel } from '../model/fileModel';
import { classConstant } from '../model/constness';
import { constantExpression } from '../model/integration';
import { selfAttributeValues } from '../model/secretFlow';
import { ancestors, contains, descendants, identifiersMatching, literalString, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import type { Fix, Severity, TextEdit } from '../types';
import { baseName } from '../text';

/** Home Assistant's session helpers; `verify_ssl` is their second positional parameter. */
const HA_SESSION_HELPERS = /^homeassistant\.helpers\.(aiohttp_client\.(async_get_clientsession|async_create_clientsession)|httpx_client\.(get_async_client|create_async_httpx_client))$/;
/** Home Assistant's ready-made contexts that skip verification, and the verifying one to use instead. */
const HA_NO_VERIFY_CONTEXTS = new Map([
  ['homeassistant.util.ssl.get_default_no_verify_context', 'get_default_context'],
  ['homeassistant.util.ssl.client_context_no_verify', 'client_context'],
  ['homeassistant.util.ssl.create_no_verify_ssl_context', 'client_context'],
]);
/** requests and httpx: `verify=False`. */
const REQUESTS_LIKE = /^(requests|httpx)(\.[A-Za-z_]+)*\.(get|post|put|patch|delete|head|options|request|stream|send|Client|AsyncClient|Session|HTTPTransport|AsyncHTTPTransport)$/;
/** aiohttp: `ssl=False` on these (and on session requests). */
const AIOHTTP_SSL = /^aiohttp\.(TCPConnector|request|ClientSession\.\w+)$/;
const REQUEST_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'ws_connect', '_request', 'stream']);
/** Keywords that turn verification off when False, in any library (`Controller(..., ssl_verify=False)`). */
const VERIFY_KEYWORDS = /^(verify_ssl|ssl_verify|verify_tls|tls_verify|verify_certs?|verify_certificates?|validate_certs?|validate_certificates?|check_certificate|verify_ssl_certificate|ssl_validation)$/;
/** Keywords that turn verification off when True (`aiomqtt.Client(..., tls_insecure=True)`). */
const INSECURE_KEYWORDS = /^(tls_insecure|ssl_insecure|insecure_skip_verify|skip_tls_verify|skip_ssl_verify|ignore_ssl_errors|ignore_certificate_errors|accept_invalid_certs)$/;
/** Names of user options and flags that decide verification, positive and negative. */
const VERIFY_OPTION = /verify_?ssl|verify_?tls|ssl_?verify|tls_?verify|verify_?cert|validate_?cert|check_?cert|^(conf_)?verify$/i;
const INSECURE_OPTION = /insecure|ignore_?(ssl|tls|cert)|skip_?(ssl|tls|cert|verif)|no_?verify|disable_?(ssl|tls|cert|verif)|allow_?self_?signed|accept_?invalid/i;
/** A condition that consults a verification choice (`if not verify_ssl:`, `if entry.options[CONF_ALLOW_INSECURE]`). */
const CHOICE_CONDITION = /verif|insecure|self_?signed|validate_?cert|check_?cert|ignore_?(ssl|tls|cert)|skip_?(ssl|tls|cert)|unverified/i;
/** Text every keyword judged in checkCall's keyword loop contains (VERIFY_KEYWORDS, INSECURE_KEYWORDS, cert_reqs). */
const KEYWORD_HINT = /verif|validat|check_?cert|insecure|ignore_?(ssl|cert)|skip_?(tls|ssl)|accept_?invalid|cert_reqs/i;
/** Every name VERIFY_OPTION, INSECURE_OPTION, VERIFY_KEYWORDS or INSECURE_KEYWORDS accepts contains one of these. */
const VERIFICATION_WORD = /verif|insecure|self_?signed|accept_?invalid|(validate|check)_?cert|(ignore|skip|disable)_?(ssl|tls|cert)|ssl_validation/i;

export const tlsVerifyDisabled: Rule = {
  meta: {
    id: 'tls-verify-disabled',
    checklist: 'tls-verification',
    severity: 'error',
    fix: 'safe',
    cwe: 295,
    banditIds: ['B323', 'B501', 'B502', 'B503', 'B504', 'B507'],
    description: 'TLS certificate verification is turned off (verify_ssl=False, ssl=False, verify=False, CERT_NONE).',
    docs: `Without certificate verification HTTPS only looks secure: anyone on the path (a compromised router, a
hostile Wi-Fi, DNS spoofing) can present their own certificate, read the credentials the integration sends and
change the answers it gets back.

**What is reported**
- Home Assistant's helpers with verification off: \`async_get_clientsession(hass, verify_ssl=False)\`,
  \`async_create_clientsession(hass, False)\` (the flag is often positional), \`get_async_client\` and
  \`create_async_httpx_client\`, through any import form; and \`homeassistant.util.ssl\`'s no-verify contexts.
- aiohttp \`ssl=False\` on requests and \`TCPConnector\`, \`verify_ssl=False\`; requests and httpx \`verify=False\` and
  \`session.verify = False\` (not on an aiohttp session, which has no such setting); the same flags of other libraries (\`ssl_verify=False\`, \`validate_certs=False\`,
  \`tls_insecure=True\`), also in a call built with \`functools.partial\` for the executor.
- The \`ssl\` module: \`CERT_NONE\` (\`ctx.verify_mode = ssl.CERT_NONE\`, \`cert_reqs=ssl.CERT_NONE\`), \`check_hostname = False\`,
  \`ssl._create_unverified_context\`, and \`ssl.SSLContext()\` with a protocol that does not verify unless told to.
- MQTT \`tls_insecure_set(True)\`, SSH without host key checking (\`StrictHostKeyChecking=no\`, also as a dict entry
  such as pxssh's \`options={"StrictHostKeyChecking": "no"}\`; paramiko's \`AutoAddPolicy\`/\`WarningPolicy\`, asyncssh
  \`known_hosts=None\`, a pexpect session answering \`yes\` to ssh's "continue connecting" host key prompt, and a
  pxssh session, whose \`login()\` answers that prompt with \`yes\` unless its options set \`StrictHostKeyChecking\`).
- Insecure defaults for a verification option: \`vol.Optional(CONF_VERIFY_SSL, default=False)\`,
  \`entry.data.get(CONF_VERIFY_SSL, False)\`, \`def __init__(self, host, verify_ssl=False)\`, and the option written off
  (\`user_input[CONF_VERIFY_SSL] = False\`, \`{CONF_VERIFY_SSL: False}\` in an import step's entry) (a warning).

A flag counts when it is certainly off: a literal, or a variable or constant that only ever holds one. Verification
taken from a user's option (\`verify_ssl=entry.data[CONF_VERIFY_SSL]\`), or switched off inside a branch that
consults such an option (\`if not entry.options[CONF_VERIFY_SSL]:\`), is the user's choice and is not reported. Test
files are skipped. A TLS context a library builds and the code hands on (\`tls_context=generate_tls_context()\`) is
set up where the rule cannot see, so it puts the item up for review. Downloads run with curl's \`-k\`/\`--insecure\` or
wget's \`--no-check-certificate\` (as an argument list or a command string) are reported too.

Cloud integrations get errors. Local devices often have self-signed certificates, so for \`local_*\` integrations
this is a warning: prefer a user option that defaults to on.

**Fix:** turn verification on (the quick fix sets the flag to \`True\`, removes aiohttp's \`ssl=False\`, uses
\`CERT_REQUIRED\` and \`check_hostname = True\`), or make it an option that defaults to on. For a \`local_*\`
integration the quick fix is only a suggestion: a device with a self-signed certificate would stop answering.

Bad:
\`\`\`python
session = async_get_clientsession(hass, verify_ssl=False)
\`\`\`

Good:
\`\`\`python
session = async_get_clientsession(hass, verify_ssl=entry.data.get(CONF_VERIFY_SSL, True))
\`\`\``,
  },
  checkFile(fileContext) {
    const { file } = fileContext;
    if (file.isTestFile) return;
    const context = forLocalDevices(fileContext);
    for (const call of file.callsWithDeferred) checkCall(context, call);
    checkDefaultParameters(context);
    checkAttributeAssignments(context);
    checkKeyAssignments(context);
    checkSslReferences(context);
    checkSshStrings(context);
    checkSshOptionDicts(context);
    checkScriptedHostKeyAnswer(context);
    checkDownloadCommands(context);
    reviewLibraryContexts(context);
  },
};

/** Keywords that hand a connection a whole TLS context. */
const CONTEXT_KEYWORDS = /^(tls_context|ssl_context)$/;

/**
 * `TransportOptions(tls_context=generate_tls_context())`: a context a library builds is set up where this code
 * cannot see (roombapy's turns verification off for the robot's self-signed certificate), so a person checks it.
 * Contexts from the ssl module and Home Assistant's helpers are judged by the other checks.
 */
function reviewLibraryContexts(context: FileContext): void {
  const { file } = context;
  if (!file.mentions(/(tls|ssl)_context\s*=/)) return;
  for (const call of file.calls) {
    for (const [keyword, value] of call.keywords) {
      if (!CONTEXT_KEYWORDS.test(keyword)) continue;
      const built = file.origins(value).map((origin) => libraryContextCall(file, unwrap(origin.node))).find((name) => name !== undefined);
      if (!built || chosenByUser(context, call.node)) continue;
      context.markUsed();
      context.review(`${baseName(file.path)} passes a TLS context built by \`${built}\` (${keyword}=); this code cannot see whether it verifies certificates, so check what that function sets.`);
      return;
    }
  }
}

/** The library function a context comes from (`generate_tls_context`, also run on the executor), if it is one. */
function libraryContextCall(file: FileModel, node: Node): string | undefined {
  const target = node.type === 'await' ? unwrap(node.namedChild(0) ?? node) : node;
  const site = target.type === 'call' ? file.callSite(target) : undefined;
  if (!site) return undefined;
  // `await hass.async_add_executor_job(generate_tls_context)`: the function the executor runs.
  const executed = /(^|\.)async_add_executor_job$/.test(site.name ?? site.method ?? '') ? site.args[0] : undefined;
  const callee = executed ?? site.callee;
  const local = callee.text.split('.')[0];
  const name = file.qualifiedName(callee);
  // Imported from a library: not the ssl module, not Home Assistant, not a module of the integration.
  if (!name || !file.imports.has(local) || /^(ssl|homeassistant|custom_components)\.|^\./.test(name)) return undefined;
  return name;
}

/**
 * A local device may only have a self-signed certificate: turning verification on there can cut it off, so for
 * local_* integrations every fix becomes a suggestion a person applies (taking verify_ssl from a user option is the
 * other way out), never one fix-all applies.
 */
function forLocalDevices(context: FileContext): FileContext {
  if (!context.integration?.manifest.iotClass?.startsWith('local')) return context;
  return {
    ...context,
    report: (at, message, options = {}) => {
      const { fix, ...rest } = options;
      context.report(at, message, fix ? { ...rest, suggestions: [{ ...fix, safe: false }, ...(rest.suggestions ?? [])] } : rest);
    },
  };
}

function severity(context: FileContext): Severity {
  return context.integration?.manifest.iotClass?.startsWith('local') ? 'warning' : 'error';
}

function setFix(node: Node, text: string, title = 'Turn certificate verification on', extra: TextEdit[] = []): Fix {
  return { title, safe: true, edits: [replaceNode(unwrap(node), text), ...extra] };
}

/**
 * The boolean an expression always holds: a literal, or a local variable or module constant (also one imported
 * from another module of the integration) that is only ever set to that literal. Undefined when it may vary.
 */
function fixedBoolean(context: FileContext, expression: Node, file: FileModel = context.file, depth = 4): boolean | undefined {
  const node = unwrap(expression);
  if (node.type === 'true') return true;
  if (node.type === 'false') return false;
  if (depth <= 0) return undefined;
  // `VERIFY_SSL = not USE_PROXY`, a debugging switch left on.
  if (node.type === 'not_operator') {
    const argument = node.childForFieldName('argument');
    const inner = argument ? fixedBoolean(context, argument, file, depth - 1) : undefined;
    return inner === undefined ? undefined : !inner;
  }
  // `self.verify = False` in `__init__`, passed on as `verify=self.verify`: every value the class assigns decides;
  // with no method assigning it, the class body's `VERIFY = False` does.
  if (node.type === 'attribute') {
    const assigned = selfAttributeValues(file, node);
    const declared = assigned.length === 0 && node.childForFieldName('object')?.text === 'self' ? classConstant(file, node, node.childForFieldName('attribute')?.text ?? '') : undefined;
    return sameFixedBoolean(context, declared ? [declared] : assigned, file, depth - 1);
  }
  if (node.type !== 'identifier') return undefined;
  if (file.imports.has(node.text)) {
    const constant = constantExpression(file, node, context.integration);
    return constant ? fixedBoolean(context, constant.node, constant.file, depth - 1) : undefined;
  }
  const origins = file.origins(node, 3);
  if (origins.length === 0 || origins.some((origin) => origin.kind !== 'expression' || origin.node.id === node.id)) return undefined;
  return sameFixedBoolean(context, origins.map((origin) => origin.node), file, depth - 1);
}

/** The boolean every one of `values` always holds, if there are values and they agree. */
function sameFixedBoolean(context: FileContext, values: Node[], file: FileModel, depth: number): boolean | undefined {
  if (values.length === 0) return undefined;
  const fixed = values.map((value) => fixedBoolean(context, value, file, depth));
  return fixed.every((value) => value === fixed[0]) ? fixed[0] : undefined;
}

/**
 * Inside `if not entry.options.get(CONF_VERIFY_SSL, True):` (or a conditional expression on such a choice) the user
 * chose to skip verification for a self-signed device; that is the documented way, not a finding.
 */
function chosenByUser(context: FileContext, node: Node, helperDepth = 2): boolean {
  const { file } = context;
  if (!file.mentions(CHOICE_CONDITION)) return false;
  if (insideChoice(context, node)) return true;
  // A private helper that builds the unverified setup (`def _insecure_context(): ...`), used only where the user
  // chose it (called, or handed on as in `run_in_executor(None, partial(_insecure_context))`), is part of that choice.
  // Private, and every reference is in view: no other module reaches it.
  const fn = helperDepth > 0 ? file.enclosingFunction(node) : undefined;
  const nameNode = fn?.childForFieldName('name');
  const name = nameNode?.text;
  if (!fn || !nameNode || !name?.startsWith('_') || name.startsWith('__')) return false;
  const references = identifiersMatching(file.root, file.text, new RegExp(`\\b${name}\\b`)).filter((reference) => reference.text === name && reference.id !== nameNode.id);
  if (references.length === 0) return false;
  return references.every((reference) => {
    const parent = reference.parent;
    // `self._helper` is this class's; `other._helper` may be anyone's.
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === reference.id && parent.childForFieldName('object')?.text !== 'self') return false;
    return !contains(fn, reference) && chosenByUser(context, reference, helperDepth - 1);
  });
}

/**
 * `if not VERIFY_SSL:` with `VERIFY_SSL = False`, `if tls_insecure:` with `tls_insecure = True` just before: a
 * condition that always holds one value is the author's choice, not the user's.
 */
function isAuthorsFixedChoice(context: FileContext, condition: Node): boolean {
  return fixedBoolean(context, condition) !== undefined;
}

function insideChoice(context: FileContext, node: Node): boolean {
  for (const current of ancestors(node)) {
    if (current.type === 'function_definition' || current.type === 'module') break;
    if (current.type === 'if_statement' || current.type === 'elif_clause' || current.type === 'while_statement') {
      const condition = current.childForFieldName('condition');
      if (!condition || contains(condition, node) || !CHOICE_CONDITION.test(condition.text) || isAuthorsFixedChoice(context, condition)) continue;
      const inElse = current.type === 'if_statement' && !contains(current.childForFieldName('consequence') ?? condition, node);
      if (branchTurnsVerificationOff(condition, inElse)) return true;
    }
    if (current.type === 'conditional_expression') {
      const condition = current.namedChild(1);
      if (!condition || contains(condition, node) || !CHOICE_CONDITION.test(condition.text) || isAuthorsFixedChoice(context, condition)) continue;
      const inElse = !contains(current.namedChild(0) ?? condition, node);
      if (branchTurnsVerificationOff(condition, inElse)) return true;
    }
  }
  return false;
}

/**
 * Whether the branch (the `if` part, or the `else` part when `inElse`) is the one where the user turned verification
 * off: `if not verify_ssl:`, `if allow_insecure:`, the `else` of `if verify_ssl:`. Certificate checks switched off in
 * `if entry.data[CONF_VERIFY_SSL]:` contradict the option. A condition too tangled to tell counts as the choice.
 */
function branchTurnsVerificationOff(condition: Node, inElse: boolean): boolean {
  const text = condition.text;
  const negated = /^\s*not\b/.test(text) || /(==|\bis)\s*False\b|!=\s*True\b/.test(text);
  const verify = VERIFY_OPTION.test(text) && !INSECURE_OPTION.test(text);
  const insecure = INSECURE_OPTION.test(text) && !VERIFY_OPTION.test(text);
  if ((!verify && !insecure) || /\b(and|or)\b/.test(text)) return true;
  const saysOff = verify ? negated : !negated;
  return inElse ? !saysOff : saysOff;
}

/** Whether a call creates an HTTP session or client, a TLS context or a secure connection: the feature is in use. */
function usesTls(call: CallSite): boolean {
  const name = call.name ?? '';
  // aiohttp's server side (`web.Response`, `web.json_response` in a webhook or view) makes no outgoing connection.
  if (/^aiohttp\.(web|web_\w+|hdrs)\./.test(name)) return false;
  return (
    /^(aiohttp|requests|httpx|urllib3|ssl|paramiko|asyncssh|websockets|aiomqtt|paho)\./.test(name) ||
    HA_SESSION_HELPERS.test(name) ||
    name.startsWith('homeassistant.util.ssl.') ||
    name === 'urllib.request.urlopen' ||
    call.method === 'tls_set'
  );
}

function checkCall(context: FileContext, call: CallSite): void {
  const name = call.name ?? '';
  if (usesTls(call)) context.markUsed();
  // A call inside a user's choice has no other effect. Finding that out climbs the call's ancestors, so it is asked
  // only right before a report or a markUsed, which few of a file's calls reach. (No closures: this runs for every
  // call of every file, and their garbage showed in the editor's latency.)

  if (HA_SESSION_HELPERS.test(name)) {
    if (userChose(context, call)) return;
    context.markUsed();
    const flag = call.keywords.get('verify_ssl') ?? call.args[1];
    if (isFixed(context, false, flag)) {
      context.report(flag!, `\`${name.split('.').pop()}\` is called with certificate verification off; keep verify_ssl on, or take it from a user option that defaults to on.`, {
        severity: severity(context),
        fix: setFix(flag!, 'True'),
      });
    }
    return;
  }
  const safeContext = HA_NO_VERIFY_CONTEXTS.get(name);
  if (safeContext) {
    if (userChose(context, call)) return;
    context.report(call.node, `\`${name.split('.').pop()}()\` gives a TLS context that accepts any certificate; use \`${safeContext}()\`.`, {
      severity: severity(context),
      fix: renameCallFix(context, call, 'homeassistant.util.ssl', safeContext),
    });
    return;
  }
  if (name === 'ssl.SSLContext') {
    if (!userChose(context, call)) checkBareContext(context, call);
    return;
  }
  if (call.method === 'tls_insecure_set' && isFixed(context, true, call.args[0] ?? call.keywords.get('value'))) {
    if (userChose(context, call)) return;
    const flag = (call.args[0] ?? call.keywords.get('value'))!;
    context.report(call.node, 'tls_insecure_set(True) skips the MQTT broker\'s host name check; leave it off.', {
      severity: severity(context),
      fix: setFix(flag, 'False', 'Check the broker host name'),
    });
    return;
  }
  if (/^paramiko\.(client\.)?(AutoAddPolicy|WarningPolicy)$/.test(name)) {
    if (userChose(context, call)) return;
    context.markUsed();
    context.report(call.node, `\`${name.split('.').pop()}\` accepts any SSH host key, so a machine in the middle goes unnoticed; load known host keys and keep paramiko's RejectPolicy.`, { severity: severity(context) });
    return;
  }
  if (PXSSH_SESSION.test(name)) {
    checkPxsshSession(context, call);
    return;
  }
  // Written out, or in a dict spread into the call (`asyncssh.connect(**options)` with `"known_hosts": None`).
  const knownHosts = /^asyncssh\.(connect|create_connection|connect_reverse|SSHClientConnectionOptions)$/.test(name) ? call.keywords.get('known_hosts') ?? context.file.spreadKeyword(call, 'known_hosts') : undefined;
  if (knownHosts && unwrapNone(knownHosts)) {
    if (userChose(context, call)) return;
    context.report(knownHosts, 'known_hosts=None turns off SSH host key checking; pass the known host keys.', { severity: severity(context) });
    return;
  }
  checkInsecureDefault(context, call);

  const requestsLike = REQUESTS_LIKE.test(name) || (call.method !== undefined && REQUEST_METHODS.has(call.method)) || /(Client|Session|Api|API|Transport)$/.test(name);
  const verify = requestsLike ? call.keywords.get('verify') ?? context.file.spreadKeyword(call, 'verify') : undefined;
  if (requestsLike && isFixed(context, false, verify) && !userChose(context, call)) {
    const shown = unwrap(verify!).type === 'false' ? 'verify=False' : `verify=${verify!.text}, always False here,`;
    context.report(verify!, `${shown} accepts any certificate; keep verification on (or pass a CA bundle for a private certificate).`, {
      severity: severity(context),
      fix: setFix(verify!, 'True'),
    });
  }
  const aiohttpLike = AIOHTTP_SSL.test(name) || (call.method !== undefined && REQUEST_METHODS.has(call.method));
  const ssl = aiohttpLike ? call.keywords.get('ssl') ?? context.file.spreadKeyword(call, 'ssl') : undefined;
  if (aiohttpLike && isFixed(context, false, ssl) && !userChose(context, call)) {
    context.report(ssl!, 'ssl=False turns off certificate verification for this connection; remove it so aiohttp verifies certificates.', {
      severity: severity(context),
      fix: { title: 'Turn certificate verification on', safe: true, edits: [removeArgument(ssl!)] },
    });
  }
  // Most calls pass none of the keywords below; a file that never spells one skips reading every call's arguments.
  if (!context.file.mentions(KEYWORD_HINT)) return;
  for (const [keyword, value] of call.keywords) {
    // `verifySsl=False`, `sslVerify`: a library's camel-case spelling of the same keyword.
    const snake = keyword.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    if (VERIFY_KEYWORDS.test(snake) && isFixed(context, false, value) && name !== 'dict') {
      if (userChose(context, call)) return;
      // aiohttp's own verify_ssl is deprecated: drop it; other libraries get it switched on.
      const dropped = AIOHTTP_SSL.test(name) || (call.method !== undefined && REQUEST_METHODS.has(call.method) && keyword === 'verify_ssl');
      context.report(value, `${keyword}=False turns off certificate verification; keep it on, or take it from a user option that defaults to on.`, {
        severity: severity(context),
        fix: dropped ? { title: 'Turn certificate verification on', safe: true, edits: [removeArgument(value)] } : setFix(value, 'True'),
      });
    } else if (INSECURE_KEYWORDS.test(snake) && isFixed(context, true, value) && name !== 'dict') {
      if (userChose(context, call)) return;
      context.report(value, `${keyword}=True turns off certificate verification; leave it off.`, { severity: severity(context), fix: setFix(value, 'False') });
    } else if (keyword === 'cert_reqs' && /^(ssl\.)?CERT_NONE$|^NONE$/.test(literalString(value) ?? '')) {
      if (userChose(context, call)) return;
      context.report(value, `cert_reqs=${value.text} accepts any certificate; require one.`, {
        severity: severity(context),
        fix: setFix(value, value.text.replace(/NONE/, 'REQUIRED')),
      });
    }
  }
}

function userChose(context: FileContext, call: CallSite): boolean {
  return chosenByUser(context, call.node);
}

/** Whether `value` is given and always holds `expected`. */
function isFixed(context: FileContext, expected: boolean, value: Node | undefined): boolean {
  return value !== undefined && fixedBoolean(context, value) === expected;
}

function unwrapNone(node: Node | undefined): boolean {
  return node !== undefined && unwrap(node).type === 'none';
}

/** `vol.Optional(CONF_VERIFY_SSL, default=False)`, `entry.data.get(CONF_VERIFY_SSL, False)`, and their negatives. */
function checkInsecureDefault(context: FileContext, call: CallSite): void {
  const name = call.name ?? '';
  const isSchemaKey = /(^|\.)(Optional|Required)$/.test(name);
  if (!isSchemaKey && call.method !== 'get' && call.method !== 'setdefault') return;
  const key = call.args[0];
  if (!key) return;
  const fallback = isSchemaKey ? call.keywords.get('default') : call.args[1] ?? call.keywords.get('default');
  if (!fallback) return;
  const keyText = keyTextOf(context, key);
  // The key decides first: following the fallback through assignments costs more, and few keys are about verification.
  if (VERIFY_OPTION.test(keyText)) {
    if (userChose(context, call)) return;
    context.markUsed();
    if (fixedBoolean(context, fallback) === false) {
      context.report(fallback, 'Certificate verification defaults to off; default it to on and let users opt out for self-signed devices.', {
        severity: 'warning',
        fix: setFix(fallback, 'True', 'Default certificate verification to on'),
      });
    }
  } else if (INSECURE_OPTION.test(keyText)) {
    if (userChose(context, call)) return;
    context.markUsed();
    if (fixedBoolean(context, fallback) === true) {
      context.report(fallback, 'Skipping certificate verification is the default here; default it to off and let users opt in for self-signed devices.', {
        severity: 'warning',
        fix: setFix(fallback, 'False', 'Default certificate verification to on'),
      });
    }
  }
}

/**
 * `user_input[CONF_VERIFY_SSL] = False`, `{CONF_VERIFY_SSL: False}`: an entry, option or client setting filled in with
 * verification off (an import step that turns it off for every migrated user, say).
 */
function checkKeyAssignments(context: FileContext): void {
  const { file } = context;
  if (!file.mentions(VERIFICATION_WORD)) return;
  for (const assignment of file.nodesOfType('assignment')) {
    const left = assignment.childForFieldName('left');
    const key = left?.type === 'subscript' ? left.childForFieldName('subscript') : null;
    const value = assignment.childForFieldName('right');
    // `if CONF_VERIFY_SSL not in user_input:` fills in a missing option: that is a default, not the user's choice.
    if (key && value) checkFixedSetting(context, keyTextOf(context, key), value, !fillsMissingKey(assignment) && chosenByUser(context, assignment));
  }
  for (const pair of file.nodesOfType('pair')) {
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    // Files hold many pairs: only a key written with a verification word (`CONF_VERIFY_SSL`, `"verify_ssl"`) is resolved.
    if (!key || !value || !VERIFICATION_WORD.test(key.text)) continue;
    // A bare `"verify": False` in a dict says too little (a description, a library's own flag); a named option does not.
    const keyText = keyTextOf(context, key);
    if (!/^(conf_)?verify$/i.test(keyText)) checkFixedSetting(context, keyText, value, chosenByUser(context, pair));
  }
}

function checkFixedSetting(context: FileContext, keyText: string, value: Node, chosen: boolean): void {
  const insecure = VERIFY_OPTION.test(keyText) ? fixedBoolean(context, value) === false : INSECURE_OPTION.test(keyText) && fixedBoolean(context, value) === true;
  if (!insecure || chosen) return;
  context.markUsed();
  context.report(value, 'Certificate verification is set off here; keep it on by default and let users opt out for self-signed devices.', {
    severity: 'warning',
    fix: setFix(value, VERIFY_OPTION.test(keyText) ? 'True' : 'False', 'Default certificate verification to on'),
  });
}

/**
 * The text of a key, resolved through constants: `CONF_VERIFY_SSL` -> `verify_ssl`; a constant the model cannot
 * resolve (a library's, `const.CONF_VERIFY_SSL`) is judged by its name.
 */
function keyTextOf(context: FileContext, key: Node): string {
  const type = unwrap(key).type;
  return context.file.stringValue(key, context.integration?.constantString) ?? (type === 'identifier' || type === 'attribute' ? key.text : '');
}

function fillsMissingKey(assignment: Node): boolean {
  for (let current = assignment.parent; current && current.type !== 'function_definition'; current = current.parent) {
    if (current.type !== 'if_statement') continue;
    const condition = current.childForFieldName('condition');
    return condition?.type === 'comparison_operator' && condition.children.some((child) => child.type === 'not in');
  }
  return false;
}

/** `def __init__(self, host, verify_ssl=False)`: every caller that does not think of it gets no verification. */
function checkDefaultParameters(context: FileContext): void {
  const { file } = context;
  if (!file.mentions(VERIFICATION_WORD)) return;
  const parameters = [...file.nodesOfType('default_parameter'), ...file.nodesOfType('typed_default_parameter')].sort((a, b) => a.startIndex - b.startIndex);
  for (const parameter of parameters) {
    const nameNode = parameter.childForFieldName('name');
    if (nameNode?.type !== 'identifier') continue;
    const name = nameNode.text;
    // Every name judged below contains a verification word; most parameters are passed over without reading more.
    if (!VERIFICATION_WORD.test(name)) continue;
    const value = parameter.childForFieldName('value');
    if (!value) continue;
    const literal = unwrap(value).type;
    if ((VERIFY_OPTION.test(name) || VERIFY_KEYWORDS.test(name)) && literal === 'false') {
      context.report(value, `The parameter ${name} defaults to no certificate verification; default it to True.`, { severity: 'warning', fix: setFix(value, 'True', 'Default certificate verification to on') });
    } else if ((INSECURE_OPTION.test(name) || INSECURE_KEYWORDS.test(name)) && literal === 'true') {
      context.report(value, `The parameter ${name} defaults to skipping certificate verification; default it to False.`, { severity: 'warning', fix: setFix(value, 'False', 'Default certificate verification to on') });
    }
  }
}

/** `ctx.check_hostname = False` and `session.verify = False` (requests sessions, httpx clients). */
function checkAttributeAssignments(context: FileContext): void {
  const { file } = context;
  if (!file.mentions(/\b(check_hostname|verify)\b/)) return;
  // Found through the text: a walk of the whole tree for these few assignments costs far more.
  for (const attribute of identifiersMatching(file.root, file.text, /check_hostname|verify/)) {
    if (attribute.text !== 'check_hostname' && attribute.text !== 'verify') continue;
    const left = attribute.parent;
    const assignment = left?.parent;
    if (left?.type !== 'attribute' || left.childForFieldName('attribute')?.id !== attribute.id) continue;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.id !== left.id) continue;
    const value = assignment.childForFieldName('right');
    const object = left.childForFieldName('object');
    if (!value || !object || fixedBoolean(context, value) !== false || chosenByUser(context, assignment)) continue;
    if (attribute.text === 'check_hostname') {
      context.markUsed();
      // With verify_mode = CERT_NONE on the same context, that line is reported and its fix turns both back on.
      if (certNoneAssignment(file, object)) continue;
      context.report(assignment, 'check_hostname = False accepts a valid certificate issued for any other host; leave host name checking on.', { severity: severity(context), fix: setFix(value, 'True') });
    } else if (isHttpSession(file, object)) {
      context.markUsed();
      context.report(assignment, `${object.text}.verify = False accepts any certificate for every request of this session; leave verification on.`, { severity: severity(context), fix: setFix(value, 'True') });
    }
  }
}

/**
 * An object that is a requests session or httpx client: made by one here, or named like one and not made as an
 * aiohttp session (which has no `verify` setting: the assignment adds an attribute nothing reads).
 */
function isHttpSession(file: FileModel, object: Node): boolean {
  const values = object.type === 'attribute' ? selfAttributeValues(file, object) : object.type === 'identifier' ? file.origins(object).map((origin) => origin.node) : [];
  const made = values.map((value) => unwrap(value)).filter((value) => value.type === 'call').map((call) => file.callSite(call)?.name ?? '');
  if (made.some((name) => /^(requests|httpx)\./.test(name))) return true;
  if (made.length > 0 && made.length === values.length && made.every((name) => AIOHTTP_SESSIONS.test(name))) return false;
  return /session|client|http/i.test(object.text);
}

const AIOHTTP_SESSIONS = /^(aiohttp\.ClientSession|homeassistant\.helpers\.aiohttp_client\.(async_get_clientsession|async_create_clientsession))$/;

/** `<object>.verify_mode = ssl.CERT_NONE` in the same function (or module) as `node`. */
function certNoneAssignment(file: FileModel, object: Node): Node | undefined {
  const scope = file.scopeOf(object);
  for (const { assignment, value } of attributeAssignments(scope, 'verify_mode')) {
    if (file.scopeOf(assignment).id !== scope.id) continue;
    if (assignment.childForFieldName('left')?.childForFieldName('object')?.text === object.text && isCertNone(file, value)) return assignment;
  }
  return undefined;
}

function checkHostnameAssignment(file: FileModel, object: Node): Node | undefined {
  const scope = file.scopeOf(object);
  for (const { assignment, value } of attributeAssignments(scope, 'check_hostname')) {
    if (value.type !== 'false' || file.scopeOf(assignment).id !== scope.id) continue;
    if (assignment.childForFieldName('left')?.childForFieldName('object')?.text === object.text) return value;
  }
  return undefined;
}

/** `<object>.<attribute> = <value>` assignments within `scope`, in document order. */
function attributeAssignments(scope: Node, attribute: string): { assignment: Node; value: Node }[] {
  const found: { assignment: Node; value: Node }[] = [];
  for (const assignment of scope.descendantsOfType('assignment')) {
    const left = assignment.childForFieldName('left');
    const value = assignment.childForFieldName('right');
    if (left?.type === 'attribute' && value && left.childForFieldName('attribute')?.text === attribute) found.push({ assignment, value });
  }
  return found;
}

function isCertNone(file: FileModel, node: Node): boolean {
  const name = file.qualifiedName(unwrap(node));
  return name === 'ssl.CERT_NONE' || name === 'ssl.VerifyMode.CERT_NONE';
}

const SSL_OFF_NAMES = /^ssl\.(CERT_NONE|VerifyMode\.CERT_NONE|_create_unverified_context|_create_stdlib_context)$/;

/** `ssl.CERT_NONE` used as a setting, and `ssl._create_unverified_context` called or installed. */
function checkSslReferences(context: FileContext): void {
  const { file } = context;
  if (!file.mentions(/\b(CERT_NONE|_create_unverified_context|_create_stdlib_context)\b/)) return;
  // `from ssl import CERT_NONE as NOVERIFY`: the alias is the name the code uses.
  const aliases = [...file.imports].filter(([local, name]) => SSL_OFF_NAMES.test(name) && local !== name.slice(name.lastIndexOf('.') + 1)).map(([local]) => local);
  const names = ['CERT_NONE', '_create_unverified_context', '_create_stdlib_context', ...aliases].join('|');
  const whole = new RegExp(`^(${names})$`);
  for (const identifier of identifiersMatching(file.root, file.text, new RegExp(names))) {
    if (!whole.test(identifier.text)) continue;
    const around = ancestors(identifier);
    const parent = around[0];
    const node = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === identifier.id ? parent : identifier;
    if (around.some((ancestor) => ancestor.type === 'import_from_statement' || ancestor.type === 'import_statement')) continue;
    const name = file.qualifiedName(node);
    if (name === 'ssl.CERT_NONE' || name === 'ssl.VerifyMode.CERT_NONE') {
      context.markUsed();
      reportCertNone(context, node);
    } else if (name === 'ssl._create_unverified_context' || name === 'ssl._create_stdlib_context') {
      context.markUsed();
      if (chosenByUser(context, node)) continue;
      const call = node.parent?.type === 'call' && node.parent.childForFieldName('function')?.id === node.id;
      context.report(node, call ? `\`${name}()\` creates a context that skips certificate checks; use \`ssl.create_default_context()\`.` : `Installing \`${name}\` turns certificate checks off for every HTTPS request of the process, other integrations' too; remove this.`, {
        severity: severity(context),
        fix: call && node.type === 'attribute' ? setFix(node, node.text.replace(/_create_(unverified|stdlib)_context$/, 'create_default_context'), 'Use ssl.create_default_context()') : undefined,
      });
    }
  }
}

/**
 * Comparisons (`mode == ssl.CERT_NONE`, `mode in (ssl.CERT_NONE, ...)`) and lookup tables keyed by the mode or by
 * the user's boolean (`{False: ssl.CERT_NONE, True: ssl.CERT_REQUIRED}[verify]`) describe modes; they set none.
 */
function describesModes(node: Node): boolean {
  let current = node;
  while (current.parent && ['tuple', 'list', 'set', 'parenthesized_expression'].includes(current.parent.type)) current = current.parent;
  const parent = current.parent;
  if (!parent) return false;
  if (parent.type === 'comparison_operator') return true;
  if (parent.type !== 'pair') return false;
  const key = parent.childForFieldName('key');
  return key?.id === current.id || key?.type === 'true' || key?.type === 'false';
}

function reportCertNone(context: FileContext, node: Node): void {
  const { file } = context;
  const parent = node.parent;
  if (!parent || parent.type === 'attribute' || describesModes(node) || chosenByUser(context, node)) return;
  const aliased = !node.text.endsWith('CERT_NONE');
  const required = node.type === 'identifier' ? 'CERT_REQUIRED' : node.text.replace(/CERT_NONE$/, 'CERT_REQUIRED');
  const edits: TextEdit[] = [];
  // `from ssl import CERT_NONE` (or `as NOVERIFY`) names no CERT_REQUIRED: the fix imports it.
  const importEdit = node.type === 'identifier' ? addImport(file, 'ssl', 'CERT_REQUIRED') : undefined;
  if (importEdit) edits.push(importEdit);
  // `ctx.verify_mode = ssl.CERT_NONE` usually follows `ctx.check_hostname = False`; the fix turns both back on, since
  // turning host name checking on alone would make the CERT_NONE line raise.
  const assignment = parent.type === 'assignment' && parent.childForFieldName('right')?.id === node.id ? parent : undefined;
  const object = assignment?.childForFieldName('left')?.childForFieldName('object');
  const hostname = object ? checkHostnameAssignment(file, object) : undefined;
  if (hostname) edits.push(replaceNode(hostname, 'True'));
  context.report(node, `\`${node.text}\`${aliased ? ' (ssl.CERT_NONE)' : ''} accepts any certificate; require one with \`${required}\`${hostname ? ' and check the host name' : ''}.`, {
    severity: severity(context),
    fix: setFix(node, required, 'Require a valid certificate', edits),
  });
}

/**
 * `ssl.SSLContext()` / `SSLContext(ssl.PROTOCOL_TLS)` neither verifies certificates nor checks host names unless the
 * code sets `verify_mode`; `PROTOCOL_TLS_CLIENT` does both, `PROTOCOL_TLS_SERVER` is for servers.
 */
function checkBareContext(context: FileContext, call: CallSite): void {
  const { file } = context;
  context.markUsed();
  const protocol = call.args[0] ?? call.keywords.get('protocol');
  const protocolName = protocol ? file.qualifiedName(protocol) ?? '' : 'ssl.PROTOCOL_TLS';
  if (!/^ssl\.(PROTOCOL_TLS|PROTOCOL_SSLv23|PROTOCOL_TLSv1(_1|_2)?)$/.test(protocolName)) return;
  const assignment = call.node.parent?.type === 'assignment' ? call.node.parent : undefined;
  const target = assignment?.childForFieldName('left');
  if (target) {
    const scope = file.scopeOf(call.node);
    const setsMode = new RegExp(`(^|[^\\w.])${target.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(verify_mode|load_cert_chain)\\b`);
    // A context whose verify_mode is set afterwards is judged by that line; one with its own certificate chain is a server's.
    if (setsMode.test(scope.text)) return;
  }
  context.report(call.node, `\`ssl.SSLContext(${protocol?.text ?? ''})\` does not verify certificates or host names; use \`ssl.create_default_context()\`.`, {
    severity: severity(context),
    suggestions: [{ title: 'Use ssl.create_default_context()', safe: false, edits: [replaceNode(call.node, `${call.callee.text.replace(/SSLContext$/, 'create_default_context')}()`)] }],
  });
}

/** Replaces the called name with its verifying sibling from the same module, importing it when called by bare name. */
function renameCallFix(context: FileContext, call: CallSite, module: string, replacement: string): Fix {
  if (call.callee.type === 'attribute') {
    const attribute = call.callee.childForFieldName('attribute')!;
    return { title: `Use ${replacement}()`, safe: true, edits: [replaceNode(attribute, replacement)] };
  }
  const importEdit = addImport(context.file, module, replacement);
  return { title: `Use ${replacement}()`, safe: true, edits: [replaceNode(call.callee, replacement), ...(importEdit ? [importEdit] : [])] };
}

const SSH_NO_HOST_CHECK = /StrictHostKeyChecking\s*[= ]\s*(no|off)\b|UserKnownHostsFile\s*[= ]\s*\/dev\/null/i;

/**
 * `ssh -o StrictHostKeyChecking=no` or `UserKnownHostsFile=/dev/null` as an option-list element (`"-o"`,
 * `"StrictHostKeyChecking=no"`) or in a command line starting with ssh/scp/sftp/rsync; help texts that mention
 * the option are not commands.
 */
function checkSshStrings(context: FileContext): void {
  const { file } = context;
  if (!file.mentions(SSH_NO_HOST_CHECK)) return;
  for (const node of file.nodesOfType('string_content')) {
    if (node.parent?.type !== 'string') continue;
    const text = node.text.trim();
    if (!SSH_NO_HOST_CHECK.test(text)) continue;
    const isOption = /^(-o\s*)?(StrictHostKeyChecking|UserKnownHostsFile)\s*[= ]\s*\S+$/i.test(text);
    const isCommand = /^(sudo\s+)?(sshpass\b.*?\s)?(ssh|scp|sftp|rsync|autossh)\s/.test(text);
    const string = node.parent!;
    if ((!isOption && !isCommand) || string.parent?.type === 'expression_statement' || chosenByUser(context, string)) continue;
    context.markUsed();
    context.report(string, 'This SSH option accepts any host key, so a machine in the middle goes unnoticed; keep host key checking on and ship the known host key.', { severity: severity(context) });
  }
}

/**
 * `{"StrictHostKeyChecking": "no"}` (pxssh's `options=`, an ssh config dict) and `dict(StrictHostKeyChecking="no")`:
 * the same options as `-o StrictHostKeyChecking=no`, written as a key and a value.
 */
function checkSshOptionDicts(context: FileContext): void {
  const { file } = context;
  if (!file.mentions(/StrictHostKeyChecking|UserKnownHostsFile/i)) return;
  const judge = (at: Node, key: string | undefined, value: Node | null) => {
    const text = value ? literalString(value) : undefined;
    if (key === undefined || text === undefined || !SSH_NO_HOST_CHECK.test(`${key}=${text.trim()}`) || chosenByUser(context, at)) return;
    context.markUsed();
    context.report(at, `\`${key}\` set to "${text.trim()}" accepts any host key, so a machine in the middle goes unnoticed; keep host key checking on and ship the known host key.`, { severity: severity(context) });
  };
  for (const pair of file.nodesOfType('pair')) {
    const key = pair.childForFieldName('key');
    judge(pair, key ? literalString(key) : undefined, pair.childForFieldName('value'));
  }
  for (const call of file.calls) {
    if (call.name !== 'dict') continue;
    for (const [keyword, value] of call.keywords) judge(value.parent ?? value, keyword, value);
  }
}

/** pexpect's ssh session class. */
const PXSSH_SESSION = /^pexpect\.pxssh\.pxssh$/;

/**
 * `pxssh.pxssh()`: its `login()` answers `yes` when ssh asks whether to trust a host key it does not know, so any
 * host key is accepted, unless the session's options make ssh refuse unknown keys (`StrictHostKeyChecking` set).
 * Options set to `no` are reported by checkSshOptionDicts; options this code cannot read are left alone.
 */
function checkPxsshSession(context: FileContext, call: CallSite): void {
  const { file } = context;
  context.markUsed();
  const options = call.keywords.get('options');
  if (options) {
    const origins = file.origins(options);
    const literal = origins.length === 1 && origins[0].kind === 'expression' ? unwrap(origins[0].node) : undefined;
    if (literal?.type !== 'dictionary') return;
    const keys = literal.namedChildren.map((pair) => (pair?.type === 'pair' ? literalString(pair.childForFieldName('key') ?? pair) : undefined));
    if (keys.some((key) => key === undefined || /^StrictHostKeyChecking$/i.test(key))) return;
  }
  // An ssh config file handed to login() may set the option; it cannot be read here.
  if (file.mentions(/ssh_config\s*=/) || userChose(context, call)) return;
  context.report(call.node, 'pxssh\'s login() answers yes when ssh asks about a host key it does not know, so any host key is accepted and a machine in the middle goes unnoticed; pass options={"StrictHostKeyChecking": "yes"} and ship the known host key (a known_hosts file).', { severity: severity(context) });
}

/** What ssh asks before it trusts a host key it does not know. */
const HOST_KEY_PROMPT = /continue connecting|authenticity of host|yes\/no\/\[fingerprint\]/i;

/**
 * A session scripted with pexpect that answers ssh's unknown host key prompt with `yes`
 * (`expect([..., "continue connecting (yes/no)?"])` then `sendline("yes")`): any host key is accepted, as with
 * StrictHostKeyChecking=no.
 */
function checkScriptedHostKeyAnswer(context: FileContext): void {
  const { file } = context;
  if (!file.mentions(HOST_KEY_PROMPT) || !file.mentions(/send(line)?\(\s*[bru]*["']yes/i)) return;
  for (const call of file.calls) {
    if (call.method !== 'sendline' && call.method !== 'send') continue;
    const answer = call.args[0] ? literalString(call.args[0]) : undefined;
    if (answer === undefined || answer.trim().toLowerCase() !== 'yes') continue;
    const fn = file.enclosingFunction(call.node);
    const asked = fn !== undefined && descendants(fn, ['string_content']).some((node) => HOST_KEY_PROMPT.test(node.text));
    if (!asked) continue;
    context.markUsed();
    context.report(call.node, 'Answering yes to ssh\'s unknown host key prompt accepts any host key, so a machine in the middle goes unnoticed; ship the known host key (a known_hosts file) and let ssh refuse others.', { severity: severity(context) });
  }
}

const DOWNLOAD_PROGRAM = /^(\S*\/)?(curl|wget)$/;

/** An option that accepts any certificate: curl's `-k`, `--insecure` or `-sSLk`; wget's `--no-check-certificate`. */
function insecureDownloadOption(program: string, words: (string | undefined)[]): string | undefined {
  const option = program.endsWith('wget') ? /^--no-check-certificate$/ : /^(--insecure|-[A-Za-z]*k[A-Za-z]*)$/;
  return words.find((word): word is string => word !== undefined && option.test(word));
}

/**
 * `subprocess.run(["curl", "-Lk", url, ...])` and `"curl -k https://..."`: a download that accepts any certificate,
 * so whoever sits in between can hand over something else (often a program the integration then runs). A download
 * without such an option keeps curl's and wget's certificate checks, which is the item used and passed.
 */
function checkDownloadCommands(context: FileContext): void {
  const { file } = context;
  // A command string or list starts with the program: `"curl ...`, `["curl", ...]`, `'/usr/bin/wget'`.
  if (!file.mentions(/["'](sudo\s+)?(\S*\/)?(curl|wget)\b/)) return;
  const judge = (node: Node, words: readonly (string | undefined)[]) => {
    const start = words[0] === 'sudo' ? 1 : 0;
    const program = words[start];
    if (program === undefined || !DOWNLOAD_PROGRAM.test(program)) return;
    context.markUsed();
    const option = insecureDownloadOption(program, words.slice(start + 1));
    if (!option || chosenByUser(context, node)) return;
    context.report(node, `\`${option}\` makes this download accept any certificate, so whoever sits in between can hand over something else; drop it (or pass the server's CA with --cacert).`, { severity: severity(context) });
  };
  for (const list of [...file.nodesOfType('list'), ...file.nodesOfType('tuple')]) {
    judge(list, list.namedChildren.map((item) => (item ? literalString(item) : undefined)));
  }
  // `asyncio.create_subprocess_exec("curl", "-k", url)` passes the words as arguments, not as a list.
  for (const call of file.calls) {
    if (call.args.length > 0 && /(^|\.)create_subprocess_exec$/.test(call.name ?? '')) judge(call.node, call.args.map(literalString));
  }
  for (const node of file.nodesOfType('string_content')) {
    if (node.parent?.type !== 'string' || node.parent.parent?.type === 'expression_statement') continue;
    judge(node.parent, node.text.trim().split(/\s+/));
  }
}
