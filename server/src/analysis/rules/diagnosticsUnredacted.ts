import type { Node } from '../python/syntaxTree';
import { replaceNode } from '../fixes';
import { derivedKey, type CallSite, type FileModel } from '../model/fileModel';
import {
  CLIENT_ATTRIBUTES_SOURCE,
  describeGaps,
  dictAdditionValues,
  entryDataUnknown,
  entryHoldsAnyCredential,
  handsValuesOn,
  isConfigEntry,
  isCredentialKey,
  isInert,
  isMappingPayload,
  isRedactionCall,
  PARTLY_MASKED_SOURCE,
  storedCredentialKeys,
  redactedLiteral,
  redactionGaps,
  redactionSetup,
  secretsIn,
  type CredentialKeys,
  type SecretCarrier,
} from '../model/secretFlow';
import { isWebhookAddress, webhookAddressIn } from '../model/secrets';
import { homeAssistantConstant } from '../model/haConstants';
import type { IntegrationModel } from '../model/integration';
import { resolveCallable } from '../model/untrusted';
import { contains, descendants, unwrap } from '../python/syntax';
import type { FileContext, ReportOptions, Rule } from '../rule';
import { baseName, excerpt } from '../text';

const HANDLERS = new Set(['async_get_config_entry_diagnostics', 'async_get_device_diagnostics']);

