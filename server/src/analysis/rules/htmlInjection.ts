import type { Node } from '../python/syntaxTree';
import { insertAt, replaceNode } from '../fixes';
import type { CallSite, FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { knownKeyGuard } from '../model/knownKeys';
import { untrustedSource, type UntrustedSource } from '../model/untrusted';
import { descendants, firstFound, interpolations, literalString, rangeOf, unwrap } from '../python/syntax';
import type { Rule } from '../rule';
import type { Fix, TextEdit } from '../types';
import { excerpt } from '../text';

/** aiohttp responses that can carry an HTML body. */
const RESPONSES = /^aiohttp\.(web|web_response)\.(Response|HTTP\w+)$/;
/** Functions that make text safe to place in HTML. */
const ESCAPES = /^(html\.escape|cgi\.escape|markupsafe\.escape|markupsafe\.Markup\.escape|jinja2\.escape|xml\.sax\.saxutils\.escape|bleach\.clean|urllib\.parse\.quote|urllib\.parse\.quote_plus|urllib\.parse\.urlencode)$/;
const MARKUP = /^(markupsafe|jinja2|flask)\.Markup$/;
const JINJA_ENVIRONMENTS = /^jinja2\.(Environment|Template|sandbox\.SandboxedEnvironment|sandbox\.ImmutableSandboxedEnvironment|environment\.Environment|environment\.Template)$/;
/** Methods that put their arguments into the text they return. */
const FORMATTING_METHODS = new Set(['format', 'format_map', 'replace', 'join', 'substitute', 'safe_substitute']);

export const htmlInjection: Rule = {
  meta: {
    id: 'html-injection',
    checklist: 'xss',
    severity: 'error',
    fix: 'safe',
    cwe: 79,
    banditIds: ['B701', 'B703', 'B704'],
    description: 'HTML is built from request or service data without escaping, or Jinja2 renders without autoescaping.',
    docs: `A page that repeats a request parameter without escaping it lets whoever writes the link run script in Home
Assistant's origin, with the session of the user who opens it: reading tokens, calling services, editing
automations. The same holds for any text an outsider controls that ends up in HTML.

The rule reports:
- aiohttp responses served as HTML (\`web.Response(text=..., content_type="text/html")\`, also from
  \`HomeAssistantView\` handlers) whose text interpolates request, webhook, flow or service data that was not passed
  through \`html.escape\` or \`markupsafe.escape\`;
- \`Markup(...)\` around such data (formatted or not), since \`Markup\` declares its content already safe;
- \`jinja2.Environment\` and \`jinja2.Template\` created without \`autoescape\` or with \`autoescape=False\`: Jinja2
  escapes nothing by default. These are errors when the file deals in HTML and warnings otherwise.

JSON responses (\`self.json(...)\`, \`web.json_response\`), plain-text responses and Home Assistant's own template
engine are not reported, nor a value the handler goes on with only when it is one of the integration's own keys
(\`if token not in self.hass.data[DOMAIN]: raise HTTPNotFound\`, or \`self.hass.data[DOMAIN][token]\` looked up at the
top of the handler, which raises for any other): those carry no script.

**Fix:** escape every value you interpolate (\`html.escape(value)\`), return JSON and render it in the frontend,
and create Jinja2 environments with \`autoescape=True\`; the quick fix adds it.

Bad:
\`\`\`python
name = request.query.get("name", "")
return web.Response(text=f"<h1>Hello {name}</h1>", content_type="text/html")
\`\`\`

Good:
\`\`\`python
name = html.escape(request.query.get("name", ""))
return web.Response(text=f"<h1>Hello {name}</h1>", content_type="text/html")
\`\`\``,
  },
  checkFile(context) {
    const { file, integration } = context;
    if (file.isTestFile) return;
    // Asked only for a Jinja2 environment: it searches the whole text, and most files create none.
    let servesHtmlCache: boolean | undefined;
    const servesHtml = () => (servesHtmlCache ??= dealsInHtml(file, integration));
    for (const call of file.calls) {
      const name = call.name ?? '';
      if (RESPONSES.test(name)) {
        if (!isHtmlResponse(file, call, integration)) continue;
        context.markUsed();
        const body = call.keywords.get('text') ?? call.keywords.get('body') ?? (name.endsWith('.Response') ? call.args[0] : undefined);
        const tainted = body ? unescapedInput(file, body, integration) : undefined;
        // `if token not in self.hass.data[DOMAIN]: raise HTTPNotFound` before the page: only the integration's own
        // keys get this far, and those carry no script.
        const fn = tainted ? file.enclosingFunction(call.node) : undefined;
        if (tainted && !(fn && knownKeyGuard(file, fn, tainted.node, call.node))) {
          context.report(call.node, `\`${excerpt(tainted.node.text, 50)}\` comes from ${tainted.source.description} and goes into an HTML page unescaped, where it can carry script; wrap it in html.escape().`);
        }
      } else if (MARKUP.test(name)) {
        context.markUsed();
        const value = call.args[0];
        const tainted = value ? unescapedInput(file, value, integration) : undefined;
        if (tainted) {
          context.report(call.node, `Markup() declares \`${excerpt(tainted.node.text, 50)}\` (from ${tainted.source.description}) safe HTML, so nothing escapes it; build it with Markup("...{}").format(value), which escapes the value.`);
        }
      } else if (JINJA_ENVIRONMENTS.test(name)) {
        context.markUsed();
        if (call.hasSplat) continue;
        const autoescape = call.keywords.get('autoescape');
        if (autoescape && unwrap(autoescape).type !== 'false') continue;
        // Templates of YAML or JSON, parsed once rendered, are no page: escaping HTML there would break them.
        if (!servesHtml() && rendersOnlyData(file)) continue;
        const what = name.endsWith('Template') ? 'This Jinja2 template' : 'This Jinja2 environment';
        const message = `${what} does not escape HTML (${autoescape ? 'autoescape=False' : "Jinja2's default"}), so values rendered into ${servesHtml() ? 'pages' : 'HTML'} can inject script; pass autoescape=True.`;
        const fix: Fix = autoescape
          ? { title: 'Turn autoescaping on', safe: servesHtml(), edits: [replaceNode(unwrap(autoescape), 'True')] }
          : { title: 'Turn autoescaping on', safe: servesHtml(), edits: [addKeyword(file, call.node, 'autoescape=True')] };
        context.report(autoescape ?? call.callee, message, servesHtml() ? { fix } : { severity: 'warning', suggestions: [fix] });
      }
    }
  },
};

const DATA_PARSERS = /^(yaml\.(safe_load|load|full_load|safe_load_all|load_all)|json\.loads|orjson\.loads|homeassistant\.util\.yaml\.\w+|homeassistant\.util\.json\.json_loads)$/;

/** Whether every template this file renders is parsed as YAML or JSON afterwards (`yaml.safe_load(StringIO(t.render()))`). */
function rendersOnlyData(file: FileModel): boolean {
  const renders = file.calls.filter((call) => call.method === 'render' || call.method === 'render_async');
  if (renders.length === 0) return false;
  const parsed = new Set<number>();
  for (const call of file.calls) {
    if (!DATA_PARSERS.test(call.name ?? '') || !call.args[0]) continue;
    for (const origin of file.origins(call.args[0])) {
      for (const render of descendants(origin.node, ['call'])) parsed.add(render.id);
      parsed.add(unwrap(origin.node).id);
    }
  }
  return renders.every((render) => parsed.has(render.node.id));
}

/** An aiohttp response whose content type (keyword or header) is HTML. */
function isHtmlResponse(file: FileModel, call: CallSite, integration: IntegrationModel | undefined): boolean {
  const lookup = integration?.constantString;
  const contentType = call.keywords.get('content_type');
  if (contentType) return /html/i.test(file.stringValue(contentType, lookup) ?? '');
  const headers = call.keywords.get('headers');
  const table = headers ? unwrap(headers) : undefined;
  if (table?.type !== 'dictionary') return false;
  return table.namedChildren.some((pair) => {
    if (pair?.type !== 'pair') return false;
    const key = pair.childForFieldName('key');
    const value = pair.childForFieldName('value');
    const keyText = key ? file.stringValue(key, lookup) ?? (/CONTENT_TYPE$/.test(key.text) ? 'content-type' : '') : '';
    return /^content-type$/i.test(keyText) && value !== null && /html/i.test(file.stringValue(value, lookup) ?? '');
  });
}

/** Whether the file serves or renders HTML: an HTML response, an .html template name, or markup in a string. */
function dealsInHtml(file: FileModel, integration: IntegrationModel | undefined): boolean {
  if (/\.html?\b|<\/?(html|body|div|p|h[1-6]|table|span|a|script|ul|li|b|br)\b[^>]*>/i.test(file.text)) return true;
  return file.calls.some((call) => RESPONSES.test(call.name ?? '') && isHtmlResponse(file, call, integration));
}

/** The first value in the text that comes from outside and reaches it without an escape, following local variables. */
function unescapedInput(file: FileModel, expression: Node, integration: IntegrationModel | undefined, depth = 8): { node: Node; source: UntrustedSource } | undefined {
  if (depth <= 0) return undefined;
  const node = unwrap(expression);
  const inner = (child: Node | null | undefined) => (child ? unescapedInput(file, child, integration, depth - 1) : undefined);
  const first = (children: readonly (Node | null | undefined)[]) => firstFound(children, (child) => inner(child));
  switch (node.type) {
    case 'string':
    case 'concatenated_string':
      return first(interpolations(node));
    case 'binary_operator':
      return first([node.childForFieldName('left'), node.childForFieldName('right')]);
    case 'conditional_expression':
      return first([node.namedChild(0), node.namedChild(2)]);
    case 'tuple':
    case 'list':
    case 'dictionary':
    case 'pair':
      return first(node.namedChildren);
    // Brackets and awaits hand the value on unchanged: no step spent.
    case 'await':
    case 'parenthesized_expression':
      return firstFound(node.namedChildren, (child) => unescapedInput(file, child, integration, depth));
    case 'list_comprehension':
    case 'generator_expression':
      return first([node.childForFieldName('body')]);
    case 'call': {
      const site = file.callSite(node);
      if (!site) return undefined;
      if (ESCAPES.test(site.name ?? '')) return undefined;
      // Hand-written escaping: `text.replace("&", "&amp;").replace("<", "&lt;")`.
      if (site.method === 'replace' && ['<', '>', '&'].includes(site.args[0] ? literalString(site.args[0]) ?? '' : '')) return undefined;
      if (site.method === 'encode' && site.callee.type === 'attribute') return inner(site.callee.childForFieldName('object'));
      if (site.method && FORMATTING_METHODS.has(site.method)) {
        const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
        // `Markup("<b>{}</b>").format(value)` escapes the value.
        if (receiver && (site.method === 'format' || site.method === 'format_map') && isMarkup(file, receiver)) return undefined;
        return first([receiver, ...site.args, ...site.keywords.values()]);
      }
      if (site.name === 'str' && file.isBuiltin('str')) return first(site.args);
      break;
    }
    case 'identifier': {
      const bindings = file.bindingsOf(node);
      const values = bindings.filter((binding) => binding.kind !== 'parameter' && binding.value && binding.kind !== 'for');
      if (values.length > 0 && values.length === bindings.length) return first(values.map((binding) => binding.value));
      break;
    }
  }
  const source = untrustedSource(file, node, integration);
  return source ? { node, source } : undefined;
}

function isMarkup(file: FileModel, node: Node): boolean {
  return file.origins(node).some((origin) => {
    const target = unwrap(origin.node);
    return target.type === 'call' && MARKUP.test(file.callSite(target)?.name ?? '');
  });
}

/**
 * Adds a keyword argument at the end of a call: on its own line when the arguments are laid out one per line
 * with a trailing comma, else after the last argument.
 */
function addKeyword(file: FileModel, call: Node, keyword: string): TextEdit {
  const args = call.childForFieldName('arguments');
  const named = args?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') ?? [];
  const last = named[named.length - 1];
  if (!args || !last) {
    const open = args ? rangeOf(args).start : rangeOf(call).end;
    return insertAt(open.line, open.character + 1, keyword);
  }
  const trailingComma = last.nextSibling?.type === ',' ? last.nextSibling : null;
  if (trailingComma && last.startPosition.row > args.startPosition.row) {
    const indent = /^[ \t]*/.exec(file.lineText(last.startPosition.row))?.[0] ?? '';
    const end = rangeOf(trailingComma).end;
    return insertAt(end.line, end.character, `\n${indent}${keyword},`);
  }
  const end = rangeOf(last).end;
  return insertAt(end.line, end.character, `, ${keyword}`);
}

