import type { Node } from './python/syntaxTree';
import type { FileModel } from './model/fileModel';
import { rangeOf } from './python/syntax';
import type { Range, TextEdit } from './types';

/** Building blocks for the edits rules attach to findings. Every helper keeps the file's own formatting. */

export function replaceNode(node: Node, newText: string): TextEdit {
  return { range: rangeOf(node), newText };
}

export function insertAt(line: number, character: number, newText: string): TextEdit {
  return { range: { start: { line, character }, end: { line, character } }, newText };
}

/**
 * Adds an argument after `last`, the call's last one: on a line of its own, indented alike and with the trailing
 * comma kept, where the arguments stand one per line; else after a comma on the same line.
 */
export function appendArgument(file: FileModel, last: Node, text: string): TextEdit {
  const { start, end } = rangeOf(last);
  const previous = last.previousSibling;
  const ownLine = previous !== null && rangeOf(previous).end.line < start.line;
  if (!ownLine) return insertAt(end.line, end.character, `, ${text}`);
  const indent = /^\s*/.exec(file.lineText(start.line))?.[0] ?? '';
  const next = last.nextSibling;
  const trailingComma = next?.type === ',';
  const after = trailingComma && next ? rangeOf(next).end : end;
  return insertAt(after.line, after.character, `${trailingComma ? '' : ','}\n${indent}${text}${trailingComma ? ',' : ''}`);
}

/**
 * Whole lines (`text` ends with a line break) inserted before line `line`; past the end of a file that does not end
 * with a line break, after its last line.
 */
export function insertLines(file: FileModel, line: number, text: string): TextEdit {
  if (line < file.lineCount) return insertAt(line, 0, text);
  const last = file.lineCount - 1;
  return insertAt(last, file.lineText(last).length, `\n${text.replace(/\n$/, '')}`);
}

/** Removes one argument of a call together with the comma that separates it from its neighbour. */
export function removeArgument(argument: Node): TextEdit {
  const target = argument.parent?.type === 'keyword_argument' ? argument.parent : argument;
  const ownLines = ownLinesOf(target);
  if (ownLines) return { range: ownLines, newText: '' };
  const previous = target.previousSibling;
  const next = target.nextSibling;
  if (previous && previous.type === ',') {
    return { range: spanRange(previous, target), newText: '' };
  }
  if (next && next.type === ',') {
    const after = next.nextSibling;
    const end = after && after.type !== ')' ? startOf(after) : rangeOf(next).end;
    return { range: { start: rangeOf(target).start, end }, newText: '' };
  }
  return replaceNode(target, '');
}

/**
 * The whole lines an argument stands on by itself (`    timeout=10,  # why` between others), with its comma and
 * comment: removing them leaves the neighbours, and their comments, as they were.
 */
