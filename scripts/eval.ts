/**
 * Scores the analysis against the labelled corpus in test/corpus: per checklist item, precision and recall.
 *
 * Labels sit on the line a finding starts on: `# vuln: <checklist-id>[, <checklist-id>]` marks a line that must be
 * reported for that item, `# safe: <checklist-id>` a tricky line that must not be. Files that cannot hold comments
 * (manifest.json) take labels from a sibling `<name>.labels` file with lines `<line> vuln|safe <checklist-id>`.
 * Any finding on a line not labelled `vuln` for its item counts as a false positive, labelled or not.
 *
 * Usage: npm run eval [-- --verbose] [-- --json FILE]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHECKLIST_IDS } from '../server/src/analysis/checklist';
import { initParser } from '../server/src/analysis/python/parser';
import type { ChecklistId } from '../server/src/analysis/types';
import { scanPaths } from '../server/src/node/scan';

interface Label {
  file: string;
  line: number;
  kind: 'vuln' | 'safe';
  item: ChecklistId;
}

const CORPUS = path.join(__dirname, '..', 'test', 'corpus');

function collectLabels(directory: string): Label[] {
  const labels: Label[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      labels.push(...collectLabels(full));
    } else if (entry.name.endsWith('.py')) {
      fs.readFileSync(full, 'utf8').split('\n').forEach((text, index) => {
        const match = /#\s*(vuln|safe):\s*([a-z, -]+)/.exec(text);
        if (!match) return;
        for (const item of match[2].split(',').map((part) => part.trim()).filter(Boolean)) {
          labels.push({ file: full, line: index + 1, kind: match[1] as Label['kind'], item: checkItem(item, full, index + 1) });
        }
      });
    } else if (entry.name.endsWith('.labels')) {
      const target = full.slice(0, -'.labels'.length);
      fs.readFileSync(full, 'utf8').split('\n').forEach((text) => {
        const match = /^\s*(\d+)\s+(vuln|safe)\s+([a-z-]+)\s*$/.exec(text);
        if (match) labels.push({ file: target, line: Number(match[1]), kind: match[2] as Label['kind'], item: checkItem(match[3], full, 0) });
      });
    }
  }
  return labels;
}

function checkItem(item: string, file: string, line: number): ChecklistId {
  if (!(CHECKLIST_IDS as readonly string[]).includes(item)) throw new Error(`${file}:${line}: unknown checklist item "${item}"`);
  return item as ChecklistId;
}

function ratio(numerator: number, denominator: number): string {
  return denominator === 0 ? '  n/a' : (numerator / denominator).toFixed(2).padStart(5);
}

async function main(): Promise<void> {
  const verbose = process.argv.includes('--verbose');
  const jsonIndex = process.argv.indexOf('--json');
  await initParser();
  const labels = collectLabels(CORPUS);
  const scan = scanPaths([CORPUS], { scope: 'all' });
  const key = (file: string, line: number, item: string) => `${path.resolve(file)}:${line}:${item}`;
  const positives = new Set(labels.filter((label) => label.kind === 'vuln').map((label) => key(label.file, label.line, label.item)));
  const reported = new Set(scan.findings.map((finding) => key(finding.path, finding.range.start.line + 1, finding.checklist)));

  const rows = CHECKLIST_IDS.map((item) => {
    const itemLabels = labels.filter((label) => label.item === item);
    const vulnerable = itemLabels.filter((label) => label.kind === 'vuln');
    const truePositives = vulnerable.filter((label) => reported.has(key(label.file, label.line, item)));
    const falseNegatives = vulnerable.filter((label) => !reported.has(key(label.file, label.line, item)));
    const falsePositives = [...new Set(scan.findings.filter((finding) => finding.checklist === item).map((finding) => key(finding.path, finding.range.start.line + 1, item)))].filter(
      (found) => !positives.has(found),
    );
    return {
      item,
      labelled: itemLabels.length,
      vulnerable: vulnerable.length,
      safe: itemLabels.length - vulnerable.length,
      truePositives: truePositives.length,
      falsePositives,
      falseNegatives: falseNegatives.map((label) => key(label.file, label.line, item)),
    };
  });

  console.log('item                       labelled  vuln  safe    TP   FP   FN  precision  recall');
  for (const row of rows) {
    const precision = ratio(row.truePositives, row.truePositives + row.falsePositives.length);
    const recall = ratio(row.truePositives, row.vulnerable);
    console.log(
      `${row.item.padEnd(26)} ${String(row.labelled).padStart(8)} ${String(row.vulnerable).padStart(5)} ${String(row.safe).padStart(5)} ${String(row.truePositives).padStart(5)} ${String(row.falsePositives.length).padStart(4)} ${String(row.falseNegatives.length).padStart(4)}      ${precision}   ${recall}`,
    );
  }
  const total = rows.reduce(
    (sum, row) => ({ labelled: sum.labelled + row.labelled, tp: sum.tp + row.truePositives, fp: sum.fp + row.falsePositives.length, fn: sum.fn + row.falseNegatives.length }),
    { labelled: 0, tp: 0, fp: 0, fn: 0 },
  );
  console.log(`${'all items'.padEnd(26)} ${String(total.labelled).padStart(8)}             ${String(total.tp).padStart(5)} ${String(total.fp).padStart(4)} ${String(total.fn).padStart(4)}      ${ratio(total.tp, total.tp + total.fp)}   ${ratio(total.tp, total.tp + total.fn)}`);
  if (scan.errors.length > 0) console.log(`\n${scan.errors.length} analysis errors:\n${scan.errors.map((error) => `  ${error.path}: ${error.message}`).join('\n')}`);
  if (verbose) {
    const relative = (found: string) => path.relative(CORPUS, found);
    for (const row of rows) {
      for (const found of row.falsePositives) {
        const finding = scan.findings.find((candidate) => key(candidate.path, candidate.range.start.line + 1, candidate.checklist) === found);
        console.log(`FP ${relative(found)}  ${finding?.rule}: ${finding?.message}`);
      }
      for (const missed of row.falseNegatives) console.log(`FN ${relative(missed)}`);
    }
  }
  if (jsonIndex > 0 && process.argv[jsonIndex + 1]) {
    fs.writeFileSync(process.argv[jsonIndex + 1], JSON.stringify({ rows, total }, null, 2));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
