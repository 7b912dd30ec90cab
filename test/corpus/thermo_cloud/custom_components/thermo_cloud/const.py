"""Constants for Thermo Cloud."""
from datetime import timedelta
from typing import Final

DOMAIN: Final = "thermo_cloud"
CONF_REFRESH_TOKEN: Final = "refresh_token"  # safe: hardcoded-credentials
CONF_CLIENT_SECRET = "client_secret"  # safe: hardcoded-credentials
OAUTH_TOKEN_URL = "https://auth.thermo.example/oauth2/token"  # safe: hardcoded-credentials, tls-verification
OAUTH_AUTHORIZE_URL = "https://auth.thermo.example/oauth2/authorize"  # safe: hardcoded-credentials
API_BASE = "https://api.thermo.example/v1"  # safe: tls-verification
LEGACY_API_BASE = "http://legacy.thermo.example/api"  # vuln: tls-verification
CLIENT_ID = "ha-thermo-cloud"  # safe: hardcoded-credentials
CLIENT_SECRET = "tc_live_8d7f6e5a4b3c2d1e0f9a8b7c6d5e"  # vuln: hardcoded-credentials
DEFAULT_SCAN_INTERVAL = timedelta(minutes=2)  # safe: rate-limiting
FAST_SCAN_INTERVAL = timedelta(seconds=10)
ERROR_INVALID_TOKEN = "invalid_token"  # safe: hardcoded-credentials
ATTR_SETPOINT = "setpoint"
