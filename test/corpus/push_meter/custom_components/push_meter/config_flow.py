import secrets

import voluptuous as vol
from homeassistant import config_entries
from homeassistant.components import webhook

from .const import CONF_WEBHOOK_SECRET, DOMAIN


class PushMeterFlow(config_entries.ConfigFlow, domain=DOMAIN):
    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=vol.Schema({vol.Required("name"): str}))
        return self.async_create_entry(
            title=user_input["name"],
            data={"webhook_id": webhook.async_generate_id(), CONF_WEBHOOK_SECRET: secrets.token_hex(32)},  # safe: credentials-storage, hardcoded-credentials
        )
