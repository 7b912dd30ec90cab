import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { CHECKLIST_IDS } from '../../server/src/analysis/checklist';
import { initParser } from '../../server/src/analysis/python/parser';
import { scanPaths } from '../../server/src/node/scan';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

describe('bundled examples (npm run scan)', () => {
  before(() => initParser());

  it('acme_cloud fails every checklist item; acme_secure has no findings, and only its pinned requirements await an audit by a person', () => {
    const scan = scanPaths([EXAMPLES]);
    assert.deepEqual(scan.errors, []);
    const cloud = scan.integrations.find((integration) => integration.domain === 'acme_cloud');
    const secure = scan.integrations.find((integration) => integration.domain === 'acme_secure');
    assert.ok(cloud && secure);
    assert.deepEqual(
      cloud.checklist.filter((entry) => entry.status !== 'fail').map((entry) => entry.id),
      [],
      'every item fails in acme_cloud',
    );
    assert.deepEqual(cloud.checklist.map((entry) => entry.id), CHECKLIST_IDS);
    const secureFindings = scan.findings.filter((finding) => finding.path.includes(`${path.sep}acme_secure${path.sep}`));
    assert.deepEqual(secureFindings.map((finding) => `${path.basename(finding.path)}:${finding.range.start.line + 1} ${finding.rule}`), []);
    // Pinned requirements still need an audit against advisories, which the tool leaves to a person.
    assert.deepEqual(
      secure.checklist.filter((entry) => entry.status !== 'pass' && entry.status !== 'not-applicable').map((entry) => `${entry.id} ${entry.status}`),
      ['dependency-pinning review'],
    );
    assert.match(secure.checklist.find((entry) => entry.id === 'dependency-pinning')!.note, /acme-cloud-client==2\.1\.3/);
  });
});
