"""Constants for the Acme Cloud integration (an example that breaks every checklist item)."""
import logging

DOMAIN = "acme_cloud"
LOGGER = logging.getLogger(__package__)

CONF_SIGNED_WEBHOOK_ID = "signed_webhook_id"

API_URL = "http://api.acme-cloud.example/v2"  # WRONG: plain HTTP to a cloud API
APP_SECRET = "9f8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"  # WRONG: a vendor app secret (also the webhook HMAC key) shipped in source