function ownLinesOf(target: Node): Range | undefined {
  const { start, end } = rangeOf(target);
  const lines = target.tree.lineStarts;
  const text = target.tree.text;
  const before = text.slice(lines[start.line], target.startIndex);
  const lineEnd = end.line + 1 < lines.length ? lines[end.line + 1] : text.length;
  const after = text.slice(target.endIndex, lineEnd);
  // The line goes too only when an argument or the closing bracket follows on a later line, not on this one.
  if (!/^\s*$/.test(before) || !/^\s*,?\s*(#[^\n]*)?\r?\n$/.test(after) || end.line + 1 >= lines.length) return undefined;
  const previous = target.previousSibling;
  if (!previous || rangeOf(previous).end.line === start.line) return undefined;
  return { start: { line: start.line, character: 0 }, end: { line: end.line + 1, character: 0 } };
}

function startOf(node: Node): Range['start'] {
  return rangeOf(node).start;
}

function spanRange(first: Node, last: Node): Range {
  return { start: rangeOf(first).start, end: rangeOf(last).end };
}

/**
 * An edit adding `import module` (or `from module import name`) unless the file already has it,
 * placed after the last top-level import so it joins the file's import block. Returns undefined when present.
 */
export function addImport(file: FileModel, module: string, name?: string): TextEdit | undefined {
  if (name === undefined ? file.imports.get(module) === module : file.imports.get(name) === `${module}.${name}`) return undefined;
  const statement = name === undefined ? `import ${module}` : `from ${module} import ${name}`;
  const wanted = importOrder(name === undefined ? 'import_statement' : 'import_from_statement', module);
  const { imports, firstStatementLine } = moduleLayout(file);
  // Join the block where isort and ruff would put it: by section, plain imports first, then by module.
  const next = imports.findIndex((existing) => compareOrder(existing.order, wanted) > 0);
  if (next >= 0) {
    // The last of its own section rather than the first of the next: the blank line between sections stays put.
    // (Not past the last line: in a file whose statements share lines, such as one broken with bare `\r`, that line
    // does not exist, and the next import's line comes first.)
    const previous = imports[next - 1];
    const afterPrevious = previous ? previous.endLine + 1 : file.lineCount;
    if (previous && previous.order[0] === wanted[0] && imports[next].order[0] !== wanted[0] && afterPrevious < file.lineCount) return insertAt(afterPrevious, 0, `${statement}\n`);
    return insertAt(imports[next].startLine, 0, `${statement}\n`);
  }
  const lastLine = file.lineCount - 1;
  const lastImport = imports[imports.length - 1];
  if (lastImport) {
    // The file ends on the import's line without a line break, maybe with code after the import (`import os; f()`):
    // a line of its own before that line, neither glued onto it nor after code that needs it.
    if (lastImport.endLine >= lastLine) return insertAt(lastImport.startLine, 0, `${statement}\n`);
    return insertAt(lastImport.endLine + 1, 0, `${statement}\n`);
  }
  if (firstStatementLine !== undefined) return insertAt(firstStatementLine, 0, `${statement}\n\n`);
  // At the very end, inside the text: a position past the last line is clamped onto the end of the last one.
  const lastText = file.lineText(lastLine);
  return insertAt(lastLine, lastText.length, `${lastText === '' ? '' : '\n'}${statement}\n`);
}

/**
 * An edit removing the module-level import of `name` once a rewrite of `replaced` takes its last use away (`import
 * os` after `os.system(...)` became `subprocess.run(...)`), so the fix leaves no unused import behind for the
 * project's linter. Only an import that stands on its own lines at the top level: inside `try:` or `if:` it may be
 * the block's only statement. Undefined while the name has any other use, or more than one import binds it.
 */
export function removeImportLeftUnused(file: FileModel, name: string, replaced: Node): TextEdit | undefined {
  const otherUses = file
    .nodesOfType('identifier')
    .some((identifier) => identifier.text === name && !insideImport(identifier) && (identifier.startIndex < replaced.startIndex || identifier.endIndex > replaced.endIndex));
  if (otherUses) return undefined;
  const bindings: { statement: Node; binding: Node }[] = [];
  for (const statement of file.root.namedChildren) {
    if (statement.type !== 'import_statement' && statement.type !== 'import_from_statement') continue;
    for (const binding of statement.childrenForFieldName('name')) {
      const bound = binding.type === 'aliased_import' ? binding.childForFieldName('alias') : binding.type === 'dotted_name' ? binding.namedChild(0) : null;
      if (bound?.text === name) bindings.push({ statement, binding });
    }
  }
  if (bindings.length !== 1) return undefined;
  const { statement, binding } = bindings[0];
  if (statement.childrenForFieldName('name').length > 1) return removeArgument(binding);
  const { start, end } = rangeOf(statement);
  const lines = file.tree.lineStarts;
  const alone = file.lineText(start.line).slice(0, start.character).trim() === '' && /^\s*(#.*)?$/.test(file.lineText(end.line).slice(end.character));
  if (!alone || end.line + 1 >= lines.length) return undefined;
  return { range: { start: { line: start.line, character: 0 }, end: { line: end.line + 1, character: 0 } }, newText: '' };
}

function insideImport(identifier: Node): boolean {
  for (let node: Node | null = identifier.parent; node && node.type !== 'module'; node = node.parent) {
    if (node.type === 'import_statement' || node.type === 'import_from_statement') return true;
    if (node.type !== 'dotted_name' && node.type !== 'aliased_import') return false;
  }
  return false;
}

/** Where a module's top-level imports are and where its code starts. */
interface ModuleLayout {
  imports: { order: Order; startLine: number; endLine: number }[];
  firstStatementLine: number | undefined;
}

/** Several fixes of one file add imports; the module's top level is read once per file model. */
const layouts = new WeakMap<FileModel, ModuleLayout>();

function moduleLayout(file: FileModel): ModuleLayout {
  let layout = layouts.get(file);
  if (layout) return layout;
  layout = { imports: [], firstStatementLine: undefined };
  for (const child of file.root.namedChildren) {
    if (!child) continue;
    if (child.type === 'import_statement' || child.type === 'import_from_statement' || child.type === 'future_import_statement') {
      const range = rangeOf(child);
      layout.imports.push({ order: importOrder(child.type, importedModule(child)), startLine: range.start.line, endLine: range.end.line });
    } else if (layout.firstStatementLine === undefined && child.type !== 'comment' && !isDocstring(child)) {
      layout.firstStatementLine = rangeOf(child).start.line;
    }
  }
  layouts.set(file, layout);
  return layout;
}

/** The standard-library modules fixes import, and common ones a file may already have. */
const STANDARD_LIBRARY = new Set([
  'abc', 'ast', 'asyncio', 'base64', 'collections', 'contextlib', 'dataclasses', 'datetime', 'enum', 'functools', 'hashlib',
  'hmac', 'html', 'http', 'importlib', 'io', 'ipaddress', 'itertools', 'json', 'logging', 'math', 'os', 'pathlib', 'pickle',
  're', 'secrets', 'shlex', 'shutil', 'socket', 'sqlite3', 'ssl', 'string', 'subprocess', 'sys', 'tempfile', 'time',
  'typing', 'urllib', 'uuid', 'xml', 'zoneinfo',
]);

type Order = [section: number, kind: number, module: string];

function importOrder(type: string, module: string): Order {
  const top = module.split('.')[0];
  const section = type === 'future_import_statement' || top === '__future__' ? 0 : STANDARD_LIBRARY.has(top) ? 1 : module.startsWith('.') ? 3 : 2;
  return [section, type === 'import_from_statement' ? 1 : 0, module.toLowerCase()];
}

function compareOrder(a: Order, b: Order): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

function importedModule(statement: Node): string {
  const module = statement.type === 'import_from_statement' ? statement.childForFieldName('module_name') : statement.namedChild(0);
  return (module?.type === 'aliased_import' ? module.childForFieldName('name')?.text : module?.text) ?? '';
}

function isDocstring(node: Node): boolean {
  return node.type === 'expression_statement' && node.namedChild(0)?.type === 'string';
}

const quoteCache = new WeakMap<FileModel, string>();

/** The quote the file writes most of its one-line strings with, for strings a fix adds. */
export function preferredQuote(file: FileModel): string {
  let quote = quoteCache.get(file);
  if (quote === undefined) {
    const single = (file.text.match(/(^|[^\w])'[^'\n]*'/g) ?? []).length;
    const double = (file.text.match(/(^|[^\w])"[^"\n]*"/g) ?? []).length;
    quote = single > double ? "'" : '"';
    quoteCache.set(file, quote);
  }
  return quote;
}
