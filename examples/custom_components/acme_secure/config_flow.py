"""Config flow for Acme Secure."""
import voluptuous as vol
from homeassistant import config_entries
from homeassistant.const import CONF_API_KEY

from .const import DOMAIN, LOGGER

STEP_USER_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): str})
STEP_REGION_SCHEMA = vol.Schema({vol.Required("region"): vol.In(["eu", "us"])})


class AcmeConfigFlow(config_entries.ConfigFlow, domain=DOMAIN):
    """Ask for an API key rather than the account password."""

    VERSION = 1

    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=STEP_USER_SCHEMA)
        LOGGER.debug("Creating an entry (API key of %d characters)", len(user_input[CONF_API_KEY]))
        self._api_key = user_input[CONF_API_KEY]
        return await self.async_step_region()

    async def async_step_region(self, user_input=None):
        if user_input is None:
            return self.async_show_form(step_id="region", data_schema=STEP_REGION_SCHEMA)
        return self.async_create_entry(title=user_input["region"], data={CONF_API_KEY: self._api_key, **user_input})
