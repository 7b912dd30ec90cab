import type { Node } from '../python/syntaxTree';
import { descendants, unwrap } from '../python/syntax';
import type { FileModel } from './fileModel';
import type { IntegrationModel } from './integration';
import { methodsOf } from './untrusted';

/** Marks a form whose step id the analysis cannot tell (a helper showing forms for several steps). */
export const ANY_STEP = '*';

/**
 * The step ids the flow shows a form for: with a data_schema (`*` when one cannot be told), and without one (a
 * confirmation form, whose submission the flow manager hands back unvalidated).
 */
export function shownForms(classes: { file: FileModel; node: Node }[], integration: IntegrationModel | undefined): { validated: Set<string>; bare: Set<string> } {
  const validated = new Set<string>();
  const bare = new Set<string>();
  for (const { file, node: cls } of classes) {
    const steps = methodsOf(cls).filter((fn) => /^async_step_/.test(fn.childForFieldName('name')?.text ?? ''));
    for (const node of descendants(cls, ['call'])) {
      const site = file.callSite(node);
      if (site?.method !== 'async_show_form') continue;
      if (site.hasSplat) {
        validated.add(ANY_STEP);
        continue;
      }
      const schema = site.keywords.get('data_schema');
      const stepId = site.keywords.get('step_id');
      const id = stepId ? file.stringValue(stepId, integration?.constantString) : enclosingStep(node, steps);
      if (!schema || unwrap(schema).type === 'none') {
        if (id !== undefined) bare.add(id);
        continue;
      }
      validated.add(id ?? ANY_STEP);
    }
  }
  return { validated, bare };
}

function enclosingStep(node: Node, steps: Node[]): string | undefined {
  const step = steps.find((candidate) => candidate.startIndex <= node.startIndex && node.endIndex <= candidate.endIndex);
  return step?.childForFieldName('name')?.text.slice('async_step_'.length);
}
