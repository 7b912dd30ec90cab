import { CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, DiagnosticTag, TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { SKIP_ADVICE } from '../analysis/limits';
import { ruleDocsUrl } from '../analysis/rule';
import type { Finding, Fix, PragmaProblem, Severity } from '../analysis/types';

export const DIAGNOSTIC_SOURCE = 'ha-security';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.haSecurity`;
/** The code of a diagnostic on a manifest.json the engine could not read (malformed JSON, wrong types). */
export const MANIFEST_INVALID = 'manifest-invalid';

/** What a diagnostic carries for code actions and the checklist. */
export interface DiagnosticData {
  checklist: string;
  fix?: Fix;
  suggestions?: Fix[];
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(finding: Finding): Diagnostic {
  const data: DiagnosticData = { checklist: finding.checklist };
  if (finding.fix) data.fix = finding.fix;
  if (finding.suggestions) data.suggestions = finding.suggestions;
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.rule,
    codeDescription: { href: ruleDocsUrl(finding.rule) },
    message: finding.message,
    data,
  };
}

/** A pragma that silences nothing (faded, like unused code), names no rule, or gives no reason. */
export function pragmaDiagnostic(problem: PragmaProblem): Diagnostic {
  const code = problem.kind === 'unused' ? 'unused-pragma' : problem.kind === 'unknown' ? 'unknown-pragma' : 'pragma-without-reason';
  return {
    range: problem.range,
    severity: problem.kind === 'unknown' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Hint,
    source: DIAGNOSTIC_SOURCE,
    code,
    message: problem.message,
    ...(problem.kind === 'unused' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

export function problemDiagnostic(message: string, range: Diagnostic['range'], code: string): Diagnostic {
  return { range, severity: DiagnosticSeverity.Error, source: DIAGNOSTIC_SOURCE, code, message };
}

/** The code of the notice on a Python file too large or minified to analyse (analysis/limits.ts). */
export const FILE_SKIPPED = 'file-skipped';

/** Says, at the top of the file, that it was not analysed and why, so an empty Problems list is not taken for a pass. */
export function skippedDiagnostic(reason: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    code: FILE_SKIPPED,
    message: `Not analysed: ${reason.replace(/^skipped: /, '')}; ${SKIP_ADVICE}.`,
  };
}

function editFor(uri: string, fix: Fix, version: number | undefined): WorkspaceEdit {
  const edits = fix.edits.map((edit) => TextEdit.replace(edit.range, edit.newText));
  if (version === undefined) return { changes: { [uri]: edits } };
  return { documentChanges: [{ textDocument: { uri, version }, edits }] };
}

/** The quick fixes of one diagnostic: its fix (preferred when safe), its suggestions, and, in Python, "ignore on this line". */
export function codeActionsFor(uri: string, diagnostic: Diagnostic, version: number | undefined, lineText: string): CodeAction[] {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') return [];
  const data = diagnostic.data as DiagnosticData | undefined;
  const actions: CodeAction[] = [];
  for (const fix of [...(data?.fix ? [data.fix] : []), ...(data?.suggestions ?? [])]) {
    actions.push({
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: fix.safe && fix === data?.fix,
      edit: editFor(uri, fix, version),
    });
  }
  // The pragma is a Python comment: in manifest.json it would break the JSON (pyproject.toml's per-file-ignores can
  // name the manifest instead).
  if (/\.py$/i.test(uri) && takesComment(lineText)) actions.push(ignoreAction(uri, diagnostic, version, lineText));
  return actions;
}

/**
 * Whether a comment can end this line: not after a backslash that continues it (a syntax error), nor where a triple-quoted
 * string opened on it is still open (the comment would become part of the string).
 */
function takesComment(lineText: string): boolean {
  if (/\\\s*$/.test(lineText)) return false;
  const tripleQuotes = (lineText.match(/"""|'''/g) ?? []).length;
  return tripleQuotes % 2 === 0;
}

/** Adds (or extends) `# ha-security: ignore[rule] reason` at the end of the diagnostic's first line. */
function ignoreAction(uri: string, diagnostic: Diagnostic, version: number | undefined, lineText: string): CodeAction {
  const rule = String(diagnostic.code);
  const line = diagnostic.range.start.line;
  const existing = /#\s*ha-security:\s*ignore\[([^\]]*)\]/.exec(lineText);
  let edit: TextEdit;
  if (existing) {
    const insideStart = existing.index + existing[0].length - 1;
    edit = TextEdit.insert({ line, character: insideStart }, `, ${rule}`);
  } else {
    const trimmedEnd = lineText.replace(/\s+$/, '').length;
    edit = TextEdit.insert({ line, character: trimmedEnd }, `  # ha-security: ignore[${rule}] reason: `);
  }
  const workspaceEdit: WorkspaceEdit =
    version === undefined ? { changes: { [uri]: [edit] } } : { documentChanges: [{ textDocument: { uri, version }, edits: [edit] }] };
  return { title: `Ignore ${rule} on this line`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: workspaceEdit };
}
