"""The Acme Cloud integration."""
import os
import sqlite3
from pathlib import Path

from homeassistant.components import webhook
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_USERNAME, CONF_WEBHOOK_ID, Platform
from homeassistant.helpers.storage import Store

from .api import AcmeApi
from .const import CONF_SIGNED_WEBHOOK_ID, DOMAIN, LOGGER
from .http import AcmeStatusView
from .webhook import handle_signed, handle_webhook

PLATFORMS = [Platform.SENSOR]


async def async_setup_entry(hass, entry):
    """Set up Acme Cloud from a config entry."""
    LOGGER.debug("Setting up with %s", entry.data)  # WRONG: entry.data holds the password and API key
    api = AcmeApi(hass, entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD], entry.data[CONF_API_KEY])
    # WRONG: a second copy of the credentials in the integration's own Store (and never removed: no async_remove_entry)
    store = Store(hass, 1, f"{DOMAIN}.{entry.entry_id}")
    await store.async_save({"username": entry.data[CONF_USERNAME], "password": entry.data[CONF_PASSWORD]})

    async def handle_calculate(call):
        return eval(call.data["expression"])  # WRONG: runs service data as code

    async def handle_history(call):
        db = sqlite3.connect(hass.config.path("acme.db"))
        # WRONG: SQL built from service data
        return db.execute(f"SELECT * FROM readings WHERE meter = '{call.data['meter']}'").fetchall()

    async def handle_export(call):
        # WRONG: the file name from the service call can contain ../
        target = Path(hass.config.path("acme_exports")) / call.data["filename"]
        await hass.async_add_executor_job(target.write_text, "report")

    async def handle_wake(call):
        os.system("wakeonlan " + call.data["mac"])  # WRONG: shell command from service data

    # WRONG: services registered without schemas
    hass.services.async_register(DOMAIN, "calculate", handle_calculate)
    hass.services.async_register(DOMAIN, "history", handle_history)
    hass.services.async_register(DOMAIN, "export", handle_export)
    hass.services.async_register(DOMAIN, "wake", handle_wake)

    webhook.async_register(hass, DOMAIN, "Acme push", entry.data[CONF_WEBHOOK_ID], handle_webhook)
    webhook.async_register(hass, DOMAIN, "Acme signed push", entry.data[CONF_SIGNED_WEBHOOK_ID], handle_signed)
    hass.http.register_view(AcmeStatusView())

    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = api
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass, entry):
    """Unload a config entry."""
    webhook.async_unregister(hass, entry.data[CONF_WEBHOOK_ID])
    webhook.async_unregister(hass, entry.data[CONF_SIGNED_WEBHOOK_ID])
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        hass.data[DOMAIN].pop(entry.entry_id)
    return unloaded
