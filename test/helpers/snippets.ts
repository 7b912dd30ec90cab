/** Python sources several rule tests analyse. */

/** A config flow built with the schema flow helper: its step validates the form and keeps a password in the options. */
export const SCHEMA_FLOW = [
  'import voluptuous as vol',
  'from homeassistant.const import CONF_PASSWORD, CONF_RESOURCE',
  'from homeassistant.helpers.schema_config_entry_flow import SchemaConfigFlowHandler, SchemaFlowFormStep',
  '',
  'DATA_SCHEMA = vol.Schema({vol.Required(CONF_RESOURCE): str, vol.Optional(CONF_PASSWORD): str})',
  'CONFIG_FLOW = {"user": SchemaFlowFormStep(schema=DATA_SCHEMA)}',
  '',
  '',
  'class Flow(SchemaConfigFlowHandler, domain="demo"):',
  '    config_flow = CONFIG_FLOW',
  '',
].join('\n');
