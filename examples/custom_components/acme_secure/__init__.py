"""The Acme Secure integration."""
import ast
import asyncio
import os
import sqlite3
from pathlib import Path

import voluptuous as vol
from homeassistant.components import webhook
from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID, Platform
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.storage import Store

from .api import AcmeApi
from .const import DOMAIN, LOGGER, TO_REDACT
from .http import AcmeStatusView
from .webhook import handle_webhook

PLATFORMS = [Platform.SENSOR]
STORAGE_VERSION = 1
CALCULATE_SCHEMA = vol.Schema({vol.Required("expression"): cv.string})
HISTORY_SCHEMA = vol.Schema({vol.Required("meter"): cv.string})
EXPORT_SCHEMA = vol.Schema({vol.Required("filename"): cv.string})
WAKE_SCHEMA = vol.Schema({vol.Required("mac"): cv.string})


async def async_setup_entry(hass, entry):
    """Set up Acme Secure from a config entry."""
    LOGGER.debug("Setting up with %s", async_redact_data(entry.data, TO_REDACT))
    # The API key is read from the config entry, its only home.
    api = AcmeApi(hass, entry.data[CONF_API_KEY])
    # Only learned, non-secret state is stored; async_remove_entry deletes it.
    store = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}")
    await store.async_save({"last_meter_reading": 0})

    async def handle_calculate(call):
        # A literal, never code.
        return ast.literal_eval(call.data["expression"])

    async def handle_history(call):
        db = sqlite3.connect(hass.config.path("acme.db"))
        # The meter is a bound parameter, not part of the statement.
        return db.execute("SELECT * FROM readings WHERE meter = ?", (call.data["meter"],)).fetchall()

    async def handle_export(call):
        exports = Path(hass.config.path("acme_exports")).resolve()
        # Only the file name is kept, and the result must still lie inside the exports folder.
        target = (exports / Path(call.data["filename"]).name).resolve()
        target.relative_to(exports)
        await hass.async_add_executor_job(target.write_text, "report")

    async def handle_wake(call):
        # An argument list: the MAC address is one argument, never parsed by a shell.
        process = await asyncio.create_subprocess_exec("wakeonlan", call.data["mac"])
        return await process.wait()

    hass.services.async_register(DOMAIN, "calculate", handle_calculate, schema=CALCULATE_SCHEMA)
    hass.services.async_register(DOMAIN, "history", handle_history, schema=HISTORY_SCHEMA)
    hass.services.async_register(DOMAIN, "export", handle_export, schema=EXPORT_SCHEMA)
    hass.services.async_register(DOMAIN, "wake", handle_wake, schema=WAKE_SCHEMA)

    webhook.async_register(hass, DOMAIN, "Acme push", entry.data[CONF_WEBHOOK_ID], handle_webhook)
    hass.http.register_view(AcmeStatusView())

    entry.runtime_data = api
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass, entry):
    """Unload a config entry."""
    webhook.async_unregister(hass, entry.data[CONF_WEBHOOK_ID])
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass, entry):
    """Delete what this entry stored when the user removes it."""
    await Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}").async_remove()
    export_folder = hass.config.path("acme_exports")
    if os.path.isdir(export_folder):
        await hass.async_add_executor_job(_remove_exports, export_folder)
    database = hass.config.path("acme.db")
    if os.path.exists(database):
        await hass.async_add_executor_job(os.remove, database)


def _remove_exports(folder):
    for name in os.listdir(folder):
        os.remove(os.path.join(folder, name))
