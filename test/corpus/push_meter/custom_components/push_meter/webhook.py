"""Webhook handlers for meter pushes."""
import hashlib
import hmac
import logging

from aiohttp import web

from .const import CONF_WEBHOOK_SECRET, DOMAIN, SIGNATURE_HEADER

_LOGGER = logging.getLogger(__name__)


def _expected(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def handle_signed(hass, webhook_id, request):  # safe: webhook-signature
    body = await request.read()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    if not hmac.compare_digest(_expected(entry.data[CONF_WEBHOOK_SECRET], body), request.headers.get(SIGNATURE_HEADER, "")):  # safe: webhook-signature
        return web.Response(status=401)
    return web.Response(status=200)


async def handle_legacy(hass, webhook_id, request):
    body = await request.read()
    signature = request.headers.get(SIGNATURE_HEADER, "")
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    if signature != _expected(entry.data[CONF_WEBHOOK_SECRET], body):  # vuln: webhook-signature
        return web.Response(status=401)
    return web.Response(status=200)


async def handle_open(hass, webhook_id, request):  # vuln: webhook-signature
    data = await request.json()
    _LOGGER.debug("Push received: %s", data)  # vuln: credentials-in-logs
    hass.bus.async_fire("push_meter_reading", data)
    return web.Response(status=200)


async def handle_token(hass, webhook_id, request):
    token = request.query.get("token", "")
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    if token == entry.data["api_token"]:  # vuln: webhook-signature
        hass.bus.async_fire("push_meter_ping")
    return web.Response(status=200)
