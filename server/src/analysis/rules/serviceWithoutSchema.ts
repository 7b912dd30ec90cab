import type { Node } from '../python/syntaxTree';
import { addImport, appendArgument, preferredQuote, replaceNode } from '../fixes';
import type { CallSite, FileModel } from '../model/fileModel';
import { classBodyValue } from '../model/constness';
import { constantExpression, type IntegrationModel } from '../model/integration';
import { iteratedTable, parametersOf, resolveCallables, resolveClass } from '../model/untrusted';
import { comparisonParts, contains, descendants, literalString, refersToVariable, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import { baseName } from '../text';
import type { Fix, Severity, TextEdit } from '../types';

const REGISTER = /(^|\.)services\.(async_)?register$/;
const ADMIN_SERVICE = /(^|\.)async_register_admin_service$/;
const ENTITY_SERVICE = /(^|\.)async_register_entity_service$/;
const PLATFORM_ENTITY_SERVICE = /(^|\.)async_register_platform_entity_service$/;

interface Field {
  /** The key as Python source: a constant name when the registering file knows it, else a string literal. */
  key: string;
  required: boolean;
  /** What the handler makes of the value, as the validator for it (see validatorFor); undefined for text. */
  kind?: ValueKind;
}

/** The kinds of value a handler shows it expects: by a default (`get("spoiled", False)`) or a conversion (`int(...)`). */
type ValueKind = 'boolean' | 'integer' | 'number' | 'list' | 'mapping' | 'text-or-list';

export const serviceWithoutSchema: Rule = {
  meta: {
    id: 'service-without-schema',
    checklist: 'input-validation',
    severity: 'warning',
    fix: 'suggestion',
    cwe: 20,
    description: 'A service is registered without a schema, so its handler gets whatever data callers send.',
    docs: `Services are called by automations, scripts, dashboards, the websocket and REST APIs and other integrations,
with whatever data the caller likes. The schema given at registration is where Home Assistant checks that data
before the handler runs: required fields, types, ranges, allowed values, and no unexpected keys. Without one, a wrong
type crashes the handler at best, and at worst a crafted value reaches a file path, a command or a URL.

The rule reports \`hass.services.async_register\` (and \`register\`) without \`schema=\` or with \`schema=None\`, also
for each service a table registers in a loop with a \`None\` schema
(\`for service, schema in SERVICES.items(): hass.services.async_register(DOMAIN, service, handle, schema)\`, also a
table built in the function, \`services = [("stop", SCHEMA, stop), ("limit", None, limit)]\`). A schema
that lets other keys through (\`extra=vol.ALLOW_EXTRA\`) for a handler that hands the call's data on whole
(\`call.data.items()\`, \`**call.data\`) puts the item up for review: those keys reach the handler's library unchecked. A
handler that never reads its call's data is reported at information level. Not reported:
\`async_register_admin_service\` without a schema (it then rejects any data), and entity services
(\`async_register_entity_service\`, \`async_register_platform_entity_service\`): Home Assistant turns their \`None\`
schema into one that accepts the entity targets and nothing else.

**Fix:** pass \`schema=vol.Schema({...})\` listing every field the handler reads. The suggested fix builds one from
the keys the handler reads from \`call.data\` (\`vol.Required\` for \`call.data[key]\`, \`vol.Optional\` for
\`call.data.get(key)\`), typed as strings: tighten the types to what each field really is.

Bad:
\`\`\`python
hass.services.async_register(DOMAIN, "send", handle_send)
\`\`\`

Good:
\`\`\`python
SEND_SCHEMA = vol.Schema({vol.Required("message"): cv.string, vol.Optional("title"): cv.string})
hass.services.async_register(DOMAIN, "send", handle_send, schema=SEND_SCHEMA)
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    if (file.isTestFile) return;
    for (const call of file.calls) {
      const name = call.name ?? '';
      if (ADMIN_SERVICE.test(name)) {
        context.markUsed();
      } else if (REGISTER.test(name)) {
        context.markUsed();
        const schema = call.keywords.get('schema') ?? call.args[3];
        if (call.hasSplat) continue;
        const service = call.args[1] ?? call.keywords.get('service');
        // `for service, schema in SERVICES.items(): async_register(DOMAIN, service, handler, schema)`: the services
        // the table lists with a None schema.
        const looped =
          schema && unwrap(schema).type === 'identifier'
            ? servicesWithoutSchemaInLoop(file, unwrap(schema), service, integration)
            : schema && unwrap(schema).type === 'attribute'
              ? describedServicesWithoutSchema(file, unwrap(schema), service, integration)
              : undefined;
        if (schema && !isNoSchema(file, schema, integration) && !looped?.length) {
          reviewExtraKeysForwarded(context, call, schema);
          continue;
        }
        const named = service ? file.stringValue(service, integration?.constantString) : undefined;
        const subjects = looped ? looped.map((name) => (name === undefined ? 'A service of this loop' : `Service ${name}`)) : [named !== undefined ? `Service ${named}` : service ? `The service named by \`${service.text}\`` : 'This service'];
        const handler = call.args[2] ?? call.keywords.get('service_func');
        // `data = REMOVE_EVENT_SCHEMA(dict(call.data))` first thing in the handler: validated all the same.
        if (handler && validatesItsData(file, handler, integration)) continue;
        const fields = handler ? readFields(file, handler, integration) : undefined;
        const severity: Severity | undefined = fields?.size === 0 && !fields.passesCall ? 'info' : undefined;
        for (const subject of subjects) {
          const message = severity === 'info'
            ? `${subject} is registered without a schema; its handler reads no data, but callers may still send any. Pass schema=vol.Schema({}).`
            : `${subject} is registered without a schema, so its handler receives unvalidated data; pass schema=vol.Schema({...}) describing each field.`;
          context.report(call.node, message, { severity, suggestions: looped ? [] : schemaSuggestion(file, call, schema, fields) });
        }
      } else if (PLATFORM_ENTITY_SERVICE.test(name) || ENTITY_SERVICE.test(name) || (call.method === 'async_register_entity_service' && call.callee.type === 'attribute')) {
        // Home Assistant turns an entity service's None (or missing) schema into cv.make_entity_service_schema(None):
        // entity targets only, any other key rejected. The data is validated.
        context.markUsed();
      }
    }
  },
};

