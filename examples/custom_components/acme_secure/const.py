"""Constants for the Acme Secure integration (the same features as acme_cloud, done right)."""
import logging

from homeassistant.const import CONF_API_KEY, CONF_PASSWORD, CONF_TOKEN, CONF_WEBHOOK_ID

DOMAIN = "acme_secure"
LOGGER = logging.getLogger(__package__)

API_URL = "https://api.acme-cloud.example/v2"
CONF_WEBHOOK_SECRET = "webhook_secret"

# Everything diagnostics and debug logs must never show.
TO_REDACT = {CONF_API_KEY, CONF_PASSWORD, CONF_TOKEN, CONF_WEBHOOK_ID, CONF_WEBHOOK_SECRET}
