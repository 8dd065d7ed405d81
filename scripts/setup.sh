#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (run as root) for Multiverse, idempotently:
#   1. the Debian packages portalgun and its tests use (only the missing ones are installed);
#   2. the npm dependencies (npm ci, skipped when package-lock.json has not changed);
#   3. the compiled CLI (dist/, used by bin/portalgun.js).
set -euo pipefail
cd "$(dirname "$0")/.."

# qemu-system-x86, qemu-utils: the portals themselves and their qcow2 overlays.
# libvirt-clients, libxml2-utils: virt-xml-validate, which checks the rendered libvirt XML.
PACKAGES=(qemu-system-x86 qemu-utils libvirt-clients libxml2-utils)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 6
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=node_modules/.multiverse-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

echo "setup: building the CLI"
npm run --silent build
echo "setup: done"
