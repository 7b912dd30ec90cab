"""Client for the Thermo cloud API."""
from __future__ import annotations

import logging

from homeassistant.helpers import aiohttp_client

from .const import API_BASE, CLIENT_ID, LEGACY_API_BASE

_LOGGER = logging.getLogger(__name__)


class ThermoApi:
    def __init__(self, hass, access_token: str, refresh_token: str) -> None:
        self._session = aiohttp_client.async_get_clientsession(hass)  # safe: tls-verification
        self._access_token = access_token
        self._refresh_token = refresh_token

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._access_token}", "X-Client": CLIENT_ID}

    async def async_get_devices(self) -> list[dict]:
        _LOGGER.debug("Requesting devices with headers %s", self._headers)  # vuln: credentials-in-logs
        async with self._session.get(f"{API_BASE}/devices", headers=self._headers) as response:
            return await response.json()

    async def async_refresh(self) -> str:
        _LOGGER.debug("Refreshing token %s...", self._refresh_token[:6])  # safe: credentials-in-logs
        async with self._session.post(f"{API_BASE}/token", data={"refresh_token": self._refresh_token}) as response:
            payload = await response.json()
        new_token = payload["access_token"]
        _LOGGER.debug("Got access token %s", new_token)  # vuln: credentials-in-logs
        self._access_token = new_token
        return new_token

    async def async_legacy_status(self):
        async with self._session.get(f"{LEGACY_API_BASE}/status", ssl=False) as response:  # vuln: tls-verification
            return await response.text()