export const diagnosticsUnredacted: Rule = {
  meta: {
    id: 'diagnostics-unredacted',
    checklist: 'credentials-in-logs',
    severity: 'error',
    fix: 'safe',
    cwe: 200,
    description: 'A diagnostics handler returns config entry data or credentials without redacting them.',
    docs: `Diagnostics exist to be downloaded and attached to bug reports, and most bug reports are public. Whatever
\`async_get_config_entry_diagnostics\` or \`async_get_device_diagnostics\` returns gets published by users who trust
the integration to have taken their credentials out.

The rule reads what the handlers return, following local variables (a dict built, then filled, then returned, also
copied again with \`copy.deepcopy(data)\`, \`dict(data)\`, \`data.copy()\` or a helper of the module that walks it and
hands every value on, \`{k: _walk(v) for k, v in obj.items()}\`) and the integration's own helper functions whose
results go into it (\`{"entry": entry_snapshot(entry)}\`; a helper of
another module is reported where its result is taken in), and reports:

- \`entry.data\`, \`entry.options\`, \`entry.as_dict()\` or a copy of them, when the integration stores credentials
  there (options hold what options flows and \`options=\` write, so options that only ever hold settings pass),
  and credential values (\`entry.data[CONF_TOKEN]\`, \`api.api_key\`) that are not passed through
  \`async_redact_data\` (from \`homeassistant.components.diagnostics\` or \`homeassistant.helpers.redact\`) or masked
  by hand (\`{**entry.data, CONF_PASSWORD: REDACTED}\`, \`data.pop(CONF_TOKEN)\`); a copy masked by hand is still reported
  when it leaves a credential the entries hold (the password masked, the token the setup wrote left in);
- an API client's attributes dumped whole (\`vars(coordinator.api)\`, \`client.__dict__\`), when the entries hold
  credentials: the client keeps the ones it logs in with;
- the config entry object itself (\`{"entry": entry}\`), or handed to \`async_redact_data(entry, TO_REDACT)\`, when the
  entries hold a credential: the diagnostics JSON encoder writes an object through its \`as_dict()\`, data and
  options included, and \`async_redact_data\` returns anything that is not a dict or a list untouched;
- \`entry.data\` or \`entry.as_dict()\` returned whole when nothing shows what the entries hold (no flow of the
  integration writes them readably and no credential key is named): a credential constant the integration defines
  or imports (\`CONF_TOKEN = "token"\`, \`from homeassistant.const import CONF_PASSWORD\`) makes it a finding;
  otherwise the item asks for a review;
- a webhook's id or URL (whoever has it can call the webhook, which is why Home Assistant's own diagnostics redact
  \`CONF_WEBHOOK_ID\`): \`entry.data\` returned whole when the entries hold one (the integration reads
  \`entry.data[CONF_WEBHOOK_ID]\` or writes it into an entry; one value read from it, \`entry.data["auth_implementation"]\`,
  only when its key names a credential or a webhook address), and a value under a key or in a variable named like
  one (\`"webhook_url": webhook_url\`); a webhook id or cloudhook URL the integration makes
  (\`webhook.async_generate_id()\`, \`cloud.async_create_cloudhook(...)\`) and keeps in its entries is a key to redact;
- a key set given to \`async_redact_data\` (or to another redaction helper handed the data and the keys,
  \`redact_data(entry.data, KEYS)\`, or bound to it with \`functools.partial(async_redact_data, to_redact=KEYS)\`; a set
  of keys or the mapping form \`{CONF_PASSWORD: partial_redact}\`, which the fix leaves to the author) for the entry's data (\`TO_REDACT\`, also when defined in const.py) that
  misses a credential key the integration's entries hold (\`CONF_PASSWORD\`, tokens, API keys): what its flows
  write into entries and what it reads back from \`entry.data\`/\`entry.options\` (a password a flow only exchanges
  for a token is not stored, so it need not be listed, and neither is one only \`async_migrate_entry\` reads from entries
  of an older version). A set naming
  the parts of a nested value (\`access_token\`, \`refresh_token\` for OAuth's \`token\`) counts as covering it.

Sets used for other data (coordinator data, device facts) are not held to the entry's keys. A handler imported from
outside the integration (another integration's \`async_get_config_entry_diagnostics\`, re-exported) cannot be read
here: when the entries hold credentials, the item asks for a review.

**How to fix:** wrap the value in \`async_redact_data(value, TO_REDACT)\` with every credential key in
\`TO_REDACT\`. The quick fix does that (importing the helper and creating \`TO_REDACT\` from the integration's
credential keys when the module has none), replaces a lone credential value with \`"**REDACTED**"\`, or adds the
missing keys to a set defined in the same module.

Bad:
\`\`\`python
async def async_get_config_entry_diagnostics(hass, entry):
    return {"entry": entry.as_dict(), "data": entry.runtime_data.data}
\`\`\`

Good:
\`\`\`python
TO_REDACT = {CONF_API_KEY, CONF_PASSWORD}

async def async_get_config_entry_diagnostics(hass, entry):
    return {"entry": async_redact_data(entry.as_dict(), TO_REDACT), "data": entry.runtime_data.data}
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    reviewBorrowedHandlers(context);
    for (const fn of file.functions) {
      if (!HANDLERS.has(fn.childForFieldName('name')?.text ?? '') || !isModuleLevel(fn)) continue;
      context.markUsed();
      const reported = new Set<string>();
      const reached = functionsReached(file, fn, 3);
      for (const body of reached) {
        for (const value of returnedValues(body)) checkReturned(context, value, reported, 4);
        checkRedactionCoverage(context, body, reported);
      }
      checkWebhookAddresses(context, reached, reported);
      if (reported.size === 0) checkEntryOfUnknownContent(context, fn, reached, reported);
    }
  },
};

/**
 * `from homeassistant.components.vesync.diagnostics import async_get_config_entry_diagnostics`: a handler written for
 * another integration's entries dumps this one's; what it returns cannot be read here.
 */
function reviewBorrowedHandlers(context: FileContext): void {
  const { file, integration } = context;
  for (const handler of HANDLERS) {
    const origin = file.imports.get(handler);
    if (!origin || file.functions.some((fn) => fn.childForFieldName('name')?.text === handler)) continue;
    const module = origin.slice(0, origin.lastIndexOf('.'));
    if (integration?.moduleFile(module)) continue;
    context.markUsed();
    if (!entryHoldsAnyCredential(file, integration)) continue;
    context.review(`${baseName(file.path)} takes ${handler} from ${module}, which this integration does not contain, and its config entries hold credentials; check that what that handler returns redacts them.`);
  }
}

/**
 * `return {"entry": entry.data}` where nothing shows what the entries hold (no flow writes them readably, no
 * credential key is named): a credential constant the integration defines (`CONF_TOKEN = "token"`) says a credential
 * is kept there, which is a finding; otherwise a person must check.
 */
function checkEntryOfUnknownContent(context: FileContext, handler: Node, reached: Node[], reported: Set<string>): void {
  const { file, integration } = context;
  if (!entryDataUnknown(file, integration)) return;
  const dumped = reached.flatMap((body) => returnedValues(body)).flatMap((value) => unredactedEntryData(file, value, integration));
  if (dumped.length === 0) return;
  const constant = declaredCredentialConstant(context);
  for (const node of dumped) {
    if (constant) report(context, { kind: 'payload', source: `config entry data, and the integration defines ${constant}`, node }, reported);
  }
  if (constant) return;
  const name = handler.childForFieldName('name')?.text ?? 'diagnostics';
  context.review(
    `${name} in ${file.path.split(/[\\/]/).pop()} returns \`${excerpt(dumped[0].text, 40)}\` unredacted, and nothing in the integration shows what its config entries hold; check that they hold no credentials, or pass it through async_redact_data.`,
  );
}

