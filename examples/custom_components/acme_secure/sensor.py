"""Sensors for the Acme account."""
from datetime import timedelta

from homeassistant.components.sensor import SensorEntity

# The balance changes a few times a day; five minutes is plenty and spares the vendor's API.
SCAN_INTERVAL = timedelta(minutes=5)


async def async_setup_entry(hass, entry, async_add_entities):
    """Add the account sensor."""
    async_add_entities([AcmeAccountSensor(entry.runtime_data)], update_before_add=True)


class AcmeAccountSensor(SensorEntity):
    """The account's energy balance."""

    _attr_name = "Acme balance"
    _attr_native_unit_of_measurement = "EUR"

    def __init__(self, api):
        self._api = api
        self._account = {}

    async def async_update(self):
        self._account = await self._api.async_get_account()
        self._attr_native_value = self._account["balance"]

    @property
    def extra_state_attributes(self):
        # Facts about the plan and the hub, nothing about the person.
        return {"plan": self._account.get("plan"), "hub_firmware": self._account.get("hub_firmware")}
