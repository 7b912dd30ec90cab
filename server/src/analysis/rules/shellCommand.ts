import type { Node } from '../python/syntaxTree';
import { addImport, removeArgument, removeImportLeftUnused, replaceNode } from '../fixes';
import {
  decodedLiteral,
  isCertainlyString,
  isLiteral,
  segmentsOf,
  splitWords,
  startsWithShellOnlyWord,
  SUBPROCESS_RUNNERS,
  type Word,
} from '../model/commandLine';
import { isConstantExpression } from '../model/constness';
import type { CallSite, FileModel } from '../model/fileModel';
import type { IntegrationModel } from '../model/integration';
import { callerArguments, distantUntrustedSource, isFixedChoiceValue, untrustedSource } from '../model/untrusted';
import { stringPrefix, unwrap } from '../python/syntax';
import type { FileContext, Rule } from '../rule';
import type { Fix, TextEdit } from '../types';
import { baseName, excerpt } from '../text';

export const SWITCH_TITLE = 'Switch to argument-list spawn';
export const QUOTE_TITLE = 'Quote interpolated values with shlex.quote';

/** subprocess functions that run their command through a shell when given `shell=True`. */
/** Functions that always hand their command string to a shell. */
const ALWAYS_SHELL = new Set([
  'os.system', 'os.popen', 'subprocess.getoutput', 'subprocess.getstatusoutput', 'commands.getoutput', 'commands.getstatusoutput',
  'asyncio.create_subprocess_shell',
]);
const EXEC_FAMILY = /^os\.(exec|spawn)(l|le|lp|lpe|v|ve|vp|vpe)$|^os\.posix_spawnp?$/;
const SHELL_PROGRAM = /(^|\/)(a|ba|da|z|k|mk|c|tc|fi)?sh$/;
const WRAPPER_PROGRAM = /(^|\/)(sudo|doas|env|nice|nohup)$/;
/** `-c`, or combined short options ending in it (`-lc`, `-ec`): the next argument is a script. */
const SCRIPT_FLAG = /^-[a-zA-Z]*c[a-zA-Z]*$/;
const QUOTING_FUNCTIONS = new Set(['shlex.quote', 'shlex.join', 'pipes.quote']);
/** Names that usually hold several words of a command line, which a shell would split and an argument list would not. */
const MULTI_WORD_NAME = /(^|_)(args|argv|arguments|opts|options|flags|params|parameters|cmd|cmds|command|commands|cmdline|commandline|script|extra|extras)$/i;

/** How the call can be rewritten to start the program without a shell. */
type Spawn = 'subprocess' | 'system' | 'popen' | 'asyncio' | 'loop' | 'none';

/** A call (or a call made later through an executor helper) that hands a command string to a shell. */
interface ShellUse {
  call: CallSite;
  /** The text a shell parses. */
  command: Node;
  /** The node a rewrite replaces with the argument list (the command, or a one-element list holding it). */
  holder: Node;
  /** Message start: how this call reaches a shell. */
  how: string;
  spawn: Spawn;
  /** The command runs in a remote host's shell (paramiko, asyncssh): quoting, not an argument list, is the way. */
  remote?: boolean;
  /** `command` is one of several words joined into the command line (ssh's arguments): a value of it, never all of it. */
  wordOfLine?: boolean;
}

