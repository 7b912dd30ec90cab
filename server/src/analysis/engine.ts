import type { Node } from './python/syntaxTree';
import { checklistStatus, emptyEvidence, isChecklistId, type ChecklistEvidence } from './checklist';
import { FileModel } from './model/fileModel';
import type { IntegrationModel } from './model/integration';
import { parsePython, syntaxTreeOf } from './python/parser';
import { rangeOf } from './python/syntax';
import { DEFAULT_RULE_SETTINGS, type ReportOptions, type Rule, type RuleSettings } from './rule';
import { RULES } from './rules';
import type { AnalysisError, ChecklistEntry, Finding, Fix, PragmaProblem, Range, Severity } from './types';

/** What the user chose: which rules run, at which severity, and the rules' thresholds. */
export interface AnalysisOptions {
  /** Rule ids or checklist ids; when given, only these run. */
  select?: string[];
  /** Rule ids or checklist ids that do not run. */
  ignore?: string[];
  /** Per rule id or checklist id: a severity, or `off`. A rule id wins over its checklist id. */
  severities?: Record<string, Severity | 'off'>;
  settings?: Partial<RuleSettings>;
  /** The rules to run; all rules by default (tests narrow it). */
  rules?: readonly Rule[];
  /** Bandit's and Ruff's suppressions (`# nosec`, `# noqa: S602`) silence nothing here (Bandit's `--ignore-nosec`). */
  ignoreNosec?: boolean;
}

export interface IntegrationResult {
  integration: IntegrationModel;
  findings: Finding[];
  checklist: ChecklistEntry[];
  errors: AnalysisError[];
  pragmaProblems: PragmaProblem[];
}

export interface FileResult {
  findings: Finding[];
  errors: AnalysisError[];
  pragmaProblems: PragmaProblem[];
}

/** Parses and indexes one Python file; the tree-sitter tree is deleted once copied (python/syntaxTree.ts). */
export function loadPythonFile(path: string, text: string, moduleName = ''): FileModel {
  const parsed = parsePython(text);
  try {
    return new FileModel(path, text, syntaxTreeOf(parsed, text), moduleName);
  } finally {
    parsed.delete();
  }
}

export function activeRules(options: AnalysisOptions): Rule[] {
  const rules = options.rules ?? RULES;
  const matches = (rule: Rule, list: string[]) => list.includes(rule.meta.id) || list.includes(rule.meta.checklist);
  return rules.filter((rule) => {
    if (options.select && options.select.length > 0 && !matches(rule, options.select)) return false;
    if (options.ignore && matches(rule, options.ignore)) return false;
    return severityFor(rule, options) !== 'off';
  });
}

function severityFor(rule: Rule, options: AnalysisOptions): Severity | 'off' | undefined {
  return options.severities?.[rule.meta.id] ?? options.severities?.[rule.meta.checklist];
}

/** Runs the per-file rules on a Python file that belongs to no integration. */
export function analyzeStandaloneFile(file: FileModel, options: AnalysisOptions = {}): FileResult {
  const run = new Run(options);
  run.checkFile(file, undefined);
  return { findings: run.finish([file]), errors: run.errors, pragmaProblems: run.pragmaProblems };
}

/** Runs every rule on an integration: the per-file rules on each file, then the integration rules. */
export function analyzeIntegration(integration: IntegrationModel, options: AnalysisOptions = {}): IntegrationResult {
  const analysis = new FocusedAnalysis(integration, options);
  while (analysis.checkNextFile());
  return analysis.result();
}

/**
 * An integration analysed around one of its files, the one being edited: first what can report in that file (the
 * per-file rules on it and the integration rules), whose findings are then complete (`focusResult`); then, a file at
 * a time, the per-file rules on the others (`checkNextFile`), which report only in their own file. The editor shows
 * the edited file's diagnostics before the rest of the integration is checked. `result` is what analyzeIntegration
 * gives: findings, notes and errors merged in the same order as a run from first file to last.
 */
