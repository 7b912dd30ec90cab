import type { Node } from '../python/syntaxTree';
import { replaceNode } from '../fixes';
import type { CallSite, FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import {
  REDACTED_MARKER,
  CLIENT_ATTRIBUTES_SOURCE,
  credentialKeys,
  FAILED_REQUEST_URL_SOURCE,
  RESPONSE_URL_SOURCE,
  describeGaps,
  isLoggedExceptionCall,
  isLoggingCall,
  isPrintCall,
  isRaised,
  isRedactionCall,
  isMappingPayload,
  loggedArguments,
  redactedLiteral,
  redactionGaps,
  redactionSetup,
  isRequestPayload,
  REQUEST_HEADERS_SOURCE,
  AUTHENTICATED_HEADERS_SOURCE,
  RESPONSE_SOURCE,
  SERVICE_DATA_SOURCE,
  secretsIn,
  storedCredentialKeys,
  TOKEN_ENDPOINT_ANSWER,
  PARTLY_MASKED_SOURCE,
  VIEW_BODY_SOURCE,
  WEBHOOK_BODY_SOURCE,
  type RedactionSetup,
  type SecretCarrier,
} from '../model/secretFlow';
import { comparisonParts, contains, descendants, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import type { Fix, TextEdit } from '../types';
import { excerpt } from '../text';

export const logSecret: Rule = {
  meta: {
    id: 'log-secret',
    checklist: 'credentials-in-logs',
    severity: 'error',
    fix: 'safe',
    cwe: 532,
    description: 'A logging call writes a password, token or API key, or a whole config payload that holds them.',
    docs: `Logs are the least private place in Home Assistant. People paste them into GitHub issues and forums,
send them to support, and keep them around for months; debug logging gets switched on exactly when someone is about
to share the output. A password or token written to the log is as good as published.

The rule follows values into every way of logging (\`_LOGGER.debug("%s", x)\`, \`logging.info\`, \`self.logger\`,
a \`LOGGER\` imported from const.py, and \`print\`, whose output ends up in the console, journal or container log
that users share the same way; f-strings, \`.format\`, \`%\`, concatenation, \`extra=\`; a log call handed to the
executor or built with \`functools.partial\`), through local
variables, \`self\` attributes and what the module's own functions and methods return, and reports:

- a credential: \`entry.data[CONF_PASSWORD]\`, \`user_input.get(CONF_API_KEY)\`, \`self._token\`, a \`password\`
  variable, a headers dict with an \`Authorization\` value, a database connection URL (\`user_input[CONF_DB_URL]\`,
  which carries the database password), the headers of a request to a view that requires authentication (they carry
  the caller's Home Assistant access token), the \`code\` an alarm panel's or lock's command method is given
  (\`async_alarm_disarm(self, code)\`) (**error**);
- a whole payload that holds credentials: \`entry.data\`, \`entry.options\` (when something writes credentials
  into the options), \`entry.as_dict()\`, the
  \`user_input\` of a flow step whose form asks for a credential, the YAML \`config\`, the body of a request to a
  webhook or view (also parsed with \`json.loads\`), the headers of a request to a webhook or view (\`request.headers\`), a
  response the same function reads a credential from (\`payload = await resp.json()\` logged, then
  \`payload["access_token"]\`; its raw text, parsed with \`json.loads\` for the read, but not in the branch where the
  part the credential is read from is missing, nor in a branch that finds the text itself a failure and leaves before
  the parse, \`if "Incorrect password" in text: log(text); return False\`; or an answer kept in \`self.status\` that another method of the class reads a credential
  from), an OAuth token endpoint's answer, the data \`async_oauth_create_entry\` receives, and a copy that leaves out
  some keys but not every credential (\`{k: v for k, v in user_input.items() if k != CONF_PASSWORD}\` where the form
  also asks for a \`totp_secret\`) (**warning**: what the payload holds is inferred from the integration's schemas, keys
  and reads);
- either of these in the message of an exception Home Assistant logs when it is raised: \`raise UpdateFailed(...)\`
  in a coordinator ("Error fetching ... data: <message>"), \`ConfigEntryNotReady\`, \`ConfigEntryAuthFailed\`,
  \`ConfigEntryError\`, \`PlatformNotReady\`, \`HomeAssistantError\` (also shown to the user), its
  \`translation_placeholders\` included, and the integration's own classes deriving from them. An exception caught
  around the raise, or around every call of the function raising it (a config flow step that turns it into a form
  error), never reaches the log;
- a caught exception logged whole (\`except Exception as err: _LOGGER.error("...: %s", err)\`) when the try block,
  or a function of the integration it calls, raises one whose message carries a credential
  (\`raise ConnectionError(f"No answer from {url}")\` with the token in \`url\`), or when the error is an HTTP
  client's whose text quotes the URL of the failed request and that URL (its path, query or \`params=\`) carries a
  credential: requests' connection errors and \`HTTPError\` quote it (\`requests.get(f"{API}?appid={api_key}")\`
  caught as \`RequestException\`, \`OSError\` or \`Exception\`), and so do the errors \`raise_for_status\` raises in
  aiohttp (\`ClientResponseError\`, also raised by \`resp.json()\` for an answer that is not JSON, unless given
  \`content_type=None\`) and httpx (\`HTTPStatusError\`); their connection errors name only the host. Only the raises
  the clause catches count: its class or a subclass (the integration's own classes are read), not a base class, and
  not the errors an earlier clause of the same try catches first;
- an API client's attributes written whole (\`vars(client)\`, \`api.__dict__\`) when the entries hold credentials
  (**warning**);
- an aiohttp response written whole (\`_LOGGER.error("Failed: %s", resp)\`, or its text method left uncalled,
  \`{resp.text}\`), whose text shows its request's URL, when that URL carries a credential (requests' and httpx's
  responses show only their status).

It stays silent for what does not leak: a username or host, \`len(token)\`, \`bool(password)\`, \`token[-4:]\`, the
\`ConfigEntry\` itself, \`entry.title\`, values already redacted (\`async_redact_data\`, \`partial_redact\`,
\`{**cfg, CONF_PASSWORD: "***"}\`, a copy whose secret keys were masked or popped, a comprehension that filters
keys), \`list(entry.data)\` (only the keys), messages that merely *name* a secret ("token refreshed"), and an HTTP
error's class or status (\`type(err).__name__\`, \`err.status\`).
A config entry redacted with a key set that misses a credential key the entries hold is reported, with a fix adding
the key where the set is written in the same module. Tracebacks (\`_LOGGER.exception(...)\`, \`exc_info=True\`) are
out of its scope.

**How to fix:** log that the value exists, its length or its last few characters, or pass a payload through
\`async_redact_data(payload, TO_REDACT)\`. The quick fix replaces a credential with \`"**REDACTED**"\` (safe where the
message's placeholder is \`%s\`/\`%r\`, in f-strings, in concatenation and in \`print\`'s arguments), or wraps a payload in
\`async_redact_data(..., TO_REDACT)\`, importing the helper and creating \`TO_REDACT\` from the integration's
credential keys when the module has none (an existing one, also in const.py, is reused).

Bad:
\`\`\`python
_LOGGER.debug("Setting up with %s", entry.data)
_LOGGER.debug(f"Logging in with token {entry.data[CONF_TOKEN]}")
\`\`\`

Good:
\`\`\`python
_LOGGER.debug("Setting up with %s", async_redact_data(entry.data, TO_REDACT))
_LOGGER.debug("Logging in with token ending in %s", entry.data[CONF_TOKEN][-4:])
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    for (const call of file.callsWithDeferred) {
      const raised = isLoggedExceptionCall(file, call, integration);
      if (!raised && !isLoggingCall(file, call, integration)) continue;
      context.markUsed();
      const found = loggedArguments(call)
        .flatMap((argument) => secretsIn(file, argument, integration, true).map((carrier) => ({ argument, carrier })))
        .filter(({ carrier }) => !isEmptyWhereLogged(call.node, carrier.node.text));
      if (found.length === 0) {
        reportRedactionGaps(context, call);
        continue;
      }
      // An authenticated request's headers always hold a live access token: as bad as logging the token itself.
      const secret = found.find(({ carrier }) => carrier.kind === 'secret' || carrier.source === AUTHENTICATED_HEADERS_SOURCE);
      const first = (secret ?? found[0]).carrier;
      const fix = redactFix(file, call, found, integration);
      const subject = raised ? "This exception's message, which Home Assistant logs," : isPrintCall(file, call) ? "This print call, whose output lands in Home Assistant's console or container log," : 'This log call';
      context.report(call.node, messageFor(file, first, integration, subject), {
        severity: secret ? 'error' : 'warning',
        ...(fix?.safe ? { fix } : fix ? { suggestions: [fix] } : {}),
      });
    }
  },
};

/**
 * `_LOGGER.debug("%s", async_redact_data(entry.data, TO_REDACT))` where TO_REDACT misses a credential key the
 * entries hold: that key is logged all the same.
 */
function reportRedactionGaps(context: FileContext, call: CallSite): void {
  const { file, integration } = context;
  for (const argument of loggedArguments(call)) {
    for (const node of descendants(argument, ['call'])) {
      const site = file.callSite(node);
      const gaps = site && isRedactionCall(site) ? redactionGaps(file, site, integration) : undefined;
      if (!gaps) continue;
      const { quoted, them, fix } = describeGaps(file, integration, gaps);
      context.report(call.node, `This log call redacts the config entry with keys that miss ${quoted}, which this integration's config entries hold, so ${them === 'it' ? 'that credential is' : 'those credentials are'} logged; add ${them} to the redacted keys.`, {
        severity: 'error',
        ...(fix ? { fix } : {}),
      });
      return;
    }
  }
}

