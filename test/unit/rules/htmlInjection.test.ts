import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { htmlInjection } from '../../../server/src/analysis/rules/htmlInjection';
import { analyzeSnippet, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';
import { applyFixAndCheck } from '../../helpers/fixChecks';

const rules = [htmlInjection];

describe('html-injection', () => {
  before(setup);

  for (const fixture of fixtureFiles('html-injection')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it("leaves a value the handler only goes on with when it is one of the integration's own keys", () => {
    const view = (guard: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\nDOMAIN = "panel"\nPAGE = "<html><body><script src='/api/panel/__TOKEN__/app.js'></script></body></html>"\n\n\nclass PanelView(HomeAssistantView):\n    url = "/api/panel/{token}"\n    name = "api:panel"\n\n    def __init__(self, hass):\n        self.hass = hass\n\n    async def get(self, request, token):\n${guard}        body = PAGE.replace("__TOKEN__", token)\n        return web.Response(body=body, content_type="text/html")\n`;
    assert.deepEqual(analyzeSnippet(view('        if token not in self.hass.data[DOMAIN]:\n            raise web.HTTPNotFound()\n'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(view('        entry = self.hass.data[DOMAIN][token]\n'), { rules }).findings, []);
    // A lookup in a branch, inside a try, or of what the request brought checks nothing.
    assert.equal(analyzeSnippet(view('        if request.query.get("check"):\n            entry = self.hass.data[DOMAIN][token]\n'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(view('        try:\n            entry = self.hass.data[DOMAIN][token]\n        except KeyError:\n            entry = None\n'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(view('        if token not in request.query:\n            raise web.HTTPNotFound()\n'), { rules }).findings.length, 1);
    assert.equal(analyzeSnippet(view(''), { rules }).findings.length, 1);
  });

  it('names the untrusted value and where it comes from', () => {
    const source = 'from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass V(HomeAssistantView):\n    async def get(self, request):\n        return web.Response(text=f"<p>{request.query[\'q\']}</p>", content_type="text/html")\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.match(finding.message, /^`request\.query\['q'\]` comes from an HTTP request and goes into an HTML page unescaped/);
  });

  it('follows service data into an HTML file the handler renders through a helper', () => {
    const source = [
      'from aiohttp import web',
      '',
      '',
      'def _page(title):',
      '    return web.Response(text="<h1>" + title + "</h1>", content_type="text/html")',
      '',
      '',
      'async def handle(call):',
      '    return _page(call.data["title"])',
      '',
    ].join('\n');
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.match(finding.message, /comes from service call data/);
  });

  for (const [name, source, expected] of [
    ['a missing autoescape', 'import jinja2\nenv = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"))\nPAGE = "page.html"\n', 'import jinja2\nenv = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"), autoescape=True)\nPAGE = "page.html"\n'],
    ['an empty call', 'import jinja2\nenv = jinja2.Environment()\nHTML = "<p>{{ x }}</p>"\n', 'import jinja2\nenv = jinja2.Environment(autoescape=True)\nHTML = "<p>{{ x }}</p>"\n'],
    ['autoescape=False', 'from jinja2 import Environment\nenv = Environment(\n    loader=loader,\n    autoescape=False,\n)\nenv.get_template("card.html")\n', 'from jinja2 import Environment\nenv = Environment(\n    loader=loader,\n    autoescape=True,\n)\nenv.get_template("card.html")\n'],
    ['a trailing comma, one argument a line', 'import jinja2\nenv = jinja2.Environment(\n    loader=loader,\n)\nenv.get_template("card.html")\n', 'import jinja2\nenv = jinja2.Environment(\n    loader=loader,\n    autoescape=True,\n)\nenv.get_template("card.html")\n'],
  ] as const) {
    it(`turns autoescaping on for ${name} (safe in a file that deals in HTML)`, () => {
      const [finding] = analyzeSnippet(source, { rules }).findings;
      assert.equal(finding.severity, 'error');
      assert.equal(finding.fix?.safe, true);
      assert.equal(applyFixAndCheck(source, finding.fix, finding, rules), expected);
    });
  }

  it('only warns, with a suggestion, when the environment renders no HTML that the file shows', () => {
    const source = 'import jinja2\n\nENV = jinja2.Environment(undefined=jinja2.StrictUndefined)\n\n\ndef command(host):\n    return ENV.from_string("ping -c 1 {{ host }}").render(host=host)\n';
    const [finding] = analyzeSnippet(source, { rules }).findings;
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.fix, undefined);
    assert.equal(finding.suggestions?.[0].safe, false);
    applyFixAndCheck(source, finding.suggestions?.[0], finding, rules);
  });

  it('is silent on an environment whose every rendering is parsed as YAML or JSON', () => {
    const source = (load: string) =>
      `import io\nimport json\n\nimport jinja2\nimport yaml\n\nENV = jinja2.Environment(loader=jinja2.FileSystemLoader("/"))\n\n\ndef load_dashboard(name, args):\n${load}\n`;
    assert.deepEqual(analyzeSnippet(source('    stream = io.StringIO(ENV.get_template(name).render(args))\n    return yaml.safe_load(stream) or {}'), { rules }).findings, []);
    assert.deepEqual(analyzeSnippet(source('    return json.loads(ENV.get_template(name).render(args))'), { rules }).findings, []);
    // One rendering that is not parsed may be a page.
    assert.equal(analyzeSnippet(source('    page = ENV.get_template("page.html").render(args)\n    return yaml.safe_load(ENV.get_template(name).render(args)), page'), { rules }).findings.length, 1);
  });

  it('marks the item used when HTML is served or Jinja2 environments are made, and not otherwise', () => {
    const status = (source: string) => analyzeSnippet(source, { rules }).checklist.find((item) => item.id === 'xss')?.status;
    assert.equal(status('from aiohttp import web\n\n\ndef page():\n    return web.Response(text="<p>hi</p>", content_type="text/html")\n'), 'pass');
    assert.equal(status('from aiohttp import web\n\n\ndef page():\n    return web.json_response({"ok": True})\n'), 'not-applicable');
  });

  it('follows request data through a concatenation, a conditional and an f-string into the page', () => {
    const view = (value: string) =>
      `from aiohttp import web\nfrom homeassistant.components.http import HomeAssistantView\n\n\nclass PanelView(HomeAssistantView):\n    url = "/api/acme/{name}/{path:.*}"\n    name = "api:acme:panel"\n    requires_auth = False\n\n    async def get(self, request, name, path):\n        path = ${value}\n        page = f"<html><script>const cfg = '{path}';</script></html>"\n        return web.Response(text=page, content_type="text/html")\n`;
    assert.equal(analyzeSnippet(view('"x" + (f"?{request.query_string}" if request.query_string else "")'), { rules }).findings.length, 1);
    assert.deepEqual(analyzeSnippet(view('"x" + (f"?{html.escape(request.query_string)}" if request.query_string else "")').replace('from aiohttp', 'import html\nfrom aiohttp'), { rules }).findings, []);
  });
});
