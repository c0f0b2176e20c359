#!/usr/bin/env bash
# Installs the C libraries clinic-site builds against, from Debian's packages, when missing.
# Idempotent: when everything is present it only checks (well under a second).
set -euo pipefail

# libvips-dev: responsive images; libhyphen-dev and hyphen-en-us: syllables for the readability rule;
# libcurl4-openssl-dev: <curl/curl.h>, which ExternalFetchTests compiles Sources/CCurl against
# (clinic-site loads libcurl4 itself with dlopen for --check-external and does not need it to build).
packages=(pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libgumbo-dev libvips-dev libhyphen-dev hyphen-en-us libcurl4-openssl-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "install-deps: Swift 6 is needed (https://www.swift.org/install/linux/); 'swift' is not on PATH" >&2
  exit 2
fi
