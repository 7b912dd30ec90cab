"""A thin client for the Acme cloud API."""
import asyncio
import json

import yaml
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import API_URL, LOGGER


class AcmeApi:
    """Talks to the Acme cloud over HTTPS with the user's own API key."""

    def __init__(self, hass, api_key):
        # Home Assistant's shared session verifies certificates.
        self._session = async_get_clientsession(hass)
        self._api_key = api_key

    async def async_get_account(self):
        LOGGER.debug("Fetching the account (key ends with %s)", self._api_key[-4:])
        async with self._session.get(f"{API_URL}/account", headers={"X-Api-Key": self._api_key}) as response:
            return await response.json()

    def load_cache(self, text):
        return json.loads(text)

    def load_profile(self, text):
        return yaml.safe_load(text)

    async def ping_hub(self, host):
        process = await asyncio.create_subprocess_exec("ping", "-c", "1", host)
        return await process.wait()
