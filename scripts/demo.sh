#!/usr/bin/env bash
# Sets everything up, then walks through what portalgun does today: the formula tree is resolved and
# validated, a manifest is shown with the file and line behind every field, and the formulas are rendered
# into the QEMU command line, libvirt XML (checked by virt-xml-validate) and guest fstab. Bad input is
# refused with file, line, field and exit code 2.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null

pg() { node bin/portalgun.js "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n$ portalgun %s\n' "$1" "${*:2}"; }

step "Validate the whole catalogue" formula validate
pg formula validate

step "The formula tree" formula list
pg formula list

step "Fixed addresses of the address plan" formula list --addresses
pg formula list --addresses

step "Where each setting of the star router comes from" formula show service/router/star --provenance
pg formula show service/router/star --provenance | grep -E '^(FIELD|machine|networks|packages|agent.verbs|restart|startOrder)'

step "QEMU command line of the console portal" plan application/console
pg plan application/console | awk '/^-/ { if (line) print line; line = "  " $0; next } { line = line " " $0 } END { print line }'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step "libvirt XML of the user controller, checked by virt-xml-validate" plan controller/user --format libvirt
pg plan controller/user --format libvirt > "$work/user.xml"
head -n 12 "$work/user.xml"
virt-xml-validate "$work/user.xml" domain

step "Guest fstab of the media portal (read-only subfolder)" plan application/media --format fstab
pg plan application/media --format fstab

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
printf '\n\033[1mdemo finished: catalogue valid, plans rendered and validated, bad input refused\033[0m\n'