/**
 * `if not data: _LOGGER.debug("empty payload: %s", data)`: under a test that the value is empty (`not x`, `x is
 * None`, `x == ""`, `len(x) == 0`, alone or joined by `and`), the log call writes nothing of it.
 */
function isEmptyWhereLogged(call: Node, text: string): boolean {
  for (let node: Node = call, parent = node.parent; parent && !FUNCTION_OR_CLASS.has(parent.type); node = parent, parent = parent.parent) {
    if (parent.type === 'if_statement' && parent.childForFieldName('consequence')?.id === node.id) {
      const condition = parent.childForFieldName('condition');
      if (condition && testsEmpty(unwrap(condition), text)) return true;
    }
  }
  return false;
}

const FUNCTION_OR_CLASS = new Set(['function_definition', 'class_definition', 'lambda']);


function testsEmpty(condition: Node, text: string): boolean {
  if (condition.type === 'boolean_operator' && condition.children.some((child) => child.type === 'and')) {
    return condition.namedChildren.some((part) => testsEmpty(unwrap(part), text));
  }
  if (condition.type === 'not_operator') return unwrap(condition.childForFieldName('argument') ?? condition).text === text;
  const parts = comparisonParts(condition);
  if (!parts) return false;
  const isLengthOf = (side: Node) => side.type === 'call' && side.childForFieldName('function')?.text === 'len' && unwrap(side.childForFieldName('arguments')?.namedChildren[0] ?? side).text === text;
  for (const [subject, empty] of [[unwrap(parts.left), unwrap(parts.right)], [unwrap(parts.right), unwrap(parts.left)]]) {
    if (isLengthOf(subject)) return parts.operator === '==' && empty.text === '0';
    if (subject.text !== text) continue;
    if (parts.operator === 'is') return empty.type === 'none';
    return parts.operator === '==' && (empty.type === 'none' || /^(""|''|\{\}|\[\]|\(\))$/.test(empty.text));
  }
  return false;
}

