import type { Node } from 'web-tree-sitter';
import { addImport, removeArgument, replaceNode } from '../fixes';
import { isConstantExpression } from '../model/constness';
import type { CallSite, FileModel } from '../model/fileModel';
import { untrustedSource } from '../model/untrusted';
import { literalString, quoteOf, stringPrefix, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import type { Fix, TextEdit } from '../types';

const SUBPROCESS_WITH_SHELL_FLAG = new Set(['subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output', 'subprocess.Popen']);
const ALWAYS_SHELL = new Set(['os.system', 'os.popen', 'subprocess.getoutput', 'subprocess.getstatusoutput', 'commands.getoutput', 'commands.getstatusoutput', 'asyncio.create_subprocess_shell']);
const EXEC_FAMILY = /^os\.(exec|spawn)[lv]p?e?$/;
const SHELLS = /(^|\/)(ba|da|z|k|c|tc|fi)?sh$/;
/** Characters the shell gives meaning to: with them in the literal text, splitting on spaces changes the command. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~{}!\n]/;
export const SWITCH_TITLE = 'Switch to argument-list spawn';

/** The command text as literal pieces and interpolated values, in order. */
type Segment = { literal: string } | { value: Node; needsStr: boolean };

export const shellCommand: Rule = {
  meta: {
    id: 'shell-command',
    checklist: 'command-injection',
    severity: 'error',
    fix: 'safe',
    cwe: 78,
    description: 'A command is run through a shell (shell=True, os.system, create_subprocess_shell), so input can inject commands.',
    docs: `A shell reads its command line as a small program: \`;\`, \`&&\`, \`|\`, \`$(...)\` and backticks start new
commands. When a host name, a file name or any other value is pasted into that line, a value such as
\`example.com; rm -rf /config\` runs a second command with Home Assistant's rights. Service data, flow input and
webhook payloads are exactly such values, and even a device's reply can be hostile.

Start processes with an argument list instead: every value is one argument, and no shell ever parses it.
\`subprocess.run([...])\` (without \`shell=True\`) and \`asyncio.create_subprocess_exec(...)\` do that. Interpolated
commands are errors; constant commands still run a shell needlessly and are warnings.

The quick fix **Switch to argument-list spawn** rewrites the call when the command can be split without a shell:
\`subprocess.run(f"ping -c 1 {host}", shell=True)\` becomes \`subprocess.run(["ping", "-c", "1", host])\`,
\`os.system(...)\` becomes \`subprocess.run([...], check=False)\` and \`asyncio.create_subprocess_shell(...)\` becomes
\`asyncio.create_subprocess_exec(...)\`. Values that may not be strings are wrapped in \`str()\`, as the f-string did.
When the command uses shell syntax (pipes, redirections, quotes) or is a variable, the fix is only a suggestion
based on \`shlex.split\`: check that the command still does what it did.

Bad:
\`\`\`python
subprocess.run(f"ping -c 1 {host}", shell=True)
\`\`\`

Good:
\`\`\`python
subprocess.run(["ping", "-c", "1", host])
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    for (const call of file.calls) {
      const name = call.name ?? '';
      let command: Node | undefined;
      if (SUBPROCESS_WITH_SHELL_FLAG.has(name)) {
        const shell = call.keywords.get('shell');
        if (!shell || !isTruthy(shell)) {
          if (call.args[0]) context.markUsed();
          continue;
        }
        command = call.args[0] ?? call.keywords.get('args');
      } else if (ALWAYS_SHELL.has(name) || call.method === 'subprocess_shell') {
        command = call.method === 'subprocess_shell' ? call.args[1] : call.args[0] ?? call.keywords.get('cmd');
      } else if (EXEC_FAMILY.test(name)) {
        context.markUsed();
        const program = call.args[0] ? literalString(call.args[0]) : undefined;
        const flagIndex = call.args.findIndex((arg) => literalString(arg) === '-c');
        if (!program || !SHELLS.test(program) || flagIndex < 0) continue;
        command = call.args[flagIndex + 1];
      } else if (name === 'asyncio.create_subprocess_exec' || /^subprocess\./.test(name)) {
        context.markUsed();
        continue;
      } else {
        continue;
      }
      context.markUsed();
      if (!command) continue;
      report(context, call, command);
    }
  },
};

function report(context: FileContext, call: CallSite, command: Node): void {
  const { file, integration } = context;
  const constant = isConstantExpression(file, command, integration);
  const source = constant ? undefined : untrustedSource(file, command, integration);
  const how = call.name === 'os.system' || call.name === 'os.popen' ? `\`${call.name}\` runs its command through a shell` : call.name?.endsWith('create_subprocess_shell') || call.method === 'subprocess_shell' ? 'This runs its command through a shell' : 'shell=True runs the command through a shell';
  const message = constant
    ? `${how}; nothing is interpolated here, but an argument list avoids the shell entirely.`
    : `${how}, and the command is built from ${source ? source.description : 'values that are not constants'}; a value containing ; | $() or backticks runs commands of its own. Pass an argument list without a shell.`;
  const fixes = switchToArgumentList(file, call, command);
  context.report(call.node, message, {
    severity: constant ? 'warning' : 'error',
    fix: fixes.find((fix) => fix.safe),
    suggestions: fixes.filter((fix) => !fix.safe),
  });
}

function isTruthy(node: Node): boolean {
  const target = unwrap(node);
  return !(target.type === 'false' || target.type === 'none' || (target.type === 'integer' && Number(target.text) === 0));
}

/** The safe rewrite when the command splits statically, else a `shlex.split` suggestion. */
function switchToArgumentList(file: FileModel, call: CallSite, command: Node): Fix[] {
  if (call.hasSplat) return [];
  const kind = callKind(call);
  if (!kind) return [];
  const quote = command.type === 'string' ? quoteOf(command) : preferredQuote(file);
  const segments = segmentsOf(file, command);
  const argumentsText = segments ? splitArguments(segments, quote) : undefined;
  if (argumentsText && argumentsText.length > 0) {
    const edits = rewrite(file, call, command, kind, argumentsText, false);
    if (edits) return [{ title: SWITCH_TITLE, safe: true, edits }];
  }
  // shlex.split cannot stand in for pipes, redirections or command lists: there is no rewrite to offer then.
  const literal = segments?.map((segment) => ('literal' in segment ? segment.literal : '')).join('') ?? '';
  if (/[|;&<>`$]/.test(literal)) return [];
  const shlexEdits = rewrite(file, call, command, kind, [`shlex.split(${command.text})`], true);
  if (!shlexEdits) return [];
  const shlexImport = addImport(file, 'shlex');
  return [{ title: `${SWITCH_TITLE} (shlex.split; check the command)`, safe: false, edits: shlexImport ? [...shlexEdits, shlexImport] : shlexEdits }];
}

type CallKind = 'subprocess' | 'system' | 'asyncio';

function callKind(call: CallSite): CallKind | undefined {
  const name = call.name ?? '';
  if (SUBPROCESS_WITH_SHELL_FLAG.has(name)) return 'subprocess';
  if (name === 'os.system') return 'system';
  if (name === 'asyncio.create_subprocess_shell' && call.callee.type === 'attribute') return 'asyncio';
  return undefined;
}

function rewrite(file: FileModel, call: CallSite, command: Node, kind: CallKind, args: string[], spread: boolean): TextEdit[] | undefined {
  if (kind === 'subprocess') {
    const shell = call.keywords.get('shell');
    if (!shell || call.args[0]?.id !== command.id) return undefined;
    const list = spread ? args[0] : `[${args.join(', ')}]`;
    return [replaceNode(command, list), removeArgument(shell)];
  }
  if (kind === 'asyncio') {
    const attribute = call.callee.childForFieldName('attribute');
    if (!attribute || call.args[0]?.id !== command.id) return undefined;
    return [replaceNode(attribute, 'create_subprocess_exec'), replaceNode(command, spread ? `*${args[0]}` : args.join(', '))];
  }
  // os.system returns the exit status; subprocess.run returns a CompletedProcess, so a used result reads .returncode.
  if (call.args.length !== 1 || call.keywords.size > 0) return undefined;
  const subprocessName = moduleAlias(file, 'subprocess') ?? 'subprocess';
  const resultUsed = call.node.parent?.type !== 'expression_statement';
  const replacement = `${subprocessName}.run(${spread ? args[0] : `[${args.join(', ')}]`}, check=False)${resultUsed ? '.returncode' : ''}`;
  const edits = [replaceNode(call.node, replacement)];
  if (!moduleAlias(file, 'subprocess')) {
    const importEdit = addImport(file, 'subprocess');
    if (importEdit) edits.push(importEdit);
  }
  return edits;
}

/** The local name a module is imported as (`import subprocess as sp` -> `sp`). */
function moduleAlias(file: FileModel, module: string): string | undefined {
  for (const [local, qualified] of file.imports) if (qualified === module) return local;
  return undefined;
}

function preferredQuote(file: FileModel): string {
  const doubles = (file.text.match(/"/g) ?? []).length;
  const singles = (file.text.match(/'/g) ?? []).length;
  return singles > doubles ? "'" : '"';
}

/** Breaks a command expression into literal text and values; undefined when its shape is unknown. */
function segmentsOf(file: FileModel, command: Node): Segment[] | undefined {
  const node = unwrap(command);
  if (node.type === 'string') {
    const prefix = stringPrefix(node);
    if (prefix.includes('b')) return undefined;
    const segments: Segment[] = [];
    for (let index = 1; index < node.childCount - 1; index++) {
      const child = node.child(index);
      if (!child) continue;
      if (child.type === 'string_content') {
        if (prefix.includes('r') && child.text.includes('\\')) return undefined;
        segments.push({ literal: child.text });
      } else if (child.type === 'interpolation') {
        const expression = child.childForFieldName('expression') ?? child.namedChild(0);
        // `{x!r}` or `{x:>4}` change the text; only plain values map to arguments.
        if (!expression || child.namedChildCount > 1) return undefined;
        segments.push({ value: expression, needsStr: !isString(file, expression) });
      } else {
        return undefined;
      }
    }
    return segments;
  }
  if (node.type === 'binary_operator') {
    const operator = node.childForFieldName('operator')?.text;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return undefined;
    if (operator === '+') {
      const a = literalString(left) !== undefined ? [{ literal: literalString(left)! }] : segmentsOfValue(file, left);
      const b = literalString(right) !== undefined ? [{ literal: literalString(right)! }] : segmentsOfValue(file, right);
      return a && b ? [...a, ...b] : undefined;
    }
    if (operator === '%') {
      const template = literalString(left);
      if (template === undefined) return undefined;
      const values = unwrap(right).type === 'tuple' ? unwrap(right).namedChildren.filter((child): child is Node => child !== null) : [right];
      const pieces = template.split(/(%[sdi])/);
      const segments: Segment[] = [];
      let used = 0;
      for (const piece of pieces) {
        if (/^%[sdi]$/.test(piece)) {
          const value = values[used++];
          if (!value) return undefined;
          segments.push({ value, needsStr: piece !== '%s' || !isString(file, value) });
        } else {
          if (piece.includes('%')) return undefined;
          segments.push({ literal: piece });
        }
      }
      return used === values.length ? segments : undefined;
    }
    return undefined;
  }
  if (node.type === 'call') {
    const site = file.callSite(node);
    const template = site?.method === 'format' ? site.callee.childForFieldName('object') : undefined;
    const text = template ? literalString(template) : undefined;
    if (!site || text === undefined || site.hasSplat) return undefined;
    const segments: Segment[] = [];
    let automatic = 0;
    for (const piece of text.split(/(\{[^{}]*\})/)) {
      const field = /^\{([^{}!:]*)\}$/.exec(piece);
      if (!field) {
        if (/[{}]/.test(piece)) return undefined;
        segments.push({ literal: piece });
        continue;
      }
      const key = field[1];
      const value = key === '' ? site.args[automatic++] : /^\d+$/.test(key) ? site.args[Number(key)] : site.keywords.get(key);
      if (!value) return undefined;
      segments.push({ value, needsStr: !isString(file, value) });
    }
    return segments;
  }
  return undefined;
}

function segmentsOfValue(file: FileModel, node: Node): Segment[] | undefined {
  const inner = segmentsOf(file, node);
  if (inner) return inner;
  return [{ value: node, needsStr: !isString(file, node) }];
}

/** Whether a value is certainly a str (a literal, str(...), an f-string, or a parameter annotated `str`). */
function isString(file: FileModel, expression: Node): boolean {
  return file.origins(expression).every((origin) => {
    const node = unwrap(origin.node);
    if (origin.kind === 'parameter') return /:\s*str\b/.test(origin.node.text);
    if (node.type === 'string' || node.type === 'concatenated_string') return true;
    return node.type === 'call' && /^(str|shlex\.quote)$/.test(file.callSite(node)?.name ?? '');
  });
}

/**
 * Splits the segments into argv the way a shell would for plain words, or undefined when the literal text holds
 * shell syntax (then splitting on spaces would change the command).
 */
function splitArguments(segments: Segment[], quote: string): string[] | undefined {
  const words: Segment[][] = [[]];
  for (const segment of segments) {
    if ('literal' in segment) {
      if (SHELL_SYNTAX.test(segment.literal)) return undefined;
      const parts = segment.literal.split(/[ \t]+/);
      parts.forEach((part, index) => {
        if (index > 0) words.push([]);
        if (part) words[words.length - 1].push({ literal: part });
      });
    } else {
      words[words.length - 1].push(segment);
    }
  }
  const texts = words.filter((word) => word.length > 0).map((word) => wordText(word, quote));
  return texts.every((text): text is string => text !== undefined) ? texts : undefined;
}

function wordText(word: Segment[], quote: string): string | undefined {
  if (word.length === 1) {
    const only = word[0];
    if ('literal' in only) return `${quote}${only.literal}${quote}`;
    return only.needsStr ? `str(${only.value.text})` : only.value.text;
  }
  // A word mixing text and values (`--host={host}`) stays one argument, as an f-string, whose quote must not
  // appear inside its expressions (older Pythons reject that).
  const expressions = word.filter((segment) => !('literal' in segment)).map((segment) => ('value' in segment ? segment.value.text : ''));
  const other = quote === '"' ? "'" : '"';
  const usable = [quote, other].find((candidate) => expressions.every((text) => !text.includes(candidate) && !text.includes('\\')));
  if (!usable) return undefined;
  const body = word.map((segment) => ('literal' in segment ? segment.literal : `{${segment.value.text}}`)).join('');
  return `f${usable}${body}${usable}`;
}
