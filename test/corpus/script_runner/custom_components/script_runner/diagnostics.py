"""Diagnostics for Script Runner."""
from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD

REDACT = {CONF_PASSWORD}  # vuln: credentials-in-logs


async def async_get_config_entry_diagnostics(hass, entry):
    masked = {**entry.data, CONF_PASSWORD: "**REDACTED**", "token": "**REDACTED**"}
    return {
        "config": masked,  # safe: credentials-in-logs
        "redacted": async_redact_data(entry.data, REDACT),  # safe: credentials-in-logs
        "token": entry.data.get("token"),  # vuln: credentials-in-logs
    }