/**
 * A webhook's id, or its URL, is all anyone needs to call the webhook (Home Assistant's own diagnostics redact
 * `CONF_WEBHOOK_ID`): entry data holding one is dumped with it, and so is a value named like one.
 */
function checkWebhookAddresses(context: FileContext, reached: Node[], reported: Set<string>): void {
  const { file } = context;
  if (!file.mentions(/webhook|cloudhook/i) && !context.integration?.files.some((other) => other.mentions(/webhook|cloudhook/i))) return;
  const held = entryWebhookKeys(context);
  for (const value of reached.flatMap((body) => returnedValues(body))) {
    if (held.size > 0) {
      const [key] = held.keys();
      for (const node of returnedParts(file, value, 4).flatMap((part) => unredactedEntryData(file, part, context.integration))) {
        report(context, { kind: 'payload', source: `config entry data, which holds the webhook's "${key}": whoever has it can call the webhook`, node }, reported, held);
      }
    }
    for (const node of namedWebhookAddresses(file, value, 4)) report(context, { kind: 'secret', source: node.text, node }, reported);
  }
}

/** The webhook id keys the integration's entries hold: read from `entry.data`, or written into an entry's data. */
function entryWebhookKeys(context: FileContext): Map<string, string | undefined> {
  const { integration } = context;
  // Each file of an integration asks for the same keys.
  const cacheKey: object = integration ?? context.file;
  const cached = webhookKeyCache.get(cacheKey);
  if (cached) return cached;
  const keys = new Map<string, string | undefined>();
  webhookKeyCache.set(cacheKey, keys);
  for (const file of integration?.files ?? [context.file]) {
    if (!file.mentions(/webhook|cloudhook/i)) continue;
    // Whether the value reads `.data` is asked first, then the key (most keys name no webhook), and last whether
    // the value is an entry's data, which costs most.
    const webhookKey = (key: Node): string | undefined => {
      const name = file.stringValue(key, integration?.constantString);
      return name !== undefined && isWebhookAddress(name) ? name : undefined;
    };
    const note = (key: Node, name: string) => {
      const qualified = unwrap(key).type === 'identifier' ? file.imports.get(unwrap(key).text) : undefined;
      if (!keys.has(name)) keys.set(name, qualified);
    };
    for (const subscript of file.nodesOfType('subscript')) {
      const object = subscript.childForFieldName('value');
      const key = subscript.childForFieldName('subscript');
      const name = object && key && readsData(object) ? webhookKey(key) : undefined;
      if (object && key && name !== undefined && isEntryData(file, object)) note(key, name);
    }
    for (const call of file.calls) {
      const receiver = call.callee.type === 'attribute' ? call.callee.childForFieldName('object') : null;
      const name = call.method === 'get' && call.args[0] && receiver && readsData(receiver) ? webhookKey(call.args[0]) : undefined;
      if (name !== undefined && receiver && isEntryData(file, receiver)) note(call.args[0], name);
      if (call.method !== 'async_create_entry' && call.method !== 'async_update_entry') continue;
      const data = call.keywords.get('data');
      const literal = data ? unwrap(data) : undefined;
      for (const pair of literal?.type === 'dictionary' ? literal.namedChildren : []) {
        const key = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
        const name = key ? webhookKey(key) : undefined;
        if (key && name !== undefined) note(key, name);
      }
    }
  }
  return keys;
}

const webhookKeyCache = new WeakMap<object, Map<string, string | undefined>>();

/** A returned value and, for a local dict, what is added to it before it is returned (`data["entry"] = ...`). */
function returnedParts(file: FileModel, value: Node, depth: number): Node[] {
  const node = unwrap(value);
  const built = depth > 0 && node.type === 'identifier' ? localStructure(file, node) : undefined;
  if (!built) return [node];
  return [built, ...dictAdditionValues(file, node, undefined).flatMap((addition) => returnedParts(file, addition.node, depth - 1))];
}

/** `entry.data`, `self.config_entry.data`. */
function isEntryData(file: FileModel, node: Node): boolean {
  const object = readsData(node) ? unwrap(node).childForFieldName('object') : null;
  return object !== null && isConfigEntry(file, object);
}

/** `<something>.data`. */
function readsData(node: Node): boolean {
  const target = unwrap(node);
  return target.type === 'attribute' && target.childForFieldName('attribute')?.text === 'data';
}

/**
 * Values in a returned structure that are webhook addresses by name: under a key like `"webhook_url"`, or a variable
 * or attribute so named (`webhook_url`, `self._webhook_id`), not inside a redaction.
 */
