import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { applyTextEdits, combineFixes, safeFixes } from '../../../server/src/analysis/fixAll';
import { parsePython } from '../../../server/src/analysis/python/parser';
import type { Finding, Fix } from '../../../server/src/analysis/types';
import { analyzeSnippet, FIXTURES, setup } from '../../helpers/analysis';

/** Every Python fixture of every rule, analysed with all rules as a file of an integration. */
function allFixtures(): string[] {
  const root = path.join(FIXTURES, 'rules');
  return fs
    .readdirSync(root)
    .flatMap((folder) => fs.readdirSync(path.join(root, folder)).filter((name) => name.endsWith('.py')).map((name) => path.join(root, folder, name)))
    .sort();
}

function syntaxErrors(source: string): number {
  const tree = parsePython(source);
  let count = 0;
  const cursor = tree.walk();
  const visit = (): void => {
    do {
      if (cursor.nodeType === 'ERROR' || cursor.nodeIsMissing) count++;
      if (cursor.gotoFirstChild()) {
        visit();
        cursor.gotoParent();
      }
    } while (cursor.gotoNextSibling());
  };
  visit();
  cursor.delete();
  tree.delete();
  return count;
}

function analyse(source: string, fileName: string): Finding[] {
  return analyzeSnippet(source, { fileName }).findings.filter((finding) => finding.path.endsWith(`/${fileName}`));
}

function countByRule(findings: Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const finding of findings) counts.set(finding.rule, (counts.get(finding.rule) ?? 0) + 1);
  return counts;
}

/** The import lines of a text, to check that no import is added twice. */
function duplicateImports(source: string): string[] {
  const lines = source.split('\n').filter((line) => /^(import |from \S+ import )/.test(line));
  return lines.filter((line, index) => lines.indexOf(line) !== index);
}

describe('every fix on every fixture', () => {
  before(setup);

  for (const fixture of allFixtures()) {
    const name = path.relative(path.join(FIXTURES, 'rules'), fixture);
    it(`${name}: fixes parse, remove their finding, add nothing new, import once, keep indentation`, () => {
      const source = fs.readFileSync(fixture, 'utf8');
      const fileName = path.basename(fixture);
      const before = analyse(source, fileName);
      const errorsBefore = syntaxErrors(source);
      const indentBefore = /\n( +)\S/.exec(source)?.[1].length;
      for (const finding of before) {
        const fixes: Fix[] = [...(finding.fix ? [finding.fix] : []), ...(finding.suggestions ?? [])];
        for (const fix of fixes) {
          const label = `${fix.title} for ${finding.rule} at line ${finding.range.start.line + 1}`;
          const fixed = applyTextEdits(source, fix.edits);
          assert.ok(syntaxErrors(fixed) <= errorsBefore, `${label}: the result parses`);
          assert.deepEqual(duplicateImports(fixed).filter((line) => !duplicateImports(source).includes(line)), [], `${label}: imports added once`);
          const after = countByRule(analyse(fixed, fileName));
          const was = countByRule(before);
          assert.ok((after.get(finding.rule) ?? 0) < (was.get(finding.rule) ?? 0), `${label}: the finding is gone`);
          for (const [rule, count] of after) assert.ok(count <= (was.get(rule) ?? 0), `${label}: no new ${rule} finding`);
          if (indentBefore !== undefined && /\n( +)\S/.test(fixed)) {
            const indents = [...fixed.matchAll(/\n( +)\S/g)].map((match) => match[1].length);
            assert.ok(indents.every((width) => width % indentBefore === 0 || width % 4 === 0), `${label}: keeps the file's indentation`);
          }
        }
      }
    });
  }

  for (const fixture of allFixtures()) {
    const name = path.relative(path.join(FIXTURES, 'rules'), fixture);
    it(`${name}: fix-all is idempotent`, () => {
      const fileName = path.basename(fixture);
      let text = fs.readFileSync(fixture, 'utf8');
      // Apply fix-all until nothing is left to fix (overlapping fixes wait for the next round), at most a few rounds.
      for (let round = 0; round < 5; round++) {
        const { edits } = combineFixes(safeFixes(analyse(text, fileName)));
        if (edits.length === 0) break;
        text = applyTextEdits(text, edits);
      }
      const again = combineFixes(safeFixes(analyse(text, fileName)));
      assert.equal(again.edits.length, 0, 'a further fix-all changes nothing');
      assert.ok(syntaxErrors(text) <= syntaxErrors(fs.readFileSync(fixture, 'utf8')));
    });
  }
});
