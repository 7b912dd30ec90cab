import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeIntegration, analyzeStandaloneFile, loadPythonFile, type AnalysisOptions } from '../../server/src/analysis/engine';
import { buildIntegration, moduleNameFor } from '../../server/src/analysis/model/integration';
import { initParser } from '../../server/src/analysis/python/parser';
import type { Rule } from '../../server/src/analysis/rule';
import type { ChecklistEntry, Finding, PragmaProblem } from '../../server/src/analysis/types';

export const FIXTURES = path.join(__dirname, '..', 'fixtures');

export async function setup(): Promise<void> {
  await initParser();
}

export interface SnippetOptions extends AnalysisOptions {
  /** Path of the snippet inside its integration; default `__init__.py`. */
  fileName?: string;
  /** manifest.json text; default a cloud_polling custom integration. Pass `null` for a standalone file. */
  manifest?: string | null;
  /** Further files of the same integration, by file name. */
  otherFiles?: Record<string, string>;
  /** The integration folder; default `/virtual/custom_components/demo`. */
  root?: string;
}

export const DEFAULT_MANIFEST = JSON.stringify({
  domain: 'demo', name: 'Demo', version: '1.0.0', iot_class: 'cloud_polling', requirements: ['demo-client==1.2.3'],
  codeowners: [], documentation: 'https://example.com', config_flow: true,
});

export interface SnippetResult {
  findings: Finding[];
  checklist: ChecklistEntry[];
  errors: { path: string; message: string }[];
  pragmaProblems: PragmaProblem[];
}

/** Analyses source text as a file of a small in-memory integration (or standalone, with `manifest: null`). */
export function analyzeSnippet(source: string, options: SnippetOptions = {}): SnippetResult {
  const root = options.root ?? '/virtual/custom_components/demo';
  const fileName = options.fileName ?? '__init__.py';
  if (options.manifest === null) {
    const file = loadPythonFile(`/virtual/${fileName}`, source);
    const result = analyzeStandaloneFile(file, options);
    return { findings: result.findings, checklist: [], errors: result.errors, pragmaProblems: result.pragmaProblems };
  }
  const sources: Record<string, string> = { ...options.otherFiles, [fileName]: source };
  const files = Object.entries(sources).map(([name, text]) => loadPythonFile(`${root}/${name}`, text, moduleNameFor(root, `${root}/${name}`)));
  const integration = buildIntegration(root, `${root}/manifest.json`, options.manifest ?? DEFAULT_MANIFEST, files);
  const result = analyzeIntegration(integration, options);
  return { findings: result.findings, checklist: result.checklist, errors: result.errors, pragmaProblems: result.pragmaProblems };
}

/** Findings of one file only, from a snippet analysis. */
export function findingsIn(result: SnippetResult, fileName = '__init__.py'): Finding[] {
  return result.findings.filter((finding) => finding.path.endsWith(`/${fileName}`));
}

export interface Expectation {
  line: number;
  rule: string;
  column?: number;
}

/**
 * Expectations written in a fixture as `# expect: rule-id` (or `# expect: rule-id@col`, 1-based column, or several
 * separated by commas) on the line where the finding starts.
 */
export function expectationsOf(source: string): Expectation[] {
  const expectations: Expectation[] = [];
  source.split(/\r?\n/).forEach((line, index) => {
    const match = /#\s*expect:\s*(.+)$/.exec(line);
    if (!match) return;
    for (const item of match[1].split(',')) {
      const [rule, column] = item.trim().split('@');
      if (!rule) continue;
      expectations.push({ line: index + 1, rule: rule.trim(), column: column ? Number(column) : undefined });
    }
  });
  return expectations;
}

/**
 * Asserts that a fixture's findings for `rules` are exactly the ones its `# expect:` comments announce.
 * Files whose name starts with `good` must have none.
 */
export function assertFixture(fixturePath: string, rules: readonly Rule[], options: SnippetOptions = {}): Finding[] {
  const source = fs.readFileSync(fixturePath, 'utf8');
  const ruleIds = new Set(rules.map((rule) => rule.meta.id));
  const result = analyzeSnippet(source, { ...options, rules, fileName: options.fileName ?? path.basename(fixturePath) });
  const findings = findingsIn(result, options.fileName ?? path.basename(fixturePath)).filter((finding) => ruleIds.has(finding.rule));
  const expected = expectationsOf(source).filter((expectation) => ruleIds.has(expectation.rule));
  const actual = findings.map((finding) => `${finding.range.start.line + 1}:${finding.rule}`);
  const wanted = expected.map((expectation) => `${expectation.line}:${expectation.rule}`);
  assert.deepEqual([...actual].sort(), [...wanted].sort(), `${path.basename(fixturePath)}: findings differ from # expect comments\n${findings.map((f) => `  ${f.range.start.line + 1}:${f.range.start.character + 1} ${f.rule} ${f.message}`).join('\n')}`);
  for (const expectation of expected) {
    if (expectation.column === undefined) continue;
    const match = findings.find((finding) => finding.range.start.line + 1 === expectation.line && finding.rule === expectation.rule);
    assert.equal(match && match.range.start.character + 1, expectation.column, `${path.basename(fixturePath)}:${expectation.line} column`);
  }
  assert.deepEqual(result.errors, [], 'no rule may fail');
  return findings;
}

/** Every `.py` fixture of a rule folder under test/fixtures/rules/. */
export function fixtureFiles(folder: string): string[] {
  const directory = path.join(FIXTURES, 'rules', folder);
  return fs.readdirSync(directory).filter((name) => name.endsWith('.py')).sort().map((name) => path.join(directory, name));
}

/** Applies a fix's edits to a text, the way the server and the CLI do. */
export { applyTextEdits as applyEdits } from '../../server/src/analysis/fixAll';