/**
 * `schema=vol.Schema({vol.Required("url"): cv.url}, extra=vol.ALLOW_EXTRA)` with a handler that hands on the call's
 * data whole (`for key, value in call.data.items()`, `**call.data`): the keys the schema does not name reach the
 * handler's library unchecked (yt-dlp options that write files or run commands).
 */
function reviewExtraKeysForwarded(context: FileContext, call: CallSite, schema: Node): void {
  const { file, integration } = context;
  // `schema=DOWNLOAD_SCHEMA`, also from const.py.
  const constant = unwrap(schema).type === 'identifier' ? constantExpression(file, unwrap(schema), integration) : undefined;
  const value = unwrap(constant?.node ?? schema);
  const extra = value.type === 'call' ? (constant?.file ?? file).callSite(value)?.keywords.get('extra') : undefined;
  if (!extra || !/ALLOW_EXTRA$/.test(extra.text)) return;
  const handler = call.args[2] ?? call.keywords.get('service_func');
  for (const target of handler ? resolveCallables(file, handler, integration) : []) {
    const parameters = parametersOf(target.node);
    const parameter = parameters[/^(self|cls)$/.test(parameters[0]?.name ?? '') ? 1 : 0]?.name;
    if (!parameter) continue;
    const whole = new RegExp(`(\\*\\*\\s*${parameter}\\.data\\b|\\b${parameter}\\.data\\.(items|keys|copy)\\(|\\bdict\\(\\s*${parameter}\\.data\\s*\\))`);
    if (!whole.test(target.node.text)) continue;
    const service = call.args[1] ?? call.keywords.get('service');
    const name = service ? file.stringValue(service, integration?.constantString) ?? service.text : 'a service';
    context.review(`Service ${name} (${baseName(file.path)}) accepts keys its schema does not name (extra=vol.ALLOW_EXTRA) and its handler hands the call's data on whole; name every key the handler passes on, or drop ALLOW_EXTRA.`);
    return;
  }
}

/**
 * For a schema that is a loop variable over a table of services (`for service, schema in SERVICES.items()`, or a list
 * of tuples): the names of the services the table gives a `None` schema (undefined where the name is not text).
 */
