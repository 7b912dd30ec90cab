"""Polling coordinator."""
from datetime import timedelta
import logging

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .const import DEFAULT_SCAN_INTERVAL, FAST_SCAN_INTERVAL

_LOGGER = logging.getLogger(__name__)


class ThermoCoordinator(DataUpdateCoordinator):
    def __init__(self, hass, api, entry):
        super().__init__(
            hass,
            _LOGGER,
            name="thermo_cloud",
            update_interval=timedelta(minutes=entry.options.get("scan_minutes", 2)),  # safe: rate-limiting
        )
        self.api = api
        self.entry = entry

    async def _async_update_data(self):
        _LOGGER.debug("Updating %s", self.entry.title)  # safe: credentials-in-logs
        return await self.api.async_get_devices()

    def boost(self):
        self.update_interval = FAST_SCAN_INTERVAL  # vuln: rate-limiting

    def relax(self):
        self.update_interval = DEFAULT_SCAN_INTERVAL  # safe: rate-limiting

    def panic(self):
        self.update_interval = timedelta(seconds=1)  # vuln: rate-limiting
