import type { Node } from '../python/syntaxTree';
import type { CallSite, FileModel } from '../model/fileModel';
import { persistedData } from '../model/persistence';
import { REQUEST_BODY_READS, secretsIn, VIEW_BODY_SOURCE, WEBHOOK_BODY_SOURCE } from '../model/secretFlow';
import { untrustedSource, VALIDATION_CALLEE } from '../model/untrusted';
import { ancestorOfType, descendants, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';

/** Where a request body can be kept: what the call keeps, and how to say where it goes. */
interface Sink {
  data: Node;
  where: string;
}

export const requestBodyUnvalidated: Rule = {
  meta: {
    id: 'request-body-unvalidated',
    checklist: 'input-validation',
    severity: 'warning',
    fix: 'none',
    cwe: 20,
    description: 'A webhook or HTTP view keeps the whole request body it received (in a file, a Store, the config entry or a state) without validating it.',
    docs: `A webhook or an HTTP view receives whatever its caller sends, and for a webhook (or a view with
\`requires_auth = False\`) the caller can be anyone who learns the address. A handler that saves the body it
received as a whole, to a file, a \`Store\`, the config entry or an entity's state attributes, lets that caller
decide what the integration keeps: any keys, any types, any size, and later code that reads it back trusts it.

The rule follows the body read from the request (\`await request.json()\`, \`await request.post()\`, \`await
request.text()\`), also into the integration's helpers the handler passes it to and the handlers it sends it to
through the dispatcher (\`async_dispatcher_send\`), and reports where it is kept whole (an event entity's
\`_trigger_event\` attributes included).
Not reported: a single field of the body (\`data["temperature"]\`, which the code that uses it checks), a body
checked against a schema or a model in the handler or at the place it is kept (\`WEBHOOK_SCHEMA(data)\`,
\`Model.model_validate(data)\`), a body handed to a service call, whose own schema validates it, and an upload read raw
(\`await request.read()\`) whose size or kind the handler checks (\`len(payload) > MAX_BYTES\`, the request's
\`content_length\`, \`payload.startswith(PNG_SIGNATURE)\`, \`imghdr.what(None, payload)\`); an unchecked one is reported
with advice for bytes rather than fields. Handlers that
only read fields are left to the checklist's review of request payloads.

**Fix:** validate the body with a \`vol.Schema\` that names each field you expect and its type (or a model), and keep
only those fields.

Bad:
\`\`\`python
async def post(self, request):
    data = await request.json()
    await hass.async_add_executor_job(save_json, hass.config.path("acme.json"), data)
\`\`\`

Good:
\`\`\`python
SETTINGS_SCHEMA = vol.Schema({vol.Required("interval"): vol.All(int, vol.Range(min=30))})

async def post(self, request):
    data = SETTINGS_SCHEMA(await request.json())
    await hass.async_add_executor_job(save_json, hass.config.path("acme.json"), data)
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    // Only a file that keeps something can keep a request body; most files are done here.
    if (!file.mentions(/async_save|async_delay_save|dump|save_json|write|async_update_entry|async_create_entry|async_set\b|states\.set|_trigger_event/)) return;
    for (const call of file.callsWithDeferred) {
      const sink = sinkOf(file, call);
      if (!sink) continue;
      // Through the module's own helpers too: `parse_event(body)` that drops two keys and returns the rest.
      const body = secretsIn(file, sink.data, integration, true).find((carrier) => carrier.kind === 'payload' && (carrier.source === WEBHOOK_BODY_SOURCE || carrier.source === VIEW_BODY_SOURCE));
      if (!body || validates(file.enclosingFunction(call.node)) || validates(handlerOf(context, sink.data))) continue;
      const sender = body.source === WEBHOOK_BODY_SOURCE ? 'a webhook' : 'an HTTP request';
      // `await request.read()`: an upload's bytes, which no field schema fits; their size and kind are what to check.
      const read = rawRead(file, body.node, handlerOf(context, sink.data));
      if (read) {
        if (bytesChecked(file, read)) continue;
        context.report(
          call.node,
          `The raw body of ${sender} is ${sink.where} unchecked, so its caller decides what is kept (any size, any content); check its size and its kind (its first bytes, or by decoding it) before keeping it.`,
        );
        continue;
      }
      context.report(
        call.node,
        `The whole body of ${sender} is ${sink.where} without validation, so its caller decides what is kept; check it with a schema (vol.Schema) that names each expected field, and keep only those.`,
      );
    }
  },
};

function sinkOf(file: FileModel, call: CallSite): Sink | undefined {
  const persisted = persistedData(file, call);
  if (persisted) return { data: persisted.data, where: persisted.kind === 'store' ? 'saved to a Store' : 'written to a file' };
  if (call.method === 'async_update_entry' || call.method === 'async_create_entry') {
    const data = call.keywords.get('data') ?? call.keywords.get('options');
    return data ? { data, where: 'stored in the config entry' } : undefined;
  }
  // `hass.states.async_set(entity_id, state, attributes)`: attributes go to the state machine and the recorder.
  if ((call.method === 'async_set' || call.method === 'set') && /(^|\.)states$/.test(call.callee.childForFieldName('object')?.text ?? '')) {
    const attributes = call.args[2] ?? call.keywords.get('attributes');
    return attributes ? { data: attributes, where: 'set as state attributes' } : undefined;
  }
  // An event entity's `self._trigger_event(event_type, attributes)`: the attributes become the entity's state's.
  if (call.method === '_trigger_event' && call.callee.childForFieldName('object')?.text === 'self') {
    const attributes = call.args[1] ?? call.keywords.get('event_attributes');
    return attributes ? { data: attributes, where: 'set as event attributes' } : undefined;
  }
  return undefined;
}

/** The handler whose request the kept value comes from: the function around the request parameter. */
function handlerOf(context: FileContext, value: Node): Node | undefined {
  const source = untrustedSource(context.file, value, context.integration);
  for (let node = source?.node.parent ?? null; node; node = node.parent) {
    if (node.type === 'function_definition') return node;
  }
  return undefined;
}

function validates(fn: Node | undefined): boolean {
  return fn !== undefined && descendants(fn, ['call']).some((call) => VALIDATION_CALLEE.test(call.childForFieldName('function')?.text ?? ''));
}

/**
 * The `request.read()` a body carrier comes from, if the body was read raw: the carrier itself, what the name holding
 * it was set to, or, for a helper's parameter, the handler's one read of its request's body.
 */
function rawRead(file: FileModel, node: Node, handler: Node | undefined): Node | undefined {
  const isRead = (candidate: Node) => candidate.type === 'call' && file.callSite(candidate)?.method === 'read';
  if (isRead(node)) return node;
  for (const origin of file.origins(node)) {
    let value = unwrap(origin.node);
    if (value.type === 'await') value = unwrap(value.namedChildren[0] ?? value);
    if (isRead(value)) return value;
    if (origin.kind !== 'parameter') return undefined;
  }
  const reads = handler
    ? descendants(handler, ['call']).filter((call) => {
        const site = file.callSite(call);
        const receiver = site?.callee.childForFieldName('object');
        // `self.json(item)` answers; `request.json()` reads.
        return REQUEST_BODY_READS.has(site?.method ?? '') && receiver?.type === 'identifier' && receiver.text !== 'self';
      })
    : [];
  return reads.length === 1 && isRead(reads[0]) ? reads[0] : undefined;
}

/** Libraries and helpers that tell what kind of file bytes hold, or fail on bytes that are not one. */
const BYTES_KIND_CHECK = /(^|\.)(imghdr\.what|what|Image\.open|open_image|guess|guess_extension|guess_mime|from_buffer|filetype\.\w+|magic\.\w+|puremagic\.\w+|verify\w*|is_\w+)$/;

/**
 * Whether the handler checks the bytes it read before keeping them: their size (`len(payload) > MAX`, the request's
 * `content_length`) or their kind (`payload.startswith(PNG_SIGNATURE)`, `payload[:4] == ...`, `imghdr.what(None, payload)`).
 */
function bytesChecked(file: FileModel, read: Node): boolean {
  const fn = file.enclosingFunction(read);
  if (!fn) return false;
  let holder: Node = read;
  while (holder.parent && (holder.parent.type === 'await' || holder.parent.type === 'parenthesized_expression')) holder = holder.parent;
  const assignment = holder.parent?.type === 'assignment' && holder.parent.childForFieldName('right')?.id === holder.id ? holder.parent : undefined;
  const name = assignment?.childForFieldName('left');
  if (descendants(fn, ['attribute']).some((node) => node.childForFieldName('attribute')?.text === 'content_length' && ancestorOfType(node, ['comparison_operator']) !== null)) return true;
  if (!name || name.type !== 'identifier') return false;
  const isName = (node: Node | null | undefined) => node !== null && node !== undefined && unwrap(node).type === 'identifier' && unwrap(node).text === name.text;
  return descendants(fn, ['call', 'subscript']).some((node) => {
    if (node.type === 'subscript') return isName(node.childForFieldName('value')) && ancestorOfType(node, ['comparison_operator']) !== null;
    const site = file.callSite(node);
    if (!site) return false;
    if (site.name === 'len' && isName(site.args[0])) return ancestorOfType(node, ['comparison_operator']) !== null;
    if ((site.method === 'startswith' || site.method === 'endswith') && isName(site.callee.childForFieldName('object'))) return true;
    const named = site.name ?? site.method ?? '';
    return BYTES_KIND_CHECK.test(named) && site.args.some((argument) => isName(argument) || descendants(argument, ['identifier']).some((inner) => inner.text === name.text));
  });
}
