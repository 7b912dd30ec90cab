import type { Node } from 'web-tree-sitter';
import { addImport, replaceNode } from '../fixes';
import { isConstantExpression } from '../model/constness';
import type { FileModel } from '../model/fileModel';
import { untrustedSource } from '../model/untrusted';
import { literalString, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { TextEdit } from '../types';

const CODE_RUNNERS = new Set(['eval', 'exec', 'compile', 'builtins.eval', 'builtins.exec', 'builtins.compile']);
const DYNAMIC_IMPORTS = new Set(['__import__', 'builtins.__import__', 'importlib.import_module', 'importlib.__import__']);

export const dynamicEval: Rule = {
  meta: {
    id: 'dynamic-eval',
    checklist: 'code-execution',
    severity: 'error',
    fix: 'suggestion',
    cwe: 95,
    description: 'eval, exec or compile runs code built at run time; dynamic imports load modules named by data.',
    docs: `\`eval\`, \`exec\` and \`compile\` turn text into running Python with all of Home Assistant's rights:
its files, its credentials and every device it controls. If any part of that text comes from a service call, a
config flow, a webhook, a device or a cloud API, whoever controls that input controls Home Assistant.
\`__import__\` and \`importlib.import_module\` with a name taken from data are the same risk one step removed.

The rule reports these builtins (when not shadowed by a definition of the same name) whenever their code argument
is not a string literal; input from service data, flows, webhooks or requests is called out in the message.
\`ast.literal_eval\`, \`re.compile\`, \`Template(...).async_render\` and methods that merely share a name are not
reported.

**Fix:** parse data with \`json.loads\` or \`ast.literal_eval\` (a suggestion, since it only accepts literals), map
names to functions with a dict, and use Home Assistant templates for user formulas. Integrations that are scripting
engines by design say so with \`# ha-security: ignore[dynamic-eval] reason\`.

Bad:
\`\`\`python
value = eval(call.data["expression"])
\`\`\`

Good:
\`\`\`python
value = ast.literal_eval(call.data["expression"])
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    for (const call of file.calls) {
      const name = call.name ?? '';
      const bare = name.replace(/^builtins\./, '');
      const isRunner = CODE_RUNNERS.has(name) && (name.startsWith('builtins.') || file.isBuiltin(bare));
      const isImport = DYNAMIC_IMPORTS.has(name) && (name.includes('.') || file.isBuiltin(bare));
      if (!isRunner && !isImport) continue;
      context.markUsed();
      const code = call.args[0] ?? call.keywords.get('source') ?? call.keywords.get('name');
      if (!code || literalString(code) !== undefined) continue;
      const constant = isConstantExpression(file, code, integration);
      if (constant && isImport) continue;
      const source = untrustedSource(file, code, integration);
      const origin = source ? `from ${source.description}` : constant ? 'from a constant built at run time' : 'from a value computed at run time';
      const what = isImport ? `\`${bare}\` loads a module named ${origin}` : `\`${bare}\` runs code ${origin}`;
      const edits = bare === 'eval' ? literalEvalEdits(file, call.callee) : undefined;
      context.report(call.node, `${what}; whoever controls that value controls Home Assistant. ${isImport ? 'Map allowed names to modules explicitly.' : 'Parse data (json.loads, ast.literal_eval) instead of executing it.'}`, {
        severity: source || !constant ? 'error' : 'warning',
        suggestions: edits ? [{ title: 'Use ast.literal_eval (accepts only literals)', safe: false, edits }] : [],
      });
    }
  },
};

function literalEvalEdits(file: FileModel, callee: Node): TextEdit[] | undefined {
  if (unwrap(callee).type !== 'identifier') return undefined;
  const edits: TextEdit[] = [replaceNode(callee, 'ast.literal_eval')];
  if (file.imports.get('ast') !== 'ast') {
    if (file.imports.has('ast')) return undefined;
    const importEdit = addImport(file, 'ast');
    if (importEdit) edits.push(importEdit);
  }
  return edits;
}