function servicesWithoutSchemaInLoop(file: FileModel, schema: Node, service: Node | undefined, integration: IntegrationModel | undefined): (string | undefined)[] | undefined {
  const loop = file.bindingsOf(schema).find((binding) => binding.kind === 'for');
  const targets = loop?.node.type === 'for_statement' ? loop.node.childForFieldName('left') : null;
  if (!loop?.value || !targets || !['pattern_list', 'tuple_pattern'].includes(targets.type)) return undefined;
  const names = targets.namedChildren.map((target) => target?.text);
  const schemaAt = names.indexOf(schema.text);
  const serviceAt = service ? names.indexOf(unwrap(service).text) : -1;
  const iterated = iteratedTable(file, loop.value);
  if (!iterated || iterated.view === 'values') return undefined;
  const { table } = iterated;
  const items = iterated.view === 'items';
  const rows: Node[][] = [];
  if (items && table.type === 'dictionary') {
    for (const pair of table.namedChildren) {
      const key = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
      const value = pair?.type === 'pair' ? pair.childForFieldName('value') : null;
      if (key && value) rows.push([key, value]);
    }
  } else if (!items && (table.type === 'list' || table.type === 'tuple')) {
    for (const row of table.namedChildren) if (row && unwrap(row).type === 'tuple') rows.push(unwrap(row).namedChildren.filter((part): part is Node => part !== null));
  }
  return rows
    .filter((row) => row[schemaAt] !== undefined && isNoSchema(file, row[schemaAt], integration))
    .map((row) => (serviceAt >= 0 && row[serviceAt] ? file.stringValue(row[serviceAt], integration?.constantString) : undefined));
}

/**
 * `for service in SERVICES: async_register(DOMAIN, service.key, handler, schema=service.schema)` over a list of
 * descriptions (`ServiceDescription(key="ots", schema=OTS_SCHEME)`, a class of the integration): the services whose
 * description gives no schema, by keyword or by the class's default (`schema: vol.Schema | None = None`).
 */
function describedServicesWithoutSchema(file: FileModel, schema: Node, service: Node | undefined, integration: IntegrationModel | undefined): (string | undefined)[] | undefined {
  const object = schema.childForFieldName('object');
  const field = schema.childForFieldName('attribute')?.text;
  if (object?.type !== 'identifier' || !field) return undefined;
  const bindings = file.bindingsOf(object);
  if (bindings.length !== 1 || bindings[0].kind !== 'for' || !bindings[0].value) return undefined;
  const table = iteratedTable(file, bindings[0].value)?.table;
  if (!table || (table.type !== 'list' && table.type !== 'tuple')) return undefined;
  const nameField = service && unwrap(service).type === 'attribute' && unwrap(service).childForFieldName('object')?.text === object.text ? unwrap(service).childForFieldName('attribute')?.text : undefined;
  const missing: (string | undefined)[] = [];
  for (const row of table.namedChildren) {
    const item = unwrap(row);
    const site = item.type === 'call' ? file.callSite(item) : undefined;
    const described = site ? resolveClass(file, site.callee, integration) : undefined;
    if (!site || !described || site.args.length > 0 || site.hasSplat) return undefined;
    const given = site.keywords.get(field);
    const value = given ?? classBodyValue(described.node, field);
    if (value === undefined) return undefined;
    if (!isNoSchema(given ? file : described.file, value, integration)) continue;
    const name = nameField ? site.keywords.get(nameField) : undefined;
    missing.push(name ? file.stringValue(name, integration?.constantString) : undefined);
  }
  return missing;
}

/**
 * `schema=None`, `schema=""`, or a constant holding one (`OTS_SCHEME = ""`): Home Assistant validates a call's data
 * only when the schema is truthy, so these are no schema at all.
 */
function isNoSchema(file: FileModel, schema: Node, integration: IntegrationModel | undefined): boolean {
  const value = unwrap(schema);
  const empty = (node: Node) => node.type === 'none' || node.type === 'false' || literalString(node) === '';
  if (empty(value)) return true;
  if (value.type !== 'identifier') return false;
  const constant = constantExpression(file, value, integration);
  return constant !== undefined && empty(unwrap(constant.node));
}