export const shellCommand: Rule = {
  meta: {
    id: 'shell-command',
    checklist: 'command-injection',
    severity: 'error',
    fix: 'safe',
    cwe: 78,
    banditIds: ['B601', 'B602', 'B604', 'B605', 'B609'],
    description: 'A command is run through a shell (shell=True, os.system, create_subprocess_shell, sh -c), so input can inject commands.',
    docs: `A shell reads its command line as a small program: \`;\`, \`&&\`, \`|\`, \`$(...)\` and backticks start new
commands. When a host name, a file name or any other value is pasted into that line, a value such as
\`example.com; rm -rf /config\` runs a second command with Home Assistant's rights. Service data, flow input and
webhook payloads are exactly such values, and even a device's reply or a cloud API's answer can be hostile.

Start processes with an argument list instead: every value is one argument, and no shell ever parses it.
\`subprocess.run([...])\` (without \`shell=True\`) and \`asyncio.create_subprocess_exec(...)\` do that.

**What is reported.** \`shell=True\` (also inside a \`**\` spread of a local dict) on \`subprocess.run/call/check_call/check_output/Popen\`, \`os.system\`,
\`os.popen\`, \`subprocess.getoutput\`, \`asyncio.create_subprocess_shell\`, \`loop.subprocess_shell\`, an explicit
\`sh -c <command>\` (\`os.execl("/bin/sh", "sh", "-c", cmd)\`, \`subprocess.run(["bash", "-c", cmd])\`), the same
functions passed to \`hass.async_add_executor_job\`, \`run_in_executor\` or \`functools.partial\`, and remote commands
(paramiko's \`exec_command\`, asyncssh's \`run\`, and the words after the destination of an \`ssh\` argument list, which
ssh joins into one line for the remote shell) built from unquoted values (a remote command taken whole from settings
is put up for review), and a shell pexpect starts (\`pexpect.spawn("/bin/sh", ["-c", cmd])\`, or a command line it
splits itself, \`pexpect.run(f"sh -c '{cmd}'")\`). A command built from values that are not
constants is an error; a constant command, or one whose values all went through \`shlex.quote\`, is a warning: it
still starts a shell for nothing. A service field whose schema limits it to fixed values (\`vol.In(UNITS)\`) counts as
one of those constants, and so does a parameter that every call in the integration hands a constant
(\`self.async_run(LEDS_ON if on else LEDS_OFF)\`). Argument lists, \`create_subprocess_exec\` with separate arguments and test files
are not reported.

**The fix: Switch to argument-list spawn.** When the command splits without a shell, the quick fix rewrites it:
\`subprocess.run(f"ping -c 1 {host}", shell=True)\` becomes \`subprocess.run(["ping", "-c", "1", host])\`,
\`os.system(...)\` becomes \`subprocess.run([...], check=False)\`, \`os.popen(...).read()\` becomes
\`subprocess.run([...], stdout=subprocess.PIPE, text=True, check=False).stdout\` (and \`import os\` goes when
that call was its last use) and \`asyncio.create_subprocess_shell(...)\` becomes \`asyncio.create_subprocess_exec(...)\`. Literal text is split into
words as the shell would (quotes included), each value becomes one argument (wrapped in \`str()\` when it may not
be a string, as the f-string did), and a word mixing text and a value (\`--host={host}\`, \`root@{ip}\`) stays one
argument as an f-string. The fix is offered as a suggestion to check rather than applied in bulk when a value
looks like several words (\`{args}\`, a string with spaces: a shell would have split it) or when the exit status of
\`os.system\` is used as a number (\`subprocess\` reports the exit code, not the raw wait status).

Pipes, redirections, \`&&\`, \`$VAR\`, substitutions, \`cd\` or \`VAR=value cmd\` only mean something to a shell: no
rewrite is offered for them; run the steps from Python (\`subprocess.run([...], stdout=...)\`, \`env=\`, \`cwd=\`).
A command held in a variable gets a \`shlex.split(cmd)\` suggestion: it no longer starts a shell, but check that the
command did not rely on one (when the variable is a constant whose text splits cleanly, this is a safe fix). A value
written as \`shlex.quote(x)\` becomes plain \`x\` in the list: its quotes were for the shell. For remote commands, the suggestion quotes each value with \`shlex.quote\`.

Bad:
\`\`\`python
subprocess.run(f"ping -c 1 {host}", shell=True)
os.system("wakeonlan " + call.data["mac"])
\`\`\`

Good:
\`\`\`python
subprocess.run(["ping", "-c", "1", host])
await asyncio.create_subprocess_exec("wakeonlan", call.data["mac"])
\`\`\``,
  },
  checkFile(context) {
    const { file } = context;
    if (file.isTestFile) return;
    for (const call of file.calls) {
      const use = shellUseOf(context, call) ?? deferredShellUse(context, call);
      if (!use) continue;
      context.markUsed();
      if (use.remote) reportRemote(context, use);
      else reportLocal(context, use);
    }
  },
};

function shellUseOf(context: FileContext, call: CallSite): ShellUse | undefined {
  const { file } = context;
  // asyncio.subprocess is where asyncio's subprocess functions live; asyncio re-exports them.
  const name = (call.name ?? '').replace(/^asyncio\.subprocess\.(create_subprocess_(shell|exec))$/, 'asyncio.$1');
  if (SUBPROCESS_RUNNERS.has(name)) {
    context.markUsed();
    const command = call.args[0] ?? call.keywords.get('args');
    if (!command) return undefined;
    const shell = call.keywords.get('shell') ?? file.spreadKeyword(call, 'shell');
    // `shell=sys.platform == "win32"` with an argument list is the cross-platform idiom; Home Assistant runs on POSIX.
    const listWithComputedFlag = shell !== undefined && !isLiteralTrue(shell) && ['list', 'tuple'].includes(unwrap(command).type);
    if (shell && mayBeTrue(file, shell) && !listWithComputedFlag) {
      const script = shellScriptOf(command);
      if (!script) return undefined;
      return { call, command: script, holder: command, how: `\`shell=True\` makes \`${name}\` start a shell`, spawn: 'subprocess' };
    }
    return explicitShell(context, call, argvElements(file, command), call.keywords.get('executable'));
  }
  if (ALWAYS_SHELL.has(name)) {
    const command = call.args[0] ?? call.keywords.get('cmd') ?? call.keywords.get('command');
    if (!command) return undefined;
    const spawn: Spawn = name === 'os.system' ? 'system' : name === 'os.popen' ? 'popen' : name === 'asyncio.create_subprocess_shell' ? 'asyncio' : 'none';
    return { call, command, holder: command, how: `\`${name}\` runs its command through a shell`, spawn };
  }
  if (call.method === 'subprocess_shell' && call.callee.type === 'attribute') {
    const command = call.args[1] ?? call.keywords.get('cmd');
    if (!command) return undefined;
    return { call, command, holder: command, how: '`loop.subprocess_shell` runs its command through a shell', spawn: 'loop' };
  }
  if (EXEC_FAMILY.test(name)) {
    context.markUsed();
    const spawnMode = name.startsWith('os.spawn') ? 1 : 0;
    const program = call.args[spawnMode];
    const rest = call.args.slice(spawnMode + 1);
    const listForm = /v|posix_spawn/.test(name.slice(3));
    const argv = listForm ? (rest[0] ? argvElements(file, rest[0]) : undefined) : rest;
    return explicitShell(context, call, argv, program);
  }
  if (name === 'asyncio.create_subprocess_exec' || (call.method === 'subprocess_exec' && call.callee.type === 'attribute')) {
    context.markUsed();
    return explicitShell(context, call, name === 'asyncio.create_subprocess_exec' ? call.args : call.args.slice(1), undefined);
  }
  const pexpect = PEXPECT_SPAWNERS.exec(name)?.[1];
  if (pexpect) {
    context.markUsed();
    const command = call.args[0] ?? call.keywords.get('command') ?? call.keywords.get('cmd');
    if (!command) return undefined;
    // `spawn(program, [args])`: a program and its arguments; `PopenSpawn([...])`: an argument list.
    const args = pexpect.startsWith('spawn') ? (call.args[1] ?? call.keywords.get('args')) : undefined;
    if (args) return explicitShell(context, call, [command, ...(argvElements(file, args) ?? [])], undefined);
    const list = argvElements(file, command);
    if (list) return explicitShell(context, call, list, undefined);
    return shellInCommandLine(context, call, command);
  }
  if (call.method === 'exec_command' && call.callee.type === 'attribute' && (name.startsWith('paramiko.') || usesPackage(file, context.integration, 'paramiko'))) {
    const command = call.args[0] ?? call.keywords.get('command');
    if (!command) return undefined;
    return { call, command, holder: command, how: 'paramiko runs this command in the remote shell', spawn: 'none', remote: true };
  }
  if ((call.method === 'run' || call.method === 'create_process') && call.callee.type === 'attribute' && isAsyncsshConnection(file, call.callee.childForFieldName('object'))) {
    const command = call.args[0] ?? call.keywords.get('command');
    if (!command) return undefined;
    return { call, command, holder: command, how: 'asyncssh runs this command in the remote shell', spawn: 'none', remote: true };
  }
  return undefined;
}

