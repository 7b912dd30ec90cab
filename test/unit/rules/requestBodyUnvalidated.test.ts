import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { requestBodyUnvalidated } from '../../../server/src/analysis/rules/requestBodyUnvalidated';
import { analyzeSnippet, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [requestBodyUnvalidated];

describe('request-body-unvalidated', () => {
  before(setup);

  for (const fixture of fixtureFiles('request-body-unvalidated')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules);
    });
  }

  it('follows the body into a helper the handler hands it to, and fails the input validation item', () => {
    const source = `import json\n\nfrom homeassistant.components.http import HomeAssistantView\n\n\ndef _save_config(hass, data):\n    with open(hass.config.path("demo.json"), "w", encoding="utf-8") as handle:\n        json.dump(data, handle)\n\n\nclass ConfigView(HomeAssistantView):\n    url = "/api/demo/config"\n    name = "api:demo:config"\n    requires_auth = False\n\n    async def post(self, request):\n        hass = request.app["hass"]\n        _save_config(hass, await request.json())\n        return self.json({"status": "ok"})\n`;
    const result = analyzeSnippet(source, { rules });
    assert.deepEqual(result.findings.map((finding) => finding.range.start.line), [7]);
    assert.match(result.findings[0].message, /whole body of an HTTP request is written to a file/);
    assert.equal(result.checklist.find((item) => item.id === 'input-validation')?.status, 'fail');
  });

  it('leaves a body that is only logged or answered, and data that is not a request body', () => {
    const source = `from homeassistant.helpers.storage import Store\n\n\nclass Flow:\n    async def async_step_user(self, user_input=None):\n        await Store(self.hass, 1, "demo").async_save(user_input)\n`;
    assert.deepEqual(analyzeSnippet(source, { rules }).findings, []);
  });
});
