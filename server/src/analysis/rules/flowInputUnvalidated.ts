import type { Node } from 'web-tree-sitter';
import { registeredHandlers, isViewClass } from '../model/untrusted';
import { descendants, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';

const FLOW_BASES = /(ConfigFlow|OptionsFlow|OptionsFlowWithConfigEntry|OptionsFlowWithReload|ConfigSubentryFlow|SubentryFlow|FlowHandler)\b/;
/** Steps whose input does not come from a form the user submitted. */
const NOT_FORM_STEPS = /^async_step_(zeroconf|dhcp|ssdp|usb|bluetooth|mqtt|homekit|hassio|import|reauth|integration_discovery|discovery)$/;

export const flowInputUnvalidated: Rule = {
  meta: {
    id: 'flow-input-unvalidated',
    checklist: 'input-validation',
    severity: 'warning',
    fix: 'none',
    cwe: 20,
    description: 'A config or options flow step reads user_input but never shows a form with a data_schema for it.',
    docs: `When a flow step shows a form with \`data_schema\`, Home Assistant validates what the user submits against
that schema before calling the step again, so \`user_input\` has the fields and types the form declared. A step
that reads \`user_input\` without ever showing such a form gets whatever the caller of the flow API sent: the
frontend is not the only client.

The rule reports \`async_step_*\` methods of config, options and subentry flows that read \`user_input\` (index it,
\`.get\` from it, pass it on) while no \`async_show_form(step_id=..., data_schema=...)\` for that step exists in
the flow. Steps reached only by a direct call from another step (\`return await self.async_step_confirm(...)\`)
get the caller's validated input and are not reported; discovery, import and reauth steps get data from Home
Assistant rather than a form and are left out too.

It also asks for a review of webhook and HTTP view handlers that read a request's JSON or form data without
passing it through a schema.

**Fix:** show the step's form with a \`data_schema\` (a \`vol.Schema\`), and validate anything else explicitly.

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
    const { file } = context;
    for (const cls of file.classes) {
      const bases = cls.childForFieldName('superclasses')?.text ?? '';
      if (!FLOW_BASES.test(bases)) continue;
      const steps = file.functions.filter((fn) => /^async_step_/.test(fn.childForFieldName('name')?.text ?? '') && fn.parent?.parent?.id === cls.id);
      if (steps.length === 0) continue;
      context.markUsed();
      const formsWithSchema = formStepIds(context, cls, steps);
      const calledDirectly = new Set(
        descendants(cls, ['call'])
          .map((node) => node.childForFieldName('function')?.text ?? '')
          .filter((callee) => /^self\.async_step_\w+$/.test(callee))
          .map((callee) => callee.slice('self.'.length)),
      );
      for (const step of steps) {
        const name = step.childForFieldName('name')?.text ?? '';
        if (NOT_FORM_STEPS.test(name) || calledDirectly.has(name)) continue;
        const input = inputParameter(step);
        if (!input || !readsInput(step, input)) continue;
        if (formsWithSchema.has(name.slice('async_step_'.length))) continue;
        context.report(step.childForFieldName('name') ?? step, `${name} reads ${input} but the flow never shows a form with a data_schema for this step, so nothing validates it; show the form with data_schema=vol.Schema(...).`);
      }
    }
    reviewRawRequestPayloads(context);
  },
};

/** The step ids for which the flow shows a form with a data_schema (`async_show_form(step_id=..., data_schema=...)`). */
function formStepIds(context: FileContext, cls: Node, steps: Node[]): Set<string> {
  const { file, integration } = context;
  const ids = new Set<string>();
  for (const node of descendants(cls, ['call'])) {
    const site = file.callSite(node);
    if (site?.method !== 'async_show_form') continue;
    const schema = site.keywords.get('data_schema');
    if (!schema || unwrap(schema).type === 'none') continue;
    const stepId = site.keywords.get('step_id');
    const id = stepId ? file.stringValue(stepId, integration?.constantString) : enclosingStep(node, steps);
    if (id) ids.add(id);
  }
  return ids;
}

function enclosingStep(node: Node, steps: Node[]): string | undefined {
  const step = steps.find((candidate) => candidate.startIndex <= node.startIndex && node.endIndex <= candidate.endIndex);
  return step?.childForFieldName('name')?.text.slice('async_step_'.length);
}

function inputParameter(step: Node): string | undefined {
  const parameters = step.childForFieldName('parameters')?.namedChildren ?? [];
  const second = parameters[1];
  if (!second) return undefined;
  return second.type === 'identifier' ? second.text : second.childForFieldName('name')?.text ?? second.namedChild(0)?.text;
}

/** Reading means indexing it, calling a method on it, or passing it on; `if user_input is not None` is not. */
function readsInput(step: Node, input: string): boolean {
  return descendants(step, ['identifier']).some((identifier) => {
    if (identifier.text !== input) return false;
    const parent = identifier.parent;
    if (!parent || parent.type === 'parameters' || parent.type === 'default_parameter' || parent.type === 'typed_default_parameter' || parent.type === 'typed_parameter') return false;
    if (parent.type === 'comparison_operator' || parent.type === 'not_operator' || parent.type === 'boolean_operator') return false;
    if ((parent.type === 'if_statement' || parent.type === 'elif_clause') && parent.childForFieldName('condition')?.id === identifier.id) return false;
    return true;
  });
}

/** Webhook handlers and views that read request JSON or form data without any schema: a person should look. */
function reviewRawRequestPayloads(context: FileContext): void {
  const { file, integration } = context;
  const webhooks = registeredHandlers(file, integration).webhooks;
  for (const fn of file.functions) {
    const cls = fn.parent?.parent?.type === 'class_definition' ? fn.parent.parent : undefined;
    const isHandler = webhooks.has(fn.id) || (cls !== undefined && isViewClass(file, cls));
    if (!isHandler) continue;
    const calls = descendants(fn, ['call']).map((node) => file.callSite(node)).filter((site) => site !== undefined);
    const readsPayload = calls.some((site) => (site.method === 'json' || site.method === 'post') && /request/.test(site.callee.text));
    if (!readsPayload) continue;
    context.markUsed();
    const validates = calls.some((site) => /schema|validate|vol\./i.test(site.callee.text));
    if (!validates) {
      context.review(`\`${fn.childForFieldName('name')?.text}\` in ${file.path.split('/').pop()} uses a request's JSON or form data without a schema; check each field before use.`);
    }
  }
}
