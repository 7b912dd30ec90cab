"""Diagnostics for Thermo Cloud."""
from homeassistant.helpers.redact import async_redact_data

TO_REDACT = {"access_token", "refresh_token"}


async def async_get_config_entry_diagnostics(hass, entry):
    coordinator = entry.runtime_data
    return {
        "entry_data": async_redact_data(dict(entry.data), TO_REDACT),  # safe: credentials-in-logs
        "options": entry.options,  # safe: credentials-in-logs (its options flow only ever stores scan_minutes)
        "devices": coordinator.data,  # safe: credentials-in-logs
        "title": entry.title,  # safe: credentials-in-logs
    }
