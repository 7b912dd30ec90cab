/** Shapes shared by the engine, the rules, the language server and the CLI. Positions are 0-based, UTF-16. */

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint'];

/** Lower is more severe; used for `--fail-on` and sorting. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A rewrite of the finding's own file. `safe` fixes may be applied in bulk; the others are suggestions. */
export interface Fix {
  title: string;
  safe: boolean;
  edits: TextEdit[];
}

export type ChecklistId =
  | 'credentials-in-logs'
  | 'credentials-storage'
  | 'input-validation'
  | 'tls-verification'
  | 'code-execution'
  | 'unsafe-deserialization'
  | 'rate-limiting'
  | 'dependency-pinning'
  | 'webhook-signature'
  | 'data-minimization'
  | 'data-deletion'
  | 'hardcoded-credentials'
  | 'sql-injection'
  | 'xss'
  | 'path-traversal'
  | 'command-injection'
  | 'unauthenticated-endpoint';

export interface Finding {
  /** Path as given to the engine (absolute in the CLI, a URI path in the server). */
  path: string;
  rule: string;
  checklist: ChecklistId;
  severity: Severity;
  message: string;
  range: Range;
  /** The preferred fix, if any; `safe` says whether fix-all may apply it. */
  fix?: Fix;
  /** Further fixes that need the user's judgement. */
  suggestions?: Fix[];
  /**
   * Identifies the finding across unrelated edits: the rule, the text of its first line (whitespace-normalised)
   * and its rank among identical ones in the file; never the line number. Used by SARIF and baselines.
   */
  fingerprint?: string;
}

export type ChecklistStatus = 'fail' | 'pass' | 'not-applicable' | 'review';

export interface ChecklistEntry {
  id: ChecklistId;
  status: ChecklistStatus;
  findings: number;
  note: string;
}

/** A file the engine could not analyse (unreadable, binary, too large), with the reason. */
export interface AnalysisError {
  path: string;
  message: string;
  /** Where in the file, when the problem has a place (a malformed manifest.json). */
  range?: Range;
}

/** A suppression comment that does nothing or cannot be honoured. */
export interface PragmaProblem {
  path: string;
  range: Range;
  kind: 'unused' | 'unknown' | 'no-reason';
  message: string;
}