/** `subject` names what writes: "This log call", or a raised exception's message. */
function messageFor(file: FileModel, carrier: SecretCarrier, integration: IntegrationModel | undefined, subject: string): string {
  const text = excerpt(carrier.node.text);
  if (carrier.source.startsWith(FAILED_REQUEST_URL_SOURCE)) {
    // `str(err)` or `repr(err)`: the suggestion names the error itself.
    const error = descendants(carrier.node, ['identifier']).at(-1)?.text ?? text;
    return `${subject} writes the error \`${text}\` whole, and its text quotes the URL of the request that failed, which carries the credential \`${excerpt(carrier.source.slice(FAILED_REQUEST_URL_SOURCE.length))}\`; log the error's class or status instead (\`type(${error}).__name__\`), or send the credential in a header rather than the URL.`;
  }
  if (carrier.source === CLIENT_ATTRIBUTES_SOURCE) {
    return `${subject} writes \`${text}\`, every attribute of an API client, the credentials it logs in with included; log the fields you need instead.`;
  }
  if (carrier.source.startsWith(RESPONSE_URL_SOURCE)) {
    return `${subject} writes \`${text}\`, an aiohttp response, whose text shows the URL of its request, which carries the credential \`${excerpt(carrier.source.slice(RESPONSE_URL_SOURCE.length))}\`; log its status instead, or send the credential in a header rather than the URL.`;
  }
  if (carrier.kind === 'secret') {
    const from = carrier.source !== carrier.node.text ? ` (from \`${excerpt(carrier.source)}\`)` : '';
    return `${subject} writes the credential \`${text}\`${from}; logs get pasted into public issues, so leave it out or log a redacted form such as its last characters.`;
  }
  if (carrier.source.startsWith(PARTLY_MASKED_SOURCE)) {
    return `${subject} writes \`${text}\`, a copy that leaves out or masks some keys but still holds the credential "${carrier.source.slice(PARTLY_MASKED_SOURCE.length)}"; leave that out too, or log only the fields you need.`;
  }
  if (carrier.source === TOKEN_ENDPOINT_ANSWER) {
    return `${subject} writes \`${text}\`, an OAuth token endpoint's answer, which holds the access and refresh tokens; log the fields you need instead (the expiry, the scope).`;
  }
  if (carrier.source.startsWith(RESPONSE_SOURCE)) {
    return `${subject} writes \`${text}\`, a whole payload that holds the credential "${carrier.source.slice(RESPONSE_SOURCE.length)}" (the code reads it from there); log the fields you need instead.`;
  }
  if (carrier.source === WEBHOOK_BODY_SOURCE || carrier.source === VIEW_BODY_SOURCE) {
    const body = carrier.source === WEBHOOK_BODY_SOURCE ? 'webhook request' : 'HTTP request';
    if (carrier.part && carrier.part.text !== text) {
      return `${subject} writes \`${text}\`, a free-form part of a ${body} body (\`${excerpt(carrier.part.text, 50)}\`), which can carry tokens and personal data; log the fields you need instead.`;
    }
    return `${subject} writes \`${text}\`, a whole ${body} body, which can carry tokens and personal data; log the fields you need instead.`;
  }
  if (carrier.source.startsWith(SERVICE_DATA_SOURCE)) {
    return `${subject} writes \`${text}\`, a service call whose data holds the credential "${carrier.source.slice(SERVICE_DATA_SOURCE.length)}" (the service's schema takes it); log the fields you need instead.`;
  }
  if (carrier.source === AUTHENTICATED_HEADERS_SOURCE) {
    return `${subject} writes \`${text}\`, all of the request's headers; the view requires authentication, so they carry the caller's Home Assistant access token (Authorization: Bearer ...); log the headers you need instead.`;
  }
  if (carrier.source === REQUEST_HEADERS_SOURCE) {
    return `${subject} writes \`${text}\`, all of the request's headers, which carry the caller's Authorization token or the webhook's signature; log the headers you need instead.`;
  }
  // A config entry holds what the flows wrote into it: not a password exchanged for a token at setup.
  const held = carrier.source.startsWith('config entry') ? storedCredentialKeys(file, integration) : credentialKeys(file, integration);
  const keys = [...(held.size > 0 ? held : credentialKeys(file, integration)).keys()].sort().slice(0, 3).join(', ');
  return `${subject} writes \`${text}\` (${carrier.source}) whole, which holds credentials (${keys}); pass it through async_redact_data(..., TO_REDACT) first.`;
}

