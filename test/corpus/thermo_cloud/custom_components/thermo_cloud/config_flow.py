"""Config flow for Thermo Cloud."""
import logging

import voluptuous as vol
from homeassistant import config_entries
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import callback

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)
USER_SCHEMA = vol.Schema({vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str})


class ThermoFlow(config_entries.ConfigFlow, domain=DOMAIN):
    VERSION = 1

    async def async_step_user(self, user_input=None):  # safe: input-validation
        errors: dict[str, str] = {}
        if user_input is not None:
            _LOGGER.debug("Validating login for %s", user_input[CONF_USERNAME])  # safe: credentials-in-logs
            tokens = await self._login(user_input[CONF_USERNAME], user_input[CONF_PASSWORD])
            if tokens is None:
                _LOGGER.warning("Login failed for %s: invalid password", user_input[CONF_USERNAME])  # safe: credentials-in-logs
                errors["base"] = "invalid_auth"  # safe: hardcoded-credentials
            else:
                return self.async_create_entry(title=user_input[CONF_USERNAME], data=tokens)  # safe: credentials-storage
        return self.async_show_form(step_id="user", data_schema=USER_SCHEMA, errors=errors)

    async def async_step_pick_home(self, user_input=None):  # vuln: input-validation
        home = user_input["home_id"]
        return self.async_create_entry(title=home, data={"home_id": home})

    async def _login(self, username, password):
        _LOGGER.debug("Logging in %s / %s", username, password)  # vuln: credentials-in-logs
        return None

    @staticmethod
    @callback
    def async_get_options_flow(entry):
        return ThermoOptions()


class ThermoOptions(config_entries.OptionsFlow):
    async def async_step_init(self, user_input=None):  # safe: input-validation
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        return self.async_show_form(step_id="init", data_schema=vol.Schema({vol.Optional("scan_minutes", default=2): vol.All(int, vol.Range(min=1))}))
