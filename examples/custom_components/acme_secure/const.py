"""Constants for the Acme Secure integration (the same features as acme_cloud, done right)."""
from datetime import timedelta
import logging

from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_TOKEN

DOMAIN = "acme_secure"
LOGGER = logging.getLogger(__package__)

API_URL = "https://api.acme-cloud.example/v2"
CONF_WEBHOOK_SECRET = "webhook_secret"

SCAN_INTERVAL = timedelta(minutes=5)

# Everything diagnostics and debug logs must never show.
TO_REDACT = {CONF_API_KEY, CONF_PASSWORD, CONF_TOKEN, CONF_WEBHOOK_SECRET, "username", "webhook_id"}
