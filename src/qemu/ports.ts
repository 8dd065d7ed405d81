/**
 * @module The host end of each channel between a portal and its host, as QEMU is told it: the agent's and
 * the status virtio-serial ports, the serial console when the formula has one, and QMP, QEMU's own monitor.
 * argv.ts and libvirt-xml.ts render the character devices from this; the plan carries it (`plan.ports`), and
 * the daemon connects, reads and watches where it says.
 * Pure: no I/O.
 */
import type { Manifest } from '../formula/index.js';
import { AGENT_PORT, SERIAL_CONSOLE, STATUS_PORT } from '../guest-abi/index.js';
import { type PortalInstance, runFiles } from '../instance/index.js';

/** A guest channel's host end: the QEMU character device that carries it. */
export interface ChannelEnd {
  /** What the guest finds it as: a virtio-serial port's name, or the serial device. */
  readonly guest: string;
  /** The character device's id: `-chardev <backend>,id=<chardev>,path=<path>,…`. */
  readonly chardev: string;
  /** A unix socket QEMU listens on, or a file QEMU writes. */
  readonly backend: 'socket' | 'file';
  readonly path: string;
}

/** Every channel of a portal, each with its host end. */
export interface PortalPorts {
  /** The agent's port: a socket the daemon connects to (QEMU serves one client at a time). */
  readonly agent: ChannelEnd;
  /** The status port: a file the daemon reads the guest's progress and `ready` from. */
  readonly status: ChannelEnd;
  /** The serial console and the log QEMU keeps of it; null without `devices.console`. */
  readonly console: (ChannelEnd & { readonly log: string }) | null;
  /** QMP, QEMU's monitor (no guest end): the daemon's one connection to QEMU itself. */
  readonly qmp: { readonly backend: 'socket'; readonly path: string };
}

/** The channels of a portal instance. */
export function portalPorts(manifest: Manifest, instance: PortalInstance): PortalPorts {
  const files = runFiles(instance.runDir);
  const console = manifest.devices.console
    ? ({
        guest: SERIAL_CONSOLE,
        chardev: 'console',
        backend: 'socket',
        path: files.console,
        log: files.consoleLog,
      } as const)
    : null;
  return {
    agent: { guest: AGENT_PORT, chardev: 'agent', backend: 'socket', path: files.agent },
    status: { guest: STATUS_PORT, chardev: 'status', backend: 'file', path: files.status },
    console,
    qmp: { backend: 'socket', path: files.qmp },
  };
}
