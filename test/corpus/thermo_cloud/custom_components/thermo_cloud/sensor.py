"""Sensors for Thermo Cloud."""
from homeassistant.components.sensor import SensorEntity
from homeassistant.const import ATTR_LATITUDE, ATTR_LONGITUDE


class ThermoTemperature(SensorEntity):
    def __init__(self, coordinator, device):
        self._device = device
        self._attr_extra_state_attributes = {
            "firmware": device["fw"],  # safe: data-minimization
            "serial_number": device["serial"],  # safe: data-minimization
            "owner_email": device["owner"]["email"],  # vuln: data-minimization
        }

    @property
    def extra_state_attributes(self):
        home = self._device["home"]
        return {
            "room": self._device["room"],  # safe: data-minimization
            ATTR_LATITUDE: home["lat"],  # vuln: data-minimization
            ATTR_LONGITUDE: home["lon"],  # vuln: data-minimization
            "mac_address": self._device["mac"],  # safe: data-minimization
            "phone": home["contact_phone"],  # vuln: data-minimization
        }