function namedWebhookAddresses(file: FileModel, value: Node, depth: number): Node[] {
  const node = unwrap(value);
  if (depth <= 0) return [];
  // What a call returns (a redaction, a helper) is judged by the rest of the rule.
  if (node.type === 'call') return [];
  if (node.type === 'identifier') {
    const built = localStructure(file, node);
    if (!built) return [];
    const found = namedWebhookAddresses(file, built, depth - 1);
    for (const addition of dictAdditionValues(file, node, undefined)) {
      if (addition.key && isWebhookKey(file, addition.key) && !isInert(file, addition.node) && unwrap(addition.node).type !== 'call') found.push(addition.node);
      else found.push(...namedWebhookAddresses(file, addition.node, depth - 1));
    }
    return found;
  }
  if (node.type !== 'dictionary' && node.type !== 'list' && node.type !== 'tuple') return [];
  const found: Node[] = [];
  for (const child of node.namedChildren) {
    if (child?.type !== 'pair') {
      if (child && child.type !== 'dictionary_splat') found.push(...namedWebhookAddresses(file, child, depth - 1));
      continue;
    }
    const key = child.childForFieldName('key');
    const item = child.childForFieldName('value');
    if (!item) continue;
    if (((key && isWebhookKey(file, key)) || webhookAddressIn(item) !== undefined) && !isInert(file, item) && unwrap(item).type !== 'call') found.push(item);
    else found.push(...namedWebhookAddresses(file, item, depth - 1));
  }
  return found;
}

function isWebhookKey(file: FileModel, key: Node): boolean {
  const name = file.stringValue(key);
  return name !== undefined && isWebhookAddress(name);
}

const SCALAR_FUNCTIONS = /^(len|bool|isinstance|type|hash|id|callable)$/;
const SCALAR_METHODS = /^(startswith|endswith|is\w+|has\w*|count|find|index|keys|__len__|__contains__)$/;

/**
 * `entry.data`, `entry.as_dict()` and `entry.as_dict()["data"]` inside a returned value, outside any redaction; of one
 * value read from the data (`entry.data["auth_implementation"]`, `entry.data["token"]["scope"]`), only one whose key
 * (the last read) names a credential or a webhook address, or cannot be read.
 */
function unredactedEntryData(file: FileModel, value: Node, integration: IntegrationModel | undefined): Node[] {
  const found: Node[] = [];
  const visit = (node: Node): void => {
    // `CONF_WEBHOOK_ID in entry.data`, `not entry.data`: a truth about the data, not the data.
    if (node.type === 'comparison_operator' || node.type === 'not_operator') return;
    const key = entryDataKey(file, node, integration);
    if (key !== undefined) {
      if (key === null || isCredentialKey(key) || isWebhookAddress(key)) found.push(node);
      return;
    }
    if (node.type === 'call') {
      const site = file.callSite(node);
      if (site && isRedactionCall(site)) return;
      // `len(entry.data[CONF_TOKEN])`, `entry.data[CONF_URL].startswith("https")`: a number or a truth about it.
      if (site && (SCALAR_FUNCTIONS.test(site.name ?? '') || SCALAR_METHODS.test(site.method ?? ''))) return;
      const receiver = site?.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
      if (site?.method === 'as_dict' && receiver && isConfigEntry(file, receiver)) return void found.push(node);
    }
    if (isEntryData(file, node)) return void found.push(node);
    // `{**entry.data, CONF_PASSWORD: "**REDACTED**"}`: masked by hand, by someone who knows the keys.
    if (node.type === 'dictionary' && node.namedChildren.some((child) => child?.type === 'dictionary_splat') && node.namedChildren.some((child) => child?.type === 'pair')) return;
    // `entry.data | {CONF_PASSWORD: REDACTED}`: the same, written as a merge.
    if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '|' && unwrap(node.childForFieldName('right') ?? node).type === 'dictionary') return;
    // `{k: v for k, v in entry.data.items() if k not in TO_EXCLUDE}`: filtered by hand (what it leaves, the
    // credential checks read from the filter).
    if (node.type === 'dictionary_comprehension' && node.namedChildren.some((child) => child?.type === 'if_clause')) return;
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(unwrap(value));
  return found;
}

/**
 * A constant naming a credential key that the integration defines (`CONF_TOKEN = "token"`) or imports
 * (`from homeassistant.const import CONF_PASSWORD`), by its name.
 */
