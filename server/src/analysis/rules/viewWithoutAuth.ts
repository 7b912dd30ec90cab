import { replaceNode } from '../fixes';
import { isViewClass } from '../model/untrusted';
import { descendants, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import { verifies } from './webhookUnsigned';

const HANDLER_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);
/** Evidence that a public view checks its caller some other way. */
const OTHER_CHECKS = /KEY_HASS_USER|KEY_AUTHENTICATED|authSig|async_validate_access_token|async_validate_signed_path|validate_access_token|check_token|verify_token|is_authenticated/;

export const viewWithoutAuth: Rule = {
  meta: {
    id: 'view-without-auth',
    checklist: 'unauthenticated-endpoint',
    severity: 'error',
    fix: 'suggestion',
    cwe: 306,
    description: 'A HomeAssistantView sets requires_auth = False and serves data or acts without another check.',
    docs: `Home Assistant authenticates every HTTP view unless the view sets \`requires_auth = False\`. Such a view
answers anyone who can reach Home Assistant, which for many users is the whole internet through a reverse proxy
or Nabu Casa. A public view that returns state, camera images or account data, or that changes something, hands
that to strangers.

The rule reports views with \`requires_auth = False\` whose handlers do not check the caller another way
(\`hmac.compare_digest\` on a token or signature, a verification helper, \`request[KEY_HASS_USER]\`, a signed path
checked with \`authSig\`). Views with write methods (\`post\`, \`put\`, \`patch\`, \`delete\`) are errors; read-only
ones are warnings. A view that is public by design (an OAuth callback, a static asset) says so with
\`# ha-security: ignore[view-without-auth] reason\` on its \`requires_auth\` line.

**Fix:** remove \`requires_auth = False\` (or set it to \`True\`), or verify a signed path or token in every handler.

Bad:
\`\`\`python
class StatusView(HomeAssistantView):
    url = "/api/acme/status"
    requires_auth = False
\`\`\`

Good:
\`\`\`python
class StatusView(HomeAssistantView):
    url = "/api/acme/status"
    requires_auth = True
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    for (const cls of file.classes) {
      if (!isViewClass(file, cls)) continue;
      context.markUsed();
      const body = cls.childForFieldName('body');
      const setting = body?.namedChildren
        .map((statement) => (statement?.type === 'expression_statement' ? statement.namedChild(0) : null))
        .find((assignment) => assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === 'requires_auth');
      const value = setting?.childForFieldName('right');
      if (!setting || !value || unwrap(value).type !== 'false') continue;
      const handlers = file.functions.filter((fn) => HANDLER_METHODS.has(fn.childForFieldName('name')?.text ?? '') && fn.parent?.parent?.id === cls.id);
      if (handlers.length === 0) continue;
      if (handlers.every((handler) => verifies(file, handler, integration, 2) || descendants(handler, ['identifier', 'string']).some((node) => OTHER_CHECKS.test(node.text)))) continue;
      const writes = handlers.some((handler) => (handler.childForFieldName('name')?.text ?? 'get') !== 'get');
      const name = cls.childForFieldName('name')?.text ?? 'view';
      context.report(setting, `${name} sets requires_auth = False and its ${writes ? 'handlers change things' : 'handler returns data'} without checking the caller; anyone who can reach Home Assistant can call it.`, {
        severity: writes ? 'error' : 'warning',
        suggestions: [{ title: 'Require authentication (requires_auth = True)', safe: false, edits: [replaceNode(unwrap(value), 'True')] }],
      });
    }
  },
};
