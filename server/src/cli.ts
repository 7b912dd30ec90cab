import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import { checklistItem, isChecklistId } from './analysis/checklist';
import { applyPerFileIgnores, isExcluded, layerOptions } from './analysis/config';
import { applyTextEdits, combineFixes, safeFixes } from './analysis/fixAll';
import { ruleDocsMarkdown } from './analysis/rule';
import { RULES, ruleById } from './analysis/rules';
import { severityRank, SEVERITIES, type Finding, type Severity } from './analysis/types';
import { applyBaseline, createBaseline, parseBaseline } from './node/baseline';
import { findProjectConfig, relativeToConfig } from './node/projectConfig';
import { scanPathsParallel, type ScanOptions, type ScanResult } from './node/scan';
import { toJsonReport, toMarkdown, toSarif, toText } from './node/report';

// A scan lasts seconds: TurboFan's deep inlining costs more compile time than it wins back, and with worker threads
// every isolate compiles the same rules again on the same cores (npm run bench: about 5% less wall time on one
// thread, 12% with two workers). V8 flags are per process, so the workers inherit it.
v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=150');

declare const HA_SECURITY_VERSION: string | undefined;
const VERSION = typeof HA_SECURITY_VERSION === 'string' ? HA_SECURITY_VERSION : '0.1.0';

/** Each thread holds its own parser and trees (tens of MB); beyond a few, memory grows faster than speed. */
const DEFAULT_JOBS_LIMIT = 4;

const USAGE = `ha-security ${VERSION}: Home Assistant integration security checks

Usage:
  ha-security check [PATH...] [options]   analyse integrations (default PATH: .)
  ha-security rules                       list the rules
  ha-security explain RULE|ITEM           show a rule's documentation, or the rules of a checklist item
  ha-security server --stdio|--node-ipc   run the language server
  ha-security --version | --help

Options for check:
  --format FORMAT           text (default), json, sarif or markdown
  --output FILE             write the report to FILE instead of standard output
  --select RULES            only these rule ids or checklist ids (comma-separated)
  --ignore RULES            skip these rule ids or checklist ids
  --scope integrations|all  also analyse Python files outside integrations (default integrations)
  --jobs N                  analyse in N threads, this one and N-1 workers (default: the number of cores, at most ${DEFAULT_JOBS_LIMIT})
  --ignore-nosec            let Bandit's and Ruff's suppressions (# nosec, # noqa: S602) silence nothing here
  --fail-on SEVERITY        exit 1 when a finding is at least this severe: error|warning|info|hint (default hint)
  --baseline FILE           report only findings that FILE does not record
  --write-baseline FILE     record the current findings in FILE (and exit 0)
  --fix                     apply the safe fixes to the files
  --diff                    print the safe fixes as a unified diff instead of writing them

Paths in reports are relative to the current folder (or, for inputs outside it, to their common folder).
Files that cannot be analysed (binary, not UTF-8, over 1 MB, malformed manifest.json) are listed, never fatal.

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or internal error (a PATH that does not
exist is reported and also exits 2). HA_SECURITY_DEBUG=1 adds stack traces to internal errors.
`;

class UsageError extends Error {}

const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

interface CheckArguments {
  paths: string[];
  format: Format;
  output?: string;
  options: ScanOptions;
  failOn: Severity;
  fix: boolean;
  diff: boolean;
  baseline?: string;
  writeBaseline?: string;
  /** Worker threads for the analysis; 1 analyses in this thread. */
  jobs: number;
  help: boolean;
}


function parseRuleList(value: string | undefined, flag: string): string[] {
  if (!value) throw new UsageError(`${flag} needs a comma-separated list of rule ids or checklist ids`);
  const ids = value.split(',').map((id) => id.trim()).filter(Boolean);
  for (const id of ids) {
    if (!ruleById(id) && !isChecklistId(id)) throw new UsageError(`${flag}: unknown rule or checklist id "${id}" (see: ha-security rules)`);
  }
  return ids;
}