function declaredCredentialConstant(context: FileContext): string | undefined {
  const { file, integration } = context;
  const spellsCredential = (name: string, key: string | undefined) => /^CONF_/.test(name) && key !== undefined && isCredentialKey(key);
  for (const candidate of integration?.files ?? [file]) {
    for (const [name, value] of candidate.constants) {
      if (spellsCredential(name, candidate.stringValue(value, integration?.constantString))) return name;
    }
    for (const [name, qualified] of candidate.imports) {
      if (spellsCredential(name, integration?.constantString(qualified) ?? homeAssistantConstant(qualified))) return name;
    }
  }
  return undefined;
}

/**
 * The key of one value read from the entry's data, down a chain of reads (`entry.data["token"]["scope"]` is
 * "scope", `entry.data.get(CONF_HOST)` "host"); null when it cannot be read, undefined when `node` is no such read.
 */
function entryDataKey(file: FileModel, node: Node, integration: IntegrationModel | undefined): string | null | undefined {
  const readOf = (read: Node): { from: Node; key: Node | undefined } | undefined => {
    if (read.type === 'subscript') {
      const from = read.childForFieldName('value');
      return from ? { from, key: read.childForFieldName('subscript') ?? undefined } : undefined;
    }
    const site = read.type === 'call' ? file.callSite(read) : undefined;
    const from = site?.method === 'get' ? site.callee.childForFieldName('object') : null;
    return site && from ? { from, key: site.args[0] } : undefined;
  };
  const outer = readOf(unwrap(node));
  if (!outer) return undefined;
  let base = unwrap(outer.from);
  for (let inner = readOf(base); inner; inner = readOf(base)) base = unwrap(inner.from);
  if (!isEntryData(file, base)) return undefined;
  return (outer.key ? file.stringValue(outer.key, integration?.constantString) : undefined) ?? null;
}

/** Home Assistant looks the handlers up on the module; a method or nested function of that name is something else. */
function isModuleLevel(fn: Node): boolean {
  const holder = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  return holder.parent?.type === 'module';
}

/** The handler and the module's own helpers whose results it returns (`return await _async_get_diagnostics(...)`). */
function functionsReached(file: FileModel, fn: Node, depth: number, seen = new Set<number>()): Node[] {
  if (seen.has(fn.id) || depth <= 0) return [];
  seen.add(fn.id);
  const reached = [fn];
  for (const value of returnedValues(fn)) {
    let target = unwrap(value);
    if (target.type === 'await') target = unwrap(target.namedChild(0) ?? target);
    if (target.type !== 'call') continue;
    const callee = target.childForFieldName('function');
    if (callee?.type !== 'identifier') continue;
    const definition = file.bindingsOf(callee).find((binding) => binding.kind === 'def' && binding.node.type === 'function_definition');
    if (definition) reached.push(...functionsReached(file, definition.node, depth - 1, seen));
  }
  return reached;
}

/** The values a function returns, not counting those of functions nested in it. */
function returnedValues(fn: Node): Node[] {
  return descendants(fn, ['return_statement'])
    .filter((statement) => enclosingDefinition(statement)?.id === fn.id)
    .map((statement) => statement.namedChild(0))
    .filter((value): value is Node => value !== null);
}

function enclosingDefinition(node: Node): Node | null {
  let current = node.parent;
  while (current && current.type !== 'function_definition' && current.type !== 'lambda') current = current.parent;
  return current;
}

/**
 * Walks the returned structure (dict and list literals, and local variables holding them) so findings land where the
 * credential is put in; anything else is judged by secretFlow. Redacted values end the walk.
 */
