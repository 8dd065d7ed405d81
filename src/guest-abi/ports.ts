/**
 * @module The virtio-serial ports every portal has, by the name the guest finds them under
 * (`/sys/class/virtio-ports/*\/name`): QEMU's renderer names them, the agent and the image's init scripts
 * look them up.
 * Pure: no I/O, no imports.
 */

/** The agent's request/response port (framed JSON, one request at a time). */
export const AGENT_PORT = 'org.multiverse-os.agent';

/** The one-way status port: boot progress lines and `ready <portalName>`. */
export const STATUS_PORT = 'org.multiverse-os.status';
