import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parsePython } from '../../../server/src/analysis/python/parser';
import { logSecret } from '../../../server/src/analysis/rules/logSecret';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [logSecret];
const constModule = 'import logging\n\nLOGGER = logging.getLogger(__package__)\nDOMAIN = "demo"\n';

function parses(source: string): boolean {
  const tree = parsePython(source);
  const ok = !tree.rootNode.hasError;
  tree.delete();
  return ok;
}

describe('log-secret', () => {
  before(setup);

  for (const fixture of fixtureFiles('log-secret')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules, { otherFiles: { 'const.py': constModule } });
    });
  }

  it('does not call entry.data a leak when the integration has no credentials', () => {
    const source = 'import logging\n_LOGGER = logging.getLogger(__name__)\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Config %s", entry.data)\n    host = entry.data["host"]\n';
    assert.deepEqual(analyzeSnippet(source, { rules }).findings, []);
  });

  const fixes: [string, string, string][] = [
    [
      'a %-style argument',
      'import logging\n_LOGGER = logging.getLogger(__name__)\n\ndef f(password):\n    _LOGGER.debug("Password %s for %s", password, "user")\n',
      'import logging\n_LOGGER = logging.getLogger(__name__)\n\ndef f(password):\n    _LOGGER.debug("Password %s for %s", "**REDACTED**", "user")\n',
    ],
    [
      'an f-string interpolation',
      "import logging\n_LOGGER = logging.getLogger(__name__)\n\ndef f(token):\n    _LOGGER.debug(f'Token {token} for {user}')\n",
      "import logging\n_LOGGER = logging.getLogger(__name__)\n\ndef f(token):\n    _LOGGER.debug(f'Token **REDACTED** for {user}')\n",
    ],
    [
      'a whole payload, creating TO_REDACT and the import',
      'import logging\n\nfrom homeassistant.const import CONF_PASSWORD\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Config: %s", entry.data)\n    return entry.data[CONF_PASSWORD]\n',
      'import logging\n\nfrom homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_PASSWORD\n\nTO_REDACT = {"password"}\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Config: %s", async_redact_data(entry.data, TO_REDACT))\n    return entry.data[CONF_PASSWORD]\n',
    ],
  ];
  for (const [name, before, after] of fixes) {
    it(`redacts ${name} (safe, idempotent)`, () => {
      const [finding] = analyzeSnippet(before, { rules }).findings;
      assert.ok(finding?.fix?.safe, 'a safe fix is offered');
      const fixed = applyEdits(before, finding.fix.edits);
      assert.equal(fixed, after);
      assert.ok(parses(fixed));
      assert.deepEqual(analyzeSnippet(fixed, { rules }).findings, []);
    });
  }

  it('reuses a TO_REDACT defined in const.py', () => {
    const source = 'import logging\n\nfrom homeassistant.const import CONF_TOKEN\n\n_LOGGER = logging.getLogger(__name__)\n\n\nasync def async_setup_entry(hass, entry):\n    _LOGGER.debug("Options: %s", entry.options)\n    return entry.data[CONF_TOKEN]\n';
    const otherFiles = { 'const.py': 'from homeassistant.const import CONF_TOKEN\n\nTO_REDACT = {CONF_TOKEN}\n' };
    const [finding] = analyzeSnippet(source, { rules, otherFiles }).findings;
    const fixed = applyEdits(source, finding.fix!.edits);
    assert.match(fixed, /from \.const import TO_REDACT\n/);
    assert.match(fixed, /async_redact_data\(entry\.options, TO_REDACT\)/);
    assert.doesNotMatch(fixed, /^TO_REDACT =/m);
    assert.deepEqual(analyzeSnippet(fixed, { rules, otherFiles }).findings, []);
  });
});
