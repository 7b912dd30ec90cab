import type { Node } from '../python/syntaxTree';
import { parameterAnnotation, stringPrefix, unwrap } from '../python/syntax';
import type { CallSite, FileModel } from './fileModel';

/**
 * Command lines built in Python: the literal text and the interpolated values of an f-string, `%` formatting,
 * `+` concatenation or `str.format`, and how a POSIX shell would split that text into words. The shell-command
 * rule uses it to judge a command and to rewrite it as an argument list.
 */

/** subprocess's functions that run a command: an argument list, or a shell string with `shell=True`. */
export const SUBPROCESS_RUNNERS = new Set(['subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output', 'subprocess.Popen']);

/**
 * The argument list a call runs a program with, its items as written: `subprocess.run(["curl", url])` (also through
 * a local variable) and `asyncio.create_subprocess_exec("curl", url)`. Undefined for a shell string or a list not seen.
 */
export function programArguments(file: FileModel, call: CallSite): Node[] | undefined {
  const name = (call.name ?? '').replace(/^asyncio\.subprocess\./, 'asyncio.');
  if (name === 'asyncio.create_subprocess_exec') return call.args;
  if (!SUBPROCESS_RUNNERS.has(name) || !call.args[0]) return undefined;
  const list = file.origins(call.args[0]).map((origin) => unwrap(origin.node)).find((node) => node.type === 'list' || node.type === 'tuple');
  return list?.namedChildren.filter((item): item is Node => item !== null && item.type !== 'comment');
}

/** A piece of the command text: literal text (decoded), or a value interpolated at run time. */
export type Segment = LiteralSegment | ValueSegment;

export interface LiteralSegment {
  literal: string;
}

export interface ValueSegment {
  value: Node;
  /** The value becomes text through `str()` (f-strings, `%s`, `.format`); false where it must already be a str (`+`). */
  formatted: boolean;
}

export function isLiteral(segment: Segment): segment is LiteralSegment {
  return 'literal' in segment;
}

/**
 * Breaks a string-building expression into literal text and values, in order; undefined when the expression is
 * not one of the shapes understood here (a variable, a call, bytes, `%r`, a format spec...).
 */
export function segmentsOf(file: FileModel, expression: Node): Segment[] | undefined {
  const node = unwrap(expression);
  switch (node.type) {
    case 'string':
      return stringSegments(node);
    case 'concatenated_string': {
      const segments: Segment[] = [];
      for (const part of node.namedChildren) {
        const inner = part ? stringSegments(part) : undefined;
        if (!inner) return undefined;
        segments.push(...inner);
      }
      return segments;
    }
    case 'binary_operator': {
      const operator = node.childForFieldName('operator')?.text;
      if (operator === '+') return concatenationSegments(file, node);
      if (operator === '%') return percentSegments(file, node);
      return undefined;
    }
    case 'call':
      return formatSegments(file, node);
    default:
      return undefined;
  }
}

/** The literal text of a string literal without interpolations, escapes decoded; undefined otherwise. */
export function decodedLiteral(node: Node): string | undefined {
  const target = unwrap(node);
  const parts = target.type === 'concatenated_string' ? target.namedChildren : [target];
  let text = '';
  for (const part of parts) {
    const segments = part ? stringSegments(part) : undefined;
    if (!segments || !segments.every(isLiteral)) return undefined;
    text += segments.map((segment) => segment.literal).join('');
  }
  return text;
}

function stringSegments(node: Node): Segment[] | undefined {
  if (node.type !== 'string') return undefined;
  const prefix = stringPrefix(node);
  if (prefix.includes('b')) return undefined;
  const raw = prefix.includes('r');
  const formatted = prefix.includes('f');
  const segments: Segment[] = [];
  for (const child of node.children) {
    if (!child || child.type === 'string_start' || child.type === 'string_end') continue;
    if (child.type === 'string_content') {
      const text = decodeContent(child.text, raw, formatted);
      if (text === undefined) return undefined;
      segments.push({ literal: text });
    } else if (child.type === 'interpolation') {
      const value = plainInterpolation(child);
      if (!value) return undefined;
      segments.push({ value, formatted: true });
    } else {
      return undefined;
    }
  }
  return mergeLiterals(segments);
}

