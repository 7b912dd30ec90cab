"""Config flow for Acme Cloud."""
import voluptuous as vol
from homeassistant import config_entries
from homeassistant.components import webhook
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_USERNAME, CONF_WEBHOOK_ID

from .const import CONF_SIGNED_WEBHOOK_ID, DOMAIN, LOGGER

STEP_USER_SCHEMA = vol.Schema(
    {vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str, vol.Required(CONF_API_KEY): str}
)


class AcmeConfigFlow(config_entries.ConfigFlow, domain=DOMAIN):
    """Ask for the account."""

    VERSION = 1

    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=STEP_USER_SCHEMA)
        LOGGER.debug("Creating entry from %s", user_input)  # WRONG: the form holds the password
        return self.async_create_entry(
            title=user_input[CONF_USERNAME],
            data={
                **user_input,
                CONF_WEBHOOK_ID: webhook.async_generate_id(),
                CONF_SIGNED_WEBHOOK_ID: webhook.async_generate_id(),
            },
        )

    async def async_step_region(self, user_input=None):
        # WRONG: reads user_input, but no form with a data_schema is ever shown for this step
        region = user_input["region"]
        return self.async_create_entry(title=region, data=user_input)
