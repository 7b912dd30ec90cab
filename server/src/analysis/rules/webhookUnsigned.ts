import type { Node } from '../python/syntaxTree';
import { addImport, insertLines, preferredQuote } from '../fixes';
import type { FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { parametersOf, webhookRegistrations } from '../model/untrusted';
import { callerCheck } from '../model/verification';
import { ancestorOfType, isAsyncFunction, rangeOf } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix, TextEdit } from '../types';
import { baseName, excerpt } from '../text';

export const webhookUnsigned: Rule = {
  meta: {
    id: 'webhook-unsigned',
    checklist: 'webhook-signature',
    severity: 'error',
    fix: 'suggestion',
    cwe: 345,
    description: 'A webhook handler acts on requests without verifying a signature or shared secret.',
    docs: `A webhook is a public URL. Whoever learns it (from a log, a proxy, a screenshot, the vendor's dashboard)
can post to it, and Home Assistant runs the handler with whatever they send: invented sensor readings, forged
events, commands. Services that push to webhooks sign each request, usually with an HMAC of the body computed with
a secret both sides share and sent in a header, so that the receiver can tell the service's requests from anyone
else's. A handler that skips the check trusts the URL alone.

The rule follows every \`webhook.async_register(...)\` of the integration to its handler, also when the handler
lives in another module, is a method, is wrapped in \`functools.partial\` or a lambda, or is an instance of the
integration's own class called through \`__call__\`, and looks in the handler and in the
integration's functions it calls for a check: \`hmac.compare_digest\`, a verification function given the request,
its headers or a signature (a library's \`verify_signature(body, headers)\`, or any library call given the body and
a signature header), a decoded JWT, a comparison of a token or signature, or a request token that turns the caller
away unless it matches. Handlers registered with \`local_only=True\` are warnings: only the local network reaches
them. That is also the step left for a device that cannot sign what it sends: keep its webhook local. A check that waves every request through while no key is configured (\`if not key: return True\`) is a
warning: until a key is set, the URL alone is enough. So is a check made only when the request carries a signature
(\`if signature: ... compare_digest(...)\`, with no \`else\` that rejects): leaving the header out skips it. When the handler hands the request to code outside the
integration, or only checks the client's address, the checklist asks for a review instead.

**Fix:** verify the signature before using the request, and answer 401 when it does not match. The suggested fix
inserts such a check at the top of the handler: an HMAC-SHA256 of the body with a secret stored in the config
entry, compared in constant time with the \`X-Signature\` header. Use the header, algorithm and secret your
service documents.

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
    async_dispatcher_send(hass, SIGNAL_UPDATE, json.loads(body))
\`\`\``,
  },
  checkIntegration(context) {
    const { integration } = context;
    const checked = new Set<string>();
    for (const registration of webhookRegistrations(integration.files[0], integration)) {
      if (registration.file.isTestFile) continue;
      context.markUsed();
      if (registration.handlers.length === 0) {
        const reference = registration.reference?.text ?? 'handler';
        context.review(`The webhook handler \`${reference}\` (${baseName(registration.file.path)}) is not defined in the integration; check that it verifies a signature or shared secret.`);
        continue;
      }
      for (const handler of registration.handlers) {
        const key = `${handler.file.path}#${handler.node.id}`;
        if (checked.has(key)) continue;
        checked.add(key);
        const name = handler.node.childForFieldName('name');
        // An instance called through `__call__` is known by its class.
        const owner = name?.text === '__call__' ? ancestorOfType(handler.node, ['class_definition'])?.childForFieldName('name')?.text : undefined;
        const label = owner ? `${owner}.__call__` : name?.text ?? 'handler';
        const check = callerCheck(handler.file, handler.node, integration);
        if (check?.kind === 'verified') continue;
        if (check?.kind === 'delegated') {
          context.review(`Webhook handler \`${label}\` (${baseName(handler.file.path)}) passes the request to \`${check.how}\`, which is outside the integration; check that it verifies a signature.`);
          continue;
        }
        if (check?.kind === 'fail-open') {
          const message =
            check.when === 'no-signature'
              ? `Webhook handler \`${label}\` verifies a signature only when the request carries one (\`${excerpt(check.how)}\`), so a request that leaves it out is handled unchecked; reject requests without a signature.`
              : `Webhook handler \`${label}\` verifies a signature only while a key is configured (\`${excerpt(check.how)}\`), so without one anyone who learns the URL can call it; reject requests when the key is missing.`;
          context.report(handler.file.path, name ?? handler.node, message, {
            severity: 'warning',
          });
          continue;
        }
        if (check?.kind === 'address') {
          context.review(`Webhook handler \`${label}\` (${baseName(handler.file.path)}) only checks the client's address (\`${excerpt(check.how)}\`); a signature or shared secret is stronger, check whether the service offers one.`);
          continue;
        }
        const reach = registration.localOnly ? 'anyone on the local network who learns the URL' : 'anyone who learns the URL';
        // A device on the LAN often cannot sign; keeping its webhook local is then the step that is left.
        const otherwise = registration.localOnly ? '' : '; for a sender that cannot sign, register the webhook with local_only=True if the sender is on the local network, or check a shared secret it sends';
        context.report(handler.file.path, name ?? handler.node, `Webhook handler \`${label}\` acts on requests without verifying a signature or shared secret, so ${reach} can call it; compare an HMAC of the body with hmac.compare_digest and reject mismatches${otherwise}.`, {
          severity: registration.localOnly ? 'warning' : undefined,
          suggestions: signatureCheckFix(handler.file, handler.node, integration),
        });
      }
    }
  },
};