/** `{x}` and `{x!s}` insert `str(x)`; conversions, format specs and `{x=}` change the text, so they are not plain. */
function plainInterpolation(interpolation: Node): Node | undefined {
  let expression: Node | undefined;
  for (const child of interpolation.children) {
    if (!child || child.type === '{' || child.type === '}') continue;
    if (child.type === 'type_conversion' && child.text === '!s') continue;
    if (expression || !child.isNamed || child.type === 'format_specifier' || child.type === 'type_conversion') return undefined;
    expression = child;
  }
  return expression;
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', t: '\t', n: '\n', '\n': '' };

/** Decodes the escapes a command text plausibly holds; undefined for anything rarer (octal, unicode...). */
function decodeContent(text: string, raw: boolean, formatted: boolean): string | undefined {
  let result = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (formatted && (char === '{' || char === '}') && text[index + 1] === char) {
      result += char;
      index++;
    } else if (char === '\\' && !raw) {
      const replacement = SIMPLE_ESCAPES[text[index + 1]];
      if (replacement === undefined) return undefined;
      result += replacement;
      index++;
    } else {
      result += char;
    }
  }
  return result;
}

function mergeLiterals(segments: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    if (isLiteral(segment) && last && isLiteral(last)) last.literal += segment.literal;
    else if (!isLiteral(segment) || segment.literal !== '') merged.push(isLiteral(segment) ? { literal: segment.literal } : segment);
  }
  return merged;
}

/**
 * `"ping " + host + " -c 1"`: a chain of `+` is string concatenation only when one of its operands is a string
 * literal (then every operand must be a str, or Python raises); `a + b` alone may be arithmetic.
 */
function concatenationSegments(file: FileModel, node: Node): Segment[] | undefined {
  const operands: Node[] = [];
  const collect = (current: Node): void => {
    const target = unwrap(current);
    if (target.type === 'binary_operator' && target.childForFieldName('operator')?.text === '+') {
      const left = target.childForFieldName('left');
      const right = target.childForFieldName('right');
      if (left) collect(left);
      if (right) collect(right);
    } else {
      operands.push(target);
    }
  };
  collect(node);
  if (!operands.some((operand) => operand.type === 'string' || operand.type === 'concatenated_string')) return undefined;
  const segments: Segment[] = [];
  for (const operand of operands) {
    const inner = operand.type === 'string' || operand.type === 'concatenated_string' || operand.type === 'binary_operator' || operand.type === 'call' ? segmentsOf(file, operand) : undefined;
    if (inner) segments.push(...inner);
    else if (operand.type === 'string' || operand.type === 'concatenated_string') return undefined;
    else segments.push({ value: operand, formatted: false });
  }
  return mergeLiterals(segments);
}

/** `"ping -c %d %s" % (count, host)`: only `%s`, `%d`, `%i` and `%%`, with a tuple literal or a single value. */
function percentSegments(file: FileModel, node: Node): Segment[] | undefined {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right) return undefined;
  const template = decodedLiteral(unwrap(left));
  if (template === undefined) return undefined;
  const rightSide = unwrap(right);
  let values: Node[];
  if (rightSide.type === 'tuple') {
    values = rightSide.namedChildren.filter((child): child is Node => child !== null);
  } else {
    // A name may hold a tuple (several values) or a dict (named fields) instead of one value.
    if (rightSide.type === 'dictionary') return undefined;
    const holdsSeveral = file.origins(rightSide).some((origin) => origin.kind === 'expression' && ['tuple', 'dictionary'].includes(unwrap(origin.node).type));
    if (holdsSeveral) return undefined;
    values = [rightSide];
  }
  const segments: Segment[] = [];
  let used = 0;
  for (const piece of template.split(/(%.)/s)) {
    if (piece === '%%') {
      segments.push({ literal: '%' });
    } else if (piece === '%s') {
      const value = values[used++];
      if (!value) return undefined;
      segments.push({ value, formatted: true });
    } else if (piece === '%d' || piece === '%i') {
      const value = values[used++];
      // `%d` truncates floats and rejects strings; `str()` matches it only for integers.
      if (!value || !isCertainlyInteger(file, value)) return undefined;
      segments.push({ value, formatted: true });
    } else if (piece.startsWith('%')) {
      return undefined;
    } else {
      segments.push({ literal: piece });
    }
  }
  return used === values.length ? mergeLiterals(segments) : undefined;
}

