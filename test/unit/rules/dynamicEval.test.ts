import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { before, describe, it } from 'node:test';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { dynamicEval, LITERAL_EVAL_TITLE, SANDBOX_TITLE } from '../../../server/src/analysis/rules/dynamicEval';
import type { Finding } from '../../../server/src/analysis/types';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [dynamicEval];

function findings(source: string, fileName = '__init__.py'): Finding[] {
  return analyzeSnippet(source, { rules, fileName }).findings;
}

function parses(source: string): boolean {
  const tree = parsePython(source);
  const ok = !tree.rootNode.hasError;
  tree.delete();
  return ok;
}

/** The literal_eval suggestion of the only finding, applied. */
function suggested(source: string): string {
  const all = findings(source);
  assert.equal(all.length, 1);
  assert.equal(all[0].fix, undefined, 'literal_eval accepts less than eval: never a safe fix');
  const [suggestion] = all[0].suggestions ?? [];
  assert.ok(suggestion, 'a suggestion');
  assert.equal(suggestion.title, LITERAL_EVAL_TITLE);
  assert.equal(suggestion.safe, false);
  const fixed = applyEdits(source, suggestion.edits);
  assert.ok(parses(fixed), fixed);
  assert.deepEqual(findings(fixed), [], 'the finding is gone and nothing new appears');
  return fixed;
}

