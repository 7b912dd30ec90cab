import * as fs from 'fs';
import * as path from 'path';
import { isChecklistId } from './analysis/checklist';
import { applyPerFileIgnores, isExcluded, layerOptions } from './analysis/config';
import { applyTextEdits, combineFixes, safeFixes } from './analysis/fixAll';
import { initParser } from './analysis/python/parser';
import { ruleDocsMarkdown } from './analysis/rule';
import { RULES, ruleById } from './analysis/rules';
import { severityRank, SEVERITIES, type Finding, type Severity } from './analysis/types';
import { applyBaseline, createBaseline, parseBaseline } from './node/baseline';
import { findProjectConfig, relativeToConfig } from './node/projectConfig';
import { scanPaths, type ScanOptions, type ScanResult } from './node/scan';
import { toJsonReport, toMarkdown, toSarif, toText } from './node/report';

declare const HA_SECURITY_VERSION: string | undefined;
const VERSION = typeof HA_SECURITY_VERSION === 'string' ? HA_SECURITY_VERSION : '0.1.0';

const USAGE = `ha-security ${VERSION}: Home Assistant integration security checks

Usage:
  ha-security check [PATH...] [options]   analyse integrations (default PATH: .)
  ha-security rules                       list the rules
  ha-security explain RULE                show a rule's documentation
  ha-security server --stdio|--node-ipc   run the language server
  ha-security --version | --help

Options for check:
  --format FORMAT           text (default), json, sarif or markdown
  --output FILE             write the report to FILE instead of standard output
  --select RULES            only these rule ids or checklist ids (comma-separated)
  --ignore RULES            skip these rule ids or checklist ids
  --scope integrations|all  also analyse Python files outside integrations (default integrations)
  --fail-on SEVERITY        exit 1 when a finding is at least this severe: error|warning|info|hint (default hint)
  --baseline FILE           report only findings that FILE does not record
  --write-baseline FILE     record the current findings in FILE (and exit 0)
  --fix                     apply the safe fixes to the files
  --diff                    print the safe fixes as a unified diff instead of writing them

Exit status: 0 nothing at or above --fail-on, 1 findings, 2 usage or internal error.
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
  const parsed: CheckArguments = { paths: [], format: 'text', options: {}, failOn: 'hint', fix: false, diff: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++index];
    switch (flag) {
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
        parsed.fix = true;
        break;
      case '--diff':
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
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        parsed.paths.push(arg);
    }
  }
  if (parsed.paths.length === 0) parsed.paths.push('.');
  return parsed;
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
  const missing = parsed.paths.filter((input) => !fs.existsSync(input));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  await initParser(__dirname);
  const root = commonRoot(parsed.paths);
  // pyproject.toml's [tool.ha-security] first, the command line on top.
  const loaded = findProjectConfig(root);
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
  const scan = scanPaths(parsed.paths, options);
  if (loaded) scan.findings = applyPerFileIgnores(loaded.config, scan.findings, (file) => relativeToConfig(loaded, file));
  if (parsed.writeBaseline) {
    fs.writeFileSync(parsed.writeBaseline, `${JSON.stringify(createBaseline(scan.findings, root), null, 2)}\n`);
    process.stderr.write(`Recorded ${scan.findings.length} finding${scan.findings.length === 1 ? '' : 's'} in ${parsed.writeBaseline}.\n`);
    return 0;
  }
  if (parsed.baseline) {
    let baseline;
    try {
      baseline = parseBaseline(fs.readFileSync(parsed.baseline, 'utf8'));
    } catch (error) {
      throw new UsageError(`--baseline ${parsed.baseline}: ${(error as Error).message}`);
    }
    const applied = applyBaseline(scan.findings, baseline, root);
    scan.findings = applied.findings;
    scan.baselined = applied.hidden;
  }
  if (parsed.fix || parsed.diff) return applyFixes(scan.findings, root, parsed.diff);
  const output = render(parsed.format, scan, root, !parsed.output && useColor());
  if (parsed.output) fs.writeFileSync(parsed.output, output);
  else process.stdout.write(output);
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

/** `--fix` writes every safe fix (one combined edit per file); `--diff` prints them instead. */
function applyFixes(findings: Finding[], root: string, diffOnly: boolean): number {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) byFile.set(finding.path, [...(byFile.get(finding.path) ?? []), finding]);
  let fixed = 0;
  let remaining = 0;
  for (const [file, fileFindings] of byFile) {
    const { edits, applied } = combineFixes(safeFixes(fileFindings));
    remaining += fileFindings.length - applied.length;
    if (edits.length === 0) continue;
    const before = fs.readFileSync(file, 'utf8');
    const after = applyTextEdits(before, edits);
    fixed += applied.length;
    const name = path.relative(root, file).split(path.sep).join('/');
    if (diffOnly) process.stdout.write(unifiedDiff(name, before, after));
    else fs.writeFileSync(file, after);
  }
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

function explain(id: string | undefined): number {
  const rule = id ? ruleById(id) : undefined;
  if (!rule) throw new UsageError(id ? `unknown rule "${id}" (see: ha-security rules)` : 'explain needs a rule id');
  const { meta } = rule;
  process.stdout.write(ruleDocsMarkdown(meta));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
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
    const detail = process.env.HA_SECURITY_DEBUG ? (error as Error).stack : (error as Error).message;
    process.stderr.write(`ha-security: internal error: ${detail}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
