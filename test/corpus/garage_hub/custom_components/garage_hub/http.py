"""The hub's small web panel inside Home Assistant."""
import hmac
from html import escape

from aiohttp import web
from homeassistant.components.http import HomeAssistantView
from jinja2 import Environment, select_autoescape

PANEL_TEMPLATES = Environment(autoescape=select_autoescape())  # safe: xss
RAW_TEMPLATES = Environment()  # vuln: xss


class StatusView(HomeAssistantView):
    url = "/api/garage_hub/status"
    name = "api:garage_hub:status"
    requires_auth = False  # vuln: unauthenticated-endpoint

    async def get(self, request):
        return self.json({"door": request.app["hass"].data["garage_hub"]["door_state"]})


class ControlView(HomeAssistantView):
    url = "/api/garage_hub/control"
    name = "api:garage_hub:control"
    requires_auth = True  # safe: unauthenticated-endpoint

    async def post(self, request):
        data = await request.json()
        return self.json({"ok": data.get("action") == "open"})  # safe: xss


class PanelView(HomeAssistantView):
    url = "/api/garage_hub/panel"
    name = "api:garage_hub:panel"
    requires_auth = False  # safe: unauthenticated-endpoint

    async def get(self, request):
        code = request.query.get("code", "")
        if not hmac.compare_digest(code, request.app["hass"].data["garage_hub"]["panel_code"]):  # safe: webhook-signature
            return web.Response(status=401)
        door = request.query.get("door", "main")
        return web.Response(text=f"<h2>{escape(door)}</h2>", content_type="text/html")  # safe: xss

    async def post(self, request):
        code = request.query.get("code", "")
        if code == request.app["hass"].data["garage_hub"]["panel_code"]:  # vuln: webhook-signature
            form = await request.post()
            return web.Response(text="<p>" + form["note"] + "</p>", content_type="text/html")  # vuln: xss
        return web.Response(status=401)
