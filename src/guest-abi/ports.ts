/**
 * @module The channels every portal has to its host, by the name the guest finds them under: the
 * virtio-serial ports (`/sys/class/virtio-ports/*\/name`), which QEMU's renderer names and the agent and the
 * image's init scripts look up, and the serial console (`/dev/ttyS0`, when the formula has one).
 * Pure: no I/O, no imports.
 */

/** The agent's request/response port (framed JSON, one request at a time). */
export const AGENT_PORT = 'org.multiverse-os.agent';

/** The one-way status port: boot progress lines and `ready <portalName>`. */
export const STATUS_PORT = 'org.multiverse-os.status';

/** The serial device the console is, in the guest: the kernel's `console=` and the console shell's tty. */
export const SERIAL_CONSOLE = 'ttyS0';
