"""HTTP views of the Acme Cloud integration."""
from aiohttp import web
from homeassistant.components.http import HomeAssistantView


class AcmeStatusView(HomeAssistantView):
    """A status page for the Acme hub."""

    url = "/api/acme_cloud/status"
    name = "api:acme_cloud:status"
    requires_auth = False  # WRONG: public, and it serves data and takes a name from the query

    async def get(self, request):
        name = request.query.get("name", "")
        # WRONG: request data in HTML without escaping
        return web.Response(text=f"<h1>Hello {name}</h1>", content_type="text/html")
