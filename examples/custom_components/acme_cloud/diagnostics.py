"""Diagnostics for Acme Cloud."""


async def async_get_config_entry_diagnostics(hass, entry):
    """WRONG: returns the entry with its password and API key."""
    return {"entry": entry.as_dict(), "options": dict(entry.options)}