function parseCheck(args: string[]): CheckArguments {
  const jobs = Math.min(DEFAULT_JOBS_LIMIT, os.availableParallelism?.() ?? os.cpus().length);
  const parsed: CheckArguments = { paths: [], format: 'text', options: {}, failOn: 'hint', fix: false, diff: false, jobs, help: false };
  let optionsEnded = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    // After `--` everything is a path, so a folder named like an option can still be checked.
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      parsed.paths.push(arg);
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++index];
    // `--fix=no` would otherwise silently mean --fix.
    const noValue = (): void => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
    };
    switch (flag) {
      case '--':
        optionsEnded = true;
        break;
      case '--help':
      case '-h':
        parsed.help = true;
        break;
      case '--format': {
        const format = value();
        if (!FORMATS.includes(format as Format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format ?? ''}"`);
        parsed.format = format as Format;
        break;
      }
      case '--output': {
        const output = value();
        if (!output) throw new UsageError('--output needs a file name');
        parsed.output = output;
        break;
      }
      case '--select':
        parsed.options.select = parseRuleList(value(), '--select');
        break;
      case '--ignore':
        parsed.options.ignore = parseRuleList(value(), '--ignore');
        break;
      case '--jobs': {
        const jobs = Number(value());
        if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a whole number of at least 1');
        parsed.jobs = jobs;
        break;
      }
      case '--scope': {
        const scope = value();
        if (scope !== 'integrations' && scope !== 'all') throw new UsageError(`--scope must be integrations or all, not "${scope ?? ''}"`);
        parsed.options.scope = scope;
        break;
      }
      case '--fail-on': {
        const severity = value();
        if (!SEVERITIES.includes(severity as Severity)) throw new UsageError(`--fail-on must be one of ${SEVERITIES.join(', ')}`);
        parsed.failOn = severity as Severity;
        break;
      }
      case '--fix':
        noValue();
        parsed.fix = true;
        break;
      case '--ignore-nosec':
        noValue();
        parsed.options.ignoreNosec = true;
        break;
      case '--diff':
        noValue();
        parsed.diff = true;
        break;
      case '--baseline':
      case '--write-baseline': {
        const file = value();
        if (!file) throw new UsageError(`${flag} needs a file name`);
        if (flag === '--baseline') parsed.baseline = file;
        else parsed.writeBaseline = file;
        break;
      }
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (parsed.paths.length === 0) parsed.paths.push('.');
  return parsed;
}

/**
 * The folder report paths are relative to: the current folder when every input lies inside it, so that
 * `path:line:col` opens from the terminal and SARIF locations match the repository checked out in CI; otherwise
 * the inputs' common folder.
 */
export function reportRoot(paths: string[], cwd = process.cwd()): string {
  const inside = paths.every((input) => {
    const relative = path.relative(cwd, path.resolve(cwd, input));
    return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
  });
  return inside ? cwd : commonRoot(paths);
}

function commonRoot(paths: string[]): string {
  const absolute = paths.map((input) => {
    const resolved = path.resolve(input);
    try {
      return fs.statSync(resolved).isDirectory() ? resolved : path.dirname(resolved);
    } catch {
      return path.dirname(resolved);
    }
  });
  let root = absolute[0];
  while (!absolute.every((candidate) => candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep))) {
    root = path.dirname(root);
  }
  return root;
}