/** `"ping {} -c {count}".format(host, count=1)`: automatic, numbered and named fields, `!s` allowed. */
function formatSegments(file: FileModel, node: Node): Segment[] | undefined {
  const site = file.callSite(node);
  if (!site || site.method !== 'format' || site.hasSplat) return undefined;
  const receiver = site.callee.childForFieldName('object');
  const template = receiver ? decodedLiteralRaw(receiver) : undefined;
  if (template === undefined) return undefined;
  const segments: Segment[] = [];
  let automatic = 0;
  for (const piece of template.split(/(\{\{|\}\}|\{[^{}]*\})/)) {
    if (piece === '{{' || piece === '}}') {
      segments.push({ literal: piece[0] });
      continue;
    }
    const field = /^\{([A-Za-z_][A-Za-z0-9_]*|\d*)(!s)?\}$/.exec(piece);
    if (!field) {
      if (/[{}]/.test(piece)) return undefined;
      segments.push({ literal: piece });
      continue;
    }
    const key = field[1];
    const value = key === '' ? site.args[automatic++] : /^\d+$/.test(key) ? site.args[Number(key)] : site.keywords.get(key);
    if (!value) return undefined;
    segments.push({ value, formatted: true });
  }
  return mergeLiterals(segments);
}

/** Like decodedLiteral, but keeps `{{` as written (str.format decodes those itself). */
function decodedLiteralRaw(node: Node): string | undefined {
  const target = unwrap(node);
  const parts = target.type === 'concatenated_string' ? target.namedChildren : [target];
  let text = '';
  for (const part of parts) {
    if (!part || part.type !== 'string') return undefined;
    const prefix = stringPrefix(part);
    if (prefix.includes('f') || prefix.includes('b')) return undefined;
    for (const child of part.children) {
      if (!child || child.type === 'string_start' || child.type === 'string_end') continue;
      if (child.type !== 'string_content') return undefined;
      const decoded = decodeContent(child.text, prefix.includes('r'), false);
      if (decoded === undefined) return undefined;
      text += decoded;
    }
  }
  return text;
}

const STRING_FUNCTIONS = new Set([
  'str', 'shlex.quote', 'shlex.join', 'pipes.quote', 'os.path.join', 'os.path.basename', 'os.path.dirname', 'os.path.abspath',
  'os.path.realpath', 'os.path.expanduser', 'os.path.normpath', 'os.fspath', 'repr', 'hex', 'oct', 'format',
]);
const STRING_METHODS = new Set([
  'format', 'join', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'casefold', 'title', 'replace', 'removeprefix', 'removesuffix',
]);

/** Whether every value an expression may hold is a str (literals, str(), f-strings, parameters annotated `str`...). */
export function isCertainlyString(file: FileModel, expression: Node): boolean {
  const origins = file.origins(expression);
  return origins.length > 0 && origins.every((origin) => {
    if (origin.kind === 'parameter') return annotationOf(origin.node) === 'str';
    if (origin.kind !== 'expression') return false;
    return isStringExpression(file, unwrap(origin.node));
  });
}

function isStringExpression(file: FileModel, node: Node): boolean {
  switch (node.type) {
    case 'string':
      return !stringPrefix(node).includes('b');
    case 'concatenated_string':
      return node.namedChildren.every((part) => part !== null && isStringExpression(file, part));
    case 'binary_operator': {
      const operator = node.childForFieldName('operator')?.text;
      const left = node.childForFieldName('left');
      if (operator === '%') return left !== null && isStringExpression(file, unwrap(left));
      if (operator === '+') return segmentsOf(file, node) !== undefined;
      return false;
    }
    case 'call': {
      const site = file.callSite(node);
      if (!site) return false;
      if (site.name && STRING_FUNCTIONS.has(site.name) && (site.name.includes('.') || file.isBuiltin(site.name))) return true;
      const receiver = site.callee.type === 'attribute' ? site.callee.childForFieldName('object') : null;
      return site.method !== undefined && STRING_METHODS.has(site.method) && receiver !== null && isCertainlyString(file, receiver);
    }
    default:
      return false;
  }
}

/** Whether every value an expression may hold is an int (integer literals, int(), len(), parameters annotated `int`). */
export function isCertainlyInteger(file: FileModel, expression: Node): boolean {
  const origins = file.origins(expression);
  return origins.length > 0 && origins.every((origin) => {
    if (origin.kind === 'parameter') return annotationOf(origin.node) === 'int';
    if (origin.kind !== 'expression') return false;
    const node = unwrap(origin.node);
    if (node.type === 'integer') return true;
    if (node.type !== 'call') return false;
    const name = file.callSite(node)?.name;
    return (name === 'int' || name === 'len') && file.isBuiltin(name);
  });
}

