from datetime import timedelta

DOMAIN = "lan_camera"
CONF_STREAM_PATH = "stream_path"
SCAN_INTERVAL = timedelta(seconds=10)  # safe: rate-limiting
SNAPSHOT_DIR = "lan_camera_snapshots"
DEFAULT_USERNAME = "admin"  # safe: hardcoded-credentials
DEFAULT_PASSWORD = ""  # safe: hardcoded-credentials
ONVIF_NS = "http://www.onvif.org/ver10/schema"  # safe: tls-verification
