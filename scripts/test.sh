#!/usr/bin/env bash
# Sets everything up, then runs the whole test suite: type check and build, lint and dependency rules,
# generated-docs check, unit tests and integration tests (real qemu-system-x86_64 and virt-xml-validate).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
npm test