async function runCheck(args: string[]): Promise<number> {
  const parsed = parseCheck(args);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // A missing path is a mistake in the command: the report still covers the others and lists it among
  // summary.errors (discovery records it), and the exit status is 2. Writing files from a partial scan is
  // refused instead, because a baseline or a fix run over fewer files than asked is not what was meant.
  const missing = parsed.paths.filter((input) => !fs.existsSync(input));
  if (missing.length > 0 && (parsed.fix || parsed.diff || parsed.writeBaseline)) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  const root = reportRoot(parsed.paths);
  // pyproject.toml's [tool.ha-security] first, the command line on top; looked up from the inputs, not the cwd.
  const loaded = findProjectConfig(commonRoot(parsed.paths));
  if (loaded && loaded.problems.length > 0) throw new UsageError(`invalid configuration:\n  ${loaded.problems.join('\n  ')}`);
  const options: ScanOptions = loaded
    ? {
        ...layerOptions(loaded.config, parsed.options),
        scope: parsed.options.scope ?? loaded.config.scope,
        exclude: (file) => {
          const relative = relativeToConfig(loaded, file);
          return relative !== undefined && isExcluded(loaded.config, relative);
        },
      }
    : parsed.options;
  const scan = await scanPathsParallel(parsed.paths, options, parsed.jobs, path.join(__dirname, 'worker.js'));
  if (loaded) scan.findings = applyPerFileIgnores(loaded.config, scan.findings, (file) => relativeToConfig(loaded, file));
  if (parsed.writeBaseline) {
    fs.writeFileSync(parsed.writeBaseline, `${JSON.stringify(createBaseline(scan.findings, root), null, 2)}\n`);
    process.stderr.write(`Recorded ${scan.findings.length} finding${scan.findings.length === 1 ? '' : 's'} in ${parsed.writeBaseline}.\n`);
    return 0;
  }
  if (parsed.fix || parsed.diff) {
    const baseline = parsed.baseline ? readBaseline(parsed.baseline) : undefined;
    // Fixes are re-checked on their own output, so one run leaves nothing a second run would change.
    const recheck = async (sources: ReadonlyMap<string, string>): Promise<Finding[]> => {
      const again = await scanPathsParallel(parsed.paths, { ...options, sources }, parsed.jobs, path.join(__dirname, 'worker.js'));
      const kept = loaded ? applyPerFileIgnores(loaded.config, again.findings, (file) => relativeToConfig(loaded, file)) : again.findings;
      return baseline ? applyBaseline(kept, baseline, root).findings : kept;
    };
    const findings = baseline ? applyBaseline(scan.findings, baseline, root).findings : scan.findings;
    return applyFixes(findings, root, parsed.diff, recheck);
  }
  if (parsed.baseline) {
    const applied = applyBaseline(scan.findings, readBaseline(parsed.baseline), root);
    scan.findings = applied.findings;
    scan.baselined = applied.hidden;
  }
  const output = render(parsed.format, scan, root, !parsed.output && useColor());
  if (parsed.output) {
    try {
      fs.writeFileSync(parsed.output, output);
    } catch (error) {
      throw new UsageError(`--output ${parsed.output}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  } else {
    process.stdout.write(output);
  }
  if (missing.length > 0) {
    process.stderr.write(`ha-security: no such file or folder: ${missing.join(', ')}\n`);
    return 2;
  }
  const failing = scan.findings.some((finding) => severityRank(finding.severity) <= severityRank(parsed.failOn));
  return failing ? 1 : 0;
}

function render(format: Format, scan: ScanResult, root: string, color: boolean): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(toJsonReport(scan, root, VERSION), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(scan, root, VERSION), null, 2)}\n`;
    case 'markdown':
      return toMarkdown(scan, root);
    default:
      return toText(scan, root, { color });
  }
}

function readBaseline(file: string): ReturnType<typeof parseBaseline> {
  try {
    return parseBaseline(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--baseline ${file}: ${(error as Error).message}`);
  }
}

/**
 * How often `--fix` re-checks what it wrote. Fixes that overlap wait for the next pass (one rewrites a call, another
 * a string inside it); a fix whose finding survived would otherwise be applied again and again.
 */
const FIX_PASSES = 4;

/**
 * `--fix` writes every safe fix; `--diff` prints them instead. The files are fixed in memory and checked again until
 * no safe fix is left (at most FIX_PASSES times), then written or shown once.
 */
async function applyFixes(found: Finding[], root: string, diffOnly: boolean, recheck: (sources: ReadonlyMap<string, string>) => Promise<Finding[]>): Promise<number> {
  const originals = new Map<string, string>();
  const texts = new Map<string, string>();
  let findings = found;
  let fixed = 0;
  for (let pass = 0; pass < FIX_PASSES; pass++) {
    const byFile = new Map<string, Finding[]>();
    for (const finding of findings) byFile.set(finding.path, [...(byFile.get(finding.path) ?? []), finding]);
    let changed = false;
    for (const [file, fileFindings] of byFile) {
      const { edits, applied } = combineFixes(safeFixes(fileFindings));
      if (edits.length === 0) continue;
      if (!texts.has(file)) {
        const original = fs.readFileSync(file, 'utf8');
        originals.set(file, original);
        texts.set(file, original);
      }
      texts.set(file, applyTextEdits(texts.get(file)!, edits));
      fixed += applied.length;
      changed = true;
    }
    if (!changed) break;
    findings = await recheck(texts);
  }
  for (const [file, after] of texts) {
    const before = originals.get(file)!;
    if (after === before) continue;
    if (diffOnly) process.stdout.write(unifiedDiff(path.relative(root, file).split(path.sep).join('/'), before, after));
    else fs.writeFileSync(file, after);
  }
  const remaining = findings.length;
  process.stderr.write(`${diffOnly ? 'Would fix' : 'Fixed'} ${fixed} finding${fixed === 1 ? '' : 's'}; ${remaining} need${remaining === 1 ? 's' : ''} a person.\n`);
  return remaining > 0 || (diffOnly && fixed > 0) ? 1 : 0;
}

/** A minimal unified diff: one hunk per changed region, three lines of context. */
export function unifiedDiff(name: string, before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence table over lines; files here are small enough.
  const rows = a.length + 1;
  const cols = b.length + 1;
  const lcs = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * cols + j] = a[i] === b[j] ? lcs[(i + 1) * cols + j + 1] + 1 : Math.max(lcs[(i + 1) * cols + j], lcs[i * cols + j + 1]);
    }
  }
  const ops: { kind: ' ' | '-' | '+'; text: string; aLine: number; bLine: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', text: a[i++], aLine: i, bLine: ++j });
    else if (i < a.length && (j >= b.length || lcs[(i + 1) * cols + j] >= lcs[i * cols + j + 1])) ops.push({ kind: '-', text: a[i++], aLine: i, bLine: j });
    else ops.push({ kind: '+', text: b[j++], aLine: i, bLine: j });
  }
  const out = [`--- a/${name}`, `+++ b/${name}`];
  let index = 0;
  while (index < ops.length) {
    if (ops[index].kind === ' ') {
      index++;
      continue;
    }
    const start = Math.max(0, index - 3);
    let end = index;
    while (end < ops.length && (ops[end].kind !== ' ' || ops.slice(end, end + 7).some((op) => op.kind !== ' '))) end++;
    end = Math.min(ops.length, end + 3);
    const hunk = ops.slice(start, end);
    const aStart = hunk.find((op) => op.kind !== '+')?.aLine ?? 0;
    const bStart = hunk.find((op) => op.kind !== '-')?.bLine ?? 0;
    const aCount = hunk.filter((op) => op.kind !== '+').length;
    const bCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`, ...hunk.map((op) => `${op.kind}${op.text}`));
    index = end;
  }
  return `${out.join('\n')}\n`;
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

function listRules(): number {
  const rows = RULES.map((rule) => [rule.meta.id, rule.meta.checklist, rule.meta.severity, rule.meta.fix === 'none' ? '-' : rule.meta.fix]);
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), 8));
  process.stdout.write(`${'rule'.padEnd(widths[0])}  ${'checklist'.padEnd(widths[1])}  ${'severity'.padEnd(widths[2])}  fix\n`);
  for (const rule of RULES) {
    const [id, checklist, severity, fix] = [rule.meta.id, rule.meta.checklist, rule.meta.severity, rule.meta.fix === 'none' ? '-' : rule.meta.fix];
    process.stdout.write(`${id.padEnd(widths[0])}  ${checklist.padEnd(widths[1])}  ${severity.padEnd(widths[2])}  ${fix}\n`);
    process.stdout.write(`${' '.repeat(widths[0] + 2)}${rule.meta.description}\n`);
  }
  return 0;
}

