import * as path from 'path';
import { checklistItem } from '../analysis/checklist';
import type { Fix, Severity } from '../analysis/types';
import type { ScanResult } from './scan';

/** Formatting a scan for people and machines. Pure: no IO. */

export const TOOL_NAME = 'ha-integration-security';

/** Paths in reports: relative to the root, with forward slashes. */
export function relativePath(root: string, file: string): string {
  const relative = path.relative(root, file) || path.basename(file);
  return relative.split(path.sep).join('/');
}

interface JsonEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

function jsonFix(fix: Fix): { title: string; safe: boolean; edits: JsonEdit[] } {
  return {
    title: fix.title,
    safe: fix.safe,
    edits: fix.edits.map((edit) => ({
      line: edit.range.start.line + 1,
      column: edit.range.start.character + 1,
      endLine: edit.range.end.line + 1,
      endColumn: edit.range.end.character + 1,
      newText: edit.newText,
    })),
  };
}

/** The machine-readable report (docs/report-json.md): fields may be added, never renamed or dropped. */
export function toJsonReport(scan: ScanResult, root: string, toolVersion: string): object {
  return {
    version: 1,
    tool: { name: TOOL_NAME, version: toolVersion },
    root,
    findings: scan.findings.map((finding) => ({
      path: relativePath(root, finding.path),
      line: finding.range.start.line + 1,
      column: finding.range.start.character + 1,
      endLine: finding.range.end.line + 1,
      endColumn: finding.range.end.character + 1,
      rule: finding.rule,
      checklist: finding.checklist,
      severity: finding.severity,
      message: finding.message,
      ...(finding.fix ? { fix: jsonFix(finding.fix) } : {}),
      ...(finding.suggestions ? { suggestions: finding.suggestions.map(jsonFix) } : {}),
    })),
    integrations: scan.integrations.map((integration) => ({
      domain: integration.domain,
      path: relativePath(root, integration.root),
      checklist: integration.checklist.map((entry) => ({ id: entry.id, status: entry.status, findings: entry.findings, note: entry.note })),
    })),
    pragmas: scan.pragmaProblems.map((problem) => ({
      path: relativePath(root, problem.path),
      line: problem.range.start.line + 1,
      column: problem.range.start.character + 1,
      kind: problem.kind,
      message: problem.message,
    })),
    summary: {
      files: scan.files,
      findings: scan.findings.length,
      errors: scan.errors.map((error) => ({
        path: relativePath(root, error.path),
        message: error.message,
        ...(error.range ? { line: error.range.start.line + 1, column: error.range.start.character + 1 } : {}),
      })),
    },
  };
}

const COLORS: Record<Severity | 'bold' | 'dim' | 'reset' | 'pass' | 'na', string> = {
  error: '\u001b[31m', warning: '\u001b[33m', info: '\u001b[36m', hint: '\u001b[2m', bold: '\u001b[1m', dim: '\u001b[2m',
  reset: '\u001b[0m', pass: '\u001b[32m', na: '\u001b[2m',
};

const STATUS_LABEL = { fail: 'FAIL', pass: 'pass', 'not-applicable': 'n/a', review: 'REVIEW' } as const;

/** One line per finding (`path:line:col: severity [rule] (item) message`), each integration's checklist, a summary. */
export function toText(scan: ScanResult, root: string, options: { color: boolean }): string {
  const paint = (color: keyof typeof COLORS, text: string) => (options.color ? `${COLORS[color]}${text}${COLORS.reset}` : text);
  const lines: string[] = [];
  for (const finding of scan.findings) {
    const where = `${relativePath(root, finding.path)}:${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
    const fixNote = finding.fix ? (finding.fix.safe ? ' [fixable]' : ' [suggestion]') : finding.suggestions ? ' [suggestion]' : '';
    lines.push(`${paint('bold', where)}: ${paint(finding.severity, finding.severity)} [${finding.rule}] (${finding.checklist}) ${finding.message}${paint('dim', fixNote)}`);
  }
  if (scan.errors.length > 0) {
    if (lines.length > 0) lines.push('');
    for (const error of scan.errors) {
      const where = error.range ? `${relativePath(root, error.path)}:${error.range.start.line + 1}:${error.range.start.character + 1}` : relativePath(root, error.path);
      lines.push(`${paint('bold', where)}: ${paint('warning', 'not analysed')} ${error.message}`);
    }
  }
  if (scan.pragmaProblems.length > 0) {
    lines.push('');
    for (const problem of scan.pragmaProblems) {
      const where = `${relativePath(root, problem.path)}:${problem.range.start.line + 1}:${problem.range.start.character + 1}`;
      lines.push(`${paint('bold', where)}: ${paint('hint', `pragma ${problem.kind}`)} ${problem.message}`);
    }
  }
  for (const integration of scan.integrations) {
    lines.push('', paint('bold', `Checklist for ${integration.domain} (${relativePath(root, integration.root)})`));
    for (const entry of integration.checklist) {
      const label = STATUS_LABEL[entry.status];
      const color = entry.status === 'fail' ? 'error' : entry.status === 'review' ? 'warning' : entry.status === 'pass' ? 'pass' : 'na';
      const count = entry.findings > 0 ? ` ${entry.findings}` : '';
      const note = entry.status === 'review' ? `  ${paint('dim', entry.note)}` : '';
      lines.push(`  ${paint(color, label.padEnd(6))} ${entry.id.padEnd(25)}${count.padEnd(4)} ${checklistItem(entry.id).title}${note}`);
    }
  }
  lines.push('', summaryLine(scan));
  return `${lines.join('\n').replace(/^\n+/, '')}\n`;
}

export function summaryLine(scan: ScanResult): string {
  const files = new Set(scan.findings.map((finding) => finding.path)).size;
  const bySeverity = (['error', 'warning', 'info', 'hint'] as Severity[])
    .map((severity) => [severity, scan.findings.filter((finding) => finding.severity === severity).length] as const)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}${count === 1 ? '' : 's'}`);
  const findings = scan.findings.length === 0 ? 'No findings' : `${scan.findings.length} finding${scan.findings.length === 1 ? '' : 's'} (${bySeverity.join(', ')}) in ${files} file${files === 1 ? '' : 's'}`;
  const integrations = `${scan.integrations.length} integration${scan.integrations.length === 1 ? '' : 's'}, ${scan.files} file${scan.files === 1 ? '' : 's'} analysed`;
  const errors = scan.errors.length > 0 ? `, ${scan.errors.length} not analysed` : '';
  return `${findings}; ${integrations}${errors}.`;
}