/**
 * `hass.async_add_executor_job(os.system, cmd)`, `loop.run_in_executor(None, os.system, cmd)`,
 * `functools.partial(subprocess.run, cmd, shell=True)`: the shell call happens later, with these arguments.
 */
function deferredShellUse(context: FileContext, call: CallSite): ShellUse | undefined {
  const inner = context.file.deferredCall(call);
  if (!inner || (inner.callee.type !== 'attribute' && inner.callee.type !== 'identifier')) return undefined;
  const use = shellUseOf(context, inner);
  // The call is not written out here, so there is nothing to rewrite in place.
  return use && { ...use, spawn: 'none' };
}

/** The script of a shell started explicitly (`sh -c script`), from a program and its argument vector. */
function explicitShell(context: FileContext, call: CallSite, argv: Node[] | undefined, program: Node | undefined): ShellUse | undefined {
  if (!argv || argv.length < 3) return undefined;
  const { file, integration } = context;
  const text = (node: Node | undefined): string | undefined => (node ? file.stringValue(node, integration?.constantString) : undefined);
  // `sudo sh -c ...`, `env bash -c ...`: the shell is the program these wrappers start.
  while (argv.length > 0 && WRAPPER_PROGRAM.test(text(argv[0]) ?? '')) {
    argv = argv.slice(1);
    program = undefined;
  }
  if (argv.length < 3) return undefined;
  const programText = text(program) ?? text(argv[0]);
  if (programText && SSH_PROGRAM.test(programText)) return sshRemoteCommand(context, call, argv.slice(1));
  if (!programText || !SHELL_PROGRAM.test(programText)) return undefined;
  for (let index = 1; index < argv.length - 1; index++) {
    const option = text(argv[index]);
    if (option === undefined || !option.startsWith('-') || option.startsWith('--')) return undefined;
    if (SCRIPT_FLAG.test(option)) {
      const script = argv[index + 1];
      return { call, command: script, holder: script, how: `This starts \`${programText} ${option}\` with a command string`, spawn: 'none' };
    }
  }
  return undefined;
}

const SSH_PROGRAM = /(^|\/)ssh$/;
/** ssh's options that take a value (`-p 22`, `-o Option=value`); the others are flags. */
const SSH_OPTIONS_WITH_VALUE = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));

/**
 * `["ssh", host, command]`: after its options and the destination, ssh joins its arguments into one line that the
 * remote login shell runs, so each of them is a remote command line. The first that is not a constant is judged
 * (options this code cannot read, a spread list, leave the call alone).
 */
function sshRemoteCommand(context: FileContext, call: CallSite, argv: Node[]): ShellUse | undefined {
  const { file, integration } = context;
  let index = 0;
  for (; index < argv.length; index++) {
    const word = file.stringValue(argv[index], integration?.constantString);
    if (word === undefined) {
      if (argv[index].type === 'list_splat') return undefined;
      break;
    }
    if (word === '--') {
      index++;
      break;
    }
    if (!word.startsWith('-')) break;
    const last = word.length - 1;
    // `-p` takes the next word; `-p22` and `-oOption=value` carry their value; `-tt` is flags only.
    const valueAt = [...word.slice(1)].findIndex((letter) => SSH_OPTIONS_WITH_VALUE.has(letter));
    if (valueAt >= 0 && valueAt + 1 === last) index++;
  }
  const commandWords = argv.slice(index + 1);
  if (commandWords.length === 0 || commandWords.some((word) => word.type === 'list_splat')) return undefined;
  const command = commandWords.find((word) => !isConstantExpression(file, word, integration)) ?? commandWords[0];
  return { call, command, holder: command, how: 'ssh hands this command to the remote host\'s shell', spawn: 'none', remote: true, wordOfLine: commandWords.length > 1 };
}

/**
 * pexpect starts programs without a shell, splitting a command line into words itself (`pexpect.run("ping -c 1 host")`);
 * a line that starts a shell (`sh -c '...'`) still hands the rest to one.
 */
