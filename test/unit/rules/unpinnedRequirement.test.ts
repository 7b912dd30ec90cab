import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { isPinned, unpinnedRequirement } from '../../../server/src/analysis/rules/unpinnedRequirement';
import { analyzeSnippet, applyEdits, setup } from '../../helpers/analysis';

const rules = [unpinnedRequirement];

function manifestWith(requirements: string[]): string {
  return `{\n  "domain": "demo",\n  "name": "Demo",\n  "iot_class": "cloud_polling",\n  "requirements": [\n${requirements
    .map((requirement) => `    ${JSON.stringify(requirement)}`)
    .join(',\n')}\n  ],\n  "version": "1.0.0"\n}\n`;
}

describe('unpinned-requirement', () => {
  before(setup);

  it('tells pins from ranges', () => {
    for (const pinned of ['acme==1.2.3', 'acme[async]==1.0', 'acme===2.0', 'acme == 1.0', 'acme==1.0; python_version>"3.11"',
      'git+https://github.com/acme/acme.git@0123456789abcdef0123456789abcdef01234567',
      'https://example.com/acme-1.0.zip#sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']) {
      assert.ok(isPinned(pinned), pinned);
    }
    for (const unpinned of ['acme', 'acme>=1.0', 'acme~=1.0', 'acme==1.*', 'acme<2', 'git+https://github.com/acme/acme.git', 'acme>=1,<2']) {
      assert.ok(!isPinned(unpinned), unpinned);
    }
  });

  it('reports each unpinned requirement at its place in manifest.json', () => {
    const manifest = manifestWith(['acme-client>=1.2.0', 'pyacme==0.9.1', 'other']);
    const { findings } = analyzeSnippet('', { rules, manifest });
    assert.deepEqual(
      findings.map((finding) => [finding.path.split('/').pop(), finding.range.start.line, finding.range.start.character, finding.severity]),
      [['manifest.json', 5, 4, 'warning'], ['manifest.json', 7, 4, 'warning']],
    );
    assert.match(findings[0].message, /acme-client>=1.2.0.*version range/);
    assert.match(findings[1].message, /no version/);
  });

  it('never asks to pin packages Home Assistant ships', () => {
    const { findings, checklist } = analyzeSnippet('', { rules, manifest: manifestWith(['aiohttp>=3.9', 'voluptuous', 'PyYAML']) });
    assert.deepEqual(findings, []);
    assert.equal(checklist.find((entry) => entry.id === 'dependency-pinning')?.status, 'pass');
  });

  it('never asks to pin packages core pins exactly in its constraints, but does for those it only bounds', () => {
    assert.deepEqual(analyzeSnippet('', { rules, manifest: manifestWith(['numpy', 'protobuf>=3.19.1,<4', 'grpcio']) }).findings, []);
    assert.equal(analyzeSnippet('', { rules, manifest: manifestWith(['pycryptodome', 'websockets>=12']) }).findings.length, 2);
  });

  it('asks for an advisory review of pinned requirements and is not applicable without requirements', () => {
    const pinned = analyzeSnippet('', { rules, manifest: manifestWith(['acme==1.0']) });
    const entry = pinned.checklist.find((item) => item.id === 'dependency-pinning');
    assert.equal(entry?.status, 'review');
    assert.match(entry?.note ?? '', /acme==1.0.*advisories/);
    const none = analyzeSnippet('', { rules, manifest: manifestWith([]).replace(/\[\s*\]/, '[]') });
    assert.equal(none.checklist.find((item) => item.id === 'dependency-pinning')?.status, 'not-applicable');
  });

  it('is an error for core integrations', () => {
    const { findings } = analyzeSnippet('', { rules, manifest: manifestWith(['acme>=1']), root: '/src/homeassistant/components/demo' });
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /core integrations must pin/);
  });

  it('suggests pinning to the lower bound, inside the quotes', () => {
    const manifest = manifestWith(['acme-client>=1.2.0,<2']);
    const [finding] = analyzeSnippet('', { rules, manifest }).findings;
    assert.equal(finding.fix, undefined, 'a guessed version is never a safe fix');
    const [suggestion] = finding.suggestions ?? [];
    assert.equal(suggestion.safe, false);
    const fixed = applyEdits(manifest, suggestion.edits);
    assert.deepEqual(JSON.parse(fixed).requirements, ['acme-client==1.2.0']);
    assert.deepEqual(analyzeSnippet('', { rules, manifest: fixed }).findings, []);
  });

  it('keeps the environment marker when it pins', () => {
    const manifest = manifestWith(['uvloop>=0.17; sys_platform != "win32"']);
    const [suggestion] = analyzeSnippet('', { rules, manifest }).findings[0].suggestions ?? [];
    const fixed = applyEdits(manifest, suggestion.edits);
    assert.deepEqual(JSON.parse(fixed).requirements, ['uvloop==0.17; sys_platform != "win32"']);
    assert.deepEqual(analyzeSnippet('', { rules, manifest: fixed }).findings, []);
  });

  it('says of a URL pinned to a tag or branch that it can move, not that users get the newest release', () => {
    const [finding] = analyzeSnippet('', { rules, manifest: manifestWith(['pymyenergi @ git+https://github.com/acme/pymyenergi.git@0.2.7']) }).findings;
    assert.match(finding.message, /is a URL without a pinned commit or hash: a branch or tag can be moved to other code after review; pin a commit hash/);
    const [range] = analyzeSnippet('', { rules, manifest: manifestWith(['acme>=1.0']) }).findings;
    assert.match(range.message, /users get whatever release is newest/);
  });
});
