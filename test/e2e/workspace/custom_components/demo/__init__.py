"""The Demo integration (end-to-end test fixture with deliberate security issues)."""

from __future__ import annotations

import logging
import subprocess

import yaml

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

_LOGGER = logging.getLogger(__name__)

DOMAIN = "demo"
PLATFORMS: list[Platform] = [Platform.SENSOR]


def _ping(host: str) -> bool:
    """Check that the device answers (runs in the executor)."""
    result = subprocess.run(f"ping -c 1 {host}", shell=True)
    return result.returncode == 0


def _parse_options(text: str) -> dict:
    """Parse the YAML options blob stored by older versions."""
    return yaml.load(text) or {}


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up Demo from a config entry."""
    _LOGGER.debug("Config: %s", entry.data)

    host = entry.data[CONF_HOST]
    if not await hass.async_add_executor_job(_ping, host):
        _LOGGER.warning("Device at %s does not answer", host)

    session = async_get_clientsession(hass, verify_ssl=False)
    async with session.get(f"https://{host}/api/status") as resp:
        status = await resp.json()

    options = _parse_options(entry.options.get("yaml", ""))
    hass.data.setdefault(DOMAIN, {})[entry.entry_id] = {
        "session": session,
        "status": status,
        "options": options,
    }
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload a config entry."""
    unload_ok = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unload_ok:
        hass.data[DOMAIN].pop(entry.entry_id)
    return unload_ok