/** Whether every handler a reference names passes its call's data through a voluptuous schema itself. */
function validatesItsData(file: FileModel, reference: Node, integration: IntegrationModel | undefined): boolean {
  const handlers = resolveCallables(file, reference, integration);
  return (
    handlers.length > 0 &&
    handlers.every(({ file: owner, node }) => {
      const positional = parametersOf(node).filter((parameter) => parameter.kind === 'plain' && !parameter.keywordOnly);
      const callName = positional[positional.length - 1]?.name;
      if (!callName) return false;
      return descendants(node, ['call']).some((schemaCall) => {
        const site = owner.callSite(schemaCall);
        const validator = site?.callee.type === 'call' ? owner.callSite(site.callee)?.name : site?.name;
        return site !== undefined && /(^|\.|_)SCHEMA$|(^|\.)Schema$/.test(validator ?? '') && site.args.some((argument) => new RegExp(`\\b${callName}\\.data\\b`).test(argument.text));
      });
    })
  );
}

interface Fields extends Map<string, Field> {
  /**
   * The handler reads fields it does not name here: it hands its call or data to other code, or reads keys
   * computed at run time. A schema of the named fields alone would reject those.
   */
  passesCall?: boolean;
}

/** The keys a service handler reads from its call's data; undefined when the handler cannot be found. */
function readFields(file: FileModel, reference: Node, integration: IntegrationModel | undefined): Fields | undefined {
  const handlers = resolveCallables(file, reference, integration);
  if (handlers.length === 0) return undefined;
  const fields: Fields = new Map();
  for (const handler of handlers) {
    const positional = parametersOf(handler.node).filter((parameter) => parameter.kind === 'plain' && !parameter.keywordOnly);
    const callName = positional[positional.length - 1]?.name;
    if (!callName) continue;
    const aliases: string[] = [];
    for (const identifier of descendants(handler.node, ['identifier'])) {
      if (identifier.text !== callName) continue;
      const parent = identifier.parent;
      if (!parent) continue;
      const isData = parent.type === 'attribute' && parent.childForFieldName('object')?.id === identifier.id && parent.childForFieldName('attribute')?.text === 'data';
      if (!isData) {
        // `call.service`, `call.context` are not data; the call itself passed on may be read elsewhere (unless the
        // function it is passed to is the integration's and reads no data from it: `get_config_entry(call)`).
        if (parent.type === 'keyword_argument' || (parent.type === 'argument_list' && !readsNoDataOf(handler.file, parent, identifier, integration))) fields.passesCall = true;
        continue;
      }
      // `data = call.data`: what the handler reads from `data` is read from the call.
      const assignment = parent.parent;
      const alias = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.id === parent.id ? assignment.childForFieldName('left') : null;
      if (alias?.type === 'identifier') aliases.push(alias.text);
      else readUse(fields, file, handler.file, parent, integration);
    }
    for (const identifier of descendants(handler.node, ['identifier'])) {
      if (!aliases.includes(identifier.text)) continue;
      const parent = identifier.parent;
      // `data = ...` itself, `call.data`, `x.data`, `f(data=...)`: not a read of the name.
      const assigned = parent?.type === 'assignment' && parent.childForFieldName('left')?.id === identifier.id;
      if (!assigned && refersToVariable(identifier)) readUse(fields, file, handler.file, identifier, integration);
    }
  }
  return fields;
}

/** Whether the integration's function a service call is passed to (positionally) neither reads its data nor passes it on. */
function readsNoDataOf(file: FileModel, argumentList: Node, argument: Node, integration: IntegrationModel | undefined): boolean {
  const call = argumentList.parent;
  const callee = call?.type === 'call' ? call.childForFieldName('function') : null;
  const position = argumentList.namedChildren.filter((child) => child.type !== 'comment').findIndex((child) => child.id === argument.id);
  const targets = callee && position >= 0 ? resolveCallables(file, callee, integration) : [];
  return (
    targets.length > 0 &&
    targets.every((target) => {
      const parameters = parametersOf(target.node).filter((parameter) => parameter.kind === 'plain' && !parameter.keywordOnly);
      const bound = callee!.type === 'attribute' && ['self', 'cls'].includes(parameters[0]?.name ?? '') ? 1 : 0;
      const name = parameters[position + bound]?.name;
      if (!name) return false;
      return descendants(target.node, ['identifier']).every((identifier) => {
        if (identifier.text !== name) return true;
        const use = identifier.parent;
        const readsData = use?.type === 'attribute' && use.childForFieldName('object')?.id === identifier.id && use.childForFieldName('attribute')?.text === 'data';
        return !readsData && use?.type !== 'argument_list' && use?.type !== 'keyword_argument' && use?.type !== 'assignment';
      });
    })
  );
}

