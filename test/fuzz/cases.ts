import * as path from 'node:path';
import { analyzeIntegration, analyzeStandaloneFile, loadPythonFile } from '../../server/src/analysis/engine';
import { applyTextEdits, combineFixes, safeFixes } from '../../server/src/analysis/fixAll';
import type { FileModel } from '../../server/src/analysis/model/fileModel';
import { buildIntegration, moduleNameFor } from '../../server/src/analysis/model/integration';
import { parsePython } from '../../server/src/analysis/python/parser';
import type { AnalysisError, Finding, Fix, Range } from '../../server/src/analysis/types';
import { decodeSource } from '../../server/src/node/files';
import { DEFAULT_MANIFEST } from '../helpers/analysis';
import { manifestInputs, mutateManifest, mutatePython, pythonInputs, Random, randomBytes, type ManifestInput, type PythonInput } from './fuzzKit';

/**
 * One fuzz case: build an input from the seed and the case index, run it through the engine and every fix it
 * offers, and return what went wrong (nothing when all held). The properties:
 * - no exception escapes the engine, and no rule fails (a rule failure is an AnalysisError without a place);
 * - every finding and every fix edit lies inside the text it is about;
 * - each fix, and fix-all, leaves code that parses whenever the input parsed.
 */

export type CaseKind = 'python' | 'manifest';

export interface CaseFailure {
  kind: CaseKind;
  seed: number;
  index: number;
  input: string;
  steps: string[];
  problems: string[];
  /** The mutated text, so the failure can be turned into a unit test. */
  text: string;
}

const VIRTUAL_ROOT = '/virtual/custom_components/demo';

let pythonCache: PythonInput[] | undefined;
let manifestCache: ManifestInput[] | undefined;
const loadedFiles = new Map<string, FileModel[]>();

export function runCase(kind: CaseKind, seed: number, index: number): CaseFailure | undefined {
  const random = Random.forCase(seed, index);
  let input: string;
  let steps: string[];
  let text: string;
  let problems: string[];
  if (kind === 'python') {
    pythonCache ??= pythonInputs();
    const chosen = random.pick(pythonCache);
    if (random.chance(0.08)) {
      // Random bytes reach the engine the way the CLI and the server read files; bytes decodeSource refuses are
      // still given to the engine as Latin-1 text (NULs and all), as an editor buffer might hold them.
      const bytes = randomBytes(random);
      const decoded = decodeSource(bytes);
      text = decoded.ok ? decoded.text : Array.from(bytes, (byte) => String.fromCharCode(byte)).join('');
      steps = [`${bytes.length} random bytes${decoded.ok ? '' : ` (${decoded.reason})`}`];
    } else {
      ({ text, steps } = mutatePython(random, chosen.text));
    }
    input = chosen.name;
    problems = guarded(() => checkPython(chosen, text));
  } else {
    manifestCache ??= manifestInputs();
    const chosen = random.pick(manifestCache);
    ({ text, steps } = mutateManifest(random, chosen.text));
    input = chosen.name;
    problems = guarded(() => checkManifest(chosen, text));
  }
  return problems.length > 0 ? { kind, seed, index, input, steps, problems, text } : undefined;
}

