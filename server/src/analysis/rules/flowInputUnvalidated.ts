import type { Node } from '../python/syntaxTree';
import type { Binding, CallSite, FileModel } from '../model/fileModel';
import { classBodyValue } from '../model/constness';
import { ANY_STEP, shownForms } from '../model/flowForms';
import type { IntegrationModel } from '../model/integration';
import { SCHEMA_FLOW_STEP } from '../model/secretFlow';
import { classLineage, isFlowBase, isRequestObject, methodsOf, parametersOf, requestHandlerKind, resolveCallables, untrustedSource, VALIDATION_CALLEE } from '../model/untrusted';
import { LOOKS_ONLY } from '../model/verification';
import { yamlSchemas } from '../model/yamlSchemas';
import { descendants, leavesBlock, refersToVariable, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import { baseName } from '../text';

/** Steps Home Assistant starts itself, with data it has (discovery, an import, the entry's data, an ignored entry's unique id). */
const NOT_FORM_STEPS = /^async_step_(zeroconf|dhcp|ssdp|usb|bluetooth|mqtt|homekit|hassio|import|reauth|unignore|integration_discovery|discovery)$/;
const DISCOVERY_OR_IMPORT = /^async_step_(zeroconf|dhcp|ssdp|usb|bluetooth|mqtt|homekit|hassio|import|integration_discovery|discovery)$/;
/** Where unvalidated discovery or import data does harm: commands, code, files. */
const DANGEROUS_SINKS = /^(subprocess\.\w+|os\.(system|popen|exec\w*|spawn\w*|remove|unlink|rename|makedirs|rmdir)|asyncio\.create_subprocess_\w+|eval|exec|open|shutil\.\w+|(pathlib\.)?Path)$/;

export const flowInputUnvalidated: Rule = {
  meta: {
    id: 'flow-input-unvalidated',
    checklist: 'input-validation',
    severity: 'warning',
    fix: 'none',
    cwe: 20,
    description: 'A config or options flow step reads user_input but no form with a data_schema is ever shown for it.',
    docs: `When a flow step shows a form with a \`data_schema\`, Home Assistant checks what comes back against that
schema before it calls the step again, so \`user_input\` holds the fields and types the form declared. A step that
reads \`user_input\` while no form with a schema is shown for it gets whatever the caller of the flow API sent,
and the frontend is not the only client of that API.

The rule reports \`async_step_*\` methods of config, options and subentry flows that read their input (index it,
\`.get\` from it, pass it on) while the flow (with its base classes in the integration) never calls
\`async_show_form(step_id=..., data_schema=...)\` for that step. Not reported: steps another step calls directly
(\`return await self.async_step_confirm(user_input)\`, which receive their caller's validated input) unless they
also show their own form without a schema, and
discovery, import, reauth and unignore steps, whose data comes from Home Assistant rather than a form, and steps the
integration's own code starts with a source of its own (\`flow.async_init(DOMAIN, context={"source": "ws"}, data=...)\`
from a websocket command that validated it), unless that data comes from an HTTP request. When discovery or
import data reaches a command, code or file operation, the checklist asks for a review; so it does when an import
step stores what configuration.yaml held while no \`CONFIG_SCHEMA\` or \`PLATFORM_SCHEMA\` of the integration
validates it.

Webhook handlers and HTTP views that read a request's JSON or form data or its query string without a schema are
also listed for review: check each field before it reaches a service call or a state. So are views whose path
parameters (\`url = "/api/acme/{entity_id}/{state}"\`) set a state, call a service or fire an event. (A body kept whole, in a file, a Store, the
config entry or a state, is reported by request-body-unvalidated.)

**Fix:** show the step's form with a \`data_schema\` (a \`vol.Schema\`), and validate discovery and request data
explicitly.

Bad:
\`\`\`python
async def async_step_user(self, user_input=None):
    return self.async_create_entry(title=user_input["host"], data=user_input)
\`\`\`

Good:
\`\`\`python
async def async_step_user(self, user_input=None):
    if user_input is None:
        return self.async_show_form(step_id="user", data_schema=STEP_USER_SCHEMA)
    return self.async_create_entry(title=user_input["host"], data=user_input)
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    if (file.isTestFile) return;
    for (const cls of file.classes) {
      const hierarchy = flowHierarchy(file, cls, integration);
      if (!hierarchy) continue;
      const steps = methodsOf(cls).filter((fn) => /^async_step_/.test(fn.childForFieldName('name')?.text ?? ''));
      // Home Assistant's OAuth2 flow brings its own steps: the user only picks an implementation and signs in.
      if (steps.length === 0 && classLineage(file, cls, integration).outsideBases.some((base) => /(^|\.)AbstractOAuth2FlowHandler$/.test(base))) context.markUsed();
      if (steps.length === 0) continue;
      context.markUsed();
      reviewDiscoverySteps(context, steps);
      reviewAliasedDiscoverySteps(context, cls);
      // A base class outside the integration (a library's flow) may show the forms: no verdict then.
      if (hierarchy.unknownBases) continue;
      const { validated: forms, bare: bareForms } = shownForms(hierarchy.classes, integration);
      // `flow.async_init(DOMAIN, context={"source": "ws"}, data=...)`: a step the integration's own code starts with
      // data it chose, not a form a user submits.
      const startedSources = flowSourcesStarted(file, integration);
      if (forms.has(ANY_STEP)) continue;
      const calledDirectly = new Set<string>();
      for (const { file: owner, node } of hierarchy.classes) {
        for (const call of descendants(node, ['call'])) {
          const site = owner.callSite(call);
          const callee = site?.callee.text ?? '';
          // Handed input by another step, a step is judged there; called bare, it only shows its form, and what the
          // user submits to it comes back through the flow manager like any other step's.
          const handedInput = site !== undefined && (site.args.length > 0 || site.keywords.size > 0);
          if (/^self\.async_step_\w+$/.test(callee) && handedInput) calledDirectly.add(callee.slice('self.'.length));
        }
      }
      for (const step of steps) {
        const name = step.childForFieldName('name')?.text ?? '';
        // A step other steps hand their input to is judged there, unless it shows its own form without a schema: what
        // the user submits to that form arrives unvalidated too (`async_step_user` that the import step also calls).
        const handedOnly = calledDirectly.has(name) && !bareForms.has(name.slice('async_step_'.length));
        if (NOT_FORM_STEPS.test(name) || handedOnly || isOAuthEntryHook(cls, name) || startedSources.has(name.slice('async_step_'.length))) continue;
        const input = parametersOf(step)[1];
        if (!input || input.kind !== 'plain' || showsOnlyMenu(file, step) || !readsInput(file, step, input.name, integration)) continue;
        if (forms.has(name.slice('async_step_'.length))) continue;
        context.report(step.childForFieldName('name') ?? step, `${name} reads ${input.name}, but the flow never shows a form with a data_schema for this step, so nothing validates it; show the form with data_schema=vol.Schema(...).`);
      }
    }
    // Flows built with the schema flow helper (`SchemaFlowFormStep(schema)`) show and validate each step's schema.
    if (file.calls.some((call) => SCHEMA_FLOW_STEP.test(call.name ?? '') && (call.args[0] ?? call.keywords.get('schema')) !== undefined)) context.markUsed();
    reviewRawRequestPayloads(context);
  },
};

/** The sources the integration's own code starts flows with (`context={"source": "ws"}`), by name. */
function flowSourcesStarted(file: FileModel, integration: IntegrationModel | undefined): Set<string> {
  const sources = new Set<string>();
  for (const candidate of integration?.files ?? [file]) {
    for (const call of candidate.calls) {
      const context = call.method === 'async_init' ? call.keywords.get('context') : undefined;
      const literal = context ? unwrap(context) : undefined;
      for (const pair of literal?.type === 'dictionary' ? literal.namedChildren : []) {
        const key = pair.type === 'pair' ? pair.childForFieldName('key') : null;
        const value = pair.type === 'pair' ? pair.childForFieldName('value') : null;
        const source = key && value && candidate.stringValue(key, integration?.constantString) === 'source' ? candidate.stringValue(value, integration?.constantString) : undefined;
        // The user and reconfigure steps are forms a user opens too, whoever else starts them; and data an HTTP request
        // sent (an OAuth callback view's code) is as unchecked in the step as it was in the view.
        const data = call.keywords.get('data');
        const fromRequest = data !== undefined && ['webhook', 'view-request', 'request'].includes(untrustedSource(candidate, data, integration)?.kind ?? '');
        if (source !== undefined && source !== 'user' && source !== 'reconfigure' && !fromRequest) sources.add(source);
      }
    }
  }
  return sources;
}

/**
 * `async_oauth_create_entry = async_step_fetch_devices` in the class body: Home Assistant's OAuth2 flow calls that
 * step with the token it obtained, not with a form's input.
 */
function isOAuthEntryHook(cls: Node, step: string): boolean {
  return classBodyValue(cls, 'async_oauth_create_entry')?.text === step;
}

interface FlowHierarchy {
  classes: { file: FileModel; node: Node }[];
  unknownBases: boolean;
}

/** The flow class with its base classes defined in the integration; undefined when it is not a flow. */
function flowHierarchy(file: FileModel, cls: Node, integration: IntegrationModel | undefined): FlowHierarchy | undefined {
  const { classes, outsideBases } = classLineage(file, cls, integration);
  if (!outsideBases.some(isFlowBase)) return undefined;
  return { classes, unknownBases: outsideBases.some((base) => !isFlowBase(base) && !/^(object|(typing\.)?Generic|ABC|abc\.ABC)$/.test(base)) };
}

/**
 * A step that shows a menu and no form: Home Assistant sends the choice to the step chosen, so this step is never
 * called with input.
 */
function showsOnlyMenu(file: FileModel, step: Node): boolean {
  const methods = descendants(step, ['call']).map((call) => file.callSite(call)?.method);
  return methods.includes('async_show_menu') && !methods.includes('async_show_form');
}

/**
 * Reading means indexing it, calling a method on it, or passing it to other code; `if user_input is not None` is
 * not, and neither is handing it to another step.
 */
function readsInput(file: FileModel, step: Node, input: string, integration: IntegrationModel | undefined, depth = 2): boolean {
  return descendants(step, ['identifier']).some((identifier) => {
    if (identifier.text !== input) return false;
    // `user_input = {}` first, in the step's own body: what it reads afterwards is its own dict, not what was submitted.
    const last = file.bindingsOf(identifier).reduce<Binding | undefined>((latest, binding) => (binding.node.startIndex < identifier.startIndex && (!latest || binding.node.startIndex > latest.node.startIndex) ? binding : latest), undefined);
    if (last?.kind === 'assign' && last.node.parent?.parent?.id === step.childForFieldName('body')?.id) return false;
    const parent = identifier.parent;
    if (!parent || ['parameters', 'default_parameter', 'typed_default_parameter', 'typed_parameter'].includes(parent.type)) return false;
    if (parent.type === 'comparison_operator' || parent.type === 'not_operator' || parent.type === 'boolean_operator') return false;
    if (parent.type === 'assignment' && parent.childForFieldName('left')?.id === identifier.id) return false;
    // `self.entry` and `entry=` name an attribute and a keyword, not the parameter.
    if (!refersToVariable(identifier)) return false;
    // Handed on to another step (`return await self.async_step_user(user_input)`): that step is judged itself; to the
    // base class's own step (`super().async_step_user(user_input)`, Home Assistant's OAuth2 flow), which shows its form.
    if (parent.type === 'argument_list' && /^(self|super\(\))\.async_step_\w+$/.test(parent.parent?.childForFieldName('function')?.text ?? '')) return false;
    if ((parent.type === 'if_statement' || parent.type === 'elif_clause' || parent.type === 'conditional_expression') && parent.childForFieldName('condition')?.id === identifier.id) return false;
    // `await self._show_form(user_input)`: a helper of the integration reads it only if it reads its parameter.
    if (parent.type === 'argument_list' && parent.parent?.type === 'call') return handedToReader(file, parent.parent, identifier, integration, depth);
    return true;
  });
}

/** Whether the function a step hands its input to (positionally) reads the parameter that receives it. */
function handedToReader(file: FileModel, call: Node, argument: Node, integration: IntegrationModel | undefined, depth: number): boolean {
  const site = file.callSite(call);
  const position = site?.args.findIndex((arg) => arg.id === argument.id) ?? -1;
  const callees = site && position >= 0 && depth > 0 ? resolveCallables(file, site.callee, integration) : [];
  if (callees.length === 0) return true;
  return callees.some(({ file: calleeFile, node: fn }) => {
    // A method called through `self.` takes `self` first.
    const parameters = parametersOf(fn).filter((parameter) => parameter.kind === 'plain' && !parameter.keywordOnly);
    const offset = site!.callee.type === 'attribute' && parameters[0]?.name === 'self' ? 1 : 0;
    const parameter = parameters[position + offset];
    return parameter === undefined || readsInput(calleeFile, fn, parameter.name, integration, depth - 1);
  });
}

/**
 * `async_step_import = async_step_user` in the class body: the import (or discovery) data goes straight into the user
 * step, as if its form had checked it.
 */
function reviewAliasedDiscoverySteps(context: FileContext, cls: Node): void {
  const { file } = context;
  for (const statement of cls.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    const name = assignment?.type === 'assignment' ? assignment.childForFieldName('left')?.text ?? '' : '';
    const target = assignment?.childForFieldName('right');
    if (!DISCOVERY_OR_IMPORT.test(name) || target?.type !== 'identifier' || !/^async_step_\w+$/.test(target.text)) continue;
    if (name === 'async_step_import' && hasYamlSchema(context)) continue;
    context.review(`${name} in ${baseName(file.path)} is \`${target.text}\` itself, so its data reaches that step unvalidated: the step's form schema is only applied to what a user submits; validate the data with the same schema in a step of its own.`);
  }
}

