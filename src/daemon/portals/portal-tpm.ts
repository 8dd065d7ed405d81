/**
 * @module A portal's emulated TPM: its swtpm, started as the QEMU account before QEMU with its state folder
 * (prepared by portal-files.ts) and its socket, pid and log in the run folder; registered for undo, and
 * stopped with the run folder on every way out (it also exits by itself when QEMU disconnects).
 */

import { runFiles } from '../../instance/index.js';
import { startSwtpm, stopSwtpm } from '../../qemu/host/index.js';
import type { Reverter } from './reverter.js';

/** Starts the portal's swtpm; QEMU connects to it through the run folder's swtpm.sock. */
export async function startPortalTpm(
  runDir: string,
  stateDir: string,
  owner: { readonly uid: number; readonly gid: number },
  reverter: Reverter,
): Promise<void> {
  const files = runFiles(runDir);
  await startSwtpm(
    { stateDir, socket: files.swtpm, pidFile: files.swtpmPid, logFile: files.swtpmLog },
    owner,
  );
  reverter.add(`stop the swtpm of ${runDir}`, () => stopPortalTpm(runDir));
}

/** Stops the portal's swtpm if it still runs; safe to repeat, and a no-op for portals without a TPM. */
export function stopPortalTpm(runDir: string): Promise<void> {
  return stopSwtpm(runFiles(runDir).swtpmPid);
}
