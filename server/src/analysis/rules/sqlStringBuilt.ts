import type { Node } from '../python/syntaxTree';
import { isConstantExpression } from '../model/constness';
import type { CallSite, FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { argumentsFor, callerArguments, isAdministratorFormInput, isFixedChoiceValue, untrustedSource } from '../model/untrusted';
import { callTakingArgument, interpolations, isFString, literalString, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import type { Fix, Severity } from '../types';
import { baseName, excerpt } from '../text';

/** Methods that run SQL text given as their first argument (sqlite3, aiosqlite, DB-API drivers, asyncpg, SQLAlchemy). */
const EXECUTE_METHODS = new Set([
  'execute', 'executemany', 'executescript', 'exec_driver_sql', 'fetch', 'fetchrow', 'fetchval', 'fetchall', 'mogrify',
]);
const SQL_FUNCTIONS = /(^|\.)(sqlalchemy(\.sql)?(\.expression)?\.text|pandas\.read_sql(_query)?|read_sql(_query)?)$/;
/** Methods that run a statement they are given, whatever the driver. */
const RUN_METHODS = new Set(['execute', 'executemany', 'executescript', 'exec_driver_sql']);
/** Database drivers and toolkits: with one imported, `x.execute(text)` runs SQL (a GraphQL client's does not). */
const SQL_MODULES = /^(sqlite3|aiosqlite|sqlalchemy|psycopg2?|pymysql|MySQLdb|mysql|asyncpg|aiomysql|pyodbc|duckdb|homeassistant\.components\.recorder)(\.|$)/;
const SQL_START = /^\s*(select|insert|update|delete|create|drop|alter|replace|with|pragma|upsert|merge|truncate|attach|detach|vacuum|reindex)\b/i;
const SQL_BODY = /\b(from|into|where|set|values|table)\b/i;

interface Built {
  /** The pieces of data interpolated into the SQL text. */
  parts: Node[];
  /** The literal SQL text, with interpolations left out. */
  literalText: string;
  /** The f-string itself, when the query is one (for the placeholder suggestion). */
  fString?: Node;
  /** Where a caller built the text that a helper of this module executes (`execute_sql(f"DELETE ... {table}")`). */
  builtByCaller?: Node;
}

export const sqlStringBuilt: Rule = {
  meta: {
    id: 'sql-string-built',
    checklist: 'sql-injection',
    severity: 'warning',
    fix: 'suggestion',
    cwe: 89,
    banditIds: ['B608'],
    description: 'SQL text is built with f-strings, %, + or .format from values that are not constants.',
    docs: `When a value is pasted into SQL text, the database cannot tell the value from the statement: a name like
\`x'; DROP TABLE events; --\` becomes SQL. Service data, webhook payloads and request parameters are controlled by
whoever can call them, and even values read from a device or cloud API are not yours to trust.

Every driver Home Assistant integrations use binds parameters instead: \`?\` for sqlite3 and aiosqlite, \`%s\` for
psycopg and MySQL drivers, \`$1\` for asyncpg, \`:name\` with SQLAlchemy's \`text()\`. Interpolating module constants
(a table name), or a service field whose schema limits it to fixed values (\`vol.In(SORT_COLUMNS)\`, the usual way to
let a caller pick a column), is fine and not reported; a list of constant pieces a function
builds and joins (\`marks.append("?")\`) is constant, one of formatted pieces (\`fields.append(f"{key} = ?")\`) is not. Text built in
one module and run by the integration's helper in another (\`execute(hass, query)\`) is reported where it is built. A statement rendered from a template
(\`Template(query, hass).async_render(arguments)\`) is reported; one a function runs for callers the integration does
not show (its parameter, with no caller in the integration) is left to a review. Interpolating untrusted input (service data, flow input, a webhook or view
request) is an error; other non-constant values are warnings, and values converted with \`int()\`/\`float()\` are
information only. A statement taken whole from such input and run by a SQL driver (\`conn.execute(call.data["sql"])\`)
is an error too: its sender can run any statement. A statement an administrator types into a config flow's form
(\`user_input\`) is often what the integration is for (a SQL sensor): that is a review, asking whether running it is
meant and limited to reading.

Bad:
\`\`\`python
cursor.execute(f"SELECT state FROM states WHERE entity_id = '{call.data['entity_id']}'")
\`\`\`

Good:
\`\`\`python
cursor.execute("SELECT state FROM states WHERE entity_id = ?", (call.data["entity_id"],))
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    for (const call of file.calls) {
      const isExecute = call.method !== undefined && EXECUTE_METHODS.has(call.method);
      const isSqlFunction = call.name !== undefined && SQL_FUNCTIONS.test(call.name);
      if (!isExecute && !isSqlFunction) continue;
      const query = call.args[0] ?? call.keywords.get('sql') ?? call.keywords.get('query') ?? call.keywords.get('statement');
      if (!query) continue;
      const builds = builtQueries(file, query);
      if (builds.length === 0 && isSqlText(file, query)) context.markUsed();
      if (builds.length === 0 && (isSqlFunction || (call.method && RUN_METHODS.has(call.method) && usesSqlDriver(file)))) {
        // The whole statement comes from a service call, a request or a flow: its sender can run any SQL.
        const source = untrustedSource(file, query, context.integration);
        if (source && isAdministratorFormInput(source)) {
          // Only an administrator fills in a config flow's form, and a query typed there is often what the integration
          // is for (a SQL sensor): a person checks that it is meant, and read-only. (Discovery info is the network's.)
          context.markUsed();
          context.review(`${baseName(file.path)} runs SQL taken whole from ${source.description} (\`${excerpt(query.text, 40)}\`); only an administrator can enter it, so check that running their own statement is the integration's purpose and that it is limited to reading (a read-only connection, SELECT only).`);
          continue;
        }
        if (source) {
          context.markUsed();
          context.report(query, `This runs SQL taken whole from ${source.description}, so its sender can run any statement; run fixed statements and pass the values as bound parameters.`, { severity: 'error' });
          continue;
        }
        // A driver runs this statement, whatever its text: the integration runs SQL.
        context.markUsed();
        const rendered = renderedTemplate(file, query);
        if (rendered) {
          const values = rendered.args.length > 0 ? rendered.args : [rendered.node];
          const untrusted = values.some((value) => untrustedSource(file, value, context.integration) !== undefined);
          context.report(query, `This runs SQL rendered from a template (\`${excerpt(rendered.node.text, 50)}\`): values rendered into the text are not escaped, so they can change the statement; run a fixed statement and pass the values as bound parameters.`, { severity: untrusted ? 'error' : 'warning' });
          continue;
        }
        const unknownCaller = handedByNoCaller(file, query, context.integration);
        if (unknownCaller) context.review(`${unknownCaller} in ${baseName(file.path)} runs the SQL text it is handed (\`${excerpt(query.text, 30)}\`), and no caller in the integration shows how that text is built; check that its callers pass fixed statements and bind values as parameters.`);
      }
      reportBuilt(context, call, query, builds);
    }
    for (const { call, argument } of queriesForHelpersElsewhere(file, context.integration)) {
      const built = builtQuery(file, argument);
      if (built) reportBuilt(context, call, argument, [{ ...built, fString: undefined, builtByCaller: argument }]);
    }
  },
};

