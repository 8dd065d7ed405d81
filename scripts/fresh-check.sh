#!/usr/bin/env bash
# Runs the README's test command the way a new user would: in a fresh clone of this repository's committed
# HEAD, in a temporary folder, with an empty HOME (no Scramble identity, no npm cache) and an empty test
# cache, so nothing an earlier demo, test run or build left on this machine can make it pass. npm keeps the
# host's own configuration (its user config file is passed on explicitly), because that is where this
# machine says how to reach its registry and build native addons.
#   scripts/fresh-check.sh            check HEAD
#   KEEP=1 scripts/fresh-check.sh     keep the clone afterwards (it is printed)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
npm_userconfig=$(npm config get userconfig)

work=$(mktemp -d /tmp/mv-fresh-XXXXXX)
# QEMU runs as an unprivileged account and must reach the clone's test cache.
chmod 755 "$work"
cleanup() { [[ -n ${KEEP:-} ]] && echo "fresh-check: kept $work" || rm -rf "$work"; }
trap cleanup EXIT

git clone --quiet --no-hardlinks "$repo" "$work/repo"
mkdir -m 700 "$work/home"
echo "fresh-check: $(git -C "$work/repo" log -1 --format='%h %s') in $work/repo, HOME=$work/home"

cd "$work/repo"
env -u SCRAMBLE_HOME -u XDG_CONFIG_HOME -u PORTALGUN_STATE -u PORTALGUN_RUN -u PORTALGUN_FORMULAS \
  -u MULTIVERSE_TEST_CACHE HOME="$work/home" NPM_CONFIG_USERCONFIG="$npm_userconfig" \
  bash scripts/test.sh
echo "fresh-check: passed"
