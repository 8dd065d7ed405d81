#!/usr/bin/env bash
# Sets everything up, then runs the main job: the formula catalogue is validated, a Scramble ID is created
# and registered as the host's owner, the portalgun daemon starts, a real portal (application/console: a
# busybox userland on the Debian generic kernel) boots under QEMU from a read-only base through a throwaway
# overlay, signed commands run in it (every reply sealed to the owner), and it is stopped and removed without
# a trace. A forged command and bad formula input are refused. The audit log's hash chain is verified.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null

pg() { node bin/portalgun.js "$@"; }
sc() { node bin/scramble.js "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "$2"; }

work=$(mktemp -d)
daemon_pid=""
cleanup() {
  pg down console --force >/dev/null 2>&1 || true
  pg rm console --yes >/dev/null 2>&1 || true
  [[ -n $daemon_pid ]] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

step "Validate the whole formula catalogue" "portalgun formula validate"
pg formula validate

export SCRAMBLE_HOME="${SCRAMBLE_HOME:-$HOME/.config/multiverse/scramble}"
passfile="$SCRAMBLE_HOME.demo-passphrase"
if [[ ! -f $SCRAMBLE_HOME/session.json ]]; then
  if [[ ! -f $passfile ]]; then
    mkdir -p "$(dirname "$passfile")"
    (umask 077; head -c 24 /dev/urandom | base64 > "$passfile")
  fi
  step "Create a Scramble ID and register it as this host's owner" "portalgun init --passphrase-file $passfile"
  pg init --passphrase-file "$passfile"
  echo "(the demo's passphrase is in $passfile; a real identity would use your own)"
fi
step "Your Scramble ID" "scramble id show"
sc id show

if ! node bin/portalgun.js ps >/dev/null 2>&1; then
  node bin/portalgun.js daemon >"$work/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do pg ps >/dev/null 2>&1 && break; sleep 0.1; done
fi

step "Check the host" "portalgun doctor"
pg doctor

step "Boot a portal (the image is built on first use, signed by your session, verified before boot)" "portalgun up application/console"
pg up application/console

step "Its image: every artifact re-hashed, the owner's signature checked" "portalgun image verify application/console"
pg image verify application/console

step "Portals on this host" "portalgun ps"
pg ps

step "Ask its agent (a signed envelope; the reply is sealed to you)" "portalgun exec console ping"
pg exec console ping

step "Run an allowed program inside it, writing into its share" "portalgun exec console run -- /bin/busybox sh -c '…'"
pg exec console run -- /bin/busybox sh -c 'echo "kernel $(uname -r), hostname $(hostname)"; echo hello from the portal > /mnt/multiverse-portal/hello.txt'
echo "on the host: $(cat /var/lib/multiverse/shares/console/hello.txt)"

step "A verb its formula does not allow is refused" "portalgun exec console net-config"
set +e; pg exec console net-config; echo "exit code: $?"; set -e

step "The same through the Scramble Suite's own client" "scramble run console run -- /bin/busybox uname -r"
sc run console run -- /bin/busybox uname -r

step "A command that is not signed by the owner is refused" "(a raw, unsigned portal.list on the daemon socket)"
node --input-type=module -e "
import net from 'node:net';
const s = net.connect('${PORTALGUN_RUN:-/run/multiverse}/portalgun.sock');
s.on('data', (d) => { console.log(String(d).trim()); s.end(); });
s.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'portal.list', params: {} }) + '\\n');
"

step "Stop it: agent poweroff, overlay and sockets removed" "portalgun down console"
pg down console
pg ps

step "Forget it, and its share with the file it wrote (rm asks first; --yes answers)" "portalgun rm console --yes"
pg rm console --yes

step "Every decision is in the hash-chained audit log" "scramble audit show --tail 6; scramble audit verify"
sc audit show --tail 6
sc audit verify

step "Bad input is refused with file, line, field and exit code 2" "portalgun formula validate \"$work/bad\""
mkdir -p "$work/bad/application/x"
printf 'class: application\n' > "$work/bad/application/formula.yaml"
printf 'machine:\n  vcpus: two\n  gpu: yes\n' > "$work/bad/application/x/formula.yaml"
set +e
pg formula validate "$work/bad"
status=$?
set -e
echo "exit code: $status"
[[ $status -eq 2 ]]
printf '\n\033[1mdemo finished: a portal booted, ran signed commands, wrote to its share and was torn down cleanly\033[0m\n'
