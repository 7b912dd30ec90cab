"""A thin client for the Acme cloud API."""
import pickle
import subprocess

import yaml
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .const import API_URL, APP_SECRET, LOGGER


class AcmeApi:
    """Talks to the Acme cloud."""

    def __init__(self, hass, username, password, api_key):
        # WRONG: certificate verification turned off for a cloud API
        self._session = async_get_clientsession(hass, verify_ssl=False)
        self._username = username
        self._password = password
        self._api_key = api_key

    async def async_login(self):
        LOGGER.debug("Logging in as %s with password %s", self._username, self._password)  # WRONG: logs the password
        async with self._session.post(f"{API_URL}/login", json={"key": self._api_key, "app": APP_SECRET}) as response:
            return await response.json()

    async def async_get_account(self):
        async with self._session.get(f"{API_URL}/account", headers={"X-Api-Key": self._api_key}) as response:
            return await response.json()

    def load_cache(self, blob):
        return pickle.loads(blob)  # WRONG: pickle runs code hidden in the data

    def load_profile(self, text):
        return yaml.load(text)  # WRONG: yaml.load without a safe loader

    def ping_hub(self, host):
        # WRONG: a shell command built from a host name
        return subprocess.run(f"ping -c 1 {host}", shell=True, check=False)
