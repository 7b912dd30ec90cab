import * as path from 'path';
import { pathToFileURL } from 'url';
import { checklistItem } from '../analysis/checklist';
import { ruleDocsUrl } from '../analysis/rule';
import { RULES } from '../analysis/rules';
import type { Fix, Range, Severity } from '../analysis/types';
import type { ScanResult } from './scan';

/** Formatting a scan for people and machines. Pure: no IO. */

export const TOOL_NAME = 'ha-integration-security';

/** Paths in reports: relative to the root, with forward slashes; the root itself is `.`. */
export function relativePath(root: string, file: string): string {
  const relative = path.relative(root, file) || '.';
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
      ...(scan.baselined !== undefined ? { baselined: scan.baselined } : {}),
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
  const baselined = scan.baselined ? `, ${scan.baselined} known finding${scan.baselined === 1 ? '' : 's'} hidden by the baseline` : '';
  return `${findings}; ${integrations}${errors}${baselined}.`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };
/** GitHub code scanning ranks security alerts by this 0-10 score. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.5', info: '3.0', hint: '1.0' };
const INFORMATION_URI = 'https://github.com/ha-integration-security/ha-integration-security';

function sarifRegion(range: Range): object {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());
}

/** SARIF 2.1.0, as GitHub code scanning ingests it: one reportingDescriptor per rule, fingerprints, fixes. */
export function toSarif(scan: ScanResult, root: string, toolVersion: string): object {
  const rules = RULES.map((rule) => rule.meta);
  const ruleIndex = new Map(rules.map((meta, index) => [meta.id, index]));
  const artifactUri = (file: string) => relativePath(root, file);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ha-security',
            fullName: 'HA Integration Security',
            version: toolVersion,
            semanticVersion: toolVersion,
            informationUri: INFORMATION_URI,
            rules: rules.map((meta) => ({
              id: meta.id,
              name: pascalCase(meta.id),
              shortDescription: { text: meta.description },
              fullDescription: { text: meta.docs.split('\n\n')[0].replace(/\s+/g, ' ').replace(/`/g, '') },
              help: { text: meta.docs.replace(/`/g, ''), markdown: meta.docs },
              helpUri: ruleDocsUrl(meta.id),
              defaultConfiguration: { level: SARIF_LEVEL[meta.severity] },
              properties: {
                tags: ['security', `ha-checklist/${meta.checklist}`, ...(meta.cwe ? [`external/cwe/cwe-${meta.cwe}`] : [])],
                precision: 'high',
                'security-severity': SECURITY_SEVERITY[meta.severity],
              },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(root.endsWith(path.sep) ? root : `${root}${path.sep}`).toString() } },
        columnKind: 'utf16CodeUnits',
        results: scan.findings.map((finding) => {
          const location = { artifactLocation: { uri: artifactUri(finding.path), uriBaseId: 'SRCROOT' }, region: sarifRegion(finding.range) };
          const fixes = [...(finding.fix ? [finding.fix] : []), ...(finding.suggestions ?? [])];
          return {
            ruleId: finding.rule,
            ruleIndex: ruleIndex.get(finding.rule) ?? -1,
            level: SARIF_LEVEL[finding.severity],
            message: { text: finding.message },
            locations: [{ physicalLocation: location }],
            partialFingerprints: { 'haSecurityFinding/v1': finding.fingerprint ?? '' },
            properties: { checklist: finding.checklist, severity: finding.severity },
            ...(fixes.length > 0
              ? {
                  fixes: fixes.map((fix) => ({
                    description: { text: `${fix.title}${fix.safe ? '' : ' (check before applying)'}` },
                    artifactChanges: [
                      {
                        artifactLocation: { uri: artifactUri(finding.path), uriBaseId: 'SRCROOT' },
                        replacements: fix.edits.map((edit) => ({ deletedRegion: sarifRegion(edit.range), insertedContent: { text: edit.newText } })),
                      },
                    ],
                  })),
                }
              : {}),
          };
        }),
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: scan.errors.map((error) => ({
              level: 'warning',
              message: { text: error.message },
              locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(error.path), uriBaseId: 'SRCROOT' } } }],
            })),
          },
        ],
      },
    ],
  };
}

const STATUS_TEXT = { fail: '❌ fail', pass: '✅ pass', 'not-applicable': '➖ not applicable', review: '🔍 review' } as const;

/**
 * The Markdown report a reviewer pastes into a pull request (also what the checklist panel exports): per
 * integration a `## <domain>` section with its path, every checklist item, the findings of failing items as
 * `[path:line](path#Lline)` links, and for review items what a person must look at.
 */
export function toMarkdown(scan: ScanResult, root: string): string {
  const out: string[] = ['# HA Integration Security checklist', ''];
  const findingsIn = (folder: string) => scan.findings.filter((finding) => finding.path === folder || finding.path.startsWith(`${folder}${path.sep}`));
  const link = (finding: { path: string; range: Range }) => {
    const file = relativePath(root, finding.path);
    // A link target is a URL: spaces and other characters outside one are percent-encoded, the separators kept.
    const target = file.split(/[\\/]/).map((part) => encodeURIComponent(part)).join('/');
    return `[${file}:${finding.range.start.line + 1}](${target}#L${finding.range.start.line + 1})`;
  };
  for (const integration of scan.integrations) {
    const findings = findingsIn(integration.root);
    out.push(`## ${integration.domain}`, '', `Path: \`${relativePath(root, integration.root)}\``, '', '| Item | Status | Findings | Note |', '|---|---|---|---|');
    for (const entry of integration.checklist) {
      out.push(`| ${checklistItem(entry.id).title} (\`${entry.id}\`) | ${STATUS_TEXT[entry.status]} | ${entry.findings || ''} | ${entry.status === 'fail' ? '' : entry.note.replace(/\|/g, '\\|')} |`);
    }
    out.push('');
    for (const entry of integration.checklist.filter((item) => item.status === 'fail')) {
      out.push(`### ${checklistItem(entry.id).title}`, '');
      for (const finding of findings.filter((candidate) => candidate.checklist === entry.id)) {
        out.push(`- **${finding.severity}** ${link(finding)} \`${finding.rule}\`: ${finding.message}`);
      }
      out.push('');
    }
    const reviews = integration.checklist.filter((item) => item.status === 'review');
    if (reviews.length > 0) {
      out.push('### For a person to review', '');
      for (const entry of reviews) out.push(`- **${checklistItem(entry.id).title}** (\`${entry.id}\`): ${entry.note}`);
      out.push('');
    }
  }
  const outside = scan.findings.filter((finding) => !scan.integrations.some((integration) => findingsIn(integration.root).includes(finding)));
  if (outside.length > 0) {
    out.push('## Files outside integrations', '');
    for (const finding of outside) out.push(`- **${finding.severity}** ${link(finding)} \`${finding.rule}\`: ${finding.message}`);
    out.push('');
  }
  if (scan.errors.length > 0) {
    out.push('## Not analysed', '');
    for (const error of scan.errors) out.push(`- \`${relativePath(root, error.path)}\`: ${error.message}`);
    out.push('');
  }
  out.push(summaryLine(scan), '');
  return out.join('\n');
}
