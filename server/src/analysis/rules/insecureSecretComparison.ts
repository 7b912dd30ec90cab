import type { Node } from '../python/syntaxTree';
import { addImport, preferredQuote, replaceNode } from '../fixes';
import type { FileModel } from '../model/fileModel';
import { isCertainlyString } from '../model/commandLine';
import { mayBeNone } from '../model/constness';
import type { IntegrationModel } from '../model/integration';
import { requestHandlerKind, untrustedSource } from '../model/untrusted';
import { comparedCredential, computesSignature, isTrivialOperand } from '../model/verification';
import { comparisonParts, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix, TextEdit } from '../types';
import { excerpt } from '../text';

const REQUEST_KINDS = new Set(['webhook', 'view-request', 'request']);

export const insecureSecretComparison: Rule = {
  meta: {
    id: 'insecure-secret-comparison',
    checklist: 'webhook-signature',
    severity: 'error',
    fix: 'safe',
    cwe: 208,
    description: 'A signature, token or secret from a request is compared with == or != instead of hmac.compare_digest.',
    docs: `\`==\` on strings returns as soon as two characters differ, so how long it takes says how much of a guess was
right. An attacker who can send many requests and time the answers recovers a signature or token one character
at a time. \`hmac.compare_digest\` takes the same time whatever the inputs.

The rule reports \`==\` and \`!=\` where one side is a signature, HMAC, token, password or secret and the
comparison authenticates someone: a signature computed on the spot (an HMAC, a keyed hash's digest) is compared
anywhere; a signature, token, password or key by name is compared inside a webhook handler or HTTP view, or against
a value read from a request. A rewrite is offered only where both sides can be text or bytes.
Comparing a refreshed token with the stored one (\`new_token != entry.data[CONF_TOKEN]\`) outside a request is
change detection and is not reported; comparisons with \`None\`, \`""\`, numbers or punctuation are not either,
nor names that describe signatures (\`signature_method\`, \`SIG_SIZE\`, \`verify_signature\`), a function's
\`inspect.signature\`, or an \`__eq__\` comparing one field of two objects (\`self.signature == other.signature\`).

**Fix:** \`hmac.compare_digest(a, b)\`, or \`not hmac.compare_digest(a, b)\` for \`!=\`; the quick fix rewrites the
comparison and imports \`hmac\`. Both sides must be \`str\` (ASCII) or both \`bytes\`: give header reads a default
(\`request.headers.get("X-Signature", "")\`), since \`compare_digest\` raises on \`None\`.

Bad:
\`\`\`python
if request.headers.get("X-Signature", "") != expected:
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
    if (file.isTestFile) return;
    if (file.calls.some((call) => /(^|\.)compare_digest$/.test(call.name ?? ''))) context.markUsed();
    for (const node of file.nodesOfType('comparison_operator')) {
      const parts = comparisonParts(node);
      if (!parts || (parts.operator !== '==' && parts.operator !== '!=')) continue;
      const { left, right, operator } = parts;
      if (isTrivialOperand(left) || isTrivialOperand(right)) continue;
      const kind = comparedCredential(file, left, right, integration);
      if (!kind) continue;
      // Only a comparison that lets a caller in is a signature or secret check: one in a request's handling, or one
      // against a signature computed on the spot. An options flow noticing that the API key changed is not one, nor
      // an entity comparing its own `schema_signature` with the last one, and neither makes the item apply.
      const authenticates = inRequestContext(file, node, [left, right], integration) || (kind === 'signature' && [left, right].some((side) => computesSignature(file, side)));
      if (!authenticates) continue;
      context.markUsed();
      context.report(node, `\`${excerpt(node.text)}\` compares a ${kind} with ${operator}, whose run time reveals how much of a guess was right; use hmac.compare_digest.`, {
        fix: compareDigestFix(file, node, left, right, operator),
      });
    }
  },
};

/** Inside a webhook handler or HTTP view, or comparing a value read from a request. */
function inRequestContext(file: FileModel, comparison: Node, sides: Node[], integration: IntegrationModel | undefined): boolean {
  if (sides.some((side) => REQUEST_KINDS.has(untrustedSource(file, side, integration)?.kind ?? ''))) return true;
  const fn = file.enclosingFunction(comparison);
  return fn !== undefined && requestHandlerKind(file, fn, integration) !== undefined;
}

function compareDigestFix(file: FileModel, comparison: Node, left: Node, right: Node, operator: string): Fix | undefined {
  // compare_digest takes only text and bytes: a tuple or a number compared with == has no rewrite.
  if ([left, right].some((side) => holdsNonText(file, side))) return undefined;
  const compare = compareDigestName(file, comparison);
  if (!compare) return undefined;
  // compare_digest raises TypeError where == quietly returned False: on None, or on str against bytes. A header or
  // query read without a default gets "" as its default, so a request without it is turned away, not an error.
  // A name holding such a read (`token = request.headers.get("X-Token")`) gets `or ""` in the call.
  const quote = preferredQuote(file);
  const texts = [left, right].map((side) => {
    if (isReadWithoutDefault(file, side)) return withEmptyDefault(file, side);
    return unwrap(side).type === 'identifier' && mayBeNone(file, side) ? `${side.text} or ${quote}${quote}` : side.text;
  });
  const call = `${compare.name}(${texts[0]}, ${texts[1]})`;
  const edits: TextEdit[] = [replaceNode(comparison, operator === '!=' ? `not ${call}` : call)];
  if (compare.importEdit) edits.push(compare.importEdit);
  // Safe where every value that may be None is text the request sent (a header, query or cookie), now defaulted.
  const unsafeNone = [left, right].some((side) => !isReadWithoutDefault(file, side) && mayBeNone(file, side) && !(unwrap(side).type === 'identifier' && readsText(file, side)));
  // A JSON body's value may be a number or a list as well, which compare_digest rejects where == said False.
  const anyType = [left, right].some((side) => untrustedSource(file, side)?.part === 'json' && !madeAsText(file, side));
  const safe = !unsafeNone && !anyType && !mixesBytes(file, left, right);
  return { title: 'Compare with hmac.compare_digest', safe, edits };
}

