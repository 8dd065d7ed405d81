#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine (run as root) for Multiverse, idempotently:
#   1. the Debian packages portalgun and its tests use (only the missing ones are installed);
#   2. the unprivileged account QEMU runs as (multiverse-qemu);
#   3. the npm dependencies (npm ci, skipped when package-lock.json has not changed);
#   4. the compiled CLI and guest agent (dist/);
#   5. the Debian generic kernel in the image store (downloaded and unpacked, never installed on the host).
# --tests skips step 5: the tests install their own kernel into their own cache (scripts/run-tests.mjs) and
# never touch the machine's image store.
set -euo pipefail
cd "$(dirname "$0")/.."
for_tests=false
[[ ${1:-} == --tests ]] && for_tests=true

# qemu-system-x86, qemu-utils: the portals themselves and their qcow2 overlays.
# busybox-static, e2fsprogs, xz-utils: micro images (guest userland, ext4 root image, kernel extraction).
# nftables, iproute2: portal networks. tor, wireguard-tools: copied into the star and galaxy router images.
# libvirt-clients, libxml2-utils: virt-xml-validate, which checks the rendered libvirt XML;
# libvirt-daemon-system: virsh boots a `portalgun export` (its test runs a user's own libvirtd, no service).
# tmux: the Scramble Shell's test drives it in a real terminal.
# graphviz: `portalgun net graph --format svg` draws the router chain with dot.
# debootstrap, debian-archive-keyring, erofs-utils: Debian images (minbase checked against Debian's keys,
# then read-only erofs layers).
# passt: user-mode networking for the universe router's `user` uplink.
# ovmf, seabios: firmware for q35 portals (boot.firmware); swtpm: their emulated TPM (devices.tpm).
# zsh, fish: the completion tests load the generated completion scripts into each shell.
# rt-tests: cyclictest, copied into the portal of the real-time benchmark (bench/realtime.bench.ts).
# wireguard-go: the router tests' VPN server (a userspace WireGuard: the host kernel may lack the module).
# libfaketime: the replay test steps a test daemon's wall clock (test/integration/scramble/host-auth.test.ts).
PACKAGES=(qemu-system-x86 qemu-utils busybox-static e2fsprogs xz-utils nftables iproute2 tor wireguard-tools libvirt-clients libxml2-utils libvirt-daemon-system tmux graphviz wireguard-go passt debootstrap debian-archive-keyring erofs-utils ovmf seabios swtpm zsh fish shellcheck rt-tests libfaketime)

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

# The host itself never runs Tor: the tor package is only where the star router image copies it from.
if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled tor >/dev/null 2>&1; then
  systemctl disable --now tor >/dev/null 2>&1 || true
fi

if ! id multiverse-qemu >/dev/null 2>&1; then
  echo "setup: creating the multiverse-qemu account (QEMU never runs as root)"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin multiverse-qemu
fi

echo "setup: building the CLI and guest agent"
npm run --silent build

if ! $for_tests; then
  echo "setup: kernel"
  node bin/portalgun.js image kernel
fi
echo "setup: done"
