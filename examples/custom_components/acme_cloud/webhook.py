"""Push updates from the Acme cloud."""
from aiohttp import web
from homeassistant.helpers.dispatcher import async_dispatcher_send


async def handle_webhook(hass, webhook_id, request):
    """WRONG: acts on the request without verifying who sent it."""
    data = await request.json()
    async_dispatcher_send(hass, "acme_cloud_update", data)
    return web.Response(status=200)


async def handle_signed(hass, webhook_id, request):
    body = await request.read()
    # WRONG: == leaks through timing how much of a forged signature was right
    if request.headers.get("X-Acme-Signature") != hass.data["acme_cloud"]["signature"]:
        return web.Response(status=401)
    return web.Response(status=200, body=body)