/** Reports the SQL texts among `builds` (how `query`, run by `call`, was put together) that interpolate non-constants. */
function reportBuilt(context: FileContext, call: CallSite, query: Node, builds: Built[]): void {
  const { file } = context;
  for (const built of builds) {
    if (!SQL_START.test(built.literalText) && !SQL_BODY.test(built.literalText)) continue;
    context.markUsed();
    // A service field limited to fixed values (`vol.In(SORT_COLUMNS)`) is one of the integration's own names.
    const dynamic = built.parts.filter((part) => !isConstantExpression(file, part, context.integration) && !isFixedChoiceValue(file, part, context.integration));
    if (dynamic.length === 0) continue;
    const severity = severityOf(context, dynamic);
    const shown = dynamic.map((part) => `\`${excerpt(part.text, 40)}\``).join(', ');
    const origin = severity === 'error' ? ' from untrusted input' : '';
    // Built by a caller and run by this module's helper: reported where the text is built, with no rewrite.
    context.report(built.builtByCaller ?? query, `SQL is built by interpolating ${shown}${origin}; pass values as bound parameters instead of formatting them into the statement.`, {
      severity,
      suggestions: built.builtByCaller ? [] : placeholderSuggestion(file, call, built, context.integration),
    });
  }
}

/** `Template(query, hass).async_render(arguments)`, `jinja2.Template(text).render(**values)`: text made by a template. */
function renderedTemplate(file: FileModel, query: Node): { node: Node; args: Node[] } | undefined {
  for (const origin of file.origins(query)) {
    const node = unwrap(origin.node);
    const site = node.type === 'call' ? file.callSite(node) : undefined;
    if (!site?.method || !TEMPLATE_RENDERING.test(site.method)) continue;
    const receiver = site.callee.childForFieldName('object');
    const made = receiver ? file.origins(receiver).map((found) => unwrap(found.node)) : [];
    const fromTemplate = made.some((value) => value.type === 'call' && /(^|\.)Template$/.test(file.callSite(value)?.name ?? ''));
    if (fromTemplate) return { node, args: [...site.args, ...site.keywords.values()] };
  }
  return undefined;
}

