import type { ChecklistEntry, ChecklistId, ChecklistStatus } from './types';

/** The checklist items, in the order every report and the panel show them. */
export interface ChecklistItem {
  id: ChecklistId;
  title: string;
  /** What "not applicable" means for this item, said to the user. */
  notApplicable: string;
  /** What "pass" means. */
  passed: string;
}

export const CHECKLIST: readonly ChecklistItem[] = [
  { id: 'credentials-in-logs', title: 'No credentials in logs or diagnostics', notApplicable: 'No logging calls or diagnostics handlers were found.', passed: 'Logging calls and diagnostics were checked; none carries a credential.' },
  { id: 'credentials-storage', title: 'Credentials live in the config entry', notApplicable: 'The integration handles no credentials.', passed: 'Credentials are only kept in the config entry.' },
  { id: 'input-validation', title: 'All user input is validated', notApplicable: 'The integration registers no services, flows, webhooks or views.', passed: 'Every service, flow step, webhook and view checked validates its input.' },
  { id: 'tls-verification', title: 'HTTPS with certificate validation', notApplicable: 'No HTTP clients or TLS settings were found.', passed: 'HTTP clients keep certificate verification on.' },
  { id: 'code-execution', title: 'No eval()/exec() of dynamic input', notApplicable: 'No eval, exec, compile or dynamic imports were found.', passed: 'Every eval/exec use was checked and is safe.' },
  { id: 'unsafe-deserialization', title: 'Safe deserialization', notApplicable: 'No pickle, marshal, shelve or YAML loading was found.', passed: 'Deserialization uses safe loaders only.' },
  { id: 'rate-limiting', title: 'Rate limiting on API calls', notApplicable: 'The integration does not poll.', passed: 'Polling intervals suit the integration\'s iot_class.' },
  { id: 'dependency-pinning', title: 'Dependencies pinned and audited', notApplicable: 'manifest.json lists no requirements.', passed: "Every requirement is pinned with ==, or is a package Home Assistant itself ships (its version is core's to decide)." },
  { id: 'webhook-signature', title: 'Webhook signatures are verified', notApplicable: 'The integration registers no webhooks and compares no secrets.', passed: 'Signatures, tokens and secrets from callers are checked, with a constant-time comparison.' },
  { id: 'data-minimization', title: 'Minimal data collection', notApplicable: 'No entity attributes were found.', passed: 'Entity attributes expose no personal data.' },
  { id: 'data-deletion', title: 'Data is deleted when the entry is removed', notApplicable: 'The integration persists no data of its own.', passed: 'Persisted data is removed with the entry (in async_remove_entry, or when the entry is unloaded).' },
  { id: 'hardcoded-credentials', title: 'No hardcoded credentials', notApplicable: 'No credential-like names were found in the source.', passed: 'No secret values are written in the source.' },
  { id: 'sql-injection', title: 'SQL injection prevention', notApplicable: 'The integration runs no SQL.', passed: 'SQL statements bind their parameters.' },
  { id: 'xss', title: 'XSS prevention', notApplicable: 'The integration serves no HTML and renders no templates.', passed: 'HTML output escapes interpolated data.' },
  { id: 'path-traversal', title: 'File paths are sanitised', notApplicable: 'The integration opens no files.', passed: 'No file path is taken from service data, flow input, a webhook or a request without a check.' },
  { id: 'command-injection', title: 'No command injection', notApplicable: 'The integration starts no processes.', passed: 'Processes are started with argument lists, without a shell.' },
  { id: 'unauthenticated-endpoint', title: 'No unauthenticated endpoints', notApplicable: 'The integration registers no HTTP views and opens no server of its own.', passed: 'Every HTTP view requires authentication, checks its caller itself, or says why it is public.' },
];

export const CHECKLIST_IDS: readonly ChecklistId[] = CHECKLIST.map((item) => item.id);

export function checklistItem(id: ChecklistId): ChecklistItem {
  const item = CHECKLIST.find((candidate) => candidate.id === id);
  if (!item) throw new Error(`unknown checklist item ${id}`);
  return item;
}

export function isChecklistId(value: string): value is ChecklistId {
  return (CHECKLIST_IDS as readonly string[]).includes(value);
}

/** What the rules observed about one integration, per checklist item. */
export interface ChecklistEvidence {
  used: Set<ChecklistId>;
  /** Notes saying what a person must look at. */
  review: Map<ChecklistId, string[]>;
  findings: Map<ChecklistId, number>;
  /** The item's rules that did not run (left out by a selection or turned off). */
  notRun: Map<ChecklistId, string[]>;
}

export function emptyEvidence(): ChecklistEvidence {
  return { used: new Set(), review: new Map(), findings: new Map(), notRun: new Map() };
}

/** fail (findings) > review (a rule left out, or a person must look) > pass (used and checked) > not-applicable. */
export function checklistStatus(evidence: ChecklistEvidence): ChecklistEntry[] {
  return CHECKLIST.map((item) => {
    const findings = evidence.findings.get(item.id) ?? 0;
    const review = evidence.review.get(item.id) ?? [];
    const notRun = evidence.notRun.get(item.id) ?? [];
    let status: ChecklistStatus;
    let note: string;
    if (findings > 0) {
      status = 'fail';
      note = `${findings} finding${findings === 1 ? '' : 's'}.`;
      if (review.length > 0) note += ` Also review: ${unique(review).join(' ')}`;
    } else if (notRun.length > 0) {
      // Nothing found by the rules that ran says nothing about the ones that did not.
      status = 'review';
      note = `Not checked by ${notRun.join(', ')} (left out by the rule selection or turned off).`;
      if (review.length > 0) note += ` Also review: ${unique(review).join(' ')}`;
    } else if (review.length > 0) {
      status = 'review';
      note = unique(review).join(' ');
    } else if (evidence.used.has(item.id)) {
      status = 'pass';
      note = item.passed;
    } else {
      status = 'not-applicable';
      note = item.notApplicable;
    }
    return { id: item.id, status, findings, note };
  });
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
