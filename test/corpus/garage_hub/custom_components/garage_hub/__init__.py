"""Garage Hub: a local door controller with a small web panel."""
import asyncio
import logging
import os
import subprocess

from homeassistant.const import CONF_HOST, CONF_PIN
from homeassistant.helpers.event import async_track_time_interval
from datetime import timedelta

from .const import DOMAIN
from .http import ControlView, PanelView, StatusView

_LOGGER = logging.getLogger(__name__)


async def async_setup_entry(hass, entry):
    host = entry.data[CONF_HOST]
    pin = entry.data[CONF_PIN]
    _LOGGER.debug("Connecting to %s", host)  # safe: credentials-in-logs
    _LOGGER.debug("Using PIN %s", pin)  # vuln: credentials-in-logs
    _LOGGER.debug("PIN configured: %s", "yes" if pin else "no")  # safe: credentials-in-logs
    hass.http.register_view(StatusView())
    hass.http.register_view(ControlView())
    hass.http.register_view(PanelView())
    async_track_time_interval(hass, _poll, timedelta(seconds=15))  # safe: rate-limiting
    async_track_time_interval(hass, _poll, timedelta(milliseconds=250))  # vuln: rate-limiting
    return True


async def _poll(now):
    return None


def open_door(host: str):
    subprocess.run(["garagectl", "--host", host, "open"], check=True)  # safe: command-injection
    os.system(f"garagectl --host {host} light on")  # vuln: command-injection


async def watch(host: str):
    while True:
        proc = await asyncio.create_subprocess_exec("garagectl", "--host", host, "status")  # safe: command-injection
        await proc.wait()
        await asyncio.sleep(30)  # safe: rate-limiting
