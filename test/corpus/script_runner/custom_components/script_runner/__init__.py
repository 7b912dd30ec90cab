"""Runs small user scripts and keeps their state."""
import ast
import importlib
import logging
import marshal
import pickle as pkl
import re

import jsonpickle
import voluptuous as vol
import yaml
from homeassistant.const import CONF_PASSWORD, CONF_TOKEN, CONF_USERNAME
from homeassistant.helpers import config_validation as cv
from yaml import Loader, load as yaml_load

_LOGGER = logging.getLogger(__name__)
DOMAIN = "script_runner"
NAME_PATTERN = re.compile(r"^[a-z_]+$")  # safe: code-execution

CONFIG_SCHEMA = vol.Schema(
    {
        DOMAIN: vol.Schema(
            {
                vol.Required(CONF_USERNAME): cv.string,  # safe: credentials-storage
                vol.Required(CONF_PASSWORD): cv.string,  # vuln: credentials-storage
                vol.Optional(CONF_TOKEN): cv.string,  # vuln: credentials-storage
                vol.Optional("scripts_dir", default="scripts"): cv.string,  # safe: credentials-storage
            }
        )
    },
    extra=vol.ALLOW_EXTRA,
)


async def async_setup(hass, config):
    conf = config[DOMAIN]
    _LOGGER.debug("Configured user %s", conf[CONF_USERNAME])  # safe: credentials-in-logs
    _LOGGER.debug("Token configured: %s", bool(conf.get(CONF_TOKEN)))  # safe: credentials-in-logs
    _LOGGER.debug("Password: %s", conf[CONF_PASSWORD])  # vuln: credentials-in-logs
    _LOGGER.debug("Token is %d characters long", len(conf.get(CONF_TOKEN, "")))  # safe: credentials-in-logs

    async def handle_eval(call):
        expression = call.data["expression"]
        result = ast.literal_eval(expression)  # safe: code-execution
        return eval(expression, {"__builtins__": {}})  # vuln: code-execution

    async def handle_exec(call):
        code = compile(call.data["source"], "<script>", "exec")  # vuln: code-execution
        exec(code)  # vuln: code-execution

    async def handle_load(call):
        module = importlib.import_module(call.data["module"])  # vuln: code-execution
        return module

    hass.services.async_register(DOMAIN, "eval", handle_eval, schema=vol.Schema({vol.Required("expression"): cv.string}))
    hass.services.async_register(DOMAIN, "exec", handle_exec, schema=vol.Schema({vol.Required("source"): cv.string}))
    hass.services.async_register(DOMAIN, "load", handle_load, schema=vol.Schema({vol.Required("module"): cv.string}))
    return True


def constant_expression():
    return eval("2 ** 10")  # safe: code-execution


def read_state(blob: bytes, text: str, path: str):
    first = pkl.loads(blob)  # vuln: unsafe-deserialization
    second = marshal.loads(blob)  # vuln: unsafe-deserialization
    third = yaml.safe_load(text)  # safe: unsafe-deserialization
    fourth = yaml_load(text, Loader=Loader)  # vuln: unsafe-deserialization
    fifth = yaml.load(text, Loader=yaml.CSafeLoader)  # safe: unsafe-deserialization
    sixth = jsonpickle.decode(text)  # vuln: unsafe-deserialization
    seventh = yaml.full_load(text)  # vuln: unsafe-deserialization
    return first, second, third, fourth, fifth, sixth, seventh


class ScriptCache:
    def load(self, data):
        return self.loads(data)  # safe: unsafe-deserialization

    def loads(self, data):
        return data.decode()
