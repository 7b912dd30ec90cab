"""HTTP views of the Acme Secure integration."""
import html

from aiohttp import web
from homeassistant.components.http import HomeAssistantView


class AcmeStatusView(HomeAssistantView):
    """A status page for the Acme hub, for logged-in users."""

    url = "/api/acme_secure/status"
    name = "api:acme_secure:status"
    requires_auth = True

    async def get(self, request):
        name = html.escape(request.query.get("name", ""))
        return web.Response(text=f"<h1>Hello {name}</h1>", content_type="text/html")
