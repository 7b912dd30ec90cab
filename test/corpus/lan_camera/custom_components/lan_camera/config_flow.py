import voluptuous as vol
from homeassistant import config_entries
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME

from .const import DEFAULT_USERNAME, DOMAIN

SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HOST): str,
        vol.Optional(CONF_PORT, default=80): int,
        vol.Optional(CONF_USERNAME, default=DEFAULT_USERNAME): str,
        vol.Optional(CONF_PASSWORD, default=""): str,
        vol.Optional("verify_ssl", default=False): bool,  # vuln: tls-verification
    }
)


class LanCameraFlow(config_entries.ConfigFlow, domain=DOMAIN):
    async def async_step_user(self, user_input=None):
        if user_input is None:
            return self.async_show_form(step_id="user", data_schema=SCHEMA)
        return self.async_create_entry(title=user_input[CONF_HOST], data=user_input)

    async def async_step_zeroconf(self, discovery_info):  # safe: input-validation
        self._host = discovery_info.host
        return await self.async_step_confirm()

    async def async_step_confirm(self, user_input=None):  # safe: input-validation
        if user_input is not None:
            return self.async_create_entry(title=self._host, data={CONF_HOST: self._host})
        return self.async_show_form(step_id="confirm")