function checkReturned(context: FileContext, expression: Node, reported: Set<string>, depth: number): void {
  const { file, integration } = context;
  const node = unwrap(expression);
  if (node.type === 'call') {
    const site = file.callSite(node);
    if (site && isRedactionCall(site)) {
      const entry = redactedEntryObject(file, node);
      if (entry) reportEntryObject(context, entry, reported, true);
      return;
    }
  }
  if (isEntryObject(file, node)) {
    reportEntryObject(context, node, reported, false);
    return;
  }
  const helper = depth > 0 ? helperCalled(context, node) : undefined;
  if (helper) {
    checkHelperResult(context, node, helper, reported, depth - 1);
    return;
  }
  if (depth > 0 && (node.type === 'dictionary' || node.type === 'list' || node.type === 'tuple')) {
    const walked: Node[] = [];
    for (const child of node.namedChildren) {
      const value = child?.type === 'pair' ? child.childForFieldName('value') : child?.type === 'dictionary_splat' ? null : child;
      const redactedEntry = value ? redactedEntryObject(file, value) : undefined;
      if (redactedEntry) reportEntryObject(context, redactedEntry, reported, true);
      else if (value && isEntryObject(file, value)) reportEntryObject(context, unwrap(value), reported, false);
      else if (value && (isStructure(file, value) || helperCalled(context, value))) {
        walked.push(value);
        checkReturned(context, value, reported, depth - 1);
      }
    }
    for (const carrier of secretsIn(file, node, integration)) {
      if (!walked.some((value) => value.startIndex <= carrier.node.startIndex && carrier.node.endIndex <= value.endIndex)) report(context, carrier, reported);
    }
    return;
  }
  if (depth > 0 && node.type === 'identifier') {
    const built = localStructure(file, node);
    if (built) {
      checkReturned(context, built, reported, depth - 1);
      for (const addition of dictAdditionValues(file, node, integration)) {
        const found = secretsIn(file, addition.node, integration);
        for (const carrier of found) report(context, carrier, reported);
        if (found.length === 0 && addition.secretKey && !isInert(file, addition.node) && unwrap(addition.node).type !== 'call') {
          report(context, { kind: 'secret', source: addition.node.text, node: addition.node }, reported);
        }
      }
      return;
    }
    // `data = copy.deepcopy(data)`, `data = _walk(data)`: the same structure again, judged as it was built.
    const copied = copiedFrom(context, node);
    if (copied) {
      checkReturned(context, copied, reported, depth - 1);
      return;
    }
  }
  for (const carrier of secretsIn(file, node, integration)) report(context, carrier, reported);
}

/** `copy[KEY] = "***"`, `del copy[KEY]`, `copy.pop(KEY)`: a copy changed after it was made is judged by secretFlow, which sees how. */
function changedInPlace(file: FileModel, identifier: Node, binding: Node): boolean {
  const scope = file.enclosingFunction(identifier);
  if (!scope) return true;
  return descendants(scope, ['identifier']).some((use) => {
    if (use.text !== identifier.text || use.id === identifier.id || contains(binding, use)) return false;
    const parent = use.parent;
    return (parent?.type === 'subscript' && parent.childForFieldName('value')?.id === use.id) || (parent?.type === 'attribute' && parent.childForFieldName('object')?.id === use.id);
  });
}

const COPIES = /^(copy\.deepcopy|copy\.copy|deepcopy|dict)$/;

/**
 * What a local name copies when its one binding is a copy of another value: `copy.deepcopy(x)`, `dict(x)`,
 * `x.copy()`, or a helper of the module that walks its argument and hands every value on
 * (`{k: _walk(v) for k, v in obj.items()}`, `return obj`).
 */
function copiedFrom(context: FileContext, identifier: Node): Node | undefined {
  const { file } = context;
  const bindings = file.bindingsOf(identifier);
  if (bindings.length !== 1 || bindings[0].kind !== 'assign' || !bindings[0].value || changedInPlace(file, identifier, bindings[0].node)) return undefined;
  let value = unwrap(bindings[0].value);
  if (value.type === 'await') value = unwrap(value.namedChild(0) ?? value);
  const site = value.type === 'call' ? file.callSite(value) : undefined;
  if (!site || site.keywords.size > 0) return undefined;
  if (site.args.length === 1 && COPIES.test(site.name ?? '') && !file.isBoundAround(value, (site.name ?? '').split('.')[0])) return site.args[0];
  if (site.method === 'copy' && site.args.length === 0) return site.callee.childForFieldName('object') ?? undefined;
  const helper = site.args.length === 1 ? helperCalled(context, value) : undefined;
  return helper && handsValuesOn(helper.file, helper.node) ? site.args[0] : undefined;
}


/** The integration's own module-level function a value calls (`entry_snapshot(entry)`, awaited or not). */
function helperCalled(context: FileContext, value: Node): { file: FileModel; node: Node } | undefined {
  let node = unwrap(value);
  if (node.type === 'await') node = unwrap(node.namedChild(0) ?? node);
  const callee = node.type === 'call' ? node.childForFieldName('function') : null;
  if (callee?.type !== 'identifier') return undefined;
  const target = resolveCallable(context.file, callee, context.integration);
  return target && target.node.type === 'function_definition' && isModuleLevel(target.node) ? target : undefined;
}

/**
 * What a helper returns goes into the diagnostics: in this module the walk goes on inside the helper, so findings
 * land where the credential is put in; a helper of another module is reported where its result is taken in.
 */
function checkHelperResult(context: FileContext, call: Node, helper: { file: FileModel; node: Node }, reported: Set<string>, depth: number): void {
  if (helper.file === context.file) {
    for (const value of returnedValues(helper.node)) checkReturned(context, value, reported, depth);
    return;
  }
  const name = helper.node.childForFieldName('name')?.text ?? 'helper';
  for (const value of returnedValues(helper.node)) {
    const [carrier] = secretsIn(helper.file, value, context.integration);
    if (!carrier) continue;
    report(context, { kind: 'payload', source: `${name}() in ${helper.file.path.split(/[\\/]/).pop()} returns ${carrier.source}`, node: unwrap(call) }, reported);
    return;
  }
}