const TEMPLATE_RENDERING = /^(async_)?render(_with_possible_json_value)?$/;

/**
 * The name of the function whose parameter is the statement it runs, when no call in the integration hands it one
 * (the function is registered elsewhere, or called by a library): the statement's making cannot be seen.
 */
function handedByNoCaller(file: FileModel, query: Node, integration: IntegrationModel | undefined): string | undefined {
  const origins = file.origins(query);
  if (origins.length === 0 || !origins.every((origin) => origin.kind === 'parameter' && origin.scope && origin.name)) return undefined;
  const [{ scope, name }] = origins;
  if (callerArguments(file, scope!, name!, integration).length > 0 || argumentsFor(file, scope!, name!).length > 0) return undefined;
  return `\`${scope!.childForFieldName('name')?.text ?? 'a function'}\``;
}

/**
 * `execute(hass, f"UPDATE profiles SET {column} = ?")`, where `execute` is a helper in another module of the
 * integration that runs the SQL text it is handed: the arguments this file hands such helpers, with the call they are
 * handed to. (A helper in the same module is followed from its execute call: builtQueries.)
 */
function queriesForHelpersElsewhere(file: FileModel, integration: IntegrationModel | undefined): { call: CallSite; argument: Node }[] {
  if (!integration) return [];
  let byFile = helperQueries.get(integration);
  if (!byFile) {
    // One pass over the integration's execute calls, shared by every file it checks.
    byFile = new Map();
    for (const other of integration.files) {
      if (!usesSqlDriver(other)) continue;
      for (const site of other.calls) {
        if (site.method === undefined || !RUN_METHODS.has(site.method) || !site.args[0]) continue;
        for (const origin of other.origins(site.args[0])) {
          if (origin.kind !== 'parameter' || !origin.scope || !origin.name) continue;
          for (const passed of callerArguments(other, origin.scope, origin.name, integration)) {
            const around = passed.file !== other ? callTakingArgument(passed.node) : undefined;
            const caller = around ? passed.file.callSite(around) : undefined;
            if (!caller) continue;
            const list = byFile.get(passed.file) ?? [];
            list.push({ call: caller, argument: passed.node });
            byFile.set(passed.file, list);
          }
        }
      }
    }
    helperQueries.set(integration, byFile);
  }
  return byFile.get(file) ?? [];
}

