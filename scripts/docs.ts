/** Writes docs/rules/<rule-id>.md from each rule's own docs, so the links in diagnostics and reports resolve. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleDocsMarkdown } from '../server/src/analysis/rule';
import { RULES } from '../server/src/analysis/rules';

const folder = path.join(__dirname, '..', 'docs', 'rules');
fs.mkdirSync(folder, { recursive: true });
for (const rule of RULES) fs.writeFileSync(path.join(folder, `${rule.meta.id}.md`), ruleDocsMarkdown(rule.meta));
const index = ['# Rules', '', '| rule | checklist item | severity | fix |', '|---|---|---|---|', ...RULES.map((rule) => `| [${rule.meta.id}](${rule.meta.id}.md) | \`${rule.meta.checklist}\` | ${rule.meta.severity} | ${rule.meta.fix} |`), ''];
fs.writeFileSync(path.join(folder, 'README.md'), index.join('\n'));
console.log(`wrote ${RULES.length} rule pages to ${path.relative(process.cwd(), folder)}`);
