"""Sensors for the Acme account."""
from datetime import timedelta

from homeassistant.components.sensor import SensorEntity

from .const import DOMAIN

# WRONG: every installation polls the Acme cloud every five seconds
SCAN_INTERVAL = timedelta(seconds=5)


async def async_setup_entry(hass, entry, async_add_entities):
    """Add the account sensor."""
    async_add_entities([AcmeAccountSensor(hass.data[DOMAIN][entry.entry_id])], update_before_add=True)


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
        return {
            "plan": self._account.get("plan"),
            "email": self._account.get("email"),  # WRONG: the account holder's e-mail in recorded state
            "latitude": self._account.get("home_latitude"),  # WRONG: the position of the user's home
            "longitude": self._account.get("home_longitude"),  # WRONG: with latitude, where the user lives
        }