const helperQueries = new WeakMap<IntegrationModel, Map<FileModel, { call: CallSite; argument: Node }[]>>();


function severityOf(context: FileContext, dynamic: Node[]): Severity {
  if (dynamic.some((part) => untrustedSource(context.file, part, context.integration) !== undefined)) return 'error';
  if (dynamic.every((part) => isNumericConversion(part))) return 'info';
  return 'warning';
}

function usesSqlDriver(file: FileModel): boolean {
  for (const qualified of file.imports.values()) if (SQL_MODULES.test(qualified)) return true;
  return false;
}

function isNumericConversion(part: Node): boolean {
  const node = unwrap(part);
  return node.type === 'call' && /^(int|float|round|len)$/.test(node.childForFieldName('function')?.text ?? '');
}

function isSqlText(file: FileModel, query: Node): boolean {
  return file.origins(query).some((origin) => {
    const text = literalString(origin.node);
    return text !== undefined && SQL_START.test(text);
  });
}

/**
 * How the query text was put together: what `builtQuery` finds, or for a parameter of a module function (a helper
 * that runs the SQL it is given), what each of its callers passes.
 */
function builtQueries(file: FileModel, query: Node, depth = 2): Built[] {
  const built = builtQuery(file, query);
  if (built || depth <= 0) return built ? [built] : [];
  const found: Built[] = [];
  for (const origin of file.origins(query)) {
    if (origin.kind !== 'parameter' || !origin.scope || !origin.name) continue;
    for (const argument of argumentsFor(file, origin.scope, origin.name)) {
      for (const inner of builtQueries(file, argument, depth - 1)) found.push({ ...inner, fString: undefined, builtByCaller: inner.builtByCaller ?? argument });
    }
  }
  return found;
}

/** How the query text was put together, following local variables; undefined when it is a plain literal or unknown. */
function builtQuery(file: FileModel, query: Node): Built | undefined {
  for (const origin of file.origins(query)) {
    const node = unwrap(origin.node);
    if ((node.type === 'string' || node.type === 'concatenated_string') && isFString(node)) {
      const parts = interpolations(node);
      if (parts.length === 0) continue;
      return { parts, literalText: stripInterpolations(node), fString: node.type === 'string' ? node : undefined };
    }
    if (node.type === 'binary_operator') {
      const operator = node.childForFieldName('operator')?.text;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right) continue;
      if (operator === '%' && literalString(left) !== undefined) {
        const values = unwrap(right);
        const parts = values.type === 'tuple' ? values.namedChildren.filter((child): child is Node => child !== null) : [values];
        return { parts, literalText: literalString(left) ?? '' };
      }
      if (operator === '+') {
        const pieces = flattenConcatenation(node);
        const literal = pieces.map((piece) => literalString(piece) ?? '').join(' ');
        const parts = pieces.filter((piece) => literalString(piece) === undefined);
        if (literal.trim()) return { parts, literalText: literal };
      }
    }
    if (node.type === 'call') {
      const callee = node.childForFieldName('function');
      if (callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'format') {
        const template = callee.childForFieldName('object');
        const text = template ? literalString(template) : undefined;
        const site = file.callSite(node);
        if (text !== undefined && site) return { parts: [...site.args, ...site.keywords.values()], literalText: text };
      }
    }
  }
  return undefined;
}

function flattenConcatenation(node: Node): Node[] {
  const target = unwrap(node);
  if (target.type === 'binary_operator' && target.childForFieldName('operator')?.text === '+') {
    const left = target.childForFieldName('left');
    const right = target.childForFieldName('right');
    return [...(left ? flattenConcatenation(left) : []), ...(right ? flattenConcatenation(right) : [])];
  }
  return [target];
}

