"""Diagnostics for Acme Secure, with every credential redacted."""
from homeassistant.components.diagnostics import async_redact_data

from .const import TO_REDACT


async def async_get_config_entry_diagnostics(hass, entry):
    return {
        "entry": async_redact_data(entry.as_dict(), TO_REDACT),
        "options": async_redact_data(dict(entry.options), TO_REDACT),
    }
