import type { Node } from '../python/syntaxTree';
import { addImport, replaceNode } from '../fixes';
import { decodedLiteral, isLiteral, segmentsOf } from '../model/commandLine';
import { isConstantExpression, isConstantTable } from '../model/constness';
import { isInClassBody, type CallSite, type FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { selfAttributeValues } from '../model/secretFlow';
import { untrustedSource } from '../model/untrusted';
import { comparisonParts, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import type { Fix, Severity } from '../types';

/** Builtins that turn text into running code. */
const CODE_RUNNERS = new Set(['eval', 'exec', 'compile']);
/** Calls that import (and so run) a module chosen by name. */
const DYNAMIC_IMPORTS = new Set([
  '__import__', 'importlib.import_module', 'importlib.__import__', 'runpy.run_module',
  'homeassistant.helpers.importlib.async_import_module',
]);
/** Calls that run a Python file chosen by path; reported only when the path comes from untrusted input. */
const FILE_RUNNERS = new Map([['runpy.run_path', 0], ['importlib.util.spec_from_file_location', 1]]);
/** Jinja2 templates compiled outside a sandbox, where template syntax reaches Python's objects and so runs code. */
const UNSANDBOXED_TEMPLATES = /^jinja2\.((environment|nativetypes)\.)?(Template|NativeTemplate)$/;
const UNSANDBOXED_ENVIRONMENTS = /^jinja2\.((environment|nativetypes)\.)?(Environment|NativeEnvironment)$/;
export const SANDBOX_TITLE = 'Use ImmutableSandboxedEnvironment (templates cannot reach Python internals)';
export const LITERAL_EVAL_TITLE = 'Use ast.literal_eval (accepts only literals)';

export const dynamicEval: Rule = {
  meta: {
    id: 'dynamic-eval',
    checklist: 'code-execution',
    severity: 'error',
    fix: 'suggestion',
    cwe: 95,
    banditIds: ['B102', 'B307'],
    description: 'eval, exec or compile runs code built at run time; dynamic imports load modules named by data; Jinja2 renders untrusted templates unsandboxed.',
    docs: `\`eval\`, \`exec\` and \`compile\` turn text into running Python with all of Home Assistant's rights:
its files, its credentials and every device it controls. If any part of that text comes from a service call, a
config flow, a webhook, a device or a cloud API, whoever controls that input controls Home Assistant.
\`__import__\`, \`importlib.import_module\` and \`runpy\` with a name taken from data are the same risk one step
removed: importing a module runs its code.

**What is reported.** The builtins \`eval\`, \`exec\` and \`compile\` (also as \`builtins.eval\`; not when the
module or function defines its own name \`eval\`) whenever their code is not fixed in the source: an error when it
is built at run time (the message names service data, flow input, webhooks or requests when the value comes from
there), a warning when it is assembled from constants. Dynamic imports (\`__import__\`, \`importlib.import_module\`,
\`runpy.run_module\`, Home Assistant's \`async_import_module\`) are an error when the module name is computed at
run time, and a warning when the name cannot leave one package (\`importlib.import_module(f".{x}", __package__)\`,
\`f"drivers.{x}"\`): any module there can still be picked. \`runpy.run_path\` and \`spec_from_file_location\` are
reported when the path comes from untrusted input. A Jinja2 template compiled from service data, flow input, a
webhook or a request outside Jinja2's sandbox (\`jinja2.Template(text)\`, \`Environment().from_string(text)\`, also
through an environment kept on \`self\`) is an error too: template syntax walks from any string to Python's classes
(\`{{ ''.__class__.__mro__ }}\`) and on to running code. The suggestion swaps the environment for
\`ImmutableSandboxedEnvironment\` with the same options.

Not reported: \`ast.literal_eval\`; code that is a string literal (\`eval("1 + 2")\`, a constant holding one, a code
object compiled from one); \`re.compile\` and the \`compile\`, \`eval\` or \`exec\` methods of other objects
(\`pattern.compile\`, \`cursor.exec\`, \`df.eval\`, \`asyncio.create_subprocess_exec\`); Home Assistant templates
(\`Template(...).async_render\`, which render in a sandbox), Jinja2 templates the integration wrote itself and sandboxed
environments; imports whose name comes from a constant table (\`DRIVERS[kind]\`, a loop over
\`PLATFORMS\`) or was checked against a constant allow-list first (\`if name not in ALLOWED: raise ...\`, which is the
fix this rule asks for; the same holds for code); test files. Code compiled by RestrictedPython is marked for review rather than reported.

**How to fix.** Parse data instead of running it: \`json.loads\`, or \`ast.literal_eval\` for Python literals (the
quick fix offers it as a suggestion: it accepts numbers, strings, lists and dicts, not expressions). Map names to
functions or modules with a dict. Use Home Assistant templates for user formulas. An integration that runs user
scripts by design says so on the line: \`# ha-security: ignore[dynamic-eval] runs the user's own scripts\`.

Bad:
\`\`\`python
async def handle_calculate(call):
    return eval(call.data["expression"])
\`\`\`

Good:
\`\`\`python
async def handle_calculate(call):
    return ast.literal_eval(call.data["expression"])
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    if (file.isTestFile) return;
    // Also `hass.async_add_executor_job(eval, formula)` and `partial(exec, code)`: the call made later.
    for (const call of file.callsWithDeferred) {
      const kind = callKind(file, call);
      if (!kind) continue;
      context.markUsed();
      if (kind === 'file') checkFileRunner(context, call);
      else if (kind === 'template') checkTemplate(context, call);
      else if (kind === 'import') checkImport(context, call);
      else checkCodeRunner(context, call);
    }
  },
};

function callKind(file: FileModel, call: CallSite): 'code' | 'import' | 'file' | 'template' | undefined {
  const name = call.name ?? '';
  if (UNSANDBOXED_TEMPLATES.test(name) || (call.method === 'from_string' && unsandboxedEnvironment(file, call) !== undefined)) return 'template';
  if (name.startsWith('builtins.')) {
    const bare = name.slice('builtins.'.length);
    if (CODE_RUNNERS.has(bare)) return 'code';
    return bare === '__import__' ? 'import' : undefined;
  }
  if (CODE_RUNNERS.has(name) || name === '__import__') return isUnshadowedBuiltin(file, call.callee) ? (name === '__import__' ? 'import' : 'code') : undefined;
  if (DYNAMIC_IMPORTS.has(name)) return 'import';
  if (FILE_RUNNERS.has(name)) return 'file';
  return undefined;
}

/** A bare name that still means the builtin: not imported, not defined in the module, not a local or parameter. */
function isUnshadowedBuiltin(file: FileModel, callee: Node): boolean {
  if (callee.type !== 'identifier' || !file.isBuiltin(callee.text)) return false;
  return file.bindingsOf(callee).every((binding) => isInClassBody(binding.node));
}

function checkCodeRunner(context: FileContext, call: CallSite): void {
  const { file, integration } = context;
  const bare = (call.name ?? '').replace(/^builtins\./, '');
  const code = call.args[0] ?? call.keywords.get('source');
  if (!code || decodedLiteral(code) !== undefined) return;
  if (isRestrictedPythonCode(file, code)) {
    context.review(`\`${bare}\` runs code compiled by RestrictedPython (${location(file, call)}): check that its globals expose only what scripts may use.`);
    return;
  }
  if (isLiteralCode(file, code) || importsLiteral(file, code, integration) || isGuardedByAllowList(file, call.node, code, integration)) return;
  const constant = isConstantCode(file, code, integration);
  const source = constant ? undefined : untrustedSource(file, code, integration);
  const origin = source ? `from ${source.description}` : constant ? 'assembled from constants' : 'built at run time';
  const severity: Severity = constant ? 'warning' : 'error';
  const advice = constant ? 'Call the code directly instead of evaluating text.' : 'Parse data (json.loads, ast.literal_eval) instead of executing it.';
  const risk = constant ? 'nothing outside can change it, but evaluating text hides what runs' : 'whoever controls that text controls Home Assistant';
  context.report(call.node, `\`${bare}\` runs code ${origin}; ${risk}. ${advice}`, {
    severity,
    suggestions: bare === 'eval' ? literalEvalSuggestion(file, call, code) : [],
  });
}

function checkImport(context: FileContext, call: CallSite): void {
  const { file, integration } = context;
  const name = call.args[nameIndex(call)] ?? call.keywords.get('name');
  if (!name || decodedLiteral(name) !== undefined) return;
  if (isConstantCode(file, name, integration)) return;
  const callee = (call.name ?? '').replace(/^builtins\./, '').split('.').pop();
  const source = untrustedSource(file, name, integration);
  // Checking the name against a constant allow-list first is the fix this rule asks for.
  if (isGuardedByAllowList(file, call.node, name, integration)) return;
  const confinedTo = packagePrefix(file, call, name, integration);
  const origin = source ? `named by ${source.description}` : 'whose name is computed at run time';
  if (confinedTo !== undefined) {
    context.report(call.node, `\`${callee}\` imports a module ${origin}; the name stays inside ${confinedTo}, but any module there can be chosen and importing runs its code. Check the name against a constant list, or map names to modules with a dict.`, { severity: 'warning' });
    return;
  }
  context.report(call.node, `\`${callee}\` imports a module ${origin}, and importing runs that module's code; whoever controls the name chooses what runs. Map allowed names to modules explicitly.`, { severity: 'error' });
}

function checkFileRunner(context: FileContext, call: CallSite): void {
  const { file, integration } = context;
  const path = call.args[FILE_RUNNERS.get(call.name ?? '') ?? 0] ?? call.keywords.get('path_name') ?? call.keywords.get('location');
  if (!path) return;
  const source = untrustedSource(file, path, integration);
  if (!source) return;
  context.report(call.node, `\`${call.name}\` runs a Python file whose path comes from ${source.description}; whoever controls it chooses what runs. Load only files from a fixed list.`, { severity: 'error' });
}

/**
 * A template compiled from untrusted text by Jinja2 without its sandbox: `{{ ''.__class__.__mro__[1].__subclasses__() }}`
 * walks from any string to every class Python has loaded, so rendering it runs what its author wants. Home
 * Assistant's own `Template` renders in a sandbox; templates the integration wrote itself are not reported.
 */
function checkTemplate(context: FileContext, call: CallSite): void {
  const { file, integration } = context;
  const source = call.args[0] ?? call.keywords.get('source');
  if (!source || decodedLiteral(source) !== undefined) return;
  const from = untrustedSource(file, source, integration);
  if (!from) return;
  const environment = call.method === 'from_string' ? unsandboxedEnvironment(file, call) : undefined;
  const fix = environment ? sandboxSuggestion(file, environment) : undefined;
  context.report(
    call.node,
    `This Jinja2 template is compiled from ${from.description} without Jinja2's sandbox; template syntax can reach Python's internals and run code. Render it with Home Assistant's \`Template\` or \`jinja2.sandbox.ImmutableSandboxedEnvironment\`.`,
    { severity: 'error', suggestions: fix ? [fix] : [] },
  );
}

/** The call creating the unsandboxed environment whose `from_string` is called (`env = jinja2.Environment()`). */
function unsandboxedEnvironment(file: FileModel, call: CallSite): CallSite | undefined {
  const receiver = call.callee.type === 'attribute' ? call.callee.childForFieldName('object') : null;
  if (!receiver) return undefined;
  // `self._env.from_string(...)`: what the class assigned to `self._env`.
  const attributeValues = receiver.type === 'attribute' ? selfAttributeValues(file, receiver) : [];
  const values = attributeValues.length > 0 ? attributeValues : file.origins(receiver).map((origin) => (origin.kind === 'expression' ? origin.node : undefined));
  const created = values.map((value) => {
    const target = value ? unwrap(value) : undefined;
    return target?.type === 'call' ? file.callSite(target) : undefined;
  });
  // Every value the receiver may hold must be such an environment: one that may be a sandbox is left alone.
  if (created.length === 0 || created.some((site) => !site || !UNSANDBOXED_ENVIRONMENTS.test(site.name ?? ''))) return undefined;
  return created[0];
}

/** `jinja2.Environment(...)` -> `ImmutableSandboxedEnvironment(...)`: the same options, inside the sandbox. */
function sandboxSuggestion(file: FileModel, environment: CallSite): Fix | undefined {
  if (environment.name !== 'jinja2.Environment' && environment.name !== 'jinja2.environment.Environment') return undefined;
  const local = file.importOf('jinja2.sandbox.ImmutableSandboxedEnvironment')?.[0];
  if (local) return { title: SANDBOX_TITLE, safe: false, edits: [replaceNode(environment.callee, local)] };
  // A name of the file's own would shadow the class the fix imports.
  if (file.bindingsIn(file.root).has('ImmutableSandboxedEnvironment') || file.isBoundAround(environment.node, 'ImmutableSandboxedEnvironment')) return undefined;
  const importEdit = addImport(file, 'jinja2.sandbox', 'ImmutableSandboxedEnvironment');
  return { title: SANDBOX_TITLE, safe: false, edits: [replaceNode(environment.callee, 'ImmutableSandboxedEnvironment'), ...(importEdit ? [importEdit] : [])] };
}

/** `eval(SECONDS_EXPR)` with `SECONDS_EXPR = "60 * 60 * 24"` in the integration's const.py: a literal kept elsewhere. */
function importsLiteral(file: FileModel, code: Node, integration: IntegrationModel | undefined): boolean {
  const name = unwrap(code);
  const imported = name.type === 'identifier' ? file.imports.get(name.text) : undefined;
  const constant = imported ? integration?.resolveConstant(imported) : undefined;
  return constant !== undefined && decodedLiteral(constant.node) !== undefined;
}

/** Code written as a string literal, directly, through assignments, or compiled from one (`exec(compile("...", ...))`). */
function isLiteralCode(file: FileModel, code: Node, depth = 3): boolean {
  if (decodedLiteral(code) !== undefined) return true;
  if (depth <= 0) return false;
  const origins = file.origins(code);
  return origins.length > 0 && origins.every((origin) => {
    if (origin.kind !== 'expression') return false;
    const target = unwrap(origin.node);
    if (decodedLiteral(target) !== undefined) return true;
    const site = target.type === 'call' ? file.callSite(target) : undefined;
    const source = site?.args[0] ?? site?.keywords.get('source');
    return site?.name === 'compile' && isUnshadowedBuiltin(file, site.callee) && source !== undefined && isLiteralCode(file, source, depth - 1);
  });
}

/**
 * Code (or a module name) fixed in the source: a constant, an entry of a constant table (`FORMULAS[kind]`,
 * `DRIVERS.get(kind)`), a loop variable over a constant list, or a code object compiled from one of those.
 */
function isConstantCode(file: FileModel, node: Node, integration: IntegrationModel | undefined, depth = 4): boolean {
  if (isConstantExpression(file, node, integration)) return true;
  if (depth <= 0) return false;
  const origins = file.origins(node);
  return origins.length > 0 && origins.every((origin) => {
    if (origin.kind !== 'expression') return false;
    const target = unwrap(origin.node);
    // Entries of constant tables (`FORMULAS[kind]`, `DRIVERS.get(kind)`) are constant expressions too.
    if (target.id !== unwrap(node).id && isConstantExpression(file, target, integration)) return true;
    if (target.type !== 'call') return false;
    const site = file.callSite(target);
    if (!site) return false;
    const compiled = site.args[0] ?? site.keywords.get('source');
    return site.name === 'compile' && isUnshadowedBuiltin(file, site.callee) && compiled !== undefined && isConstantCode(file, compiled, integration, depth - 1);
  });
}

function isRestrictedPythonCode(file: FileModel, code: Node): boolean {
  const origins = file.origins(code);
  return origins.length > 0 && origins.every((origin) => {
    if (origin.kind !== 'expression') return false;
    const target = unwrap(origin.node);
    const name = target.type === 'call' ? file.callSite(target)?.name ?? '' : '';
    return name.startsWith('RestrictedPython.');
  });
}

/**
 * The package a dynamic module name cannot leave: a relative name with a package (`f".{x}"`, `__package__`), or an
 * absolute name starting with fixed text up to a dot (`f"drivers.{x}"`, `f"{__name__}.{x}"`).
 */
function packagePrefix(file: FileModel, call: CallSite, name: Node, integration: IntegrationModel | undefined): string | undefined {
  // `device_path = f".device_mapping.{kind}"`, then `import_module(device_path, __package__)`: the text it was set to.
  const origins = unwrap(name).type === 'identifier' ? file.origins(unwrap(name)) : [];
  const written = origins.length === 1 && origins[0].kind === 'expression' && origins[0].node.id !== unwrap(name).id ? origins[0].node : name;
  const segments = segmentsOf(file, written);
  if (!segments || segments.length < 2) return undefined;
  let prefix = '';
  for (const segment of segments) {
    if (isLiteral(segment)) {
      prefix += segment.literal;
      continue;
    }
    const value = unwrap(segment.value);
    if (value.type === 'identifier' && (value.text === '__name__' || value.text === '__package__')) {
      prefix += value.text;
      continue;
    }
    const text = file.stringValue(value, integration?.constantString);
    if (text === undefined) break;
    prefix += text;
  }
  const relative = prefix.startsWith('.');
  const hasPackage = call.name === 'importlib.import_module' && (call.args[1] !== undefined || call.keywords.has('package'));
  if (relative && !hasPackage) return undefined;
  const base = prefix.replace(/[^.]*$/, '');
  if (!base || (!relative && base === '.')) return undefined;
  return relative || /^__(name|package)__\./.test(base) ? 'this package' : `\`${base.replace(/\.$/, '')}\``;
}

/** Home Assistant's `async_import_module(hass, name)` takes the name second. */
function nameIndex(call: CallSite): number {
  return call.name === 'homeassistant.helpers.importlib.async_import_module' ? 1 : 0;
}

/**
 * Whether every value the expression is built from was checked against a constant collection before this call:
 * `if x in ALLOWED:` (or `== CONSTANT`) around it, or `if x not in ALLOWED: raise/return` earlier in the function.
 */
function isGuardedByAllowList(file: FileModel, call: Node, expression: Node, integration: IntegrationModel | undefined): boolean {
  const segments = segmentsOf(file, expression);
  const values = segments ? segments.filter((segment) => !isLiteral(segment)).map((segment) => ('value' in segment ? segment.value : expression)) : [expression];
  const pending = values.filter((value) => !isConstantExpression(file, value, integration));
  return pending.length > 0 && pending.every((value) => unwrap(value).type === 'identifier' && isGuarded(file, call, unwrap(value).text, integration));
}

function isGuarded(file: FileModel, call: Node, name: string, integration: IntegrationModel | undefined): boolean {
  const membership = (condition: Node | null, negated: boolean): boolean => {
    const parts = condition ? comparisonParts(unwrap(condition)) : undefined;
    if (!parts || unwrap(parts.left).text !== name) return false;
    const { operator, right } = parts;
    // `if name == "_strptime":` pins the name to one constant, as a one-entry allow-list does.
    if (operator === (negated ? '!=' : '==')) return isConstantExpression(file, right, integration);
    return operator === (negated ? 'not in' : 'in') && (isConstantTable(file, right, integration) || isConstantExpression(file, right, integration));
  };
  const fn = file.enclosingFunction(call);
  for (let current = call.parent; current && current.id !== fn?.id; current = current.parent) {
    if (current.type === 'block' && current.parent?.type === 'if_statement' && current.parent.childForFieldName('consequence')?.id === current.id) {
      if (membership(current.parent.childForFieldName('condition'), false)) return true;
    }
  }
  const body = fn?.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    if (!statement || statement.startIndex >= call.startIndex) break;
    if (statement.type !== 'if_statement' || !membership(statement.childForFieldName('condition'), true)) continue;
    const consequence = statement.childForFieldName('consequence');
    const last = consequence?.namedChildren[consequence.namedChildCount - 1];
    if (last && (last.type === 'raise_statement' || last.type === 'return_statement')) return true;
  }
  return false;
}