/** A rule's docs; for a checklist id (what reports show in parentheses), the item and the rules serving it. */
function explain(id: string | undefined): number {
  if (!id) throw new UsageError('explain needs a rule id or a checklist id');
  const rule = ruleById(id);
  if (rule) {
    process.stdout.write(ruleDocsMarkdown(rule.meta));
    return 0;
  }
  if (!isChecklistId(id)) throw new UsageError(`unknown rule or checklist id "${id}" (see: ha-security rules)`);
  const item = checklistItem(id);
  const rules = RULES.filter((candidate) => candidate.meta.checklist === id);
  const lines = [`# ${item.id}`, '', `${item.title}. Passing means: ${item.passed}`, '', 'Rules:'];
  for (const serving of rules) lines.push(`  ${serving.meta.id.padEnd(28)} ${serving.meta.description}`);
  lines.push('', `Run "ha-security explain RULE" for a rule's documentation.`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** The transports vscode-languageserver reads from process.argv; anything else is a typo. */
const SERVER_TRANSPORTS = ['--stdio', '--node-ipc'];
const SERVER_TRANSPORT_PREFIXES = ['--socket=', '--pipe='];

function checkServerArguments(args: string[]): void {
  const transports = args.filter((arg) => SERVER_TRANSPORTS.includes(arg) || SERVER_TRANSPORT_PREFIXES.some((prefix) => arg.startsWith(prefix)));
  // Editors add --clientProcessId=N so the server exits with them.
  const unknown = args.filter((arg) => !transports.includes(arg) && !arg.startsWith('--clientProcessId='));
  if (unknown.length > 0) throw new UsageError(`server: unknown option ${unknown[0]}`);
  if (transports.length !== 1) throw new UsageError('server needs exactly one transport: --stdio or --node-ipc (or --socket=PORT, --pipe=NAME)');
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
        // No command is a usage error: the usage goes to stderr so stdout stays empty for scripts.
        process.stderr.write(USAGE);
        return 2;
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE);
        return 0;
      case '--version':
      case '-V':
        process.stdout.write(`${VERSION}\n`);
        return 0;
      case 'check':
        return await runCheck(rest);
      case 'rules':
        return listRules();
      case 'explain':
        return explain(rest[0]);
      case 'server': {
        checkServerArguments(rest);
        // The server module reads its transport (--stdio, --node-ipc) from process.argv.
        const { startServer } = await import('./server');
        startServer();
        return -1;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ha-security: ${error.message}\nRun "ha-security --help" for usage.\n`);
      return 2;
    }
    const detail = process.env.HA_SECURITY_DEBUG === '1' ? (error as Error).stack : (error as Error).message;
    process.stderr.write(`ha-security: internal error: ${detail}\n`);
    return 2;
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  // `ha-security check | head` closes the pipe early: that is the reader's choice, not an error worth a stack
  // trace. (The server owns stdout as its transport and handles it itself.)
  if (args[0] !== 'server') {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  main(args).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