export class FocusedAnalysis {
  private readonly focusFile: FileModel | undefined;
  /** Each step's own run, merged in order by result(). */
  private readonly fileRuns = new Map<FileModel, Run>();
  private readonly integrationRun: Run;
  private nextFile = 0;

  constructor(
    readonly integration: IntegrationModel,
    private readonly options: AnalysisOptions = {},
    /** The edited file: a Python file of the integration, or its manifest.json. */
    private readonly focusPath?: string,
  ) {
    this.focusFile = integration.files.find((file) => file.path === focusPath);
    if (this.focusFile) this.fileRuns.set(this.focusFile, checkedFile(this.focusFile, integration, options));
    this.integrationRun = new Run(options);
    this.integrationRun.checkIntegration(integration);
  }

  /** The findings and pragma problems of the focus file: those of the whole analysis there, found already. */
  focusResult(): FileResult {
    const run = new Run(this.options);
    if (this.focusFile) run.absorb(this.fileRuns.get(this.focusFile)!, true);
    run.absorb(this.integrationRun, true);
    const { integration, focusPath } = this;
    const manifest = { path: integration.manifestPath, text: integration.manifestText };
    const findings = run.finish(this.focusFile ? [this.focusFile] : [], manifest).filter((finding) => finding.path === focusPath);
    return { findings, errors: run.errors, pragmaProblems: run.pragmaProblems };
  }

  /** Runs the per-file rules on the next file not checked yet; false once every file is. */
  checkNextFile(): boolean {
    const files = this.integration.files;
    while (this.nextFile < files.length && this.fileRuns.has(files[this.nextFile])) this.nextFile++;
    if (this.nextFile >= files.length) return false;
    const file = files[this.nextFile];
    this.fileRuns.set(file, checkedFile(file, this.integration, this.options));
    return true;
  }

  /** The whole integration's result; every file must have been checked. */
  result(): IntegrationResult {
    const { integration } = this;
    const run = new Run(this.options);
    for (const file of integration.files) {
      const fileRun = this.fileRuns.get(file);
      if (!fileRun) throw new Error(`${file.path} was not checked yet`);
      run.absorb(fileRun, false);
    }
    run.absorb(this.integrationRun, false);
    for (const problem of integration.manifestProblems) {
      run.errors.push({ path: integration.manifestPath, message: problem.message, range: problem.range });
    }
    const findings = run.finish(integration.files, { path: integration.manifestPath, text: integration.manifestText });
    for (const finding of findings) {
      run.evidence.findings.set(finding.checklist, (run.evidence.findings.get(finding.checklist) ?? 0) + 1);
    }
    return { integration, findings, checklist: checklistStatus(run.evidence), errors: run.errors, pragmaProblems: run.pragmaProblems };
  }
}

function checkedFile(file: FileModel, integration: IntegrationModel, options: AnalysisOptions): Run {
  const run = new Run(options);
  run.checkFile(file, integration);
  return run;
}

/** One analysis: collects findings, evidence and rule failures. */
class Run {
  readonly rules: Rule[];
  readonly settings: RuleSettings;
  readonly evidence: ChecklistEvidence = emptyEvidence();
  readonly errors: AnalysisError[] = [];
  readonly pragmaProblems: PragmaProblem[] = [];
  private readonly findings: Finding[] = [];

  constructor(private readonly options: AnalysisOptions) {
    this.rules = activeRules(options);
    this.settings = { ...DEFAULT_RULE_SETTINGS, ...options.settings };
    // An item whose rules were left out was not checked: its status must not claim a pass or "nothing found".
    for (const rule of options.rules ?? RULES) {
      if (this.rules.includes(rule)) continue;
      const ids = this.evidence.notRun.get(rule.meta.checklist) ?? [];
      ids.push(rule.meta.id);
      this.evidence.notRun.set(rule.meta.checklist, ids);
    }
  }

  checkIntegration(integration: IntegrationModel): void {
    for (const rule of this.rules) {
      if (!rule.checkIntegration) continue;
      this.guard(rule, integration.manifestPath, () =>
        rule.checkIntegration!({
          integration,
          settings: this.settings,
          report: (path, at, message, reportOptions) => this.add(rule, path, at, message, reportOptions),
          markUsed: () => this.evidence.used.add(rule.meta.checklist),
          review: (note) => this.addReview(rule, note),
        }),
      );
    }
  }

