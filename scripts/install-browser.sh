#!/usr/bin/env bash
# Installs what the browser tests (test/e2e) need: Debian's Chromium, driven by
# playwright-core, and CJK fonts so Chinese renders in screenshots.
# Idempotent and silent when both are already there. Needs root (or sudo) to install.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
PACKAGES=(chromium fonts-noto-cjk)

missing=()
[[ -x "$CHROMIUM" ]] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'install ok installed' || missing+=(fonts-noto-cjk)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: ${missing[*]} missing and apt-get is not available; install Chromium and a CJK font, or set CHROMIUM_PATH" >&2
  exit 1
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-browser: ${missing[*]} missing; run this script as root to install them" >&2
    exit 1
  fi
fi

echo "install-browser: installing ${PACKAGES[*]} (missing: ${missing[*]})…" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
if [[ ! -x "$CHROMIUM" ]]; then
  echo "install-browser: $CHROMIUM still missing after installing chromium" >&2
  exit 1
fi
echo "install-browser: $("$CHROMIUM" --version 2>/dev/null || echo chromium) ready" >&2
