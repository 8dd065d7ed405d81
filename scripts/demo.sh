#!/usr/bin/env bash
# Sets everything up, then runs the main job: the formula catalogue is validated, the portalgun daemon
# starts, a real portal (application/console: a busybox userland on the Debian generic kernel) boots under
# QEMU from a read-only base through a throwaway overlay, answers agent verbs, writes into its share, and
# is stopped and removed without a trace. Bad input is refused with file, line, field and exit code 2.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null

pg() { node bin/portalgun.js "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n$ portalgun %s\n' "$1" "${*:2}"; }

work=$(mktemp -d)
daemon_pid=""
cleanup() {
  pg down console --force >/dev/null 2>&1 || true
  pg rm console >/dev/null 2>&1 || true
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

step "Validate the whole formula catalogue" formula validate
pg formula validate

if ! pg ps >/dev/null 2>&1; then
  node bin/portalgun.js daemon >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do pg ps >/dev/null 2>&1 && break; sleep 0.1; done
fi

step "Check the host" doctor
pg doctor

step "Boot a portal (the image is built on first use)" up application/console
pg up application/console

step "Portals on this host" ps
pg ps

step "Ask its agent" exec console ping
pg exec console ping

step "Run an allowed program inside it, writing into its share" exec console run -- /bin/busybox sh -c '…'
pg exec console run -- /bin/busybox sh -c 'echo "kernel $(uname -r), hostname $(hostname)"; echo hello from the portal > /mnt/multiverse-portal/hello.txt'
echo "on the host: $(cat /var/lib/multiverse/shares/console/hello.txt)"

step "A verb its formula does not allow is refused" exec console net-config
set +e; pg exec console net-config; echo "exit code: $?"; set -e

step "Stop it: agent poweroff, overlay and sockets removed" down console
pg down console
pg ps
pg rm console

step "Bad input is refused with file, line, field and exit code 2" formula validate "$work/bad"
mkdir -p "$work/bad/application/x"
printf 'class: application\n' > "$work/bad/application/formula.yaml"
printf 'machine:\n  vcpus: two\n  gpu: yes\n' > "$work/bad/application/x/formula.yaml"
set +e
pg formula validate "$work/bad"
status=$?
set -e
echo "exit code: $status"
[[ $status -eq 2 ]]
printf '\n\033[1mdemo finished: a portal booted, answered its agent, wrote to its share and was torn down cleanly\033[0m\n'