describe('dynamic-eval', () => {
  before(setup);

  for (const fixture of fixtureFiles('dynamic-eval')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  describe('severity and messages', () => {
    it('names service data as the origin, as an error', () => {
      const [finding] = assertFixture(fixtureFiles('dynamic-eval').find((file) => file.endsWith('bad.py'))!, rules);
      assert.equal(finding.severity, 'error');
      assert.match(finding.message, /from service call data/);
    });

    it('is an error for code built at run time and a warning for code assembled from constants', () => {
      const source = 'FACTOR = 2\nFORMULA = f"x * {FACTOR}"\n\n\ndef f(text, x):\n    eval(text)\n    eval(FORMULA)\n';
      assert.deepEqual(findings(source).map((finding) => finding.severity), ['error', 'warning']);
    });

    it('names flow input and request data too', () => {
      const flow = 'class Flow(ConfigFlow):\n    async def async_step_user(self, user_input=None):\n        return eval(user_input["formula"])\n';
      assert.match(findings(flow, 'config_flow.py')[0].message, /config flow input/);
    });

    it('makes a dynamic import confined to one package a warning, and any other an error', () => {
      const source = [
        'import importlib',
        '',
        '',
        'def load(name, entry):',
        '    importlib.import_module(f".{name}", __package__)',
        '    importlib.import_module("." + name, package=__name__)',
        '    importlib.import_module(f"{__package__}.{name}")',
        '    importlib.import_module(name)',
        '    importlib.import_module(f"{name}.driver")',
        '    importlib.import_module(f".{name}")',
        '',
      ].join('\n');
      assert.deepEqual(findings(source).map((finding) => finding.severity), ['warning', 'warning', 'warning', 'error', 'error', 'error']);
    });

    it("reads the module name of Home Assistant's async_import_module(hass, name)", () => {
      const source = 'from homeassistant.helpers.importlib import async_import_module\n\n\nasync def load(hass, name):\n    await async_import_module(hass, f"{__package__}.{name}")\n    await async_import_module(hass, name)\n';
      assert.deepEqual(findings(source).map((finding) => finding.severity), ['warning', 'error']);
    });
  });

  describe('what is not reported', () => {
    it('leaves literals, literal_eval, regexes, templates and look-alike methods alone', () => {
      const source = [
        'import ast',
        'import re',
        '',
        '',
        'def f(text, pattern, df, cursor, hass):',
        '    eval("1 + 2")',
        '    exec("x = 1")',
        '    code = "y = 2"',
        '    exec(code)',
        '    exec(compile("z = 3", "<c>", "exec"))',
        '    ast.literal_eval(text)',
        '    re.compile(text)',
        '    pattern.compile(text)',
        '    df.eval(text)',
        '    cursor.exec(text)',
        '    Template(text, hass).async_render()',
        '    __import__("json")',
        '',
      ].join('\n');
      assert.deepEqual(findings(source), []);
    });

    it('does not report names that shadow the builtin: a module function, an import, a parameter', () => {
      assert.deepEqual(findings('def eval(x):\n    return x\n\n\ndef f(y):\n    return eval(y)\n'), []);
      assert.deepEqual(findings('from re import compile\n\n\ndef f(p):\n    return compile(p)\n'), []);
      assert.deepEqual(findings('def f(schema, compile):\n    return compile(schema)\n'), []);
      assert.deepEqual(findings('from simpleeval import simple_eval as eval\n\n\ndef f(e):\n    return eval(e)\n'), []);
    });

    it('still reports the builtin in a module whose class has a method of that name', () => {
      const source = 'class Sensor:\n    def eval(self, x):\n        return x\n\n    def update(self, payload):\n        return eval(payload)\n';
      assert.equal(findings(source).length, 1);
    });

    it('reports builtins.eval and builtins.exec', () => {
      assert.equal(findings('import builtins\n\n\ndef f(x):\n    builtins.eval(x)\n    builtins.exec(x)\n').length, 2);
    });

    it('accepts names taken from constant tables or checked against a constant allow-list', () => {
      const source = [
        'import importlib',
        '',
        'DRIVERS = {"a": "drivers.a", "b": "drivers.b"}',
        'ALLOWED = frozenset_like = ("json", "csv")',
        'PLATFORMS = ["sensor", "switch"]',
        '',
        '',
        'def load(kind, name):',
        '    importlib.import_module(DRIVERS[kind])',
        '    importlib.import_module(DRIVERS.get(kind, "drivers.a"))',
        '    for platform in PLATFORMS:',
        '        importlib.import_module(f".{platform}", __name__)',
        '    if name in ALLOWED:',
        '        importlib.import_module(name)',
        '    if name not in {"json", "csv"}:',
        '        return None',
        '    return importlib.import_module(name)',
        '',
      ].join('\n');
      assert.deepEqual(findings(source), []);
    });

    it('accepts a name pinned to one constant by an equality test (a guarded __import__)', () => {
      const guard = (test: string) => `def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):\n    if ${test}:\n        return __import__(name, globals, locals, fromlist, level)\n    raise ImportError(name)\n`;
      assert.deepEqual(findings(guard('name == "_strptime"')), []);
      assert.equal(findings(guard('name.startswith("_")')).length, 1);
      assert.equal(findings(guard('level == 0')).length, 1);
      assert.deepEqual(findings('import importlib\n\n\ndef load(name):\n    if name != "json":\n        raise ValueError(name)\n    return importlib.import_module(name)\n'), []);
    });

    it('does not take a check on another name, or one after the call, as a guard', () => {
      const source = [
        'import importlib',
        '',
        'ALLOWED = ("json", "csv")',
        '',
        '',
        'def load(name, other):',
        '    if other in ALLOWED:',
        '        importlib.import_module(name)',
        '    module = importlib.import_module(name)',
        '    if name not in ALLOWED:',
        '        raise ValueError(name)',
        '    return module',
        '',
      ].join('\n');
      assert.equal(findings(source).length, 2);
    });

    it('ignores test files', () => {
      assert.deepEqual(findings('def test_it(x):\n    assert eval(x)\n', 'test_calc.py'), []);
      assert.deepEqual(findings('def helper(x):\n    return eval(x)\n', 'tests/helpers.py'), []);
    });

    it('honours the pragma for scripting engines by design', () => {
      const source = 'def run(code, scope):\n    exec(code, scope)  # ha-security: ignore[dynamic-eval] this integration runs user scripts by design\n';
      assert.deepEqual(findings(source), []);
    });

    it('leaves code compiled by RestrictedPython for review', () => {
      const source = 'from RestrictedPython import compile_restricted\n\n\ndef run(source, scope):\n    exec(compile_restricted(source, "<s>", "exec"), scope)\n';
      const result = analyzeSnippet(source, { rules });
      assert.deepEqual(result.findings, []);
      const entry = result.checklist.find((item) => item.id === 'code-execution');
      assert.equal(entry?.status, 'review');
      assert.match(entry?.note ?? '', /RestrictedPython/);
    });

    it('marks the item used, so a clean integration passes rather than being not applicable', () => {
      const used = analyzeSnippet('import ast\n\n\ndef f(x):\n    return eval("1") + ast.literal_eval(x)\n', { rules });
      assert.equal(used.checklist.find((entry) => entry.id === 'code-execution')?.status, 'pass');
      const unused = analyzeSnippet('value = 1\n', { rules });
      assert.equal(unused.checklist.find((entry) => entry.id === 'code-execution')?.status, 'not-applicable');
    });
  });

  describe('Use ast.literal_eval (suggestion)', () => {
    it('adds import ast once, in order', () => {
      const fixed = suggested('import json\nimport os\n\n\ndef parse(text):\n    return eval(text)\n');
      assert.equal(fixed, 'import ast\nimport json\nimport os\n\n\ndef parse(text):\n    return ast.literal_eval(text)\n');
    });

    it('drops the globals and locals that literal_eval does not take', () => {
      const fixed = suggested('import ast\n\n\ndef parse(text):\n    return eval(text, {"__builtins__": {}}, {})\n');
      assert.equal(fixed, 'import ast\n\n\ndef parse(text):\n    return ast.literal_eval(text)\n');
    });

    it('uses the names the file already imports', () => {
      assert.match(suggested('import ast as syntax\n\n\ndef parse(text):\n    return eval(text)\n'), /return syntax\.literal_eval\(text\)/);
      assert.match(suggested('from ast import literal_eval\n\n\ndef parse(text):\n    return eval(text)\n'), /return literal_eval\(text\)/);
      assert.match(suggested('import builtins\n\n\ndef parse(text):\n    return builtins.eval(text)\n'), /^import ast\nimport builtins\n[\s\S]*return ast\.literal_eval\(text\)/);
    });

    it('offers nothing when a local name ast would hide the module, and nothing for exec or compile', () => {
      const [shadowed] = findings('def parse(text):\n    ast = build(text)\n    return eval(text)\n');
      assert.equal(shadowed.suggestions, undefined);
      const [exec] = findings('def run(text):\n    exec(text)\n');
      assert.equal(exec.suggestions, undefined);
    });
  });

  describe('Jinja2 templates compiled from untrusted text outside the sandbox', () => {
    const service = (body: string, head = 'import jinja2\n') =>
      `${head}\n\nasync def async_setup(hass, config):\n    async def handle(call):\n${body}\n\n    hass.services.async_register("demo", "render", handle, schema=SCHEMA)\n`;

    it('reports Template(...) and Environment().from_string(...) of service data, as errors', () => {
      const source = service('        a = jinja2.Template(call.data["template"]).render()\n        env = jinja2.Environment(autoescape=True)\n        b = env.from_string(call.data["template"]).render()\n        c = jinja2.nativetypes.NativeEnvironment().from_string(call.data["template"])');
      const found = findings(source);
      assert.deepEqual(found.map((finding) => [finding.range.start.line, finding.severity]), [[5, 'error'], [7, 'error'], [8, 'error']]);
      assert.match(found[0].message, /compiled from service call data without Jinja2's sandbox/);
    });

    it("follows the environment a class keeps on self and the text a caller hands a method", () => {
      const source = 'from jinja2 import Environment\n\n\nclass Renderer:\n    def __init__(self):\n        self._env = Environment()\n\n    def render(self, text):\n        return self._env.from_string(text).render()\n\n\nasync def async_setup(hass, config):\n    renderer = Renderer()\n\n    async def handle(call):\n        renderer.render(call.data["template"])\n\n    hass.services.async_register("demo", "render", handle, schema=SCHEMA)\n';
      assert.deepEqual(findings(source).map((finding) => finding.range.start.line), [8]);
    });

    it("leaves sandboxed environments, the integration's own templates and Home Assistant's Template alone", () => {
      const head = 'import jinja2\nfrom jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment\nfrom homeassistant.helpers.template import Template\nPAGE = "<p>{{ name }}</p>"\n';
      const body = [
        '        a = ImmutableSandboxedEnvironment().from_string(call.data["template"]).render()',
        '        env = SandboxedEnvironment() if call.data.get("safe") else ImmutableSandboxedEnvironment()',
        '        b = env.from_string(call.data["template"]).render()',
        '        c = jinja2.Template(PAGE).render(name=call.data["name"])',
        '        d = jinja2.Environment(autoescape=True).get_template("page.html").render(name=call.data["name"])',
        '        e = Template(call.data["template"], hass).async_render()',
      ].join('\n');
      assert.deepEqual(findings(service(body, head)), []);
    });

    it('leaves an environment that may be a sandbox alone', () => {
      const body = '        env = jinja2.Environment() if call.data.get("trusted") else jinja2.sandbox.SandboxedEnvironment()\n        env.from_string(call.data["template"]).render()';
      assert.deepEqual(findings(service(body, 'import jinja2\nimport jinja2.sandbox\n')), []);
    });

    it('suggests the immutable sandbox with the same options, imported once', () => {
      const source = service('        env = jinja2.Environment(autoescape=True)\n        env.from_string(call.data["template"]).render()\n        env.from_string(call.data["other"]).render()');
      const found = findings(source);
      assert.equal(found.length, 2);
      const [suggestion] = found[0].suggestions ?? [];
      assert.equal(suggestion?.title, SANDBOX_TITLE);
      assert.equal(suggestion.safe, false);
      const fixed = applyEdits(source, suggestion.edits);
      assert.ok(parses(fixed), fixed);
      assert.match(fixed, /^from jinja2\.sandbox import ImmutableSandboxedEnvironment$/m);
      assert.match(fixed, /env = ImmutableSandboxedEnvironment\(autoescape=True\)/);
      assert.deepEqual(findings(fixed), [], 'both uses of the environment are fixed');
    });

    it('uses the name the file already imports, and offers nothing for jinja2.Template itself', () => {
      const head = 'import jinja2\nfrom jinja2.sandbox import ImmutableSandboxedEnvironment as Sandbox\n';
      const source = service('        env = jinja2.Environment()\n        env.from_string(call.data["template"]).render()', head);
      const fixed = applyEdits(source, findings(source)[0].suggestions![0].edits);
      assert.match(fixed, /env = Sandbox\(\)/);
      assert.equal((fixed.match(/ImmutableSandboxedEnvironment/g) ?? []).length, 1, 'no second import');
      const [template] = findings(service('        jinja2.Template(call.data["template"]).render()'));
      assert.equal(template.suggestions?.length ?? 0, 0);
    });
  });

  it('reports eval handed to the executor or bound with partial, without a rewrite of the call that defers it', () => {
    const source = (call: string) => `import functools\n\n\nasync def async_setup_entry(hass, entry):\n    formula = entry.options["formula"]\n    return await ${call}\n`;
    const found = (call: string) => analyzeSnippet(source(call), { rules }).findings;
    for (const call of ['hass.async_add_executor_job(eval, formula)', 'hass.async_add_executor_job(functools.partial(eval, formula, {}))']) {
      const [finding, ...rest] = found(call);
      assert.equal(rest.length, 0, call);
      assert.equal(finding?.severity, 'error', call);
      assert.equal(finding?.suggestions?.length ?? 0, 0, call);
    }
    assert.deepEqual(found('hass.async_add_executor_job(eval, "1 + 2")'), []);
  });

  it("leaves code that is a string literal kept in the integration's const.py alone", () => {
    const source = 'from .const import SECONDS_EXPR\n\nSECONDS_PER_DAY = eval(SECONDS_EXPR)\n';
    const literal = analyzeSnippet(source, { rules, otherFiles: { 'const.py': 'SECONDS_EXPR = "60 * 60 * 24"\n' } }).findings;
    assert.deepEqual(literal, []);
    const assembled = analyzeSnippet(source, { rules, otherFiles: { 'const.py': 'DAYS = "24"\nSECONDS_EXPR = "60 * 60 * " + DAYS\n' } }).findings;
    assert.deepEqual(assembled.map((finding) => finding.severity), ['warning']);
  });

  it('every suggestion offered on the fixtures parses, removes its finding and adds none', () => {
    let checked = 0;
    for (const fixture of fixtureFiles('dynamic-eval')) {
      const fileName = fixture.split('/').pop()!;
      const source = fs.readFileSync(fixture, 'utf8');
      const before = findings(source, fileName);
      for (const finding of before) {
        for (const fix of [finding.fix, ...(finding.suggestions ?? [])]) {
          if (!fix) continue;
          checked++;
          const fixed = applyEdits(source, fix.edits);
          assert.ok(parses(fixed), `${fileName}:${finding.range.start.line + 1} parses`);
          const after = findings(fixed, fileName);
          assert.equal(after.length, before.length - 1, `${fileName}:${finding.range.start.line + 1} removes exactly its finding`);
          assert.equal((fixed.match(/^import ast$/gm) ?? []).length, 1, 'imports ast once');
        }
      }
    }
    assert.ok(checked >= 4, `the fixtures exercise the suggestion (${checked})`);
  });

  it("reads a package-relative module name set in a local first, as it reads one written inline", () => {
    const source = 'from importlib import import_module\n\n\ndef load_mapping(device_type):\n    device_path = f".device_mapping.{device_type}"\n    return import_module(device_path, __package__).DEVICE_MAPPING\n';
    assert.deepEqual(analyzeSnippet(source, { rules }).findings.map((finding) => finding.severity), ['warning']);
  });
});
