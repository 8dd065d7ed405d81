/**
 * @module Finds the guest's virtio-serial ports by name: QEMU's `virtserialport name=…` shows up as
 * /sys/class/virtio-ports/<vportNpM>/name, and the port itself is /dev/<vportNpM>. The ports appear when
 * the virtio console driver has probed, which may be after the agent starts, so callers can wait.
 */
import type { GuestSystem } from './system.js';

/** Where the kernel lists virtio-serial ports. */
export const VIRTIO_PORTS_DIR = '/sys/class/virtio-ports';

const PORT_ENTRY = /^vport[0-9]+p[0-9]+$/;

/** The device path of the port with this name, or undefined when there is none (yet). */
export async function readPortPath(
  name: string,
  system: Pick<GuestSystem, 'listDir' | 'readFile'>,
): Promise<string | undefined> {
  let entries: string[];
  try {
    entries = await system.listDir(VIRTIO_PORTS_DIR);
  } catch {
    // No virtio-serial device at all (yet): the same answer as no port with this name.
    return undefined;
  }
  for (const entry of entries.filter((e) => PORT_ENTRY.test(e)).sort()) {
    const portName = await system.readFile(`${VIRTIO_PORTS_DIR}/${entry}/name`).catch(() => '');
    if (portName.trim() === name) return `/dev/${entry}`;
  }
  return undefined;
}

/** Options of `waitForPort`. */
export interface WaitOptions {
  readonly system: Pick<GuestSystem, 'listDir' | 'readFile'>;
  readonly attempts: number;
  readonly intervalMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** `readPortPath`, retried until the port shows up or the attempts run out. */
export async function waitForPort(name: string, options: WaitOptions): Promise<string | undefined> {
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    const path = await readPortPath(name, options.system);
    if (path !== undefined || attempt === options.attempts) return path;
    await options.sleep(options.intervalMs);
  }
  return undefined;
}
