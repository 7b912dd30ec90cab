"""Config flow for Acme Secure."""
import secrets

import voluptuous as vol
from homeassistant import config_entries
from homeassistant.components import webhook
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID

from .const import CONF_WEBHOOK_SECRET, DOMAIN, LOGGER

STEP_USER_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): str})
STEP_REGION_SCHEMA = vol.Schema({vol.Required("region"): vol.In(["eu", "us"])})


class AcmeConfigFlow(config_entries.ConfigFlow, domain=DOMAIN):
    """Ask for an API key rather than the account password."""

    VERSION = 1

    def __init__(self):
        self._api_key = None

    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=STEP_USER_SCHEMA)
        LOGGER.debug("API key received (%d characters)", len(user_input[CONF_API_KEY]))
        self._api_key = user_input[CONF_API_KEY]
        return await self.async_step_region()

    async def async_step_region(self, user_input=None):
        if user_input is None:
            return self.async_show_form(step_id="region", data_schema=STEP_REGION_SCHEMA)
        # Every secret lives in the config entry: the API key and the webhook's signing secret.
        return self.async_create_entry(
            title=user_input["region"],
            data={
                CONF_API_KEY: self._api_key,
                CONF_WEBHOOK_ID: webhook.async_generate_id(),
                CONF_WEBHOOK_SECRET: secrets.token_hex(32),
                **user_input,
            },
        )
