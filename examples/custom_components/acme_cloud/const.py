"""Constants for the Acme Cloud integration (an example that breaks every checklist item)."""
from datetime import timedelta
import logging

from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_USERNAME

DOMAIN = "acme_cloud"
LOGGER = logging.getLogger(__package__)

API_URL = "http://api.acme-cloud.example/v2"  # WRONG: plain HTTP to a cloud API
APP_SECRET = "9f8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"  # WRONG: a vendor app secret shipped in source

# WRONG: a cloud API polled every five seconds by every installation
SCAN_INTERVAL = timedelta(seconds=5)

CREDENTIAL_KEYS = (CONF_USERNAME, CONF_PASSWORD, CONF_API_KEY)
