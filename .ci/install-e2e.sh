#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e/run.mjs) need: Debian's Chromium and build tools,
# and code-server (a real VS Code served to a browser) plus playwright-core, in a folder outside
# the project's node_modules. Idempotent: skips whatever is already there.
#
#   bash .ci/install-e2e.sh            # installs into ${HA_SECURITY_E2E_HOME:-/opt/ha-security-e2e}
#
# Only the npm registry and Debian's packages are used; code-server's own postinstall (which
# downloads ripgrep) is replaced by the manual steps below.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
PLAYWRIGHT_CORE_VERSION="${HA_SECURITY_E2E_PLAYWRIGHT_VERSION:-1.64.1}"
E2E_HOME="${HA_SECURITY_E2E_HOME:-/opt/ha-security-e2e}"
APT_PACKAGES=(build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium python3)

log() { printf '[install-e2e] %s\n' "$*"; }
SECONDS=0

# Use npm's bundled node-gyp (no download) and build against Node's own headers.
NODE_GYP="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
if [[ ! -f "$NODE_GYP" ]]; then
  NODE_GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
fi
# Node's headers ship with Debian's/NodeSource's node under <prefix>/include/node; npm's config may name it.
NODEDIR="$(npm config get nodedir 2>/dev/null || true)"
if [[ -z "$NODEDIR" || "$NODEDIR" == "undefined" || "$NODEDIR" == "null" ]]; then
  NODEDIR="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
fi
if [[ ! -f "$NODEDIR/include/node/node.h" ]]; then
  echo "[install-e2e] error: Node headers not found under $NODEDIR/include/node (node-gyp would try to download them)" >&2
  exit 1
fi
node_gyp() { node "$NODE_GYP" --nodedir="$NODEDIR" "$@"; }

# --- 1. Debian packages ------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  log "apt-get install: ${missing[*]}"
  $SUDO apt-get update -qq
  APT_LOG="$(mktemp /tmp/install-e2e-apt.XXXXXX.log)"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >"$APT_LOG" 2>&1; then
    tail -n 40 "$APT_LOG" >&2
    log "error: apt-get install failed (full log: $APT_LOG)"
    exit 1
  fi
  log "apt-get install done ($(grep -c '^Setting up' "$APT_LOG" || true) packages set up)"
else
  log "Debian packages already installed: ${APT_PACKAGES[*]}"
fi

# --- 2. code-server + playwright-core ----------------------------------------
CS_BIN="$E2E_HOME/node_modules/.bin/code-server"
cs_ok() { [[ -x "$CS_BIN" ]] && "$CS_BIN" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "; }
pw_ok() { [[ -f "$E2E_HOME/node_modules/playwright-core/package.json" ]]; }

if cs_ok && pw_ok; then
  log "code-server $CODE_SERVER_VERSION and playwright-core already installed in $E2E_HOME: nothing to do"
  "$CS_BIN" --version | head -1
  exit 0
fi

mkdir -p "$E2E_HOME"
cd "$E2E_HOME"
# Own package.json so npm does not walk up into another project.
[[ -f package.json ]] || printf '{\n  "name": "ha-security-e2e-home",\n  "private": true\n}\n' > package.json

if ! pw_ok; then
  log "npm install playwright-core@$PLAYWRIGHT_CORE_VERSION (no browser download: Debian's chromium is used)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --save-exact "playwright-core@$PLAYWRIGHT_CORE_VERSION"
fi

if ! cs_ok; then
  log "npm install --ignore-scripts code-server@$CODE_SERVER_VERSION"
  npm install --no-audit --no-fund --save-exact --ignore-scripts "code-server@$CODE_SERVER_VERSION"

  CS_DIR="$E2E_HOME/node_modules/code-server"
  VS="$CS_DIR/lib/vscode"

  log "lib/vscode: npm install --omit=dev --ignore-scripts"
  (cd "$VS" && npm install --no-audit --no-fund --omit=dev --ignore-scripts)

  for m in kerberos node-pty native-watchdog @parcel/watcher @vscode/spdlog @vscode/deviceid; do
    if [[ -d "$VS/node_modules/$m" ]]; then
      log "node-gyp rebuild: $m"
      (cd "$VS/node_modules/$m" && node_gyp rebuild >/dev/null 2>"$E2E_HOME/node-gyp-$(basename "$m").log" \
        || { cat "$E2E_HOME/node-gyp-$(basename "$m").log" >&2; exit 1; })
    else
      log "warning: $m not found in lib/vscode/node_modules"
    fi
  done

  log "ripgrep: copy $(command -v rg) into @vscode/ripgrep/bin"
  mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
  cp -f "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"

  log "symlinks: node_modules.asar, remote-cli/code-server, helpers/browser.sh"
  (cd "$VS" && ln -sfn node_modules node_modules.asar)
  (cd "$VS/bin/remote-cli" && ln -sf code-linux.sh code-server)
  (cd "$VS/bin/helpers" && ln -sf browser-linux.sh browser.sh)

  log "lib/vscode/extensions: npm install --omit=dev --ignore-scripts"
  (cd "$VS/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts)

  ARGON2_DIR="$CS_DIR/node_modules/argon2"
  [[ -d "$ARGON2_DIR" ]] || ARGON2_DIR="$E2E_HOME/node_modules/argon2"
  log "argon2: build native binding from source ($ARGON2_DIR)"
  (cd "$ARGON2_DIR" && npm_config_build_from_source=true npm run install >"$E2E_HOME/argon2-build.log" 2>&1 \
    || { tail -n 40 "$E2E_HOME/argon2-build.log" >&2; exit 1; })

  if ! cs_ok; then
    log "error: code-server --version does not report $CODE_SERVER_VERSION:"
    "$CS_BIN" --version || true
    exit 1
  fi
fi

log "done in ${SECONDS}s: $("$CS_BIN" --version | head -1)"
log "playwright-core $(node -p "require('$E2E_HOME/node_modules/playwright-core/package.json').version")"
