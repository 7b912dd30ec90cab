"""HTTP views of the Acme Secure integration."""
import html

import voluptuous as vol
from aiohttp import web
from homeassistant.components.http import HomeAssistantView

QUERY_SCHEMA = vol.Schema({vol.Optional("name", default=""): str})


class AcmeStatusView(HomeAssistantView):
    """A status page for the Acme hub, for logged-in users."""

    url = "/api/acme_secure/status"
    name = "api:acme_secure:status"
    requires_auth = True

    async def get(self, request):
        query = QUERY_SCHEMA(dict(request.query))
        name = html.escape(query["name"])
        return web.Response(text=f"<h1>Hello {name}</h1>", content_type="text/html")