/** Discovery or import data that reaches a command, code or a file operation without a check: a person should look. */
function reviewDiscoverySteps(context: FileContext, steps: Node[]): void {
  const { file, integration } = context;
  for (const step of steps) {
    const name = step.childForFieldName('name')?.text ?? '';
    if (!DISCOVERY_OR_IMPORT.test(name)) continue;
    const input = parametersOf(step)[1]?.name;
    const calls = descendants(step, ['call']);
    // `return await self.async_step_user(import_info)`, or a dict built from it (`{CONF_HOST: discovery_info.host}`):
    // the user step takes it as if its form had checked it.
    const forwards = (node: Node) => {
      const argument = file.callSite(node)?.args[0];
      return argument !== undefined && (argument.text === input || untrustedSource(file, argument, integration)?.kind === 'flow-input');
    };
    const forwarded = input ? calls.find((node) => /^self\.async_step_\w+$/.test(node.childForFieldName('function')?.text ?? '') && forwards(node)) : undefined;
    // A call of a step named for validating (`self.async_step_validate(...)`) is the step, not a validator.
    const validates = calls.some((node) => {
      const callee = file.callSite(node)?.callee.text ?? '';
      return VALIDATION_CALLEE.test(callee) && !/^self\.async_step_\w+$/.test(callee);
    });
    if (forwarded && !validates && !(name === 'async_step_import' && hasYamlSchema(context))) {
      context.review(`${name} in ${baseName(file.path)} hands its data to \`${forwarded.childForFieldName('function')?.text.slice('self.'.length)}\` unvalidated: that step's form schema is only applied to what a user submits; validate the data with the same schema first.`);
      continue;
    }
    // `async_step_import(config)` storing what configuration.yaml held: no schema of the integration checked it.
    const stored = name === 'async_step_import' && !validates ? calls.find((node) => storesFlowInput(context, node)) : undefined;
    if (stored && !hasYamlSchema(context)) {
      context.review(`${name} in ${baseName(file.path)} stores what configuration.yaml held (\`${file.callSite(stored)?.method}\`) and no CONFIG_SCHEMA or PLATFORM_SCHEMA of the integration validates it; validate the imported data with a schema first.`);
      continue;
    }
    for (const node of calls) {
      const site = file.callSite(node);
      if (!site || !DANGEROUS_SINKS.test(site.name ?? '')) continue;
      const reaches = [...site.args, ...site.keywords.values()].some((arg) => untrustedSource(file, arg, integration)?.kind === 'flow-input');
      if (reaches) {
        context.review(`${name} in ${baseName(file.path)} passes its data to \`${site.name}\` without validating it; discovery and import data are not checked against a form's schema.`);
        break;
      }
    }
  }
}