/** One use of the call's data (`call.data` or a name holding it): a key read, or a use that needs every field. */
function readUse(fields: Fields, registering: FileModel, handlerFile: FileModel, data: Node, integration: IntegrationModel | undefined): void {
  const use = data.parent;
  if (use?.type === 'subscript' && use.childForFieldName('value')?.id === data.id) {
    const key = use.childForFieldName('subscript');
    // `if "options" in call.data: ... call.data["options"]`: read only when given, so optional.
    if (key) addField(fields, registering, handlerFile, key, !readWhenPresent(use, key), integration, kindOfConversion(handlerFile, use) ?? kindOfTypeTest(handlerFile, use));
  } else if (use?.type === 'attribute' && use.parent?.type === 'call' && ['get', 'pop'].includes(use.childForFieldName('attribute')?.text ?? '')) {
    const [key, fallback] = use.parent.childForFieldName('arguments')?.namedChildren.filter((argument) => argument.type !== 'comment') ?? [];
    if (key) addField(fields, registering, handlerFile, key, false, integration, kindOfLiteral(fallback) ?? kindOfConversion(handlerFile, use.parent) ?? kindOfTypeTest(handlerFile, use.parent));
  } else if (use?.type !== 'comparison_operator') {
    // `dict(call.data)`, `**call.data`, `call.data` passed on: the handler uses fields it does not name here.
    fields.passesCall = true;
  }
}

/**
 * Whether a read sits under a test that the key is present (`if KEY in call.data:`, `call.data[KEY] if KEY in
 * call.data else default`), in the branch taken then.
 */
function readWhenPresent(read: Node, key: Node): boolean {
  for (let node: Node = read, parent = node.parent; parent && parent.type !== 'function_definition'; node = parent, parent = parent.parent) {
    const condition =
      parent.type === 'if_statement' && parent.childForFieldName('consequence')?.id === node.id
        ? parent.childForFieldName('condition')
        : parent.type === 'conditional_expression' && parent.namedChildren[0]?.id === node.id
          ? parent.namedChildren[1]
          : null;
    const parts = condition ? [unwrap(condition), ...(unwrap(condition).type === 'boolean_operator' ? unwrap(condition).namedChildren : [])] : [];
    if (parts.some((part) => comparisonParts(part)?.operator === 'in' && comparisonParts(part)?.left.text === key.text)) return true;
  }
  return false;
}

/** The kind of a literal default: `False` says the field is a boolean, `0` an integer, `[]` a list. */
function kindOfLiteral(value: Node | undefined): ValueKind | undefined {
  switch (value ? unwrap(value).type : undefined) {
    case 'true':
    case 'false':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'float':
      return 'number';
    case 'list':
      return 'list';
    case 'dictionary':
      return 'mapping';
    default:
      return undefined;
  }
}

const CONVERSIONS = new Map<string, ValueKind>([['int', 'integer'], ['float', 'number'], ['bool', 'boolean'], ['list', 'list'], ['dict', 'mapping']]);

/** `int(call.data["amount"])`: the kind the handler converts the value to. */
function kindOfConversion(file: FileModel, read: Node): ValueKind | undefined {
  const call = read.parent?.type === 'argument_list' ? read.parent.parent : null;
  const name = call?.type === 'call' ? call.childForFieldName('function')?.text : undefined;
  return name !== undefined && file.isBuiltin(name) ? CONVERSIONS.get(name) : undefined;
}

/**
 * `device_id = call.data.get("device_id")`, then `if isinstance(device_id, str): device_id = [device_id]`: the
 * handler takes one value or a list (a service target's ids come either way).
 */
function kindOfTypeTest(file: FileModel, read: Node): ValueKind | undefined {
  const assignment = read.parent?.type === 'assignment' && read.parent.childForFieldName('right')?.id === read.id ? read.parent : null;
  const name = assignment?.childForFieldName('left');
  const fn = file.enclosingFunction(read);
  if (name?.type !== 'identifier' || !fn) return undefined;
  const tested = file.callsTo(new Set(['isinstance'])).some((test) => contains(fn, test.node) && test.args[0]?.text === name.text && /\b(str|list)\b/.test(test.args[1]?.text ?? ''));
  return tested ? 'text-or-list' : undefined;
}

