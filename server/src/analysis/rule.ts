import type { Node } from './python/syntaxTree';
import type { FileModel } from './model/fileModel';
import type { IntegrationModel } from './model/integration';
import type { ChecklistId, Fix, Range, Severity } from './types';

/** A rule's description of itself: shown in diagnostics, docs, SARIF and `ha-security rules`. */
export interface RuleMeta {
  /** Stable kebab-case id, used in settings, pragmas and reports. */
  id: string;
  checklist: ChecklistId;
  severity: Severity;
  /** One line, shown in rule lists. */
  description: string;
  /** Markdown: why it matters, how to fix, a bad and a good example. */
  docs: string;
  /** Whether the rule offers a safe fix, only suggestions, or nothing. */
  fix: 'safe' | 'suggestion' | 'none';
  /** CWE number where one applies (SARIF tags). */
  cwe?: number;
  /**
   * Bandit test ids of the checks this rule covers too (`B602`; Ruff's flake8-bandit codes are the same numbers as
   * `S602`): a line those tools were told to leave alone (`# nosec B602`, `# noqa: S602`) is left alone here as well.
   */
  banditIds?: readonly string[];
}

export interface ReportOptions {
  /** Overrides the rule's default severity for this finding (e.g. lower for local devices). */
  severity?: Severity;
  fix?: Fix;
  suggestions?: Fix[];
}

/** Thresholds and knobs rules read; every field has a default. */
export interface RuleSettings {
  /** Minimum polling interval in seconds for cloud_polling integrations. */
  cloudPollingMinSeconds: number;
  /** Minimum polling interval in seconds for local_polling integrations. */
  localPollingMinSeconds: number;
}

export const DEFAULT_RULE_SETTINGS: RuleSettings = {
  cloudPollingMinSeconds: 30,
  localPollingMinSeconds: 1,
};

export interface FileContext {
  file: FileModel;
  /** The integration the file belongs to; undefined for a standalone Python file. */
  integration: IntegrationModel | undefined;
  settings: RuleSettings;
  report(at: Node | Range, message: string, options?: ReportOptions): void;
  /** Records that the integration uses the feature this rule checks (for pass vs not-applicable). */
  markUsed(): void;
  /** Records something a person must look at; the item becomes `review` unless it fails. */
  review(note: string): void;
}

export interface IntegrationContext {
  integration: IntegrationModel;
  settings: RuleSettings;
  /** Reports in a file of the integration; pass the manifest path with a range for manifest findings. */
  report(path: string, at: Node | Range, message: string, options?: ReportOptions): void;
  markUsed(): void;
  review(note: string): void;
}

/**
 * One rule: per-file checks run for every Python file (standalone ones too),
 * integration checks run once per integration with every file loaded.
 */
export interface Rule {
  meta: RuleMeta;
  checkFile?(context: FileContext): void;
  checkIntegration?(context: IntegrationContext): void;
}

/** Where a rule's documentation lives (generated from its `docs` into docs/rules/ by `npm run docs`). */
export const RULE_DOCS_BASE = 'https://github.com/ha-integration-security/ha-integration-security/blob/main/docs/rules';

export function ruleDocsUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE}/${ruleId}.md`;
}

/** A rule's documentation page: what `ha-security explain` prints and docs/rules/<id>.md holds. */
export function ruleDocsMarkdown(meta: RuleMeta): string {
  const facts = [`Checklist item: \`${meta.checklist}\``, `default severity: ${meta.severity}`, `fix: ${meta.fix}`, ...(meta.cwe ? [`CWE-${meta.cwe}`] : [])];
  const otherTools = meta.banditIds?.length
    ? `\n\nAlso silenced on a line by Bandit's and Ruff's suppressions of the same checks: \`# nosec\` (bare, or naming ${meta.banditIds.map((id) => `\`${id}\``).join(', ')}) and \`# noqa: ${meta.banditIds.map((id) => id.replace(/^B/, 'S')).join(', ')}\` (unless run with \`--ignore-nosec\`).`
    : '';
  return `# ${meta.id}\n\n${meta.description}\n\n${facts.join(' · ')}\n\n${meta.docs.trim()}${otherTools}\n`;
}