/**
 * `self.async_create_entry(data={CONF_URL: config[CONF_HOST], ...})`: an entry written from the step's input; also
 * through a method of the flow that writes the entry from what it is handed (`self._create_entry(host, password)`).
 */
function storesFlowInput(context: FileContext, node: Node): boolean {
  const { file, integration } = context;
  const site = file.callSite(node);
  if (!site) return false;
  const handsInput = [...site.args, ...site.keywords.values()].some((arg) => untrustedSource(file, arg, integration)?.kind === 'flow-input');
  if (!handsInput) return false;
  if (/^(async_create_entry|async_update_entry)$/.test(site.method ?? '')) return true;
  if (!/^self\.\w+$/.test(site.callee.text) || /^self\.async_step_/.test(site.callee.text)) return false;
  return resolveCallables(file, site.callee, integration, 2, false).some((target) =>
    descendants(target.node, ['call']).some((call) => /^(async_create_entry|async_update_entry)$/.test(target.file.callSite(call)?.method ?? '')),
  );
}

/** Imported YAML was checked by the integration's CONFIG_SCHEMA or PLATFORM_SCHEMA before the import step saw it. */
function hasYamlSchema(context: FileContext): boolean {
  return (context.integration?.files ?? [context.file]).some((file) => yamlSchemas(file).some((schema) => schema.validates));
}

