"""Helpers that talk to the script marketplace."""
import os

MARKET_URL = "https://market.example.com/api"  # safe: hardcoded-credentials
MARKET_API_KEY = "mk_5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c"  # vuln: hardcoded-credentials
API_KEY_ENV = "SCRIPT_RUNNER_API_KEY"  # safe: hardcoded-credentials
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"  # vuln: hardcoded-credentials
TOKEN_HEADER = "Authorization"  # safe: hardcoded-credentials


def market_headers():
    token = os.environ.get(API_KEY_ENV, "")  # safe: hardcoded-credentials
    return {"Authorization": f"Bearer {token}"}  # safe: hardcoded-credentials


def demo_headers():
    return {"Authorization": "Bearer 7f3a9c1e5b2d8f4a6c0e9b7d3f1a5c8e"}  # vuln: hardcoded-credentials


def connect(client, password="s3cure-Default-2024"):  # vuln: hardcoded-credentials
    return client.login(username="admin", password=password)  # safe: hardcoded-credentials


def placeholders(client):
    return client.login(api_key="<your api key>", secret="changeme")  # safe: hardcoded-credentials