function shellInCommandLine(context: FileContext, call: CallSite, command: Node): ShellUse | undefined {
  const { file } = context;
  const origins = file.origins(command);
  const line = origins.length === 1 && origins[0].kind === 'expression' ? origins[0].node : command;
  const segments = segmentsOf(file, line);
  const split = segments ? splitWords(segments) : undefined;
  if (!split || 'problem' in split || split.words.length < 3) return undefined;
  const literal = (word: Word) => (word.every((part) => 'text' in part) ? word.map((part) => ('text' in part ? part.text : '')).join('') : undefined);
  const program = literal(split.words[0]);
  const option = literal(split.words[1]);
  if (!program || !option || !SHELL_PROGRAM.test(program) || !SCRIPT_FLAG.test(option)) return undefined;
  return { call, command, holder: command, how: `pexpect splits this command line itself and starts \`${program} ${option}\`, which runs the rest as a shell script`, spawn: 'none' };
}

/** pexpect's functions that start a program: `spawn`/`spawnu` (program and arguments), `run`/`runu`, `PopenSpawn`. */
const PEXPECT_SPAWNERS = /^pexpect\.(?:popen_spawn\.)?(spawn|spawnu|run|runu|PopenSpawn)$/;

/** The elements of an argument vector written as a list or tuple, directly or through one local assignment. */
function argvElements(file: FileModel, node: Node): Node[] | undefined {
  let target = unwrap(node);
  if (target.type === 'identifier') {
    const origins = file.origins(target);
    if (origins.length !== 1 || origins[0].kind !== 'expression') return undefined;
    target = unwrap(origins[0].node);
  }
  if (target.type !== 'list' && target.type !== 'tuple') return undefined;
  return target.namedChildren.filter((child): child is Node => child !== null);
}

/** With `shell=True` a list's first element is the script (the rest become `$0`, `$1`...). */
function shellScriptOf(command: Node): Node | undefined {
  const target = unwrap(command);
  if (target.type !== 'list' && target.type !== 'tuple') return command;
  return target.namedChild(0) ?? undefined;
}

/** False only when every value the flag may hold is a false literal (`shell=False`, `shell=use_shell` set to False). */
function mayBeTrue(file: FileModel, flag: Node): boolean {
  return file.origins(flag).some((origin) => {
    if (origin.kind !== 'expression') return true;
    const node = unwrap(origin.node);
    return !(node.type === 'false' || node.type === 'none' || (node.type === 'integer' && Number(node.text) === 0));
  });
}

function isLiteralTrue(flag: Node): boolean {
  const node = unwrap(flag);
  return node.type === 'true' || (node.type === 'integer' && Number(node.text) !== 0);
}

/** Whether the integration imports a package (in any file) or requires it in its manifest. */
function usesPackage(file: FileModel, integration: IntegrationModel | undefined, pkg: string): boolean {
  const imports = (candidate: FileModel) => [...candidate.imports.values()].some((name) => name === pkg || name.startsWith(`${pkg}.`));
  if (imports(file)) return true;
  if (!integration) return false;
  return integration.files.some(imports) || integration.manifest.requirements.some((requirement) => requirement.name === pkg);
}