/** Webhook handlers and views that read request JSON or form data without any schema: a person should look. */
function reviewRawRequestPayloads(context: FileContext): void {
  const { file, integration } = context;
  const handlers = new Set<number>();
  for (const fn of file.functions) {
    const kind = requestHandlerKind(file, fn, integration);
    if (!kind) continue;
    handlers.add(fn.id);
    context.markUsed();
    const calls = descendants(fn, ['call']).map((node) => file.callSite(node)).filter((site) => site !== undefined);
    const readsPayload = calls.some((site) => {
      if (!BODY_READS.has(site.method ?? '')) return false;
      const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
      return receiver !== null && isRequestObject(file, receiver, integration);
    });
    // `request.query["code"]`: the query string is data the caller chose as much as a body is.
    const readsQuery = descendants(fn, ['attribute']).some((attribute) => {
      const object = attribute.childForFieldName('object');
      return attribute.childForFieldName('attribute')?.text === 'query' && object !== null && isRequestObject(file, object, integration);
    });
    if (!readsPayload && !readsQuery) {
      // `url = "/api/acme/{entity_id}/{state}"`: the parts of the path the caller chose, set as a state or fired.
      if (kind === 'view-request' && pathPartsAct(file, fn)) {
        reviewPayload(context, fn, kind, 'path parameters');
        continue;
      }
      // `return await listener.handler(request)`: a library outside the integration reads the request.
      const library = kind === 'webhook' ? calls.find((site) => handsRequestToLibrary(file, site, integration)) : undefined;
      if (library) context.review(`\`${fn.childForFieldName('name')?.text}\` in ${baseName(file.path)} hands the webhook's request to \`${library.callee.text}\`, outside the integration; check that it validates what it reads before it reaches states or services.`);
      continue;
    }
    const decorated = fn.parent?.type === 'decorated_definition' && /RequestDataValidator|validate/i.test(fn.parent.text.slice(0, fn.startIndex - fn.parent.startIndex));
    const validates = decorated || calls.some((site) => VALIDATION_CALLEE.test(site.callee.text) && !failureIgnored(site.node, fn));
    if (!validates) reviewPayload(context, fn, kind, readsPayload ? 'body' : 'query string');
  }
  reviewHelpersReadingPayloads(context, handlers);
}