/** The validator for a kind of value; text when the handler shows no other. */
function validatorFor(kind: ValueKind | undefined, names: { vol: string; cv: string }): string {
  switch (kind) {
    case 'boolean':
      return `${names.cv}.boolean`;
    case 'integer':
      return `${names.vol}.Coerce(int)`;
    case 'number':
      return `${names.vol}.Coerce(float)`;
    case 'list':
      return `${names.cv}.ensure_list`;
    case 'mapping':
      return 'dict';
    case 'text-or-list':
      return `${names.vol}.Any(${names.cv}.string, [${names.cv}.string])`;
    default:
      return `${names.cv}.string`;
  }
}

function addField(fields: Fields, registering: FileModel, handlerFile: FileModel, key: Node, required: boolean, integration: IntegrationModel | undefined, kind?: ValueKind): void {
  const value = handlerFile.stringValue(key, integration?.constantString);
  if (value === undefined) {
    // `call.data[f"{prefix}_id"]`, `call.data[key]` in a loop: a field whose name is not written here.
    fields.passesCall = true;
    return;
  }
  const target = unwrap(key);
  // Name the constant when the registering file has the same constant; else spell the key out.
  const sameConstant = target.type === 'identifier' && literalString(target) === undefined && registering.stringValue(target, integration?.constantString) === value && (registering.imports.has(target.text) || registering.constants.has(target.text));
  const source = sameConstant ? target.text : `${preferredQuote(registering)}${value}${preferredQuote(registering)}`;
  const existing = fields.get(value);
  fields.set(value, { key: source, required: required || (existing?.required ?? false), kind: existing?.kind ?? kind });
}

/** `schema=vol.Schema({...})` added to (or replacing `None` in) a `hass.services.async_register` call. */
function schemaSuggestion(file: FileModel, call: CallSite, schema: Node | undefined, fields: Fields | undefined): Fix[] {
  const names = validationNames(file);
  const entries = [...(fields ?? new Map<string, Field>()).values()].map((field) => `${names.vol}.${field.required ? 'Required' : 'Optional'}(${field.key}): ${validatorFor(field.kind, names)}`);
  // Fields the handler reads without naming them here must still get through: the schema checks the ones it names.
  const extra = fields?.passesCall ? `, extra=${names.vol}.ALLOW_EXTRA` : '';
  const schemaText = `${names.vol}.Schema({${entries.join(', ')}}${extra})`;
  const edits: TextEdit[] = [];
  if (schema) {
    edits.push(replaceNode(unwrap(schema), schemaText));
  } else {
    const last = [...call.args, ...call.keywords.values()].sort((a, b) => a.endIndex - b.endIndex).pop();
    if (!last) return [];
    edits.push(appendArgument(file, last.parent?.type === 'keyword_argument' ? last.parent : last, `schema=${schemaText}`));
  }
  edits.push(...names.imports(entries.some((entry) => entry.includes(`: ${names.cv}.`))));
  // Named fields, or none at all; a schema that only lets unnamed fields through says so, since it checks nothing yet.
  const title = entries.length > 0 ? 'Add a schema for the fields the handler reads' : extra ? 'Add a schema to fill in (it names no field yet and lets every field through)' : 'Add a schema that accepts no data';
  return [{ title, safe: false, edits }];
}

/**
 * The names the file uses for its schema library and config_validation, and the imports that add them when missing.
 * A module that imports probatio (Home Assistant core's successor to voluptuous) gets its schema written with that.
 */
function validationNames(file: FileModel): { vol: string; cv: string; imports(withCv: boolean): TextEdit[] } {
  const volLocal = file.importOf('voluptuous')?.[0] ?? file.importOf('probatio')?.[0];
  const cvLocal = file.importOf('homeassistant.helpers.config_validation')?.[0];
  return {
    vol: volLocal ?? 'vol',
    cv: cvLocal ?? 'cv',
    imports(withCv) {
      const edits: TextEdit[] = [];
      if (!volLocal) {
        const edit = addImport(file, 'voluptuous');
        if (edit) edits.push({ ...edit, newText: edit.newText.replace('import voluptuous', 'import voluptuous as vol') });
      }
      if (withCv && !cvLocal) {
        const edit = addImport(file, 'homeassistant.helpers', 'config_validation');
        if (edit) edits.push({ ...edit, newText: edit.newText.replace('import config_validation', 'import config_validation as cv') });
      }
      return edits;
    },
  };
}


