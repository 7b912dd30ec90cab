import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { unsafeDeserialization } from '../../../server/src/analysis/rules/unsafeDeserialization';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

describe('unsafe-deserialization', () => {
  before(setup);

  for (const fixture of fixtureFiles('unsafe-deserialization')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, [unsafeDeserialization]);
    });
  }

  it("follows PyYAML reached through Home Assistant's loader module, and knows its SafeLineLoader for safe", () => {
    const source = (loader: string) =>
      `from homeassistant.util.yaml import loader\n\n\ndef load_dashboard(fname):\n    with open(fname, encoding="utf-8") as config_file:\n        return loader.yaml.load(config_file, Loader=${loader})\n`;
    const result = analyzeSnippet(source('loader.yaml.UnsafeLoader'), { rules: [unsafeDeserialization] });
    assert.equal(result.findings.length, 1);
    assert.match(applyEdits(source('loader.yaml.UnsafeLoader'), result.findings[0].fix!.edits), /return loader\.yaml\.safe_load\(config_file\)/);
    const safe = analyzeSnippet(source('loader.SafeLineLoader'), { rules: [unsafeDeserialization] });
    assert.deepEqual(safe.findings, []);
    assert.equal(safe.checklist.find((entry) => entry.id === 'unsafe-deserialization')?.status, 'pass');
  });

  it('rewrites yaml.load with an unsafe Loader to yaml.safe_load', () => {
    const source = 'import yaml\n\n\ndef read(text):\n    return yaml.load(text, Loader=yaml.FullLoader)\n';
    const [finding] = analyzeSnippet(source, { rules: [unsafeDeserialization] }).findings;
    assert.ok(finding.fix?.safe);
    const fixed = applyEdits(source, finding.fix.edits);
    assert.equal(fixed, 'import yaml\n\n\ndef read(text):\n    return yaml.safe_load(text)\n');
    assert.deepEqual(analyzeSnippet(fixed, { rules: [unsafeDeserialization] }).findings, []);
  });

  it('judges a loader class of the module by its bases, and offers no safe_load rewrite that would drop it', () => {
    const source = (base: string) =>
      `import yaml\n\n\nclass LineLoader(${base}):\n    def construct_scalar(self, node):\n        return super().construct_scalar(node)\n\n\nclass Strict(LineLoader):\n    pass\n\n\ndef parse(content):\n    return yaml.load(content, Loader=Strict)\n`;
    const [finding, ...rest] = analyzeSnippet(source('yaml.Loader'), { rules: [unsafeDeserialization] }).findings;
    assert.equal(rest.length, 0);
    assert.match(finding.message, /a subclass of an unsafe loader.*derive `Strict` from `yaml\.SafeLoader`/);
    assert.equal(finding.fix, undefined);
    assert.equal(analyzeSnippet(source('yaml.FullLoader'), { rules: [unsafeDeserialization] }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(source('yaml.SafeLoader'), { rules: [unsafeDeserialization] }).findings, []);
    // A base the rule cannot see into stays unknown, as any other loader it does not know.
    assert.deepEqual(analyzeSnippet(source('SomeVendorLoader'), { rules: [unsafeDeserialization] }).findings, []);
  });

  it('reports a loader handed to the executor, unless a safe Loader goes with it', () => {
    const source = (job: string) => `import pickle\n\nimport yaml\n\n\nclass Cache:\n    async def load(self, data):\n        return await self.hass.async_add_executor_job(${job})\n`;
    const found = (job: string) => analyzeSnippet(source(job), { rules: [unsafeDeserialization] }).findings.length;
    assert.equal(found('pickle.loads, data'), 1);
    assert.equal(found('yaml.load, data'), 1);
    assert.equal(found('yaml.load, data, yaml.SafeLoader'), 0);
    assert.equal(found('yaml.safe_load, data'), 0);
    // Bound with functools.partial first, keywords included; the fix names the safe loader where the loader is named.
    const partial = (job: string) => `import functools\nimport pickle\n\nimport yaml\n\n\nclass Cache:\n    async def load(self, data):\n        return await self.hass.async_add_executor_job(functools.partial(${job}))\n`;
    const bound = (job: string) => analyzeSnippet(partial(job), { rules: [unsafeDeserialization] }).findings;
    assert.equal(bound('pickle.loads, data').length, 1);
    assert.equal(bound('yaml.load, data, Loader=yaml.SafeLoader').length, 0);
    const [unsafe] = bound('yaml.load, data, Loader=yaml.UnsafeLoader');
    assert.ok(unsafe?.fix);
    assert.equal(applyEdits(partial('yaml.load, data, Loader=yaml.UnsafeLoader'), unsafe.fix!.edits).includes('functools.partial(yaml.safe_load, data)'), true);
  });

  it('judges a loader class defined inside the function that loads', () => {
    const source = (base: string) =>
      `import yaml\n\n\ndef check(content):\n    class HAYamlLoader(${base}):\n        pass\n\n    HAYamlLoader.add_constructor("!secret", lambda loader, node: loader.construct_scalar(node))\n    return yaml.load(content, Loader=HAYamlLoader)\n`;
    const [finding, ...rest] = analyzeSnippet(source('yaml.UnsafeLoader'), { rules: [unsafeDeserialization] }).findings;
    assert.equal(rest.length, 0);
    assert.match(finding.message, /`HAYamlLoader`, a subclass of an unsafe loader/);
    assert.deepEqual(analyzeSnippet(source('yaml.SafeLoader'), { rules: [unsafeDeserialization] }).findings, []);
  });

  it('marks the item used, so a clean integration passes rather than being not applicable', () => {
    const result = analyzeSnippet('import yaml\nvalue = yaml.safe_load("a: 1")\n', { rules: [unsafeDeserialization] });
    assert.equal(result.checklist.find((entry) => entry.id === 'unsafe-deserialization')?.status, 'pass');
    const unused = analyzeSnippet('value = 1\n', { rules: [unsafeDeserialization] });
    assert.equal(unused.checklist.find((entry) => entry.id === 'unsafe-deserialization')?.status, 'not-applicable');
  });

  it('reads the loaders a name, a conditional or getattr may give', () => {
    const source = (setup: string) => `import yaml\n\n${setup}\n\n\ndef parse(text):\n    return yaml.load(text, Loader=LOADER)\n`;
    const found = (setup: string) => analyzeSnippet(source(setup), { rules: [unsafeDeserialization] }).findings.length;
    assert.equal(found('LOADER = getattr(yaml, "CLoader", yaml.Loader)'), 1);
    assert.equal(found('LOADER = yaml.CLoader if hasattr(yaml, "CLoader") else yaml.Loader'), 1);
    assert.equal(found('LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)'), 0);
    assert.equal(found('LOADER = yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader'), 0);
  });
});