/** A dict or list literal, or a local variable bound only to one. */
function isStructure(file: FileModel, value: Node): boolean {
  const node = unwrap(value);
  return node.type === 'dictionary' || node.type === 'list' || node.type === 'tuple' || (node.type === 'identifier' && localStructure(file, node) !== undefined);
}

/** The literal a local variable is bound to, when it has exactly one binding in the function and is not masked later. */
function localStructure(file: FileModel, identifier: Node): Node | undefined {
  const bindings = file.bindingsOf(identifier);
  if (bindings.length !== 1 || bindings[0].kind !== 'assign' || !bindings[0].value) return undefined;
  if (file.scopeOf(bindings[0].node).type === 'module') return undefined;
  const value = unwrap(bindings[0].value);
  if (value.type !== 'dictionary' && value.type !== 'list' && value.type !== 'tuple') return undefined;
  // A dict that spreads a payload and is masked afterwards is judged whole by secretFlow, which sees the masking.
  return value.namedChildren.some((child) => child?.type === 'dictionary_splat') ? undefined : value;
}

/** A config entry object itself (`entry`, `coordinator.config_entry`), not a value read from one. */
function isEntryObject(file: FileModel, value: Node): boolean {
  const target = unwrap(value);
  return (target.type === 'identifier' || target.type === 'attribute') && isConfigEntry(file, target);
}

/** The config entry object a redaction call is handed (`async_redact_data(entry, TO_REDACT)`), if that is what it is. */
function redactedEntryObject(file: FileModel, value: Node): Node | undefined {
  const node = unwrap(value);
  const site = node.type === 'call' ? file.callSite(node) : undefined;
  const data = site && isRedactionCall(site) ? (site.args[0] ?? site.keywords.get('data')) : undefined;
  return data && isEntryObject(file, data) ? unwrap(data) : undefined;
}

/**
 * `{"entry": entry}`, or `async_redact_data(entry, TO_REDACT)`: the JSON encoder of diagnostics writes an object
 * through its `as_dict()`, an entry's data and options included, and async_redact_data hands back anything that is
 * not a dict or a list untouched. Reported when the entries hold a credential.
 */
function reportEntryObject(context: FileContext, node: Node, reported: Set<string>, redacted: boolean): void {
  const { file, integration } = context;
  const key = `${node.startIndex}:${node.endIndex}`;
  if (reported.has(key) || !entryHoldsAnyCredential(file, integration)) return;
  reported.add(key);
  const text = excerpt(node.text);
  if (redacted) {
    const fix = { title: 'Redact diagnostics: hand async_redact_data the entry as a dict', safe: true, edits: [replaceNode(node, `${node.text}.as_dict()`)] };
    context.report(node, `Diagnostics hand the config entry object \`${text}\` to async_redact_data, which returns anything but a dict or list untouched; the entry is then written whole through as_dict(), credentials included. Pass \`${text}.as_dict()\`.`, { fix });
    return;
  }
  const options: ReportOptions = {};
  const setup = redactionSetup(file, integration, storedCredentialKeys(file, integration));
  if (setup) {
    const fix = { title: 'Redact diagnostics: pass the entry through async_redact_data', safe: setup.complete, edits: [replaceNode(node, `${setup.redact}(${node.text}.as_dict(), ${setup.keys})`), ...setup.edits] };
    if (fix.safe) options.fix = fix;
    else options.suggestions = [fix];
  }
  context.report(node, `Diagnostics return the config entry object \`${text}\`, which is written whole through as_dict(): its data and options unredacted, credentials included; users publish diagnostics, so return async_redact_data(${text}.as_dict(), TO_REDACT).`, options);
}

