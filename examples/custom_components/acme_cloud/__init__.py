"""The Acme Cloud integration."""
import os
import sqlite3
from pathlib import Path

from homeassistant.components import webhook
from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_USERNAME
from homeassistant.helpers.storage import Store

from .api import AcmeApi
from .const import DOMAIN, LOGGER
from .webhook import handle_signed, handle_webhook


async def async_setup_entry(hass, entry):
    """Set up Acme Cloud from a config entry."""
    LOGGER.debug("Setting up with %s", entry.data)  # WRONG: entry.data holds the password and API key
    api = AcmeApi(hass, entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD], entry.data[CONF_API_KEY])
    # WRONG: a second copy of the credentials in the integration's own Store, never removed either
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

    webhook.async_register(hass, DOMAIN, "Acme push", entry.data["webhook_id"], handle_webhook)
    webhook.async_register(hass, DOMAIN, "Acme signed push", entry.data["signed_webhook_id"], handle_signed)
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = api
    return True
