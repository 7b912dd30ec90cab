import type { Node } from 'web-tree-sitter';
import { constantExpression } from '../model/integration';
import type { FileModel } from '../model/fileModel';
import { integrationSecretKeys, secretIn } from '../model/secretFlow';
import { isSecretName } from '../model/secrets';
import { descendants, literalString, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import { wrapInRedaction } from './logSecret';

const HANDLERS = new Set(['async_get_config_entry_diagnostics', 'async_get_device_diagnostics']);
const REDACT_CALL = /(^|\.)(components\.diagnostics|helpers\.redact)\.async_redact_data$|^async_redact_data$/;

export const diagnosticsUnredacted: Rule = {
  meta: {
    id: 'diagnostics-unredacted',
    checklist: 'credentials-in-logs',
    severity: 'error',
    fix: 'safe',
    cwe: 200,
    description: 'A diagnostics handler returns config entry data or credentials without async_redact_data.',
    docs: `Diagnostics exist to be downloaded and attached to bug reports, usually public ones. Whatever
\`async_get_config_entry_diagnostics\` or \`async_get_device_diagnostics\` returns is published by users who trust
the integration to have removed their credentials.

The rule reads what the handlers return (following local variables into the dicts they build) and reports
\`entry.data\`, \`entry.options\`, \`entry.as_dict()\` and credential values that are not passed through
\`async_redact_data\` (from \`homeassistant.components.diagnostics\` or \`homeassistant.helpers.redact\`). When a
\`TO_REDACT\` set is used, it also checks that it covers every credential key the integration's flows and code use
(\`CONF_PASSWORD\`, tokens, API keys), including a set defined in \`const.py\`.

**Fix:** wrap the value in \`async_redact_data(value, TO_REDACT)\`; the quick fix does so, creating \`TO_REDACT\`
and the import when missing.

Bad:
\`\`\`python
async def async_get_config_entry_diagnostics(hass, entry):
    return {"entry": entry.as_dict(), "data": coordinator.data}
\`\`\`

Good:
\`\`\`python
TO_REDACT = {CONF_API_KEY, CONF_PASSWORD}

async def async_get_config_entry_diagnostics(hass, entry):
    return {"entry": async_redact_data(entry.as_dict(), TO_REDACT), "data": coordinator.data}
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    for (const fn of file.functions) {
      if (!HANDLERS.has(fn.childForFieldName('name')?.text ?? '') || file.scopeOf(fn).type !== 'module') continue;
      context.markUsed();
      for (const statement of descendants(fn, ['return_statement'])) {
        const value = statement.namedChild(0);
        if (value) checkReturned(context, value, new Set());
      }
      checkRedactionCoverage(context, fn);
    }
  },
};

/** Walks the returned structure: dict values, list items and local variables, stopping at redaction. */
function checkReturned(context: FileContext, expression: Node, seen: Set<number>): void {
  const { file } = context;
  for (const origin of file.origins(expression)) {
    const node = unwrap(origin.node);
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    if (node.type === 'call' && REDACT_CALL.test(file.callSite(node)?.name ?? '')) continue;
    if (node.type === 'dictionary' || node.type === 'list' || node.type === 'tuple') {
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'pair') {
          const value = child.childForFieldName('value');
          if (value) checkReturned(context, value, seen);
        } else if (child.type === 'dictionary_splat') {
          // `{**entry.data, CONF_TOKEN: "**REDACTED**"}` is hand-written masking, which counts as redaction.
          const inner = child.namedChild(0);
          if (inner && masksSecrets(context, node)) continue;
          if (inner) reportIfCarrier(context, inner);
        } else {
          checkReturned(context, child, seen);
        }
      }
      continue;
    }
    reportIfCarrier(context, origin.node.type === 'identifier' ? expression : node);
  }
}

function masksSecrets(context: FileContext, dict: Node): boolean {
  return dict.namedChildren.some((pair) => {
    if (pair?.type !== 'pair') return false;
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    const name = key ? context.file.stringValue(key, context.integration?.constantString) : undefined;
    return name !== undefined && isSecretName(name) && value !== null && literalString(value) !== undefined;
  });
}

function reportIfCarrier(context: FileContext, value: Node): void {
  const { file, integration } = context;
  const carrier = secretIn(file, value, integration);
  if (!carrier) return;
  const what = carrier.what.length > 60 ? `${carrier.what.slice(0, 57)}...` : carrier.what;
  context.report(value, `Diagnostics return \`${what}\` unredacted; users publish diagnostics, so pass it through async_redact_data(..., TO_REDACT).`, {
    fix: wrapInRedaction(file, unwrap(value), integration),
  });
}

/** Every credential key the integration uses must be in the set given to async_redact_data. */
function checkRedactionCoverage(context: FileContext, fn: Node): void {
  const { file, integration } = context;
  const secretKeys = integrationSecretKeys(file, integration);
  if (secretKeys.size === 0) return;
  const reported = new Set<number>();
  for (const node of descendants(fn, ['call'])) {
    const site = file.callSite(node);
    if (!site || !REDACT_CALL.test(site.name ?? '')) continue;
    const keysArgument = site.args[1] ?? site.keywords.get('to_redact');
    if (!keysArgument) continue;
    const definition = setDefinition(file, keysArgument, integration);
    if (!definition || reported.has(definition.node.id)) continue;
    const covered = new Set(
      definition.node.namedChildren
        .filter((child): child is Node => child !== null)
        .map((child) => definition.file.stringValue(child, integration?.constantString))
        .filter((key): key is string => key !== undefined),
    );
    if (definition.node.namedChildren.some((child) => child !== null && definition.file.stringValue(child, integration?.constantString) === undefined)) continue;
    const missing = [...secretKeys].filter((key) => !covered.has(key)).sort();
    if (missing.length === 0) continue;
    reported.add(definition.node.id);
    const where = definition.file === file ? definition.node : keysArgument;
    context.report(where, `The redaction set misses credential key${missing.length === 1 ? '' : 's'} ${missing.map((key) => `"${key}"`).join(', ')} that this integration stores; add ${missing.length === 1 ? 'it' : 'them'} so diagnostics do not publish ${missing.length === 1 ? 'it' : 'them'}.`);
  }
}

/** The set/list/tuple literal a TO_REDACT argument stands for, possibly in another module. */
function setDefinition(file: FileModel, argument: Node, integration: FileContext['integration']): { file: FileModel; node: Node } | undefined {
  const target = unwrap(argument);
  if (['set', 'list', 'tuple'].includes(target.type)) return { file, node: target };
  if (target.type !== 'identifier') return undefined;
  const local = file.origins(target).find((origin) => origin.kind === 'expression' && ['set', 'list', 'tuple'].includes(unwrap(origin.node).type));
  if (local) return { file, node: unwrap(local.node) };
  const constant = constantExpression(file, target, integration);
  if (constant && ['set', 'list', 'tuple'].includes(unwrap(constant.node).type)) return { file: constant.file, node: unwrap(constant.node) };
  return undefined;
}