/**
 * "Add signature check": HMAC-SHA256 of the body with a secret from the handler's config entry, compared in
 * constant time with a header, inserted after the docstring; 401 on mismatch.
 */
function signatureCheckFix(file: FileModel, fn: Node, integration: IntegrationModel): Fix[] {
  if (!isAsyncFunction(fn)) return [];
  const parameters = parametersOf(fn).filter((parameter) => parameter.kind === 'plain' && !parameter.keywordOnly);
  if (parameters.length < 3) return [];
  // The handler's own parameters are the last three (`partial` and methods put theirs in front).
  const [hass, webhookId, request] = parameters.slice(-3).map((parameter) => parameter.name);
  const body = fn.childForFieldName('body');
  const first = body?.namedChildren.find((child) => child !== null && child.type !== 'comment');
  if (!body || !first || first.startPosition.row === fn.startPosition.row) return [];
  const docstring = first.type === 'expression_statement' && first.namedChild(0)?.type === 'string' ? first : undefined;
  const anchor = docstring ? body.namedChildren.find((child) => child !== null && child.startIndex > docstring.endIndex && child.type !== 'comment') : first;
  const anchorLine = anchor ? rangeOf(anchor).start.line : rangeOf(docstring ?? first).end.line + 1;
  const indent = /^[ \t]*/.exec(file.lineText(first.startPosition.row))?.[0] ?? file.indentUnit;
  const quote = preferredQuote(file);
  const q = (text: string) => `${quote}${text}${quote}`;
  const taken = new Set([...file.bindingsIn(fn).keys()]);
  const fresh = (name: string) => {
    let candidate = name;
    while (taken.has(candidate)) candidate = `${candidate}_`;
    taken.add(candidate);
    return candidate;
  };
  const entryParameter = parametersOf(fn).find((parameter) => /^(config_)?entry$/.test(parameter.name) || /ConfigEntry/.test(parameter.annotation?.text ?? ''));
  const domain = file.imports.has('DOMAIN') || file.constants.has('DOMAIN') ? 'DOMAIN' : q(integration.domain);
  const bodyName = fresh('signed_body');
  const secretName = fresh('webhook_secret');
  const expectedName = fresh('expected_signature');
  const lines = [
    `# Reject requests the service did not sign: an HMAC-SHA256 of the body with the shared secret.`,
    `# Use the header and secret your service documents (here the X-Signature header and the entry's "webhook_secret").`,
    `${bodyName} = await ${request}.read()`,
  ];
  if (entryParameter) {
    lines.push(`${secretName} = ${entryParameter.name}.data.get(${q('webhook_secret')}, ${q('')})`);
  } else {
    const entryName = fresh('webhook_entry');
    lines.push(
      `${entryName} = next((entry for entry in ${hass}.config_entries.async_entries(${domain}) if entry.data.get(${q('webhook_id')}) == ${webhookId}), None)`,
      `${secretName} = ${entryName}.data.get(${q('webhook_secret')}, ${q('')}) if ${entryName} else ${q('')}`,
    );
  }
  lines.push(
    `${expectedName} = hmac.new(${secretName}.encode(), ${bodyName}, hashlib.sha256).hexdigest()`,
    `if not ${secretName} or not hmac.compare_digest(${expectedName}, ${request}.headers.get(${q('X-Signature')}, ${q('')})):`,
    `${file.indentUnit}return web.Response(status=HTTPStatus.UNAUTHORIZED)`,
  );
  const edits: TextEdit[] = [insertLines(file, anchorLine, lines.map((line) => `${indent}${line}\n`).join(''))];
  for (const [module, name] of [['hashlib', undefined], ['hmac', undefined], ['http', 'HTTPStatus'], ['aiohttp', 'web']] as const) {
    if (name !== undefined && file.imports.has(name)) continue;
    if (name === undefined && file.imports.has(module)) continue;
    const edit = addImport(file, module, name);
    if (edit) edits.push(edit);
  }
  return [{ title: 'Add signature check', safe: false, edits }];
}

/** The quote style most of the file's strings use. */