function annotationOf(parameter: Node): string | undefined {
  return parameterAnnotation(parameter)?.text;
}

/** A word of a command line: its pieces of text and values, and whether each value stood inside shell quotes. */
export type WordPart = { text: string } | { value: Node; formatted: boolean; quoted: boolean };
export type Word = WordPart[];

/**
 * Why a command line cannot become an argument list by splitting it here:
 * - `operator`: pipes, redirections, command lists, substitutions, line breaks (only a shell does these);
 * - `pattern`: globs, `~`, braces, comments (a shell would expand them; `shlex.split` keeps them as text);
 * - `unbalanced`: an unclosed quote.
 */
export type SplitProblem = 'operator' | 'pattern' | 'unbalanced';

const OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '`', '$', '\n']);
const PATTERNS = new Set(['*', '?', '[', ']', '~', '{', '}', '#', '!']);

/**
 * Splits a command line into words the way a POSIX shell does for plain words and quotes, with each value
 * kept as (part of) one word. Anything a shell would do beyond that is reported as a problem instead.
 */
export function splitWords(segments: readonly Segment[]): { words: Word[] } | { problem: SplitProblem } {
  const words: Word[] = [];
  let current: Word | undefined;
  let quote: "'" | '"' | undefined;
  const word = (): Word => {
    if (!current) {
      current = [];
      words.push(current);
    }
    return current;
  };
  const append = (text: string): void => {
    const target = word();
    const last = target[target.length - 1];
    if (last && 'text' in last) last.text += text;
    else target.push({ text });
  };
  for (const segment of segments) {
    if (!isLiteral(segment)) {
      word().push({ value: segment.value, formatted: segment.formatted, quoted: quote !== undefined });
      continue;
    }
    const text = segment.literal;
    for (let index = 0; index < text.length; index++) {
      const char = text[index];
      if (quote === "'") {
        if (char === "'") quote = undefined;
        else append(char);
      } else if (quote === '"') {
        if (char === '"') quote = undefined;
        else if (char === '$' || char === '`') return { problem: 'operator' };
        else if (char === '\\') {
          const next = text[index + 1];
          if (next === undefined) return { problem: 'unbalanced' };
          if ('$`"\\'.includes(next)) {
            append(next);
            index++;
          } else if (next === '\n') {
            index++;
          } else {
            append(char);
          }
        } else append(char);
      } else if (char === ' ' || char === '\t') {
        current = undefined;
      } else if (char === "'" || char === '"') {
        quote = char;
        word();
      } else if (char === '\\') {
        const next = text[index + 1];
        if (next === undefined) return { problem: 'unbalanced' };
        if (next !== '\n') append(next);
        index++;
      } else if (OPERATORS.has(char)) {
        return { problem: 'operator' };
      } else if (PATTERNS.has(char)) {
        return { problem: 'pattern' };
      } else {
        append(char);
      }
    }
  }
  if (quote) return { problem: 'unbalanced' };
  return { words };
}

/** Words a shell treats specially in first position: there is no program of that name to run. */
const SHELL_ONLY_COMMANDS = new Set([
  '.', ':', 'alias', 'bg', 'break', 'case', 'cd', 'command', 'continue', 'eval', 'exec', 'exit', 'export', 'fg', 'for',
  'function', 'getopts', 'hash', 'if', 'jobs', 'local', 'read', 'readonly', 'return', 'select', 'set', 'shift', 'source',
  'time', 'times', 'trap', 'type', 'ulimit', 'umask', 'unalias', 'unset', 'until', 'wait', 'while',
]);

/**
 * Whether the command's first word only means something to a shell: a builtin or keyword (`cd`, `export`,
 * `source`), or an environment assignment (`LANG=C ls`).
 */
export function startsWithShellOnlyWord(words: readonly Word[]): boolean {
  const first = words[0];
  if (!first || first.length === 0) return false;
  const head = first[0];
  if (!('text' in head)) return false;
  if (first.length === 1 && SHELL_ONLY_COMMANDS.has(head.text)) return true;
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(head.text);
}
