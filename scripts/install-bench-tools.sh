#!/usr/bin/env bash
# Installs what the benchmark (npm run bench) and its smoke test need from Debian:
# wrk, the load generator (C, several threads: it is not the limit the way a
# single JavaScript thread is), and nginx, which serves the generator's ceiling
# (a 1 KB file) and the same-bytes static baseline.
# Idempotent and silent when both are already there. Needs root (or sudo) to install.
set -euo pipefail

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
{ command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]]; } || missing+=(nginx-light)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-bench-tools: ${missing[*]} missing and apt-get is not available; install wrk and nginx" >&2
  exit 1
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-bench-tools: ${missing[*]} missing; run this script as root to install them" >&2
    exit 1
  fi
fi

echo "install-bench-tools: installing ${missing[*]}…" >&2
"${SUDO[@]}" apt-get update -qq
# nginx-light is the smallest nginx package; plain nginx where a release lacks it.
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
  others=("${missing[@]/nginx-light/nginx}")
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${others[@]}" >/dev/null
fi
# Installing the package may start the distribution's nginx service (port 80); the bench
# runs its own nginx processes with their own configuration and needs none of it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  "${SUDO[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
fi
command -v wrk >/dev/null 2>&1 || { echo "install-bench-tools: wrk still missing" >&2; exit 1; }
{ command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]]; } || { echo "install-bench-tools: nginx still missing" >&2; exit 1; }
echo "install-bench-tools: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), $( (command -v nginx || echo /usr/sbin/nginx) | xargs -I{} sh -c '{} -v 2>&1') ready" >&2