function guarded(check: () => string[]): string[] {
  try {
    return check();
  } catch (error) {
    return [`exception: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
  }
}

function checkPython(input: PythonInput, text: string): string[] {
  const problems: string[] = [];
  const parsedBefore = parses(text);

  // As a file of its integration: the corpus and example files among their real siblings, fixtures in a small one.
  const root = input.integration?.root ?? VIRTUAL_ROOT;
  const target = input.integration ? input.file : `${root}/${path.basename(input.file)}`;
  const sources = new Map<string, string>((input.integration?.files ?? []).map((file) => [file.path, file.text]));
  sources.set(target, text);
  const files: FileModel[] = [...sources].map(([filePath, source]) => loadPythonFile(filePath, source, moduleNameFor(root, filePath)));
  const integration = buildIntegration(root, input.integration?.manifestPath ?? `${root}/manifest.json`, input.integration?.manifestText ?? DEFAULT_MANIFEST, files);
  const result = analyzeIntegration(integration, {});
  problems.push(...ruleFailures('integration', result.errors));
  problems.push(...checkFindings('integration', text, parsedBefore, result.findings.filter((finding) => finding.path === target)));

  const standalone = analyzeStandaloneFile(loadPythonFile('/virtual/standalone.py', text), {});
  problems.push(...ruleFailures('standalone', standalone.errors));
  problems.push(...checkFindings('standalone', text, parsedBefore, standalone.findings));
  return problems;
}

function checkManifest(input: ManifestInput, text: string): string[] {
  const problems: string[] = [];
  // The Python files do not change between manifest cases; the server, too, keeps closed files' models across analyses.
  let files = loadedFiles.get(input.name);
  if (!files) {
    files = input.files.map((file) => loadPythonFile(file.path, file.text, moduleNameFor(input.root, file.path)));
    loadedFiles.set(input.name, files);
  }
  const manifestPath = path.join(input.root, 'manifest.json');
  const result = analyzeIntegration(buildIntegration(input.root, manifestPath, text, files), {});
  problems.push(...ruleFailures('manifest', result.errors));
  const own = result.findings.filter((finding) => finding.path === manifestPath);
  problems.push(...own.flatMap((finding) => outside(text, finding.range) ? [`manifest: ${finding.rule} finding at ${at(finding.range)} lies outside the text`] : []));
  const wasJson = isJson(text);
  for (const finding of own) {
    for (const fix of fixesOf(finding)) {
      problems.push(...badEdits(`manifest: "${fix.title}" (${finding.rule})`, text, fix));
      if (wasJson && !isJson(applyTextEdits(text, fix.edits))) problems.push(`manifest: "${fix.title}" (${finding.rule}) leaves manifest.json that is not JSON`);
    }
  }
  const { edits } = combineFixes(safeFixes(own));
  if (wasJson && edits.length > 0 && !isJson(applyTextEdits(text, edits))) problems.push('manifest: fix-all leaves manifest.json that is not JSON');
  return problems;
}

/** Manifest problems have a place and are the user's to see; an error without one is a rule that threw. */
function ruleFailures(where: string, errors: AnalysisError[]): string[] {
  return errors.filter((error) => !error.range).map((error) => `${where}: ${error.message}`);
}

function checkFindings(where: string, text: string, parsedBefore: boolean, findings: Finding[]): string[] {
  const problems: string[] = [];
  for (const finding of findings) {
    if (outside(text, finding.range)) problems.push(`${where}: ${finding.rule} finding at ${at(finding.range)} lies outside the text`);
    for (const fix of fixesOf(finding)) {
      const label = `${where}: "${fix.title}" (${finding.rule} at ${at(finding.range)})`;
      problems.push(...badEdits(label, text, fix));
      const fixed = applyTextEdits(text, fix.edits);
      if (parsedBefore && !parses(fixed)) problems.push(`${label} leaves code that does not parse`);
    }
  }
  const { edits } = combineFixes(safeFixes(findings));
  if (parsedBefore && edits.length > 0 && !parses(applyTextEdits(text, edits))) problems.push(`${where}: fix-all leaves code that does not parse`);
  return problems;
}

function fixesOf(finding: Finding): Fix[] {
  return [...(finding.fix ? [finding.fix] : []), ...(finding.suggestions ?? [])];
}

function badEdits(label: string, text: string, fix: Fix): string[] {
  return fix.edits.flatMap((edit) => (outside(text, edit.range) ? [`${label}: edit at ${at(edit.range)} lies outside the text`] : []));
}

/** Lines split at `\n` as tree-sitter and the engine count them; a position may sit at a line's end. */
function outside(text: string, range: Range): boolean {
  const lengths = text.split('\n').map((line) => line.length);
  const bad = (position: Range['start']) =>
    !Number.isInteger(position.line) || !Number.isInteger(position.character) || position.line < 0 || position.character < 0 ||
    position.line >= lengths.length || position.character > lengths[position.line];
  const reversed = range.end.line < range.start.line || (range.end.line === range.start.line && range.end.character < range.start.character);
  return bad(range.start) || bad(range.end) || reversed;
}

function at(range: Range): string {
  return `${range.start.line + 1}:${range.start.character + 1}`;
}

function parses(text: string): boolean {
  const tree = parsePython(text);
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