/**
 * `try: payload = SCHEMA(payload) except vol.Invalid: _LOGGER.warning(...)` and on: a handler that logs a failed
 * validation and carries on uses the data as if it had passed.
 */
function failureIgnored(call: Node, fn: Node): boolean {
  for (let node: Node = call, parent = node.parent; parent && parent.id !== fn.id; node = parent, parent = parent.parent) {
    if (parent.type !== 'try_statement' || parent.childForFieldName('body')?.id !== node.id) continue;
    const fallsThrough = parent.namedChildren.some((clause) => {
      if (clause.type !== 'except_clause') return false;
      return !leavesBlock(clause.namedChildren.find((child) => child.type === 'block'));
    });
    // Only if the data is used after the try: where everything that uses it sits in the try, a failure skips it.
    return fallsThrough && usedAfter(parent, validatedNames(call));
  }
  return false;
}

/** The names that hold the data a validation checked: what it is assigned to, and a name it was given. */
function validatedNames(call: Node): Set<string> {
  const names = new Set<string>();
  const assignment = call.parent?.type === 'assignment' ? call.parent : undefined;
  for (const target of assignment ? descendants(assignment.childForFieldName('left') ?? assignment, ['identifier']) : []) names.add(target.text);
  const argument = call.childForFieldName('arguments')?.namedChildren[0];
  if (argument?.type === 'identifier') names.add(argument.text);
  return names;
}

