import type { Finding } from '../analysis/types';
import { relativePath } from './report';

/**
 * A baseline records the findings an integration already had when it adopted the tool, so CI fails only on new
 * ones. Entries match by file, rule and fingerprint (the finding's line text and rank, never its line number), so
 * edits elsewhere do not bring old findings back; each entry hides one finding, so a second copy of the same
 * mistake is still reported.
 */
export interface Baseline {
  version: 1;
  findings: { path: string; rule: string; fingerprint: string; message: string }[];
}

export function createBaseline(findings: readonly Finding[], root: string): Baseline {
  return {
    version: 1,
    findings: findings.map((finding) => ({
      path: relativePath(root, finding.path),
      rule: finding.rule,
      fingerprint: finding.fingerprint ?? '',
      message: finding.message,
    })),
  };
}

export function parseBaseline(text: string): Baseline {
  const value = JSON.parse(text) as Partial<Baseline>;
  if (value?.version !== 1 || !Array.isArray(value.findings)) throw new Error('not a ha-security baseline (expected {"version": 1, "findings": [...]})');
  for (const entry of value.findings) {
    if (typeof entry?.path !== 'string' || typeof entry.rule !== 'string' || typeof entry.fingerprint !== 'string') {
      throw new Error('every baseline entry needs "path", "rule" and "fingerprint" strings');
    }
  }
  return value as Baseline;
}

/** The findings the baseline does not account for, and how many it hid. */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline, root: string): { findings: Finding[]; hidden: number } {
  const remaining = new Map<string, number>();
  const key = (path: string, rule: string, fingerprint: string) => `${path}\u0000${rule}\u0000${fingerprint}`;
  for (const entry of baseline.findings) {
    const entryKey = key(entry.path, entry.rule, entry.fingerprint);
    remaining.set(entryKey, (remaining.get(entryKey) ?? 0) + 1);
  }
  const kept: Finding[] = [];
  let hidden = 0;
  for (const finding of findings) {
    const findingKey = key(relativePath(root, finding.path), finding.rule, finding.fingerprint ?? '');
    const left = remaining.get(findingKey) ?? 0;
    if (left > 0) {
      remaining.set(findingKey, left - 1);
      hidden++;
    } else {
      kept.push(finding);
    }
  }
  return { findings: kept, hidden };
}
