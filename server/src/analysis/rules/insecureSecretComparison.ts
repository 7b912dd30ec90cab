import type { Node } from 'web-tree-sitter';
import { addImport, replaceNode } from '../fixes';
import type { FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { isSecretName } from '../model/secrets';
import { isViewClass, registeredHandlers, untrustedSource } from '../model/untrusted';
import { pythonQuery } from '../python/parser';
import { literalString, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix, TextEdit } from '../types';

const SIGNATURE_WORDS = /(signature|digest|hmac|sig$|^sig_|checksum|mac$)/i;

export const insecureSecretComparison: Rule = {
  meta: {
    id: 'insecure-secret-comparison',
    checklist: 'webhook-signature',
    severity: 'error',
    fix: 'safe',
    cwe: 208,
    description: 'A request\'s signature, token or secret is compared with == or != instead of hmac.compare_digest.',
    docs: `\`==\` on strings stops at the first differing character, so the time it takes tells an attacker how much of
their guess was right. Over many requests a signature or token can be recovered one character at a time.
\`hmac.compare_digest\` takes the same time whatever the inputs.

The rule reports \`==\`/\`!=\` where one side is a signature, digest, HMAC, token or secret and the comparison
authenticates a request: inside a webhook handler or an HTTP view, or with a value read from the request.
Comparing a refreshed token with the stored one outside a request (\`new_token != entry.data[CONF_TOKEN]\`) is
change detection, not authentication, and is not reported; nor are comparisons with \`None\` or \`""\`.

**Fix:** \`hmac.compare_digest(a, b)\` (\`not hmac.compare_digest(a, b)\` for \`!=\`); the quick fix rewrites it and
imports \`hmac\`.

Bad:
\`\`\`python
if request.headers.get("X-Signature") != expected:
    return web.Response(status=401)
\`\`\`

Good:
\`\`\`python
if not hmac.compare_digest(request.headers.get("X-Signature", ""), expected):
    return web.Response(status=401)
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    for (const { node } of pythonQuery('(comparison_operator) @comparison').captures(file.root)) {
      if (node.namedChildCount !== 2) continue;
      const operator = node.child(1)?.text;
      if (operator !== '==' && operator !== '!=') continue;
      const left = node.namedChild(0)!;
      const right = node.namedChild(1)!;
      if (isTrivial(left) || isTrivial(right)) continue;
      if (!isSecretSide(file, left, integration) && !isSecretSide(file, right, integration)) continue;
      context.markUsed();
      if (!authenticatesRequest(file, node, [left, right], integration)) continue;
      context.report(node, `Comparing \`${shorten(node.text)}\` with ${operator} leaks through timing how much of a guess was right; use hmac.compare_digest.`, {
        fix: compareDigestFix(file, node, left, right, operator),
      });
    }
  },
};

function isTrivial(node: Node): boolean {
  const target = unwrap(node);
  return target.type === 'none' || target.type === 'integer' || target.type === 'true' || target.type === 'false' || literalString(target) === '';
}

function isSecretSide(file: FileModel, side: Node, integration: IntegrationModel | undefined): boolean {
  const target = unwrap(side);
  const names: string[] = [];
  if (target.type === 'identifier') names.push(target.text);
  if (target.type === 'attribute') names.push(target.childForFieldName('attribute')?.text ?? '');
  if (target.type === 'subscript') {
    const key = target.childForFieldName('subscript');
    names.push((key && file.stringValue(key, integration?.constantString)) ?? '');
  }
  if (target.type === 'call') {
    const site = file.callSite(target);
    if (site?.method === 'hexdigest' || site?.method === 'digest' || /(^|\.)hmac\.(new|digest)$/.test(site?.name ?? '')) return true;
    if (site?.method === 'get' && site.args[0]) names.push(file.stringValue(site.args[0], integration?.constantString) ?? '');
  }
  return names.some((name) => name !== '' && (isSecretName(name) || SIGNATURE_WORDS.test(name.replace(/^x[-_]/i, ''))));
}

/** Inside a webhook handler or HTTP view, or comparing a value taken from the request. */
function authenticatesRequest(file: FileModel, comparison: Node, sides: Node[], integration: IntegrationModel | undefined): boolean {
  if (sides.some((side) => {
    const kind = untrustedSource(file, side, integration)?.kind;
    return kind === 'webhook' || kind === 'view-request';
  })) return true;
  const fn = file.enclosingFunction(comparison);
  if (!fn) return false;
  if (registeredHandlers(file, integration).webhooks.has(fn.id)) return true;
  let cls = fn.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  return cls !== null && isViewClass(file, cls);
}

function compareDigestFix(file: FileModel, comparison: Node, left: Node, right: Node, operator: string): Fix {
  const hmacName = [...file.imports.entries()].find(([, qualified]) => qualified === 'hmac')?.[0];
  const call = `${hmacName ?? 'hmac'}.compare_digest(${left.text}, ${right.text})`;
  const edits: TextEdit[] = [replaceNode(comparison, operator === '!=' ? `not ${call}` : call)];
  if (!hmacName) {
    const importEdit = addImport(file, 'hmac');
    if (importEdit) edits.push(importEdit);
  }
  // A missing header read with .get() is None, which compare_digest rejects with TypeError instead of False.
  const mayBeNone = [left, right].some((side) => {
    const target = unwrap(side);
    return target.type === 'call' && file.callSite(target)?.method === 'get' && (file.callSite(target)?.args.length ?? 0) < 2;
  });
  return { title: 'Compare with hmac.compare_digest', safe: !mayBeNone, edits };
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
