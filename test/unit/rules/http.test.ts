import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { htmlInjection } from '../../../server/src/analysis/rules/htmlInjection';
import { viewWithoutAuth } from '../../../server/src/analysis/rules/viewWithoutAuth';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

describe('view-without-auth', () => {
  before(setup);
  for (const fixture of fixtureFiles('view-without-auth')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, [viewWithoutAuth]);
    });
  }

  it('is a warning for read-only views and an error for views that act', () => {
    const findings = assertFixture(fixtureFiles('view-without-auth').find((file) => file.endsWith('bad_http.py'))!, [viewWithoutAuth]);
    assert.deepEqual(findings.map((finding) => finding.severity), ['warning', 'error']);
    assert.equal(findings[0].suggestions?.[0].safe, false);
  });
});

describe('html-injection', () => {
  before(setup);
  for (const fixture of fixtureFiles('html-injection')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, [htmlInjection]);
    });
  }

  for (const [name, before, after] of [
    ['a missing autoescape', 'import jinja2\nenv = jinja2.Environment(loader=loader)\n', 'import jinja2\nenv = jinja2.Environment(loader=loader, autoescape=True)\n'],
    ['an empty call', 'import jinja2\nenv = jinja2.Environment()\n', 'import jinja2\nenv = jinja2.Environment(autoescape=True)\n'],
    ['autoescape=False', 'from jinja2 import Environment\nenv = Environment(\n    loader=loader,\n    autoescape=False,\n)\n', 'from jinja2 import Environment\nenv = Environment(\n    loader=loader,\n    autoescape=True,\n)\n'],
    ['a trailing comma', 'import jinja2\nenv = jinja2.Environment(\n    loader=loader,\n)\n', 'import jinja2\nenv = jinja2.Environment(\n    loader=loader, autoescape=True,\n)\n'],
  ] as const) {
    it(`turns autoescaping on for ${name}`, () => {
      const [finding] = analyzeSnippet(before, { rules: [htmlInjection] }).findings;
      assert.ok(finding.fix?.safe);
      const fixed = applyEdits(before, finding.fix.edits);
      assert.equal(fixed, after);
      assert.deepEqual(analyzeSnippet(fixed, { rules: [htmlInjection] }).findings, []);
    });
  }
});
