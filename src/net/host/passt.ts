/**
 * @module The universe router's uplink in `user` mode: passt, user-mode networking that works on any laptop.
 * It runs in the host's own namespace as the QEMU account, speaks to the router's QEMU over a unix socket in
 * the portal's run folder, and turns the router's packets into ordinary sockets of the host, so the host
 * still has no interface on any portal network. IPv4 only, no inbound ports; it exits when QEMU disconnects.
 */
import { runCommand, stopByPidFile } from '../../exec/host/index.js';

/**
 * Where one passt lives: its socket and pid file, in the portal's run folder. No log file: passt gives up
 * the capability to write into that folder before it would open one; start-up errors come back on stderr.
 */
export interface PasstFiles {
  readonly socket: string;
  readonly pidFile: string;
}

/** Starts passt in the background; resolves once its socket is bound (passt's parent exits then). */
export async function startPasst(
  files: PasstFiles,
  owner: { readonly uid: number; readonly gid: number },
): Promise<void> {
  await runCommand('passt', [
    '--quiet',
    '--ipv4-only',
    '--one-off',
    '--runas',
    `${owner.uid}:${owner.gid}`,
    '--socket',
    files.socket,
    '--pid',
    files.pidFile,
    '--tcp-ports',
    'none',
    '--udp-ports',
    'none',
  ]);
}

/** Stops the passt of a pid file if it still runs (it normally exits with QEMU); safe to repeat. */
export function stopPasst(pidFile: string): Promise<void> {
  return stopByPidFile(pidFile, 'passt');
}