/**
 * `request.headers.get("X-Signature")` written in the comparison itself, with no default: a header, query or cookie
 * value is text or missing (a JSON body's value could be a number, which compare_digest rejects too).
 */
function isReadWithoutDefault(file: FileModel, side: Node): boolean {
  // Only the call itself: inside parentheses the default would land in them and make a tuple.
  if (side.type !== 'call' || !side.text.endsWith(')')) return false;
  const site = file.callSite(side);
  return site?.method === 'get' && site.args.length === 1 && site.keywords.size === 0 && TEXT_PARTS.has(untrustedSource(file, side)?.part ?? '');
}

const TEXT_PARTS = new Set(['headers', 'query', 'cookies']);

/** Methods only text has, so their result is text whatever the value was (`data["id"].split(":")[1]`, `.strip()`). */
const TEXT_METHODS = new Set(['lower', 'upper', 'strip', 'lstrip', 'rstrip', 'casefold', 'replace', 'removeprefix', 'removesuffix', 'title', 'format']);
const SPLITTING_METHODS = new Set(['split', 'rsplit', 'partition', 'rpartition', 'splitlines']);

/** Whether every value of a side is text (str or bytes): made by a text method, a split's part, str() or a literal. */
function madeAsText(file: FileModel, side: Node): boolean {
  if (isCertainlyString(file, side)) return true;
  const origins = file.origins(side);
  return origins.length > 0 && origins.every((origin) => {
    let node = unwrap(origin.node);
    if (origin.kind !== 'expression') return false;
    let splitPart = false;
    if (node.type === 'subscript') {
      node = unwrap(node.childForFieldName('value') ?? node);
      splitPart = true;
    }
    const site = node.type === 'call' ? file.callSite(node) : undefined;
    if (!site?.method) return false;
    return splitPart ? SPLITTING_METHODS.has(site.method) : TEXT_METHODS.has(site.method);
  });
}

/** A name every value of which is a header, query or cookie read: text, or None when it is missing. */
function readsText(file: FileModel, side: Node): boolean {
  const origins = file.origins(side).filter((origin) => origin.kind === 'expression');
  return origins.length > 0 && origins.every((origin) => TEXT_PARTS.has(untrustedSource(file, origin.node)?.part ?? ''));
}

function withEmptyDefault(file: FileModel, side: Node): string {
  const quote = preferredQuote(file);
  const before = side.text.slice(0, -1).replace(/,?\s*$/, '');
  return `${before}, ${quote}${quote})`;
}

/**
 * How the comparison can call compare_digest: through the module's `hmac` import (added if missing), or, where a
 * local variable is called `hmac` (a signature header, often), through `from hmac import compare_digest`.
 */
function compareDigestName(file: FileModel, at: Node): { name: string; importEdit?: TextEdit } | undefined {
  const imported = file.importOf('hmac')?.[0];
  const hmacName = imported ?? 'hmac';
  if (!file.isBoundAround(at, hmacName) && (imported || file.isBuiltin('hmac'))) {
    return { name: `${hmacName}.compare_digest`, importEdit: imported ? undefined : addImport(file, 'hmac') };
  }
  const direct = file.importOf('hmac.compare_digest')?.[0];
  if (direct && !file.isBoundAround(at, direct)) return { name: direct };
  if (!file.isBuiltin('compare_digest') || file.isBoundAround(at, 'compare_digest')) return undefined;
  return { name: 'compare_digest', importEdit: addImport(file, 'hmac', 'compare_digest') };
}

const NON_TEXT = new Set(['tuple', 'list', 'dictionary', 'set', 'integer', 'float', 'true', 'false', 'list_comprehension', 'dictionary_comprehension', 'set_comprehension']);

/** A value that is, or is assigned, a tuple, list, dict, set or number (`tuple(sorted(x))` included). */
function holdsNonText(file: FileModel, side: Node): boolean {
  return file.origins(side).some((origin) => {
    const node = unwrap(origin.node);
    if (origin.kind !== 'expression') return false;
    if (NON_TEXT.has(node.type)) return true;
    return node.type === 'call' && /^(tuple|list|dict|set|frozenset|int|float|len|sorted)$/.test(file.callSite(node)?.name ?? '');
  });
}

function isBytes(file: FileModel, side: Node): boolean {
  const node = unwrap(side);
  if (node.type === 'string') return /^[a-z]*b/i.test(node.text);
  if (node.type !== 'call') return false;
  const site = file.callSite(node);
  return site?.method === 'digest' || site?.method === 'encode' || site?.method === 'read';
}

function mixesBytes(file: FileModel, left: Node, right: Node): boolean {
  return isBytes(file, left) !== isBytes(file, right);
}

