#!/usr/bin/env bash
# Installs what the in-host VS Code suites (npm run test:vscode) and the UI tests (npm run test:e2e) need:
#   - Debian packages: libkrb5-dev (kerberos headers), ripgrep, chromium, and a C/C++ tool chain for node-gyp;
#   - code-server 4.100.3 (= VS Code 1.100.3) from npm into .vscode-e2e/ at the repository root.
# Why code-server and not @vscode/test-electron: only the npm registry and Debian's mirrors are reachable on
# our machines, and code-server's own postinstall downloads ripgrep from GitHub, so it is installed without
# scripts and finished by hand (see ../shared/notes/vscode-e2e.md).
#
# Idempotent: a second run checks the installation and exits in well under a second.
# Works as root on a fresh Debian 12 with CI=true and no stdin. Override the tool folder with CITEWISE_E2E_DIR.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOL="${CITEWISE_E2E_DIR:-$ROOT/.vscode-e2e}"
CS_PKG="$TOOL/node_modules/code-server"
CS_BIN="$TOOL/node_modules/.bin/code-server"
VSCODE_DIR="$CS_PKG/lib/vscode"
MARKER="$TOOL/.installed-code-server-$CODE_SERVER_VERSION"
START=$SECONDS

log() { printf '[setup %3ss] %s\n' "$((SECONDS - START))" "$*"; }
die() { printf '\n[setup] ERROR: %s\n' "$*" >&2; exit 1; }
exec </dev/null   # never wait for input (apt, npx)
export DEBIAN_FRONTEND=noninteractive
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# ---------------------------------------------------------------------------------------------------------
# 1. Debian packages, only those that are missing
# ---------------------------------------------------------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
for pkg in libkrb5-dev ripgrep chromium; do
  installed "$pkg" || missing+=("$pkg")
done
# node-gyp needs python3, make and a C++ compiler to rebuild code-server's native modules.
command -v python3 >/dev/null 2>&1 || missing+=(python3)
{ command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1; } || missing+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || installed pkg-config || missing+=(pkg-config)

if ((${#missing[@]})); then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install: ${missing[*]}"
    SUDO=(sudo -n)
  fi
  log "apt-get update"
  "${SUDO[@]}" apt-get update -qq
  log "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
else
  log "Debian packages present: libkrb5-dev ripgrep chromium (and a build tool chain)"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing after apt-get install chromium"
command -v rg >/dev/null 2>&1 || die "rg (ripgrep) is missing after apt-get install ripgrep"

# ---------------------------------------------------------------------------------------------------------
# 2. code-server, unless already installed and working
# ---------------------------------------------------------------------------------------------------------
# --config and XDG_* keep code-server from writing a config file and logs into the home folder.
run_code_server() {
  mkdir -p "$TOOL/xdg"
  [ -f "$TOOL/config.yaml" ] || printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' >"$TOOL/config.yaml"
  XDG_CONFIG_HOME="$TOOL/xdg/config" XDG_DATA_HOME="$TOOL/xdg/data" XDG_CACHE_HOME="$TOOL/xdg/cache" \
    "$CS_BIN" --config "$TOOL/config.yaml" "$@"
}
code_server_version() { run_code_server --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -n 1 || true; }

if [ -f "$MARKER" ] && [ -x "$CS_BIN" ] && [ -f "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg" ] &&
  [[ "$(code_server_version)" == "$CODE_SERVER_VERSION "* ]]; then
  log "code-server already installed in $TOOL: $(code_server_version)"
  log "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
  log "done"
  exit 0
fi

log "installing code-server $CODE_SERVER_VERSION into $TOOL"
rm -f "$MARKER"
mkdir -p "$TOOL"
# A package.json of its own, so npm installs here and not into the repository's node_modules.
[ -f "$TOOL/package.json" ] ||
  printf '{\n  "name": "citewise-vscode-e2e-tools",\n  "private": true,\n  "description": "Written by test/e2e/setup.sh; not part of Citewise"\n}\n' >"$TOOL/package.json"

log "npm install --ignore-scripts code-server@$CODE_SERVER_VERSION (its postinstall would download rg from GitHub)"
(cd "$TOOL" && npm install --ignore-scripts --save-exact --loglevel=error "code-server@$CODE_SERVER_VERSION" >/dev/null)
[ -d "$VSCODE_DIR" ] || die "$VSCODE_DIR missing after npm install"

log "npm install --omit=dev --ignore-scripts in code-server/lib/vscode"
(cd "$VSCODE_DIR" && npm install --omit=dev --ignore-scripts --loglevel=error >/dev/null)

# node-gyp: use the copy bundled with npm if there is one, else npx; use local Node headers when present,
# because nodejs.org (where node-gyp downloads headers from) is not reachable here.
NPM_ROOT="$(npm root -g)"
if [ -f "$NPM_ROOT/npm/node_modules/node-gyp/bin/node-gyp.js" ]; then
  GYP=(node "$NPM_ROOT/npm/node_modules/node-gyp/bin/node-gyp.js")
else
  GYP=(npx --yes node-gyp)
fi
NODE_PREFIX="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
GYP_ARGS=()
if [ -f "$NODE_PREFIX/include/node/node.h" ]; then
  GYP_ARGS+=("--nodedir=$NODE_PREFIX")
  export npm_config_nodedir="$NODE_PREFIX"   # for npm rebuild argon2 below
fi

for m in kerberos node-pty native-watchdog @vscode/spdlog @parcel/watcher @vscode/deviceid; do
  dir="$VSCODE_DIR/node_modules/$m"
  [ -d "$dir" ] || die "native module $m not found in $VSCODE_DIR/node_modules"
  log "node-gyp rebuild $m"
  (cd "$dir" && "${GYP[@]}" rebuild "${GYP_ARGS[@]}" --loglevel=error >/dev/null 2>"$TOOL/node-gyp-${m//\//_}.log") ||
    die "node-gyp rebuild of $m failed; see $TOOL/node-gyp-${m//\//_}.log"
done

log "copying $(command -v rg) into @vscode/ripgrep/bin (instead of the GitHub download)"
mkdir -p "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
cp -f "$(command -v rg)" "$VSCODE_DIR/node_modules/@vscode/ripgrep/bin/rg"

log "linking node_modules.asar -> node_modules"
ln -sfn node_modules "$VSCODE_DIR/node_modules.asar"

log "npm rebuild argon2"
(cd "$TOOL" && npm rebuild argon2 --loglevel=error >/dev/null)

version="$(code_server_version)"
[[ "$version" == "$CODE_SERVER_VERSION "* ]] ||
  die "code-server --version printed '$version', expected $CODE_SERVER_VERSION ...; the installation is broken (remove $TOOL and run again)"
log "code-server --version: $version"
log "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '?')"
date -u +%FT%TZ >"$MARKER"
log "done: code-server $CODE_SERVER_VERSION installed in $TOOL"