function report(context: FileContext, carrier: SecretCarrier, reported: Set<string>, cover?: CredentialKeys): void {
  const { file, integration } = context;
  const key = `${carrier.node.startIndex}:${carrier.node.endIndex}`;
  if (reported.has(key)) return;
  reported.add(key);
  const text = excerpt(carrier.node.text);
  const options: ReportOptions = {};
  if (carrier.kind === 'payload') {
    // The set used must cover what the entry holds, or the fix would trade this finding for a coverage one.
    const setup = isMappingPayload(file, carrier.node) ? redactionSetup(file, integration, cover ?? storedCredentialKeys(file, integration)) : undefined;
    if (setup) {
      const fix = {
        title: 'Redact diagnostics: pass the value through async_redact_data',
        safe: setup.complete,
        edits: [replaceNode(carrier.node, `${setup.redact}(${carrier.node.text}, ${setup.keys})`), ...setup.edits],
      };
      if (fix.safe) options.fix = fix;
      else options.suggestions = [fix];
    }
    const message = carrier.source.startsWith(PARTLY_MASKED_SOURCE)
      ? `Diagnostics return \`${text}\`, masked by hand but still holding the credential "${carrier.source.slice(PARTLY_MASKED_SOURCE.length)}"; users publish diagnostics, so pass it through async_redact_data(..., TO_REDACT) with every key the entry holds.`
      : carrier.source === CLIENT_ATTRIBUTES_SOURCE
        ? `Diagnostics return \`${text}\`, every attribute of an API client, the credentials it logs in with included; users publish diagnostics, so return the fields you need instead.`
        : `Diagnostics return \`${text}\` (${carrier.source}) unredacted, credentials included; users publish diagnostics, so pass it through async_redact_data(..., TO_REDACT).`;
    context.report(carrier.node, message, options);
    return;
  }
  const parent = carrier.node.parent;
  const inPair = parent?.type === 'pair' && parent.childForFieldName('value')?.id === carrier.node.id;
  // A dict value can always become the marker; elsewhere (a list item, the whole return) the user should decide.
  const redaction = { title: 'Redact diagnostics: replace the credential with "**REDACTED**"', safe: inPair, edits: [redactedLiteral(file, carrier.node)] };
  if (inPair) options.fix = redaction;
  else options.suggestions = [redaction];
  const from = carrier.source !== carrier.node.text && !carrier.source.endsWith('...') ? ` (from \`${excerpt(carrier.source)}\`)` : '';
  context.report(carrier.node, `Diagnostics return the credential \`${text}\`${from}; users publish diagnostics, so leave it out or redact it.`, options);
}

/**
 * The key set given to `async_redact_data` for the config entry's data must cover every credential key the
 * integration asks for or stores. Sets used for other data are not judged.
 */
function checkRedactionCoverage(context: FileContext, fn: Node, reported: Set<string>): void {
  const { file, integration } = context;
  if (storedCredentialKeys(file, integration).size === 0) return;
  const inFunction = redactionCalls(file).filter((call) => call.node.startIndex >= fn.startIndex && call.node.endIndex <= fn.endIndex);
  for (const call of [...inFunction, ...boundRedactions(file, fn)]) {
    const gaps = redactionGaps(file, call, integration);
    if (!gaps) continue;
    const key = `set:${gaps.set.file.path}:${gaps.set.node.startIndex}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const { quoted, them, here, fix } = describeGaps(file, integration, gaps);
    context.report(
      here ? gaps.set.node : gaps.keysArgument,
      `The keys redacted from this config entry's diagnostics miss ${quoted}, which this integration's config entries hold; add ${them} so diagnostics do not publish ${them}.`,
      fix ? { fix } : {},
    );
  }
}

/**
 * `_redact = partial(async_redact_data, to_redact=TO_REDACT)` at the module's top, then `_redact(dict(entry.data))` in
 * `fn`: the redaction that name stands for, with the keys bound to it.
 */
function boundRedactions(file: FileModel, fn: Node): CallSite[] {
  if (!file.mentions(/partial\(/)) return [];
  const found: CallSite[] = [];
  for (const node of fn.descendantsOfType('call')) {
    const callee = node.childForFieldName('function');
    if (callee?.type !== 'identifier') continue;
    const bindings = file.bindingsOf(callee);
    const value = bindings.length === 1 && bindings[0].kind === 'assign' ? bindings[0].value : null;
    const bound = value && unwrap(value).type === 'call' ? file.callSite(unwrap(value)) : undefined;
    const deferred = bound?.name === 'functools.partial' ? file.deferredCall(bound) : undefined;
    const site = file.callSite(node);
    // The call made at last: what the partial bound, then what `_redact(...)` adds.
    if (deferred && site && isRedactionCall(deferred)) found.push({ ...deferred, args: [...deferred.args, ...site.args], keywords: new Map([...deferred.keywords, ...site.keywords]) });
  }
  return found;
}

const REDACTION_CALLS = derivedKey<CallSite[]>('redaction calls');

/** The file's `async_redact_data` calls in document order, picked once: every function reached looks at them. */
function redactionCalls(file: FileModel): CallSite[] {
  return file.derived(REDACTION_CALLS, () => file.calls.filter((call) => isRedactionCall(call)));
}

