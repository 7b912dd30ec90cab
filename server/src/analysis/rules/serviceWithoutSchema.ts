import type { Node } from 'web-tree-sitter';
import { addImport, insertAt } from '../fixes';
import type { CallSite, FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { resolveCallable } from '../model/untrusted';
import { descendants, rangeOf, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix, TextEdit } from '../types';

const REGISTER = /(^|\.)services\.(async_)?register$/;
const ENTITY_SERVICE = /(^|\.)async_register_entity_service$/;
const PLATFORM_ENTITY_SERVICE = /(^|\.)async_register_platform_entity_service$/;

export const serviceWithoutSchema: Rule = {
  meta: {
    id: 'service-without-schema',
    checklist: 'input-validation',
    severity: 'warning',
    fix: 'suggestion',
    cwe: 20,
    description: 'A service is registered without a schema, so its handler gets whatever data callers send.',
    docs: `Services are called by automations, scripts, the UI, the websocket API and other integrations, with any data
they like. A voluptuous schema is the one place where Home Assistant checks that data before the handler runs:
required fields, types, ranges, allowed values. Without it, a wrong type crashes the handler at best, and a
crafted value reaches file paths, shell commands or URLs at worst.

The rule reports \`hass.services.async_register\` (and \`register\`) without \`schema=\` (or with \`None\`), entity
services registered with a \`None\` schema, and \`async_register_platform_entity_service\` without one.
\`async_register_admin_service\` is not reported: without a schema it rejects any data.

**Fix:** pass \`schema=vol.Schema({...})\` describing every field the handler reads. The suggested fix builds one
from the keys the handler reads from \`call.data\` (required for \`call.data[key]\`, optional for
\`call.data.get(key)\`), typed as strings: tighten the types.

Bad:
\`\`\`python
hass.services.async_register(DOMAIN, "send", handle_send)
\`\`\`

Good:
\`\`\`python
hass.services.async_register(DOMAIN, "send", handle_send, schema=vol.Schema({vol.Required("message"): cv.string}))
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    for (const call of file.calls) {
      const name = call.name ?? '';
      if (REGISTER.test(name)) {
        context.markUsed();
        const schema = call.keywords.get('schema') ?? call.args[3];
        if (schema && unwrap(schema).type !== 'none') continue;
        if (call.hasSplat) continue;
        const service = call.args[1] ?? call.keywords.get('service');
        const handler = call.args[2] ?? call.keywords.get('service_func');
        context.report(call.node, `Service ${service ? file.stringValue(service, integration?.constantString) ?? service.text : ''} is registered without a schema, so its handler receives unvalidated data; pass schema=vol.Schema({...}).`, {
          suggestions: schema ? [] : schemaSuggestion(file, call, handler, integration),
        });
      } else if (ENTITY_SERVICE.test(name) || (call.method === 'async_register_entity_service' && call.callee.type === 'attribute')) {
        context.markUsed();
        const schema = call.args[1] ?? call.keywords.get('schema');
        if (schema && unwrap(schema).type === 'none') {
          context.report(schema, 'This entity service has no schema (None), so its data is not validated; pass a dict of fields (an empty dict if it takes none).');
        }
      } else if (PLATFORM_ENTITY_SERVICE.test(name)) {
        context.markUsed();
        const schema = call.keywords.get('schema');
        if (!schema || unwrap(schema).type === 'none') {
          context.report(call.node, 'This platform entity service is registered without a schema; pass schema= with the fields it accepts.');
        }
      } else if (/(^|\.)async_register_admin_service$/.test(name)) {
        context.markUsed();
      }
    }
  },
};

/** `schema=vol.Schema({...})` from the keys the handler reads from its call's data. */
function schemaSuggestion(file: FileModel, call: CallSite, handlerReference: Node | undefined, integration: IntegrationModel | undefined): Fix[] {
  const handler = handlerReference ? resolveCallable(file, handlerReference, integration) : undefined;
  const fields = new Map<string, 'Required' | 'Optional'>();
  if (handler) {
    const parameters = handler.node.childForFieldName('parameters')?.namedChildren ?? [];
    const callName = parameters[parameters.length - 1]?.text.split(':')[0].trim();
    for (const node of descendants(handler.node, ['subscript', 'call'])) {
      if (node.type === 'subscript' && node.childForFieldName('value')?.text === `${callName}.data`) {
        const key = node.childForFieldName('subscript');
        const text = key ? handler.file.stringValue(key, integration?.constantString) : undefined;
        if (text) fields.set(text, 'Required');
      } else if (node.type === 'call' && node.childForFieldName('function')?.text === `${callName}.data.get`) {
        const key = node.childForFieldName('arguments')?.namedChild(0);
        const text = key ? handler.file.stringValue(key, integration?.constantString) : undefined;
        if (text && !fields.has(text)) fields.set(text, 'Optional');
      }
    }
  }
  const volName = localName(file, 'voluptuous') ?? 'vol';
  const cvName = localName(file, 'homeassistant.helpers.config_validation') ?? 'cv';
  const entries = [...fields].map(([key, kind]) => `${volName}.${kind}("${key}"): ${cvName}.string`).join(', ');
  const edits: TextEdit[] = [];
  const last = [...call.args, ...call.keywords.values()].sort((a, b) => a.endIndex - b.endIndex).pop();
  if (!last) return [];
  const end = rangeOf(last.parent?.type === 'keyword_argument' ? last.parent : last).end;
  edits.push(insertAt(end.line, end.character, `, schema=${volName}.Schema({${entries}})`));
  if (!localName(file, 'voluptuous')) {
    const edit = addImport(file, 'voluptuous', undefined);
    if (edit) edits.push({ ...edit, newText: edit.newText.replace('import voluptuous', 'import voluptuous as vol') });
  }
  if (fields.size > 0 && !localName(file, 'homeassistant.helpers.config_validation')) {
    const edit = addImport(file, 'homeassistant.helpers', 'config_validation');
    if (edit) edits.push({ ...edit, newText: edit.newText.replace('import config_validation', 'import config_validation as cv') });
  }
  return [{ title: 'Add a schema for the fields the handler reads', safe: false, edits }];
}

function localName(file: FileModel, qualified: string): string | undefined {
  for (const [local, name] of file.imports) if (name === qualified) return local;
  return undefined;
}
