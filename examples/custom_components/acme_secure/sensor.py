"""Sensors for the Acme account."""
from homeassistant.components.sensor import SensorEntity


class AcmeAccountSensor(SensorEntity):
    """The account's energy balance."""

    def __init__(self, account):
        self._account = account
        self._attr_native_value = account.balance

    @property
    def extra_state_attributes(self):
        return {"plan": self._account.plan, "hub_firmware": self._account.hub_firmware}
