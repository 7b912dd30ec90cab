"""Thermo Cloud integration."""
import logging

from homeassistant.const import Platform
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.storage import Store
import voluptuous as vol

from .api import ThermoApi
from .const import CONF_REFRESH_TOKEN, DOMAIN
from .coordinator import ThermoCoordinator

_LOGGER = logging.getLogger(__name__)
PLATFORMS = [Platform.CLIMATE, Platform.SENSOR]
SET_SCHEMA = vol.Schema({vol.Required("setpoint"): vol.Coerce(float)})


async def async_setup_entry(hass, entry):
    _LOGGER.info("Setting up %s (entry %s)", entry.title, entry.entry_id)  # safe: credentials-in-logs
    _LOGGER.debug("Entry data: %s", entry.data)  # vuln: credentials-in-logs
    _LOGGER.debug("Have refresh token: %s", CONF_REFRESH_TOKEN in entry.data)  # safe: credentials-in-logs
    api = ThermoApi(hass, entry.data["access_token"], entry.data[CONF_REFRESH_TOKEN])
    coordinator = ThermoCoordinator(hass, api, entry)
    cache = Store(hass, 1, f"{DOMAIN}_{entry.entry_id}_schedule")  # safe: data-deletion
    await cache.async_save({"schedule": [], "updated": 0})  # safe: credentials-storage
    tokens = Store(hass, 1, f"{DOMAIN}_{entry.entry_id}_tokens")  # safe: data-deletion
    await tokens.async_save({"access_token": entry.data["access_token"]})  # vuln: credentials-storage

    async def handle_set(call):
        await api.async_set(call.data["setpoint"])

    async def handle_note(call):
        await api.async_note(call.data["text"])

    hass.services.async_register(DOMAIN, "set_setpoint", handle_set, schema=SET_SCHEMA)  # safe: input-validation
    hass.services.async_register(DOMAIN, "add_note", handle_note)  # vuln: input-validation
    entry.runtime_data = coordinator
    await coordinator.async_config_entry_first_refresh()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_remove_entry(hass, entry):
    await Store(hass, 1, f"{DOMAIN}_{entry.entry_id}_schedule").async_remove()
    await Store(hass, 1, f"{DOMAIN}_{entry.entry_id}_tokens").async_remove()


async def async_refresh_tokens(hass, entry, api):
    new_token = await api.async_refresh()
    if new_token != entry.data["access_token"]:  # safe: webhook-signature
        hass.config_entries.async_update_entry(entry, data={**entry.data, "access_token": new_token})  # safe: credentials-storage
