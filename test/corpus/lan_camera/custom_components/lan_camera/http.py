"""Views serving snapshots."""
import html
import os
from pathlib import Path

from aiohttp import web
from homeassistant.components.http import HomeAssistantView

from .const import SNAPSHOT_DIR


class SnapshotView(HomeAssistantView):
    url = "/api/lan_camera/snapshot/{name}"
    name = "api:lan_camera:snapshot"
    requires_auth = False  # vuln: unauthenticated-endpoint

    def __init__(self, hass):
        self.hass = hass

    async def get(self, request, name):
        path = os.path.join(self.hass.config.path(SNAPSHOT_DIR), name)
        return web.FileResponse(path)  # vuln: path-traversal

    async def delete(self, request, name):
        base = Path(self.hass.config.path(SNAPSHOT_DIR))
        await self.hass.async_add_executor_job((base / Path(name).name).unlink)  # safe: path-traversal
        return web.Response(status=204)


class GalleryView(HomeAssistantView):
    url = "/api/lan_camera/gallery"
    name = "api:lan_camera:gallery"

    def __init__(self, hass):
        self.hass = hass

    async def get(self, request):
        title = request.query.get("title", "Snapshots")
        body = f"<html><h1>{html.escape(title)}</h1></html>"
        return web.Response(text=body, content_type="text/html")  # safe: xss

    async def post(self, request):
        data = await request.post()
        page = "<p>Saved %s</p>" % data["label"]
        return web.Response(text=page, content_type="text/html")  # vuln: xss

    async def put(self, request):
        data = await request.json()
        return self.json({"saved": data.get("label")})  # safe: xss