function isAsyncsshConnection(file: FileModel, receiver: Node | null): boolean {
  if (!receiver) return false;
  return file.origins(receiver).some((origin) => {
    if (origin.kind !== 'expression') return false;
    let node = unwrap(origin.node);
    if (node.type === 'await') node = unwrap(node.namedChild(0) ?? node);
    return node.type === 'call' && /^asyncssh\.(connect|connect_reverse)$/.test(file.callSite(node)?.name ?? '');
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Judging a command

/** The values interpolated into a command (following one level of local assignment), with the command's own shape. */
function valuesOf(file: FileModel, command: Node): Node[] {
  const direct = segmentsOf(file, command);
  if (direct) return direct.filter((segment) => !isLiteral(segment)).map((segment) => ('value' in segment ? segment.value : command));
  const values: Node[] = [];
  for (const origin of file.origins(command)) {
    if (origin.kind !== 'expression') {
      values.push(origin.node);
      continue;
    }
    const segments = segmentsOf(file, origin.node);
    if (!segments) values.push(origin.node);
    else for (const segment of segments) if (!isLiteral(segment)) values.push(segment.value);
  }
  return values;
}

/** A value that went through shlex.quote (directly, through a variable, or joined from quoted pieces). */
function isShellQuoted(file: FileModel, value: Node): boolean {
  const origins = file.origins(value);
  return origins.length > 0 && origins.every((origin) => origin.kind === 'expression' && isQuotingCall(file, unwrap(origin.node)));
}

function isQuotingCall(file: FileModel, node: Node): boolean {
  if (node.type !== 'call') return false;
  const site = file.callSite(node);
  if (!site) return false;
  if (site.name && QUOTING_FUNCTIONS.has(site.name)) return true;
  // " ".join(shlex.quote(part) for part in parts) and " ".join(map(shlex.quote, parts))
  if (site.method !== 'join' || site.args.length !== 1) return false;
  const joined = unwrap(site.args[0]);
  if (joined.type === 'generator_expression' || joined.type === 'list_comprehension') {
    const body = joined.childForFieldName('body');
    return body !== null && isQuotingCall(file, unwrap(body));
  }
  if (joined.type === 'call') {
    const mapped = file.callSite(joined);
    return mapped?.name === 'map' && mapped.args[0] !== undefined && QUOTING_FUNCTIONS.has(file.qualifiedName(mapped.args[0]) ?? '');
  }
  return false;
}

/** A value quoted for the shell but placed inside shell quotes (`'{shlex.quote(x)}'`) is unquoted again. */
function quotedInsideShellQuotes(file: FileModel, command: Node): boolean {
  const segments = segmentsOf(file, command);
  if (!segments) return false;
  const split = splitWords(segments);
  if ('problem' in split) return false;
  return split.words.some((word) => word.some((part) => 'value' in part && part.quoted && isShellQuoted(file, part.value)));
}

function reportLocal(context: FileContext, use: ShellUse): void {
  const { file, integration } = context;
  const values = valuesOf(file, use.command);
  // Built only from constants and fields the service schema limits to fixed values: a constant command all the same.
  const constant =
    isConstantExpression(file, use.command, integration) ||
    (segmentsOf(file, use.command) !== undefined && values.length > 0 && values.every((value) => isFixedValue(file, value, integration))) ||
    (!distantUntrustedSource(file, use.command, integration) && handedOnlyConstants(file, use.command, integration));
  const pending = constant ? [] : values.filter((value) => !isFixedValue(file, value, integration));
  const quoted = !constant && pending.length > 0 && pending.every((value) => isShellQuoted(file, value)) && !quotedInsideShellQuotes(file, use.command);
  let message: string;
  if (constant) {
    message = `${use.how}; the command is a constant, but an argument list runs the program without a shell at all.`;
  } else if (quoted) {
    message = `${use.how}; its values are quoted with shlex.quote, but an argument list runs the program without a shell at all.`;
  } else {
    const source = untrustedSource(file, use.command, integration);
    message = `${use.how}, and the command is built from ${source ? source.description : 'values that are not constants'}: a value holding ; | $( ) or backticks runs commands of its own. Pass the program and its arguments as a list, without a shell.`;
  }
  const fixes = switchFixes(context, use);
  context.report(use.call.node, message, {
    severity: constant || quoted ? 'warning' : 'error',
    fix: fixes.find((fix) => fix.safe),
    suggestions: fixes.filter((fix) => !fix.safe),
  });
}

/** A parameter that every call of its function in the integration is handed a constant for. */
function handedOnlyConstants(file: FileModel, command: Node, integration: IntegrationModel | undefined): boolean {
  const node = unwrap(command);
  if (node.type !== 'identifier') return false;
  const origins = file.origins(node);
  if (origins.length === 0 || !origins.every((origin) => origin.kind === 'parameter' && origin.scope && origin.name)) return false;
  return origins.every((origin) => {
    const passed = callerArguments(file, origin.scope!, origin.name!, integration);
    return passed.length > 0 && passed.every((argument) => isConstantExpression(argument.file, argument.node, integration));
  });
}

/** A constant, or a service field its schema limits to fixed values (`vol.In(UNITS)`): nothing a sender can shape. */
function isFixedValue(file: FileModel, value: Node, integration: IntegrationModel | undefined): boolean {
  return isConstantExpression(file, value, integration) || isFixedChoiceValue(file, value, integration);
}

/**
 * A remote shell cannot be avoided, so only commands built from values that are neither constants nor quoted are
 * reported, and a command passed through unchanged only when it comes from untrusted input.
 */
function reportRemote(context: FileContext, use: ShellUse): void {
  const { file, integration } = context;
  if (isConstantExpression(file, use.command, integration)) return;
  const built = segmentsOf(file, use.command);
  const segments = built ?? (use.wordOfLine ? [] : undefined);
  // A service's command handed through a client's methods and the executor (three calls) still comes from outside.
  const source = distantUntrustedSource(file, use.command, integration);
  const values = built ? valuesOf(file, use.command) : use.wordOfLine ? [use.command] : [];
  const unquoted = values.filter((value) => !isFixedValue(file, value, integration) && !isShellQuoted(file, value));
  if (segments && unquoted.length === 0) return;
  // `async_run(self, command)` that every caller hands a constant (`self.async_run(REBOOT_COMMAND)`): a constant.
  if (!source && handedOnlyConstants(file, use.command, integration)) return;
  if (!segments && !source) {
    // Passed on whole from settings or the integration's state (a YAML sensor's command): the shell is the point, but
    // no argument list backs the item's "without a shell".
    context.review(`${baseName(file.path)}: ${use.how} (\`${excerpt(use.command.text, 50)}\`), taken whole from settings or the integration's state; check that only an administrator sets it and that no service call, flow or device value reaches it.`);
    return;
  }
  const origin = source ? source.description : 'values that are not constants';
  // Quoting protects the values a command is built from; a command taken whole is the caller's to choose.
  const message = segments
    ? `${use.how}, and the command is built from ${origin}: a value holding ; | $( ) or backticks runs commands of its own on that host. Quote each value with shlex.quote.`
    : `${use.how}, and the whole command is taken from ${origin}, so whoever sends it runs any command on that host; offer a fixed set of commands (vol.In) or build the command from constants and quoted values.`;
  context.report(use.call.node, message, {
    severity: 'error',
    suggestions: segments ? quoteSuggestion(file, unquoted) : [],
  });
}

/** Wraps each unquoted value of a remote command in shlex.quote. */
function quoteSuggestion(file: FileModel, values: Node[]): Fix[] {
  if (values.length === 0) return [];
  const shlexName = moduleAlias(file, 'shlex') ?? 'shlex';
  const edits: TextEdit[] = values.map((value) => {
    const text = isCertainlyString(file, value) ? value.text : `str(${value.text})`;
    return replaceNode(value, `${shlexName}.quote(${text})`);
  });
  if (!moduleAlias(file, 'shlex')) {
    const importEdit = addImport(file, 'shlex');
    if (importEdit) edits.push(importEdit);
  }
  return [{ title: QUOTE_TITLE, safe: false, edits }];
}

// ---------------------------------------------------------------------------------------------------------------
// Switch to argument-list spawn

/** The argument-list rewrite, safe when the command splits statically, else a suggestion (or nothing). */
function switchFixes(context: FileContext, use: ShellUse): Fix[] {
  const { file, integration } = context;
  if (use.call.hasSplat || use.spawn === 'none' || use.call.keywords.has('executable')) return [];
  if (use.spawn === 'subprocess' && !isLiteralTrue(use.call.keywords.get('shell')!)) return [];
  const commandNode = unwrap(use.command);
  if (commandNode.type === 'string' && stringPrefix(commandNode).includes('b')) return [];

  const segments = segmentsOf(file, use.command);
  // `rm /tmp/*.jpg`, `cp ~/.ssh/key .`: the shell expanded those; a list passes them on as they are.
  let patterns = false;
  if (segments) {
    const split = splitWords(segments);
    if ('problem' in split) {
      if (split.problem !== 'pattern') return [];
      patterns = true;
    } else {
      if (split.words.length === 0 || startsWithShellOnlyWord(split.words)) return [];
      const argv = argumentTexts(context, split.words, quoteStyle(file, use.command));
      if (argv) {
        const rewrite = rewriteCall(file, use, argv.texts, false);
        if (rewrite) return [{ title: SWITCH_TITLE, safe: argv.certain && rewrite.certain, edits: rewrite.edits }];
      }
    }
  }

  // The command's text is not visible here (a variable, a constant) or needs quoting: shlex.split does the splitting.
  const known = knownCommandText(file, use.command, integration);
  let certain = false;
  if (known !== undefined) {
    const split = splitWords([{ literal: known }]);
    if ('problem' in split) {
      if (split.problem !== 'pattern') return [];
      patterns = true;
    } else {
      if (split.words.length === 0 || startsWithShellOnlyWord(split.words)) return [];
      certain = true;
    }
  } else if (needsShellSyntax(file, use.command)) {
    return [];
  }
  const shlexName = moduleAlias(file, 'shlex') ?? 'shlex';
  const rewrite = rewriteCall(file, use, [`${shlexName}.split(${use.command.text})`], true);
  if (!rewrite) return [];
  const edits = [...rewrite.edits];
  if (!moduleAlias(file, 'shlex')) {
    const importEdit = addImport(file, 'shlex');
    if (importEdit) edits.push(importEdit);
  }
  const title = patterns ? `${SWITCH_TITLE} (* and ~ are then no longer expanded: expand them with glob.glob or os.path.expanduser)` : SWITCH_TITLE;
  return [{ title, safe: certain && rewrite.certain && !patterns, edits }];
}

/** Whether the visible text of a command (or of what a variable was assigned) uses pipes, lists or substitutions. */
function needsShellSyntax(file: FileModel, command: Node): boolean {
  const shapes = [segmentsOf(file, command), ...file.origins(command).map((origin) => (origin.kind === 'expression' ? segmentsOf(file, origin.node) : undefined))];
  return shapes.some((segments) => {
    if (!segments) return false;
    // Each value stands for some word; only the literal text around it decides.
    const split = splitWords(segments.map((segment) => (isLiteral(segment) ? segment : { literal: 'x' })));
    return 'problem' in split && split.problem !== 'pattern';
  });
}

/** The text of a command fixed in the source (a literal or constant, directly or through local assignments). */
function knownCommandText(file: FileModel, command: Node, integration: IntegrationModel | undefined): string | undefined {
  const origins = file.origins(command);
  if (origins.length !== 1) return undefined;
  const origin = origins[0];
  if (origin.kind === 'parameter') return undefined;
  const node = unwrap(origin.node);
  return decodedLiteral(node) ?? (node.type === 'identifier' || node.type === 'attribute' ? file.stringValue(node, integration?.constantString) : undefined);
}

/** Python source for each argument; `certain` is false when a value may hold several words a shell would have split. */
function argumentTexts(context: FileContext, words: Word[], quote: string): { texts: string[]; certain: boolean } | undefined {
  const { file, integration } = context;
  const texts: string[] = [];
  let certain = true;
  for (const word of words) {
    for (const part of word) {
      if ('text' in part) continue;
      const value = unquotedValue(file, part.value);
      if (!value) return undefined;
      // A value quoted for the shell (by shell quotes or shlex.quote) was one word there too.
      const oneWordInShell = part.quoted || value.id !== part.value.id;
      if (!oneWordInShell && mayHoldSeveralWords(file, value, integration)) certain = false;
    }
    const only = word.length === 1 ? word[0] : undefined;
    if (only && 'text' in only) {
      texts.push(pythonString(only.text, quote));
    } else if (only) {
      const value = unquotedValue(file, only.value)!;
      const wasQuoteCall = value.id !== only.value.id;
      texts.push(only.formatted && !wasQuoteCall && !isCertainlyString(file, value) ? `str(${value.text})` : value.text);
    } else {
      const fString = fStringWord(file, word, quote);
      if (!fString) return undefined;
      texts.push(fString);
    }
  }
  return { texts, certain };
}

/**
 * The value an argument should hold: `shlex.quote(x)` written in place becomes `x` (the quotes were for the shell);
 * a value quoted elsewhere cannot be unquoted here, so there is no argument to write.
 */
function unquotedValue(file: FileModel, value: Node): Node | undefined {
  const target = unwrap(value);
  if (target.type === 'call') {
    const site = file.callSite(target);
    if (site?.name === 'shlex.quote' || site?.name === 'pipes.quote') return site.args.length === 1 && !site.hasSplat ? site.args[0] : undefined;
  }
  if (isShellQuoted(file, target)) return undefined;
  return value;
}

function mayHoldSeveralWords(file: FileModel, value: Node, integration: IntegrationModel | undefined): boolean {
  const name = valueName(value);
  if (name && MULTI_WORD_NAME.test(name)) return true;
  for (const origin of file.origins(value)) {
    if (origin.kind === 'parameter') {
      if (origin.name && MULTI_WORD_NAME.test(origin.name)) return true;
      continue;
    }
    const node = unwrap(origin.node);
    const text = decodedLiteral(node) ?? (node.type === 'identifier' || node.type === 'attribute' ? file.stringValue(node, integration?.constantString) : undefined);
    if (text !== undefined && /\s/.test(text)) return true;
    if (origin.kind !== 'expression') continue;
    if (node.type === 'list' || node.type === 'tuple') return true;
    if (node.type === 'call' && file.callSite(node)?.method === 'join') return true;
    const segments = segmentsOf(file, node);
    if (segments?.some((segment) => isLiteral(segment) && /\s/.test(segment.literal))) return true;
  }
  return false;
}

/** The name a value is known by: `host`, `self._args` -> `_args`, `call.data["options"]` -> `options`. */
function valueName(value: Node): string | undefined {
  const target = unwrap(value);
  if (target.type === 'identifier') return target.text;
  if (target.type === 'attribute') return target.childForFieldName('attribute')?.text;
  if (target.type === 'subscript') {
    const key = target.childForFieldName('subscript');
    return key ? decodedLiteral(key) ?? valueName(key) : undefined;
  }
  return undefined;
}

function pythonString(text: string, preferred: string): string {
  const other = preferred === '"' ? "'" : '"';
  const quote = text.includes(preferred) && !text.includes(other) ? other : preferred;
  return `${quote}${text.replace(/\\/g, '\\\\').split(quote).join(`\\${quote}`)}${quote}`;
}

/** A word mixing text and values (`--host={host}`) as one f-string argument. */
function fStringWord(file: FileModel, word: Word, preferred: string): string | undefined {
  const expressions: string[] = [];
  for (const part of word) {
    if ('text' in part) continue;
    const value = unquotedValue(file, part.value);
    if (!value) return undefined;
    const text = value.text;
    // Older Pythons reject backslashes and the f-string's own quote inside its expressions.
    if (/[\\\n{}]/.test(text)) return undefined;
    expressions.push(/^[\w.]+$/.test(text) ? text : `(${text})`);
  }
  const other = preferred === '"' ? "'" : '"';
  const quote = [preferred, other].find((candidate) => expressions.every((text) => !text.includes(candidate)));
  if (!quote) return undefined;
  let body = '';
  let index = 0;
  for (const part of word) {
    if ('text' in part) body += part.text.replace(/\\/g, '\\\\').replace(/[{}]/g, (brace) => brace + brace).split(quote).join(`\\${quote}`);
    else body += `{${expressions[index++]}}`;
  }
  return `f${quote}${body}${quote}`;
}

/** The quote of the command's first string literal, else the file's more common quote. */
function quoteStyle(file: FileModel, command: Node): string {
  const target = unwrap(command);
  const literal = target.type === 'string' ? target : target.descendantsOfType('string')[0];
  const start = literal?.child(0);
  if (start?.type === 'string_start') return start.text.includes("'") ? "'" : '"';
  const doubles = (file.text.match(/"/g) ?? []).length;
  const singles = (file.text.match(/'/g) ?? []).length;
  return singles > doubles ? "'" : '"';
}

/**
 * Edits that start the program without a shell, given the Python source of its arguments (or, with `spread`, of
 * one expression giving the whole list). `certain` is false when the rewrite may behave differently.
 */
function rewriteCall(file: FileModel, use: ShellUse, args: string[], spread: boolean): { edits: TextEdit[]; certain: boolean } | undefined {
  const { call } = use;
  const list = spread ? args[0] : `[${args.join(', ')}]`;
  const varargs = spread ? `*${args[0]}` : args.join(', ');
  switch (use.spawn) {
    case 'subprocess': {
      const shell = call.keywords.get('shell');
      const holder = unwrap(use.holder);
      if (!shell) return undefined;
      // `["cmd arg"]` with shell=True: the one element is the script; longer lists change meaning without the shell.
      if ((holder.type === 'list' || holder.type === 'tuple') && holder.namedChildCount !== 1) return undefined;
      return { edits: [replaceNode(use.holder, list), removeArgument(shell)], certain: true };
    }
    case 'system': {
      if (call.args.length !== 1 || call.keywords.size > 0) return undefined;
      const subprocessName = moduleAlias(file, 'subprocess') ?? 'subprocess';
      const usage = statusUsage(call.node);
      const replacement = `${subprocessName}.run(${list}, check=False)${usage === 'unused' ? '' : '.returncode'}`;
      return { edits: withSubprocessImport(file, [replaceNode(call.node, replacement), ...importLeftUnused(file, call, call.node)]), certain: usage !== 'value' };
    }
    case 'popen': {
      const read = readCallOf(call.node);
      if (!read || call.args.length !== 1 || call.keywords.size > 0) return undefined;
      const subprocessName = moduleAlias(file, 'subprocess') ?? 'subprocess';
      const replacement = `${subprocessName}.run(${list}, stdout=${subprocessName}.PIPE, text=True, check=False).stdout`;
      return { edits: withSubprocessImport(file, [replaceNode(read, replacement), ...importLeftUnused(file, call, read)]), certain: true };
    }
    case 'asyncio': {
      if (call.args[0]?.id !== use.command.id) return undefined;
      const callee = asyncioExecCallee(file, call);
      if (!callee) return undefined;
      return { edits: [...callee, replaceNode(use.command, varargs)], certain: true };
    }
    case 'loop': {
      const attribute = call.callee.childForFieldName('attribute');
      if (!attribute || call.args[1]?.id !== use.command.id) return undefined;
      return { edits: [replaceNode(attribute, 'subprocess_exec'), replaceNode(use.command, varargs)], certain: true };
    }
    default:
      return undefined;
  }
}

/** The callee edits turning create_subprocess_shell into create_subprocess_exec, however it was imported. */
function asyncioExecCallee(file: FileModel, call: CallSite): TextEdit[] | undefined {
  if (call.callee.type === 'attribute') {
    const attribute = call.callee.childForFieldName('attribute');
    return attribute ? [replaceNode(attribute, 'create_subprocess_exec')] : undefined;
  }
  const imported = file.importOf('asyncio.create_subprocess_exec')?.[0];
  if (imported) return [replaceNode(call.callee, imported)];
  const asyncioName = moduleAlias(file, 'asyncio');
  if (asyncioName) return [replaceNode(call.callee, `${asyncioName}.create_subprocess_exec`)];
  // `from asyncio import create_subprocess_shell` used only here: import the exec variant in its place.
  const importedName = soleImportedName(file, call.callee);
  if (importedName) return [replaceNode(call.callee, 'create_subprocess_exec'), replaceNode(importedName, 'create_subprocess_exec')];
  const importEdit = addImport(file, 'asyncio', 'create_subprocess_exec');
  return [replaceNode(call.callee, 'create_subprocess_exec'), ...(importEdit ? [importEdit] : [])];
}

/** The name in `from m import name` (not aliased) when the identifier given is its only use in the file. */
function soleImportedName(file: FileModel, use: Node): Node | undefined {
  const uses = file.nodesOfType('identifier').filter((node) => node.text === use.text);
  const outsideImports = uses.filter((node) => !node.parent || (node.parent.type !== 'dotted_name' && node.parent.type !== 'aliased_import'));
  if (outsideImports.length !== 1 || outsideImports[0].id !== use.id) return undefined;
  const declarations = uses.filter((node) => node.parent?.type === 'dotted_name' && node.parent.parent?.type === 'import_from_statement' && node.parent.text === use.text);
  return declarations.length === 1 ? declarations[0].parent ?? undefined : undefined;
}

/** `import os` (or `from os import system`) when the rewritten call was its last use. */
function importLeftUnused(file: FileModel, call: CallSite, replaced: Node): TextEdit[] {
  let head = call.callee;
  while (head.type === 'attribute') head = head.childForFieldName('object') ?? head;
  if (head.type !== 'identifier') return [];
  const edit = removeImportLeftUnused(file, head.text, replaced);
  return edit ? [edit] : [];
}

function withSubprocessImport(file: FileModel, edits: TextEdit[]): TextEdit[] {
  if (moduleAlias(file, 'subprocess')) return edits;
  const importEdit = addImport(file, 'subprocess');
  return importEdit ? [...edits, importEdit] : edits;
}

/**
 * How the result of os.system is used. It returns the raw wait status and subprocess the exit code: both are zero
 * on success, so a truth test or a comparison with 0 keeps its meaning, other uses may not.
 */
function statusUsage(node: Node): 'unused' | 'truth' | 'value' {
  let child = node;
  let parent = node.parent;
  while (parent?.type === 'parenthesized_expression') {
    child = parent;
    parent = parent.parent;
  }
  if (!parent || parent.type === 'expression_statement') return 'unused';
  if (parent.type === 'not_operator' || parent.type === 'boolean_operator') return 'truth';
  if ((parent.type === 'if_statement' || parent.type === 'while_statement' || parent.type === 'elif_clause' || parent.type === 'conditional_expression') && parent.childForFieldName('condition')?.id === child.id) return 'truth';
  if (parent.type === 'comparison_operator' && parent.namedChildCount === 2) {
    const operators = parent.children.filter((item) => item !== null && !item.isNamed).map((item) => item!.text);
    const other = parent.namedChildren.find((item) => item !== null && item.id !== child.id);
    if (operators.length === 1 && (operators[0] === '==' || operators[0] === '!=') && other && unwrap(other).text === '0') return 'truth';
  }
  return 'value';
}

/** `os.popen(cmd).read()`: the `.read()` call around the popen call, the only use with a plain subprocess equivalent. */
function readCallOf(node: Node): Node | undefined {
  const attribute = node.parent;
  if (attribute?.type !== 'attribute' || attribute.childForFieldName('attribute')?.text !== 'read') return undefined;
  const read = attribute.parent;
  if (read?.type !== 'call') return undefined;
  const args = read.childForFieldName('arguments');
  return args && args.namedChildCount === 0 ? read : undefined;
}

/** The local name a module is imported as (`import subprocess as sp` -> `sp`). */
function moduleAlias(file: FileModel, module: string): string | undefined {
  for (const [local, qualified] of file.imports) if (qualified === module) return local;
  return undefined;
}