/** `eval(x, ...)` -> `ast.literal_eval(x)`: a suggestion, since literal_eval accepts literals only. */
function literalEvalSuggestion(file: FileModel, call: CallSite, code: Node): Fix[] {
  // A call made later by the executor or `partial` is rewritten by hand: its node is the call that defers it.
  if (call.hasSplat || call.args[0]?.id !== code.id || call.node.childForFieldName('function')?.id !== call.callee.id) return [];
  const direct = file.importOf('ast.literal_eval')?.[0];
  const astName = file.importOf('ast')?.[0];
  if (direct) return [{ title: LITERAL_EVAL_TITLE, safe: false, edits: [replaceNode(call.node, `${direct}(${code.text})`)] }];
  if (astName) return [{ title: LITERAL_EVAL_TITLE, safe: false, edits: [replaceNode(call.node, `${astName}.literal_eval(${code.text})`)] }];
  // A local name `ast` (a syntax tree, say) would hide the module the fix imports.
  if (!file.isBuiltin('ast') || file.bindingsIn(file.scopeOf(call.node)).has('ast')) return [];
  const importEdit = addImport(file, 'ast');
  return [{ title: LITERAL_EVAL_TITLE, safe: false, edits: [replaceNode(call.node, `ast.literal_eval(${code.text})`), ...(importEdit ? [importEdit] : [])] }];
}

function location(file: FileModel, call: CallSite): string {
  return `${file.path.replace(/\\/g, '/').split('/').pop()}:${call.node.startPosition.row + 1}`;
}