/**
 * Redacts every credential the call writes, or offers nothing: a partial fix would leave the finding in place.
 * Safe when every edit is always right; a suggestion otherwise.
 */
function redactFix(file: FileModel, call: CallSite, found: { argument: Node; carrier: SecretCarrier }[], integration: IntegrationModel | undefined): Fix | undefined {
  const edits: TextEdit[] = [];
  let safe = true;
  let setup: RedactionSetup | undefined;
  let wrapsPayload = false;
  const redactedFields = new Set<number>();
  for (const { argument, carrier } of found) {
    // Hiding the whole error would hide why the request failed: the right change is the user's call.
    if (carrier.source.startsWith(FAILED_REQUEST_URL_SOURCE) || carrier.source.startsWith(RESPONSE_URL_SOURCE)) return undefined;
    if (carrier.kind === 'payload') {
      // A response's credential keys are its own, not the integration's TO_REDACT: no fix would be sure to hide them.
      // Nor a request's: its keys are the caller's.
      if (carrier.source.startsWith(RESPONSE_SOURCE) || carrier.source.startsWith(SERVICE_DATA_SOURCE) || isRequestPayload(carrier) || !isMappingPayload(file, carrier.node)) return undefined;
      // The set must cover every credential key the integration has: one in const.py that misses some would leave
      // them in the log while the finding went away, so that is only a suggestion.
      setup ??= redactionSetup(file, integration, credentialKeys(file, integration));
      if (!setup) return undefined;
      safe &&= setup.complete;
      edits.push(replaceNode(carrier.node, `${setup.redact}(${carrier.node.text}, ${setup.keys})`));
      wrapsPayload = true;
      continue;
    }
    const replacement = redactSecret(file, call, argument, carrier.node, integration);
    if (!replacement) return undefined;
    safe &&= replacement.safe;
    edits.push(replacement.edit);
    if (replacement.field) redactedFields.add(replacement.field.id);
  }
  edits.push(...plainStringEdits(found.map(({ argument }) => argument), redactedFields));
  if (setup) edits.push(...setup.edits);
  const unique = edits.filter((edit, index) => edits.findIndex((other) => JSON.stringify(other) === JSON.stringify(edit)) === index);
  const title = wrapsPayload ? 'Redact log: pass the payload through async_redact_data' : 'Redact log: replace the credential with "**REDACTED**"';
  return { title, safe, edits: unique };
}