  /**
   * Takes in what another run of the same analysis found, after what this one holds. `copy` leaves the other run's
   * findings as they are (finish() fills in their fingerprints and line endings), for a run that is merged again.
   */
  absorb(other: Run, copy: boolean): void {
    for (const finding of other.findings) this.findings.push(copy ? copiedFinding(finding) : finding);
    this.errors.push(...other.errors);
    for (const id of other.evidence.used) this.evidence.used.add(id);
    for (const [id, notes] of other.evidence.review) this.evidence.review.set(id, [...(this.evidence.review.get(id) ?? []), ...notes]);
  }

  checkFile(file: FileModel, integration: IntegrationModel | undefined): void {
    for (const rule of this.rules) {
      if (!rule.checkFile) continue;
      this.guard(rule, file.path, () =>
        rule.checkFile!({
          file,
          integration,
          settings: this.settings,
          report: (at, message, reportOptions) => this.add(rule, file.path, at, message, reportOptions),
          markUsed: () => this.evidence.used.add(rule.meta.checklist),
          review: (note) => this.addReview(rule, note),
        }),
      );
    }
  }

  /**
   * A failing rule costs its own findings only; the others still arrive. Its checklist item says it was not checked
   * there, rather than passing as if it had been.
   */
  guard(rule: Rule, path: string, check: () => void): void {
    try {
      check();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.errors.push({ path, message: `rule ${rule.meta.id} failed: ${detail}` });
      this.addReview(rule, `${rule.meta.id} could not check ${path.split(/[\\/]/).pop()} (an internal error: ${detail}); check it by hand, and please report it.`);
    }
  }

  addReview(rule: Rule, note: string): void {
    const notes = this.evidence.review.get(rule.meta.checklist) ?? [];
    notes.push(oneLine(note));
    this.evidence.review.set(rule.meta.checklist, notes);
  }

  add(rule: Rule, path: string, at: Node | Range, message: string, options: ReportOptions = {}): void {
    const configured = severityFor(rule, this.options);
    const severity = configured && configured !== 'off' ? configured : options.severity ?? rule.meta.severity;
    const range = 'start' in at && 'end' in at && !('type' in at) ? (at as Range) : rangeOf(at as Node);
    const finding: Finding = { path, rule: rule.meta.id, checklist: rule.meta.checklist, severity, message: oneLine(message), range };
    // `fix` is only ever a safe fix; one a person must check leads the suggestions.
    const suggestions = [...(options.fix && !options.fix.safe ? [options.fix] : []), ...(options.suggestions ?? [])];
    if (options.fix?.safe) finding.fix = options.fix;
    if (suggestions.length > 0) finding.suggestions = suggestions;
    this.findings.push(finding);
  }

