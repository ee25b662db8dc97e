#!/usr/bin/env bash
# Installs the Debian 12 packages embargo needs to build and test.
# Run as root (or with sudo). Skips apt-get when everything is present.
set -euo pipefail
pkgs=(build-essential pkg-config meson ninja-build
      libicu-dev libjansson-dev libxml2-dev libsqlite3-dev libcmocka-dev
      libcurl4-openssl-dev libmicrohttpd-dev sqlite3 python3 curl wrk
      chromium ca-certificates util-linux
      valgrind clang libclang-rt-14-dev jq)
missing=()
# Node.js and npm run the web page's browser test. A machine may have them
# from elsewhere (NodeSource's nodejs bundles npm and conflicts with
# Debian's npm package): install Debian's only when the commands are absent.
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