/**
 * An f-string all of whose replacement fields were redacted holds only text: its `f` goes too (linters flag an
 * f-string without placeholders), unless `{{ }}` escapes would then change its text.
 */
function plainStringEdits(arguments_: Node[], redactedFields: Set<number>): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const string of arguments_.flatMap((argument) => descendants(argument, ['string']))) {
    const fields = string.namedChildren.filter((child) => child.type === 'interpolation');
    const start = string.child(0);
    if (fields.length === 0 || !fields.every((field) => redactedFields.has(field.id)) || start?.type !== 'string_start') continue;
    if (/\{\{|\}\}/.test(string.text)) continue;
    edits.push(replaceNode(start, start.text.replace(/[fF]/, '')));
  }
  return edits;
}

/** The edit hiding one credential, and whether it is right whatever the surrounding code does. */
function redactSecret(file: FileModel, call: CallSite, argument: Node, node: Node, integration: IntegrationModel | undefined): { edit: TextEdit; safe: boolean; field?: Node } | undefined {
  // Inside an f-string the whole replacement field becomes literal text.
  for (let current: Node | null = node; current && contains(argument, current); current = current.parent) {
    if (current.type === 'interpolation') return { edit: replaceNode(current, REDACTED_MARKER), safe: true, field: current };
  }
  const parent = outerParent(node);
  const edit = redactedLiteral(file, node);
  if (unwrap(argument).id === node.id) {
    if (argument.parent?.type === 'keyword_argument') return { edit, safe: false };
    // An exception's arguments are no format and its message no template: replacing one changes how it reads.
    if (isRaised(call)) return call.args[0]?.id === argument.id ? undefined : { edit, safe: false };
    // `print` writes each argument as text, with no format to keep in step.
    if (isPrintCall(file, call)) return { edit, safe: true };
    const messageIndex = call.method === 'log' ? 1 : 0;
    const index = call.args.findIndex((arg) => arg.id === argument.id);
    // Replacing the message itself would log nothing useful; the user should reword it.
    if (index <= messageIndex) return undefined;
    const message = call.args[messageIndex];
    return { edit, safe: acceptsString(file, message, index - messageIndex - 1, integration) };
  }
  if (parent?.type === 'binary_operator' && parent.childForFieldName('operator')?.text === '+') return { edit, safe: true };
  if (parent?.type === 'pair' && parent.childForFieldName('value')?.id === node.id) return { edit, safe: true };
  if (parent?.type === 'binary_operator' && parent.childForFieldName('operator')?.text === '%') {
    return { edit, safe: parent.childForFieldName('right')?.id === node.id && acceptsString(file, parent.childForFieldName('left'), 0, integration) };
  }
  if (parent?.type === 'tuple' && outerParent(parent)?.type === 'binary_operator') {
    const operator = outerParent(parent)!;
    const index = parent.namedChildren.findIndex((child) => child?.id === node.id);
    return { edit, safe: operator.childForFieldName('operator')?.text === '%' && acceptsString(file, operator.childForFieldName('left'), index, integration) };
  }
  return { edit, safe: false };
}

/** The parent, looking through parentheses. */
function outerParent(node: Node): Node | null {
  let parent = node.parent;
  while (parent?.type === 'parenthesized_expression') parent = parent.parent;
  return parent;
}

/** Whether the `%`-placeholder for argument `index` of a format string takes any value as text (`%s`, `%r`, `%a`). */
function acceptsString(file: FileModel, format: Node | null | undefined, index: number, integration: IntegrationModel | undefined): boolean {
  const text = format ? file.stringValue(format, integration?.constantString) : undefined;
  if (text === undefined) return false;
  const conversions = percentConversions(text);
  return conversions !== undefined && conversions.length > index && 'sra'.includes(conversions[index]);
}

/** The conversion of each positional argument of a `%` format (`*` widths take an argument too). */
export function percentConversions(format: string): string[] | undefined {
  const conversions: string[] = [];
  const pattern = /%(\([^)]*\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)/g;
  for (let match = pattern.exec(format); match; match = pattern.exec(format)) {
    const [, mapping, , width, precision, conversion] = match;
    if (conversion === '%') continue;
    if (mapping) return undefined;
    if (!'diouxXeEfFgGcrsa'.includes(conversion)) return undefined;
    if (width === '*') conversions.push('*');
    if (precision === '*') conversions.push('*');
    conversions.push(conversion);
  }
  return conversions;
}

