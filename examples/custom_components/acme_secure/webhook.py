"""Push updates from the Acme cloud, verified before use."""
import hashlib
import hmac
import json

import voluptuous as vol
from aiohttp import web
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .const import CONF_WEBHOOK_SECRET, DOMAIN

PUSH_SCHEMA = vol.Schema({vol.Required("meter"): str, vol.Required("value"): vol.Coerce(float)})


async def handle_webhook(hass, webhook_id, request):
    """Accept a push only when its HMAC signature matches the shared secret."""
    body = await request.read()
    entry = next((entry for entry in hass.config_entries.async_entries(DOMAIN) if entry.data.get("webhook_id") == webhook_id), None)
    secret = entry.data.get(CONF_WEBHOOK_SECRET, "") if entry else ""
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not secret or not hmac.compare_digest(expected, request.headers.get("X-Acme-Signature", "")):
        return web.Response(status=401)
    data = PUSH_SCHEMA(json.loads(body))
    async_dispatcher_send(hass, "acme_secure_update", data)
    return web.Response(status=200)