function stripInterpolations(node: Node): string {
  const parts = node.type === 'concatenated_string' ? node.namedChildren : [node];
  let text = '';
  for (const part of parts) {
    for (const child of part?.namedChildren ?? []) {
      if (child?.type === 'string_content' || child?.type === 'escape_sequence') text += child.text;
      else if (child?.type === 'interpolation') text += ' ';
    }
  }
  return text;
}

/**
 * For sqlite3/aiosqlite (`?`) and DB-API drivers using `%s`: rewrite an f-string into a placeholder query plus a
 * parameter tuple, binding its values and keeping its constants (table and column names) in the text. A suggestion:
 * a person checks that no other interpolation was a name.
 */
function placeholderSuggestion(file: FileModel, call: CallSite, built: Built, integration: IntegrationModel | undefined): Fix[] {
  if (!built.fString || call.args.length !== 1 || call.keywords.size > 0 || call.args[0].id !== built.fString.id) return [];
  // SQLAlchemy's `text()` takes the statement alone, its parameters named (`:name`) and given to `execute`.
  if (/^sqlalchemy(\.|$)/.test(call.name ?? '')) return [];
  const placeholder = placeholderStyle(file);
  if (!placeholder) return [];
  const string = built.fString;
  const start = string.child(0);
  const end = string.child(string.childCount - 1);
  if (!start || !end) return [];
  let keepsInterpolations = false;
  // Text pieces between interpolations; a value quoted in the SQL ('{x}') loses its quotes with its placeholder.
  const texts: string[] = [''];
  const values: string[] = [];
  for (let index = 1; index < string.childCount - 1; index++) {
    const child = string.child(index);
    if (!child) continue;
    if (child.type !== 'interpolation') {
      texts[texts.length - 1] += child.text;
      continue;
    }
    const expression = child.childForFieldName('expression') ?? child.namedChild(0);
    // A format spec or conversion (`{x!r}`, `{x:>4}`) changes the text; leave those to a person.
    if (!expression || child.namedChildCount > 1) return [];
    // A constant (a table or column name) stays in the text: drivers bind values, never names.
    if (isConstantExpression(file, expression, integration) || isFixedChoiceValue(file, expression, integration)) {
      texts[texts.length - 1] += child.text;
      keepsInterpolations = true;
      continue;
    }
    values.push(expression.text);
    texts.push('');
  }
  const prefix = keepsInterpolations ? start.text : start.text.replace(/[fF]/, '');
  let body = texts[0];
  for (let index = 1; index < texts.length; index++) {
    let following = texts[index];
    const quote = /(['"])$/.exec(body)?.[1];
    if (quote && following.startsWith(quote)) {
      body = body.slice(0, -1);
      following = following.slice(1);
    }
    body += placeholder + following;
  }
  if (!keepsInterpolations && /\{\{|\}\}/.test(body)) return [];
  const parameters = `(${values.join(', ')}${values.length === 1 ? ',' : ''})`;
  return [
    {
      title: 'Bind the interpolated values as query parameters',
      safe: false,
      edits: [{ range: { start: rangeStart(string), end: rangeEnd(string) }, newText: `${prefix}${body}${end.text}, ${parameters}` }],
    },
  ];
}

function placeholderStyle(file: FileModel): string | undefined {
  const modules = [...file.imports.values()];
  if (modules.some((module) => /^(sqlite3|aiosqlite)(\.|$)/.test(module))) return '?';
  if (modules.some((module) => /^(psycopg2?|pymysql|aiomysql|mysql\.connector|MySQLdb|aiopg)(\.|$)/.test(module))) return '%s';
  return undefined;
}

function rangeStart(node: Node) {
  return { line: node.startPosition.row, character: node.startPosition.column };
}

function rangeEnd(node: Node) {
  return { line: node.endPosition.row, character: node.endPosition.column };
}

