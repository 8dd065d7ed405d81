/**
 * @module The shell helper every generated guest script uses to report on the status port (found by name
 * under /sys) and on the console: `status ready`, `status "failed <why>"`.
 * Pure: no I/O.
 */
import { STATUS_PORT } from '../guest-abi/index.js';

/** Defines `status` in a generated sh script. */
export const STATUS_HELPER = `status() {
  for port in /sys/class/virtio-ports/*; do
    if [ "$(cat "$port/name" 2>/dev/null)" = ${STATUS_PORT} ]; then
      echo "$*" > "/dev/\${port##*/}"
    fi
  done
  echo "portal: $*" > /dev/console
}`;
