"""LAN camera integration."""
from pathlib import Path

import voluptuous as vol
from homeassistant.helpers import config_validation as cv

from .const import DOMAIN, SNAPSHOT_DIR
from .http import GalleryView, SnapshotView

EXPORT_SCHEMA = vol.Schema({vol.Required("filename"): vol.In(["latest.jpg", "previous.jpg"])})


async def async_setup_entry(hass, entry):
    hass.http.register_view(SnapshotView(hass))
    hass.http.register_view(GalleryView(hass))

    async def handle_save(call):
        folder = Path(hass.config.path(SNAPSHOT_DIR))
        target = folder / call.data["filename"]
        await hass.async_add_executor_job(target.write_bytes, b"")  # vuln: path-traversal

    async def handle_read(call):
        folder = Path(hass.config.path(SNAPSHOT_DIR)).resolve()
        target = (folder / call.data["filename"]).resolve()
        if not target.is_relative_to(folder):
            raise ValueError("outside the snapshot folder")
        return await hass.async_add_executor_job(target.read_bytes)  # safe: path-traversal

    async def handle_purge(call):
        if not hass.config.is_allowed_path(call.data["folder"]):
            return
        for item in Path(call.data["folder"]).iterdir():  # safe: path-traversal
            item.unlink()

    hass.services.async_register(DOMAIN, "save", handle_save, schema=vol.Schema({vol.Required("filename"): cv.string}))
    hass.services.async_register(DOMAIN, "read", handle_read, schema=EXPORT_SCHEMA)
    hass.services.async_register(DOMAIN, "purge", handle_purge, vol.Schema({vol.Required("folder"): cv.string}))  # safe: input-validation
    return True


async def async_remove_entry(hass, entry):
    folder = Path(hass.config.path(SNAPSHOT_DIR))
    await hass.async_add_executor_job(_clear, folder)


def _clear(folder):
    for item in folder.glob("*.jpg"):
        item.unlink()
