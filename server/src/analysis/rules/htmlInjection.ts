import type { Node } from 'web-tree-sitter';
import { insertAt, replaceNode } from '../fixes';
import type { FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { untrustedSource } from '../model/untrusted';
import { interpolations, literalString, rangeOf, unwrap } from '../python/syntax';
import type { Rule } from '../rule';

const RESPONSES = /^aiohttp\.web\.Response$|^aiohttp\.web_response\.Response$|^aiohttp\.web\.HTTPOk$/;
const ESCAPES = /(^|\.)(html\.escape|markupsafe\.escape|escape|quote|json\.dumps|bleach\.clean)$/;
const MARKUP = /(^|\.)(markupsafe|jinja2)\.Markup$/;

export const htmlInjection: Rule = {
  meta: {
    id: 'html-injection',
    checklist: 'xss',
    severity: 'error',
    fix: 'safe',
    cwe: 79,
    description: 'HTML is built from request or service data without escaping, or Jinja2 autoescaping is off.',
    docs: `An HTML page that repeats a request parameter unescaped lets whoever writes the link run script in Home
Assistant's origin, with the logged-in user's session: reading tokens, calling services, changing automations.

The rule reports aiohttp \`web.Response(text=..., content_type="text/html")\` (also from views) whose text
interpolates request, webhook, flow or service data without \`html.escape\`/\`markupsafe.escape\`; \`Markup(...)\`
around formatted data (which marks it as already safe); and \`jinja2.Environment\` created without
\`autoescape\` (Jinja2's default is off) or with \`autoescape=False\`. JSON responses are not HTML and are not
reported.

**Fix:** escape every interpolated value (\`html.escape(value)\`), return JSON (\`self.json(...)\`) instead of HTML,
and create Jinja2 environments with \`autoescape=True\` (the quick fix adds it).

Bad:
\`\`\`python
return web.Response(text=f"<h1>Hello {request.query['name']}</h1>", content_type="text/html")
\`\`\`

Good:
\`\`\`python
return web.Response(text=f"<h1>Hello {html.escape(request.query['name'])}</h1>", content_type="text/html")
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    for (const call of file.calls) {
      const name = call.name ?? '';
      if (RESPONSES.test(name) || (name.endsWith('web.Response') && call.keywords.has('content_type'))) {
        const contentType = call.keywords.get('content_type');
        const type = contentType ? literalString(contentType) : undefined;
        if (!type || !/html/i.test(type)) continue;
        context.markUsed();
        const body = call.keywords.get('text') ?? call.keywords.get('body') ?? call.args[0];
        const tainted = body ? unescapedInput(file, body, integration) : undefined;
        if (tainted) context.report(call.node, `\`${shorten(tainted.text)}\` comes from ${untrustedSource(file, tainted, integration)?.description ?? 'the request'} and goes into HTML unescaped; wrap it in html.escape().`);
      } else if (MARKUP.test(name) || (name === 'Markup' && file.imports.get('Markup')?.endsWith('Markup'))) {
        const value = call.args[0];
        if (!value) continue;
        context.markUsed();
        const tainted = unescapedInput(file, value, integration);
        if (tainted) context.report(call.node, 'Markup() marks formatted data as safe HTML, so nothing escapes it; escape the values (markupsafe.escape) or let the template do it.');
      } else if (name === 'jinja2.Environment' || name === 'jinja2.sandbox.SandboxedEnvironment') {
        context.markUsed();
        const autoescape = call.keywords.get('autoescape');
        if (autoescape && unwrap(autoescape).type !== 'false') continue;
        if (call.hasSplat) continue;
        const fix = autoescape
          ? { title: 'Turn autoescaping on', safe: true, edits: [replaceNode(unwrap(autoescape), 'True')] }
          : { title: 'Turn autoescaping on', safe: true, edits: [addKeyword(call.node, 'autoescape=True')] };
        context.report(autoescape ?? call.callee, `Jinja2 does not escape HTML ${autoescape ? 'with autoescape=False' : 'unless autoescape is set'}; values rendered into templates can inject script. Pass autoescape=True.`, { fix });
      }
    }
  },
};

/** The first interpolated value of untrusted origin that is not escaped, following local variables. */
function unescapedInput(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth = 4): Node | undefined {
  if (depth <= 0) return undefined;
  for (const origin of file.origins(expression)) {
    const node = unwrap(origin.node);
    const parts =
      node.type === 'string' || node.type === 'concatenated_string'
        ? interpolations(node)
        : node.type === 'binary_operator'
          ? [node.childForFieldName('left'), node.childForFieldName('right')].filter((part): part is Node => part !== null)
          : node.type === 'call' && file.callSite(node)?.method === 'format'
            ? [...(file.callSite(node)?.args ?? []), ...(file.callSite(node)?.keywords.values() ?? [])]
            : [];
    for (const part of parts) {
      const target = unwrap(part);
      if (target.type === 'call' && ESCAPES.test(file.callSite(target)?.name ?? '')) continue;
      if (target.type === 'string' || target.type === 'binary_operator' || target.type === 'tuple') {
        const inner = target.type === 'tuple' ? target.namedChildren.find((child) => child && untrustedSource(file, child, integration) && !isEscaped(file, child)) : unescapedInput(file, target, integration, depth - 1);
        if (inner) return inner;
        continue;
      }
      if (untrustedSource(file, target, integration) && !isEscaped(file, target)) return target;
    }
  }
  return undefined;
}

function isEscaped(file: FileModel, node: Node): boolean {
  return file.origins(node).every((origin) => {
    const target = unwrap(origin.node);
    return target.type === 'call' && ESCAPES.test(file.callSite(target)?.name ?? '');
  });
}

/** Adds a keyword argument after the last argument (keeping a trailing comma and line layout), or into `()`. */
function addKeyword(call: Node, keyword: string) {
  const args = call.childForFieldName('arguments');
  const last = args?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment').pop();
  if (last) {
    const end = rangeOf(last).end;
    return insertAt(end.line, end.character, `, ${keyword}`);
  }
  const open = args ? rangeOf(args).start : rangeOf(call).end;
  return insertAt(open.line, open.character + 1, keyword);
}

function shorten(text: string): string {
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}
