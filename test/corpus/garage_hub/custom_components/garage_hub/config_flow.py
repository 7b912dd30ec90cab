import voluptuous as vol
from homeassistant import config_entries
from homeassistant.const import CONF_HOST, CONF_PIN

from .const import DOMAIN

SCHEMA = vol.Schema({vol.Required(CONF_HOST): str, vol.Required(CONF_PIN): str})


class GarageFlow(config_entries.ConfigFlow, domain=DOMAIN):
    async def async_step_user(self, user_input=None):  # safe: input-validation
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=SCHEMA)
        return self.async_create_entry(title=user_input[CONF_HOST], data=user_input)  # safe: credentials-storage

    async def async_step_import(self, import_data):  # safe: input-validation
        return self.async_create_entry(title=import_data[CONF_HOST], data=import_data)
