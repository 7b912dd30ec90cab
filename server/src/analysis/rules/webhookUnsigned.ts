import type { Node } from 'web-tree-sitter';
import { addImport, insertAt } from '../fixes';
import type { FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { resolveCallable } from '../model/untrusted';
import { descendants, isAsyncFunction, rangeOf, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix, TextEdit } from '../types';

const WEBHOOK_REGISTRATION = /(^|\.)(components\.webhook\.async_register|webhook\.async_register)$/;
const CONSTANT_TIME = /(^|\.)(hmac\.compare_digest|secrets\.compare_digest|compare_digest)$/;
const VERIFIER = /(verify|validate|check|authenticate|authorize|is_valid)\w*(signature|sig|hmac|token|secret|request|webhook|auth)|signature/i;

export const webhookUnsigned: Rule = {
  meta: {
    id: 'webhook-unsigned',
    checklist: 'webhook-signature',
    severity: 'error',
    fix: 'suggestion',
    cwe: 345,
    description: 'A webhook handler acts on requests without verifying a signature or shared secret.',
    docs: `A webhook is a public URL: anyone who learns it (from a log, a proxy, a shared screenshot, the vendor's
dashboard) can post to it, and Home Assistant will run the handler with whatever they send: fake sensor values,
forged events, commands. Services that call webhooks sign each request (an HMAC of the body with a shared secret,
sent in a header) precisely so the receiver can tell their requests from anyone else's.

The rule finds every handler registered with \`webhook.async_register\` (also when the handler is defined in
another module of the integration, is a method, or is wrapped in \`functools.partial\`) and looks for a
verification in the handler or the helpers it calls: a constant-time comparison (\`hmac.compare_digest\`), or the
request's signature header and body passed to a verification function. Handlers registered with
\`local_only=True\` are warnings rather than errors.

**Fix:** verify the signature before using the request. The suggested fix inserts an HMAC-SHA256 check of the
body against a secret kept in the config entry and answers 401 on mismatch; adjust the header and secret to your
service.

Bad:
\`\`\`python
async def handle_webhook(hass, webhook_id, request):
    data = await request.json()
    async_dispatcher_send(hass, SIGNAL_UPDATE, data)
\`\`\`

Good:
\`\`\`python
async def handle_webhook(hass, webhook_id, request):
    body = await request.read()
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Signature", "")):
        return web.Response(status=HTTPStatus.UNAUTHORIZED)
    data = json.loads(body)
\`\`\``,
  },
  checkIntegration(context) {
    const { integration } = context;
    const seen = new Set<number>();
    for (const file of integration.files) {
      for (const call of file.calls) {
        if (!call.name || !WEBHOOK_REGISTRATION.test(call.name)) continue;
        context.markUsed();
        const handlerReference = call.keywords.get('handler') ?? call.args[4];
        if (!handlerReference) continue;
        const handler = resolveCallable(file, handlerReference, integration);
        if (!handler) {
          context.review(`The webhook handler \`${handlerReference.text}\` could not be found in the integration; check that it verifies a signature.`);
          continue;
        }
        if (seen.has(handler.node.id)) continue;
        seen.add(handler.node.id);
        if (verifies(handler.file, handler.node, integration, 2)) continue;
        const localOnly = call.keywords.get('local_only');
        const isLocalOnly = localOnly !== undefined && unwrap(localOnly).type === 'true';
        const name = handler.node.childForFieldName('name');
        context.report(handler.file.path, name ?? handler.node, `Webhook handler \`${name?.text ?? 'handler'}\` uses the request without verifying a signature or shared secret; anyone who learns the URL can call it. Compare an HMAC of the body with hmac.compare_digest.`, {
          severity: isLocalOnly ? 'warning' : undefined,
          suggestions: signatureCheckFix(handler.file, handler.node, integration),
        });
      }
    }
  },
};

/** Whether a function (or a helper it calls, up to `depth` levels) verifies the request. */
export function verifies(file: FileModel, fn: Node, integration: IntegrationModel | undefined, depth: number): boolean {
  for (const node of descendants(fn, ['call'])) {
    const site = file.callSite(node);
    if (!site) continue;
    const name = site.name ?? site.method ?? '';
    if (CONSTANT_TIME.test(name)) return true;
    if (VERIFIER.test(name.split('.').pop() ?? '') && [...site.args, ...site.keywords.values()].some((arg) => /request|headers|body|payload|signature/i.test(arg.text))) return true;
    if (depth > 0) {
      const target = resolveCallable(file, site.callee, integration);
      if (target && target.node.id !== fn.id && verifies(target.file, target.node, integration, depth - 1)) return true;
    }
  }
  // A (timing-unsafe) comparison against a secret is still an attempt at verification; insecure-secret-comparison
  // reports it, so the handler is not reported twice.
  return descendants(fn, ['comparison_operator']).some((comparison) => /signature|secret|token|digest|hmac/i.test(comparison.text));
}

function signatureCheckFix(file: FileModel, fn: Node, integration: IntegrationModel | undefined): Fix[] {
  if (!isAsyncFunction(fn)) return [];
  const parameters = (fn.childForFieldName('parameters')?.namedChildren ?? [])
    .map((parameter) => (parameter?.type === 'identifier' ? parameter.text : parameter?.childForFieldName('name')?.text ?? parameter?.namedChild(0)?.text ?? ''))
    .filter((name) => name !== 'self');
  if (parameters.length < 3) return [];
  const [hass, webhookId, request] = parameters;
  const body = fn.childForFieldName('body');
  const first = body?.namedChild(0);
  if (!body || !first) return [];
  const docstring = first.type === 'expression_statement' && first.namedChild(0)?.type === 'string' ? first : undefined;
  const anchorLine = docstring ? rangeOf(docstring).end.line + 1 : rangeOf(first).start.line;
  const indent = ' '.repeat(rangeOf(first).start.character);
  const quote = file.text.split("'").length > file.text.split('"').length ? "'" : '"';
  const q = (text: string) => `${quote}${text}${quote}`;
  const domain = file.imports.has('DOMAIN') || file.constants.has('DOMAIN') ? 'DOMAIN' : q(integration?.domain ?? 'domain');
  const lines = [
    `# Only the service knows the shared secret: check that it signed this body (adjust header and key to your service).`,
    `body = await ${request}.read()`,
    `entry = next((entry for entry in ${hass}.config_entries.async_entries(${domain}) if entry.data.get(${q('webhook_id')}) == ${webhookId}), None)`,
    `secret = entry.data.get(${q('webhook_secret')}, ${q('')}) if entry else ${q('')}`,
    `expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()`,
    `if not secret or not hmac.compare_digest(expected, ${request}.headers.get(${q('X-Signature')}, ${q('')})):`,
    `    return web.Response(status=HTTPStatus.UNAUTHORIZED)`,
  ];
  const edits: TextEdit[] = [insertAt(anchorLine, 0, lines.map((line) => `${indent}${line}\n`).join(''))];
  for (const [module, name] of [['hashlib', undefined], ['hmac', undefined], ['http', 'HTTPStatus'], ['aiohttp', 'web']] as const) {
    const edit = addImport(file, module, name);
    if (edit) edits.push(edit);
  }
  return [{ title: 'Add signature check', safe: false, edits }];
}