  /** Drops findings silenced by a pragma and duplicates, and sorts by place. */
  finish(files: readonly FileModel[] = [], manifest?: { path: string; text: string }): Finding[] {
    const pragmasByPath = new Map<string, Map<number, Pragma>>();
    for (const file of files) pragmasByPath.set(file.path, pragmasOf(file));
    const otherToolsByPath = new Map<string, Map<number, OtherToolSuppression>>();
    if (!this.options.ignoreNosec) for (const file of files) otherToolsByPath.set(file.path, otherToolSuppressionsOf(file));
    const rulesById = new Map((this.options.rules ?? RULES).map((rule) => [rule.meta.id, rule]));
    const seen = new Set<string>();
    const kept: Finding[] = [];
    const used = new Map<Pragma, Set<string>>();
    for (const finding of this.findings) {
      const key = `${finding.path}:${finding.range.start.line}:${finding.range.start.character}:${finding.rule}:${finding.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const pragma = pragmasByPath.get(finding.path)?.get(finding.range.start.line);
      const matched = pragma?.ids.filter((id) => id === finding.rule || id === finding.checklist) ?? [];
      if (pragma && matched.length > 0) {
        const ids = used.get(pragma) ?? new Set<string>();
        for (const id of matched) ids.add(id);
        used.set(pragma, ids);
        continue;
      }
      // After this tool's own pragma, which is then used rather than reported as silencing nothing.
      const otherTool = otherToolsByPath.get(finding.path)?.get(finding.range.start.line);
      if (otherTool && silencedByOtherTool(otherTool, rulesById.get(finding.rule)?.meta.banditIds)) continue;
      kept.push(finding);
    }
    for (const [path, pragmas] of pragmasByPath) {
      for (const pragma of pragmas.values()) this.checkPragma(path, pragma, used.get(pragma) ?? new Set());
    }
    kept.sort(compareFindings);
    addFingerprints(kept, files, manifest);
    matchLineEndings(kept, files);
    return kept;
  }

  /** Unknown ids and ids that silenced nothing are reported, so stale suppressions do not pile up. */
  private checkPragma(path: string, pragma: Pragma, used: Set<string>): void {
    const allRules = this.options.rules ?? RULES;
    for (const id of pragma.ids) {
      const known = allRules.some((rule) => rule.meta.id === id) || isChecklistId(id);
      if (!known) {
        this.pragmaProblems.push({ path, range: pragma.range, kind: 'unknown', message: `"${id}" in this ha-security pragma is neither a rule id nor a checklist id; it silences nothing.` });
        continue;
      }
      // A pragma for a rule that did not run (deselected, off) cannot be judged.
      const ran = this.rules.some((rule) => rule.meta.id === id || rule.meta.checklist === id);
      if (ran && !used.has(id)) {
        this.pragmaProblems.push({ path, range: pragma.range, kind: 'unused', message: `The ha-security pragma for "${id}" silences nothing on this line; remove it.` });
      }
    }
    if (!pragma.reason) {
      this.pragmaProblems.push({ path, range: pragma.range, kind: 'no-reason', message: 'Say why this finding does not apply, after the pragma: # ha-security: ignore[rule-id] reason.' });
    }
  }
}

function copiedFinding(finding: Finding): Finding {
  const copyFix = (fix: Fix): Fix => ({ ...fix, edits: [...fix.edits] });
  const copy: Finding = { ...finding };
  if (finding.fix) copy.fix = copyFix(finding.fix);
  if (finding.suggestions) copy.suggestions = finding.suggestions.map(copyFix);
  return copy;
}

/** Fixes write `\n`; in a file written with `\r\n` their new lines take the file's line ending. */
function matchLineEndings(findings: Finding[], files: readonly FileModel[]): void {
  const crlf = new Set(files.filter((file) => /^[^\n]*\r\n/.test(file.text)).map((file) => file.path));
  if (crlf.size === 0) return;
  for (const finding of findings) {
    if (!crlf.has(finding.path)) continue;
    for (const fix of [finding.fix, ...(finding.suggestions ?? [])]) {
      if (!fix) continue;
      fix.edits = fix.edits.map((edit) => (edit.newText.includes('\n') ? { ...edit, newText: edit.newText.replace(/\r?\n/g, '\r\n') } : edit));
    }
  }
}

/** See Finding.fingerprint. */
function addFingerprints(findings: Finding[], files: readonly FileModel[], manifest: { path: string; text: string } | undefined): void {
  const fileByPath = new Map<string, FileModel>();
  for (const file of files) fileByPath.set(file.path, file);
  const manifestLines = manifest ? manifest.text.split(/\r?\n/) : [];
  const lineOf = (path: string, line: number) => fileByPath.get(path)?.lineText(line) ?? (path === manifest?.path ? manifestLines[line] : undefined) ?? '';
  const occurrences = new Map<string, number>();
  for (const finding of findings) {
    const line = lineOf(finding.path, finding.range.start.line).trim().replace(/\s+/g, ' ');
    const key = `${finding.path}\u0000${finding.rule}\u0000${line}`;
    const rank = occurrences.get(key) ?? 0;
    occurrences.set(key, rank + 1);
    finding.fingerprint = fnv1a64(`${finding.rule}\u0000${line}\u0000${rank}`);
  }
}

/**
 * FNV-1a, 64 bits, as 16 hex digits: a stable, dependency-free hash. The 64-bit state is kept as two 32-bit halves
 * (BigInt arithmetic allocated on every character, and every keystroke fingerprints every finding of the file).
 */
export function fnv1a64(text: string): string {
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  for (let index = 0; index < text.length; index++) {
    low = (low ^ text.charCodeAt(index)) >>> 0;
    // state * 0x100000001b3 = state * 0x1b3 + (state << 40), modulo 2^64.
    const lowProduct = low * 0x1b3;
    const carry = Math.floor(lowProduct / 0x100000000);
    high = (Math.imul(high, 0x1b3) + carry + (low << 8)) >>> 0;
    low = lowProduct >>> 0;
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/** `# ha-security: ignore[rule-id, other-id] reason` on the line a finding starts on. */
export interface Pragma {
  line: number;
  ids: string[];
  reason: string;
  range: Range;
}

const PRAGMA_PATTERN = /#\s*ha-security:\s*ignore\[([^\]]*)\]\s*(.*)$/;

export function pragmasOf(file: FileModel): Map<number, Pragma> {
  const pragmas = new Map<number, Pragma>();
  if (!file.text.includes('ha-security:')) return pragmas;
  for (const node of file.nodesOfType('comment')) {
    const match = PRAGMA_PATTERN.exec(node.text);
    if (!match) continue;
    const ids = match[1].split(',').map((id) => id.trim()).filter(Boolean);
    // The ignore quick fix leaves `reason: ` for the user to fill in; until then there is no reason.
    const reason = match[2].trim().replace(/^reason:?$/i, '');
    pragmas.set(node.startPosition.row, { line: node.startPosition.row, ids, reason, range: rangeOf(node) });
  }
  return pragmas;
}

/**
 * What Bandit or Ruff was told about a line: `# nosec` (every check: `all`), `# nosec B602, B607`, `# noqa: S602`
 * (Ruff's flake8-bandit codes, read as Bandit's). Ruff's bare `# noqa` is about any lint at all, so it says nothing here.
 */
export type OtherToolSuppression = 'all' | Set<string>;

const NOSEC_PATTERN = /#\s*nosec\b:?([^#]*)/i;
const NOQA_PATTERN = /#\s*noqa\s*:([^#]*)/i;

export function otherToolSuppressionsOf(file: FileModel): Map<number, OtherToolSuppression> {
  const suppressions = new Map<number, OtherToolSuppression>();
  if (!/nosec|noqa/i.test(file.text)) return suppressions;
  for (const node of file.nodesOfType('comment')) {
    const nosec = NOSEC_PATTERN.exec(node.text);
    const noqa = NOQA_PATTERN.exec(node.text);
    if (!nosec && !noqa) continue;
    const ids = new Set<string>();
    for (const match of (nosec?.[1] ?? '').matchAll(/\bB\d{3}\b/gi)) ids.add(match[0].toUpperCase());
    for (const match of (noqa?.[1] ?? '').matchAll(/\bS\d{3}\b/gi)) ids.add(`B${match[0].slice(1)}`);
    const line = node.startPosition.row;
    const before = suppressions.get(line);
    if (before === 'all' || (nosec && ids.size === 0)) suppressions.set(line, 'all');
    else if (ids.size > 0) suppressions.set(line, new Set([...(before ?? []), ...ids]));
  }
  return suppressions;
}

function silencedByOtherTool(suppression: OtherToolSuppression, banditIds: readonly string[] | undefined): boolean {
  if (!banditIds || banditIds.length === 0) return false;
  return suppression === 'all' || banditIds.some((id) => suppression.has(id));
}

export { isChecklistId };

/**
 * Messages and notes quote code, which may span lines; reports show each on one line (a text report's columns, a
 * SARIF viewer's list), so line breaks and the indentation after them become one space.
 */
function oneLine(text: string): string {
  return text.includes('\n') || text.includes('\r') ? text.replace(/\s*[\r\n]+\s*/g, ' ') : text;
}
