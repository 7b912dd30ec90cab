import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checklistStatus, emptyEvidence } from '../../server/src/analysis/checklist';
import type { Finding } from '../../server/src/analysis/types';
import { relativePath, summaryLine, toJsonReport, toText } from '../../server/src/node/report';
import type { ScanResult } from '../../server/src/node/scan';

// The formatters are pure, so they are tested on a hand-made scan, independent of any rule.
const ROOT = path.resolve('/work/project');
const INTEGRATION = path.join(ROOT, 'custom_components', 'demo');

function finding(file: string, line: number, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding {
  return {
    path: path.join(INTEGRATION, file),
    rule: 'unsafe-deserialization',
    checklist: 'unsafe-deserialization',
    severity,
    message: 'pickle.loads runs code.',
    range: { start: { line, character: 4 }, end: { line, character: 20 } },
    ...extra,
  };
}

function scan(findings: Finding[], errors: ScanResult['errors'] = []): ScanResult {
  const evidence = emptyEvidence();
  evidence.findings.set('unsafe-deserialization', findings.length);
  return {
    integrations: [{ domain: 'demo', root: INTEGRATION, manifestPath: path.join(INTEGRATION, 'manifest.json'), checklist: checklistStatus(evidence) }],
    findings,
    errors,
    pragmaProblems: [],
    files: 3,
  };
}

describe('text and JSON formatters', () => {
  it('writes one line per finding, the checklist and a summary, without colour unless asked', () => {
    const result = scan([finding('__init__.py', 0, 'error'), finding('api.py', 9, 'warning')], [{ path: path.join(INTEGRATION, 'blob.py'), message: 'skipped: binary file' }]);
    const plain = toText(result, ROOT, { color: false });
    assert.doesNotMatch(plain, /\u001b\[/);
    assert.deepEqual(plain.split('\n').slice(0, 2), [
      'custom_components/demo/__init__.py:1:5: error [unsafe-deserialization] (unsafe-deserialization) pickle.loads runs code.',
      'custom_components/demo/api.py:10:5: warning [unsafe-deserialization] (unsafe-deserialization) pickle.loads runs code.',
    ]);
    assert.match(plain, /^custom_components\/demo\/blob\.py: not analysed skipped: binary file$/m);
    assert.match(plain, /^Checklist for demo \(custom_components\/demo\)$/m);
    assert.match(plain, /^ {2}FAIL {3}unsafe-deserialization {4}2 /m);
    assert.match(plain, /^ {2}n\/a {4}sql-injection /m);
    assert.match(plain, /\n2 findings \(1 error, 1 warning\) in 2 files; 1 integration, 3 files analysed, 1 not analysed\.\n$/);
    const colored = toText(result, ROOT, { color: true });
    assert.match(colored, /\u001b\[31merror\u001b\[0m/);
    assert.equal(colored.replace(/\u001b\[[0-9;]*m/g, ''), plain);
  });

  it('says so when there is nothing to report', () => {
    assert.equal(summaryLine(scan([])), 'No findings; 1 integration, 3 files analysed.');
  });

  it('marks fixable findings and suggestions', () => {
    const fix = { title: 'Use yaml.safe_load', safe: true, edits: [] };
    const text = toText(scan([finding('a.py', 0, 'error', { fix }), finding('b.py', 0, 'error', { suggestions: [{ ...fix, safe: false }] })]), ROOT, { color: false });
    assert.match(text, /a\.py:1:5: .* \[fixable\]$/m);
    assert.match(text, /b\.py:1:5: .* \[suggestion\]$/m);
  });

  it('turns 0-based ranges into 1-based positions, edits included, and keeps the contract fields', () => {
    const fix = { title: 'Use yaml.safe_load', safe: true, edits: [{ range: { start: { line: 4, character: 16 }, end: { line: 4, character: 20 } }, newText: 'safe_load' }] };
    const report = toJsonReport(scan([finding('__init__.py', 4, 'error', { fix })]), ROOT, '9.9.9') as any;
    assert.deepEqual(Object.keys(report).slice(0, 4), ['version', 'tool', 'root', 'findings']);
    assert.deepEqual(report.tool, { name: 'ha-integration-security', version: '9.9.9' });
    assert.deepEqual(report.findings[0], {
      path: 'custom_components/demo/__init__.py',
      line: 5,
      column: 5,
      endLine: 5,
      endColumn: 21,
      rule: 'unsafe-deserialization',
      checklist: 'unsafe-deserialization',
      severity: 'error',
      message: 'pickle.loads runs code.',
      fix: { title: 'Use yaml.safe_load', safe: true, edits: [{ line: 5, column: 17, endLine: 5, endColumn: 21, newText: 'safe_load' }] },
    });
    assert.equal(report.integrations[0].checklist.length, 17);
    assert.deepEqual(report.summary, { files: 3, findings: 1, errors: [] });
  });

  it('writes paths relative to the root with forward slashes, the root itself as "."', () => {
    assert.equal(relativePath(ROOT, path.join(ROOT, 'a', 'b.py')), 'a/b.py');
    assert.equal(relativePath(INTEGRATION, INTEGRATION), '.');
  });
});
