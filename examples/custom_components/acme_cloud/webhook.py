"""Push updates from the Acme cloud."""
import hashlib
import hmac

from aiohttp import web
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .const import APP_SECRET


async def handle_webhook(hass, webhook_id, request):
    """WRONG: acts on the request without verifying who sent it."""
    data = await request.json()
    async_dispatcher_send(hass, "acme_cloud_update", data)
    return web.Response(status=200)


async def handle_signed(hass, webhook_id, request):
    """Accept a push whose HMAC signature matches."""
    body = await request.read()
    expected = hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    # WRONG: == leaks through timing how much of a forged signature was right
    if request.headers.get("X-Acme-Signature", "") == expected:
        async_dispatcher_send(hass, "acme_cloud_update", body)
        return web.Response(status=200)
    return web.Response(status=401)
