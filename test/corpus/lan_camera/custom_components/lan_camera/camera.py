"""Camera platform for LAN cameras."""
import asyncio
import logging
import shlex
import subprocess as sp

from homeassistant.components.camera import Camera
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME
from homeassistant.helpers.aiohttp_client import async_create_clientsession

from .const import CONF_STREAM_PATH

_LOGGER = logging.getLogger(__name__)


class LanCamera(Camera):
    def __init__(self, hass, entry):
        super().__init__()
        self._entry = entry
        host = entry.data[CONF_HOST]
        self._base = f"http://{host}:{entry.data[CONF_PORT]}"  # safe: tls-verification
        self._session = async_create_clientsession(hass, verify_ssl=entry.data.get("verify_ssl", True))  # safe: tls-verification
        self._insecure = async_create_clientsession(hass, False)  # vuln: tls-verification
        self._auth = (entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD])

    async def async_camera_image(self, width=None, height=None):
        _LOGGER.debug("Fetching snapshot from %s as %s", self._base, self._auth[0])  # safe: credentials-in-logs
        url = f"{self._base}/snapshot.jpg"
        async with self._session.get(url) as response:
            return await response.read()

    async def stream_source(self):
        user, password = self._auth
        source = f"rtsp://{user}:{password}@{self._entry.data[CONF_HOST]}/{self._entry.data[CONF_STREAM_PATH]}"
        _LOGGER.debug("Stream source: %s", source)  # vuln: credentials-in-logs
        return source

    async def async_probe(self):
        host = self._entry.data[CONF_HOST]
        proc = await asyncio.create_subprocess_exec("ffprobe", "-v", "quiet", f"rtsp://{host}/live")  # safe: command-injection
        await proc.wait()
        output = sp.check_output(["ping", "-c", "1", host])  # safe: command-injection
        return output

    async def async_record(self, seconds):
        host = self._entry.data[CONF_HOST]
        cmd = f"ffmpeg -i rtsp://{host}/live -t {seconds} /tmp/clip.mp4"
        proc = await asyncio.create_subprocess_shell(cmd)  # vuln: command-injection
        await proc.wait()

    def reboot(self):
        sp.run("curl -X POST http://" + self._entry.data[CONF_HOST] + "/reboot", shell=True)  # vuln: command-injection

    def quoted(self):
        return sp.run(shlex.split(f"ping -c 1 {shlex.quote(self._entry.data[CONF_HOST])}"), check=False)  # safe: command-injection
