"""Push Meter integration."""
import json
import logging
import os

from homeassistant.components import webhook
from homeassistant.helpers.storage import Store

from .const import DB_FILE, DOMAIN
from .storage import ReadingStore
from .webhook import handle_legacy, handle_open, handle_signed, handle_token

_LOGGER = logging.getLogger(__name__)


async def async_setup_entry(hass, entry):
    _LOGGER.debug("Registering webhook %s for %s", entry.data["webhook_id"], entry.title)  # safe: credentials-in-logs
    webhook.async_register(hass, DOMAIN, "Meter", entry.data["webhook_id"], handle_signed)
    webhook.async_register(hass, DOMAIN, "Meter legacy", entry.data["legacy_id"], handle_legacy)
    webhook.async_register(hass, DOMAIN, "Meter open", entry.data["open_id"], handle_open)
    webhook.async_register(hass, DOMAIN, "Meter token", entry.data["token_id"], handle_token)
    entry.runtime_data = ReadingStore(hass)
    meta = Store(hass, 1, f"{DOMAIN}.meta")  # vuln: data-deletion
    await meta.async_save({"meters": []})
    with open(hass.config.path("push_meter_export.json"), "w", encoding="utf-8") as handle:  # vuln: data-deletion
        json.dump({"meters": []}, handle)
    return True


async def async_remove_entry(hass, entry):
    path = hass.config.path(DB_FILE)
    if os.path.exists(path):
        await hass.async_add_executor_job(os.remove, path)


async def async_unload_entry(hass, entry):
    webhook.async_unregister(hass, entry.data["webhook_id"])
    return True
