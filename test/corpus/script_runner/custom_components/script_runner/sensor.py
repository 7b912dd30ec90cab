"""A sensor per script."""
from homeassistant.components.sensor import SensorEntity


class ScriptSensor(SensorEntity):
    def __init__(self, script, hass):
        self._script = script
        self._hass = hass

    @property
    def extra_state_attributes(self):
        return {
            "last_run": self._script.last_run,  # safe: data-minimization
            "author": self._script.author_name,  # safe: data-minimization
            "author_email": self._script.author_email,  # vuln: data-minimization
            "api_token": self._hass.data["script_runner"]["token"],  # vuln: credentials-storage
        }