function usedAfter(statement: Node, names: Set<string>): boolean {
  for (let next = statement.nextSibling; next; next = next.nextSibling) {
    if (descendants(next, ['identifier']).some((identifier) => names.has(identifier.text) && refersToVariable(identifier))) return true;
  }
  return false;
}

const BODY_READS = new Set(['json', 'post', 'text', 'read', 'multipart']);

/** A call given the request object that resolves to no function of the integration (helpers are judged themselves). */
function handsRequestToLibrary(file: FileModel, site: CallSite, integration: IntegrationModel | undefined): boolean {
  if (!site.args.some((arg) => isRequestObject(file, arg, integration))) return false;
  if (LOOKS_ONLY.test(site.name ?? site.callee.text)) return false;
  return resolveCallables(file, site.callee, integration).length === 0;
}
const REQUEST_PARAMETER = /req/i;

/**
 * Functions a handler hands its request to (`return await handle_webhook(hass, webhook_id, request)`, maybe in another
 * module) read the body for it: the same review applies to them.
 */
function reviewHelpersReadingPayloads(context: FileContext, handlers: Set<number>): void {
  const { file, integration } = context;
  const reviewed = new Set<number>();
  for (const site of file.calls) {
    if (!BODY_READS.has(site.method ?? '') || site.callee.type !== 'attribute') continue;
    const fn = file.enclosingFunction(site.node);
    if (!fn || reviewed.has(fn.id) || insideHandler(file, fn, handlers)) continue;
    const receiver = unwrap(site.callee.childForFieldName('object') ?? site.callee);
    // Following a value to its callers is costly; a parameter that does not even look like a request is not asked.
    if (receiver.type !== 'identifier' || !file.bindingsOf(receiver).some((binding) => binding.kind === 'parameter' && REQUEST_PARAMETER.test(binding.name))) continue;
    const kind = untrustedSource(file, receiver, integration)?.kind;
    if (kind !== 'webhook' && kind !== 'view-request') continue;
    reviewed.add(fn.id);
    context.markUsed();
    const validates = descendants(fn, ['call']).some((node) => VALIDATION_CALLEE.test(file.callSite(node)?.callee.text ?? ''));
    if (!validates) reviewPayload(context, fn, kind);
  }
}

function insideHandler(file: FileModel, fn: Node, handlers: Set<number>): boolean {
  for (let current: Node | undefined = fn; current; current = file.enclosingFunction(current)) if (handlers.has(current.id)) return true;
  return false;
}

/** Calls that set a state, call a service or fire an event with what they are given. */
const ACTING_METHODS = /^(async_set|async_call|async_fire|fire)$/;

/**
 * A view handler whose path parameters (`async def get(self, request, entity_id, state)`) reach a state, a service
 * call or an event: the caller picks which entity and what value.
 */
function pathPartsAct(file: FileModel, fn: Node): boolean {
  const names = new Set(parametersOf(fn).slice(2).filter((parameter) => parameter.kind === 'plain').map((parameter) => parameter.name));
  if (names.size === 0) return false;
  return descendants(fn, ['call']).some((node) => {
    const site = file.callSite(node);
    if (!site?.method || !ACTING_METHODS.test(site.method) || (site.method === 'async_set' && !/states$/.test(site.callee.childForFieldName('object')?.text ?? ''))) return false;
    return [...site.args, ...site.keywords.values()].some((argument) => descendants(argument, ['identifier']).some((identifier) => names.has(identifier.text)) || (argument.type === 'identifier' && names.has(argument.text)));
  });
}

function reviewPayload(context: FileContext, fn: Node, kind: 'webhook' | 'view-request' | 'request', part = 'body'): void {
  context.review(`\`${fn.childForFieldName('name')?.text}\` in ${baseName(context.file.path)} uses ${kind === 'webhook' ? 'a webhook' : 'an HTTP request'}'s ${part} without a schema; check each field before it reaches a service call, a state or a file.`);
}

