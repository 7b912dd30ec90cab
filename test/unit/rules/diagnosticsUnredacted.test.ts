import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { diagnosticsUnredacted } from '../../../server/src/analysis/rules/diagnosticsUnredacted';
import { analyzeSnippet, applyEdits, assertFixture, fixtureFiles, setup } from '../../helpers/analysis';

const rules = [diagnosticsUnredacted];
const constModule = 'from homeassistant.const import CONF_API_KEY, CONF_TOKEN\n\nDOMAIN = "demo"\nTO_REDACT = {CONF_API_KEY, CONF_TOKEN}\n';
const flowModule = 'import voluptuous as vol\nfrom homeassistant.const import CONF_API_KEY, CONF_TOKEN\n\nSCHEMA = vol.Schema({vol.Required(CONF_API_KEY): str, vol.Optional(CONF_TOKEN): str})\n';

describe('diagnostics-unredacted', () => {
  before(setup);

  for (const fixture of fixtureFiles('diagnostics-unredacted')) {
    it(`matches the expectations in ${fixture.split('/').pop()}`, () => {
      assertFixture(fixture, rules, { otherFiles: { 'const.py': constModule, 'config_flow.py': flowModule } });
    });
  }

  it('reports a TO_REDACT in const.py that misses a credential key', () => {
    const diagnostics = 'from homeassistant.components.diagnostics import async_redact_data\nfrom .const import TO_REDACT\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return async_redact_data(entry.as_dict(), TO_REDACT)\n';
    const otherFiles = { 'const.py': 'TO_REDACT = {"token"}\n', 'config_flow.py': flowModule };
    const findings = analyzeSnippet(diagnostics, { rules, fileName: 'diagnostics.py', otherFiles }).findings;
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /misses credential key "api_key"/);
  });

  it('wraps the returned data in async_redact_data with a new TO_REDACT (safe, idempotent)', () => {
    const source = 'from homeassistant.const import CONF_PASSWORD\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"entry": entry.as_dict(), "password_set": bool(entry.data[CONF_PASSWORD])}\n';
    const [finding] = analyzeSnippet(source, { rules, fileName: 'diagnostics.py' }).findings;
    assert.ok(finding.fix?.safe);
    const fixed = applyEdits(source, finding.fix.edits);
    assert.equal(
      fixed,
      'from homeassistant.components.diagnostics import async_redact_data\nfrom homeassistant.const import CONF_PASSWORD\n\nTO_REDACT = {"password"}\n\n\nasync def async_get_config_entry_diagnostics(hass, entry):\n    return {"entry": async_redact_data(entry.as_dict(), TO_REDACT), "password_set": bool(entry.data[CONF_PASSWORD])}\n',
    );
    const after = analyzeSnippet(fixed, { rules, fileName: 'diagnostics.py' });
    assert.deepEqual(after.findings, []);
    assert.equal(after.checklist.find((entry) => entry.id === 'credentials-in-logs')?.status, 'pass');
  });
});
