/**
 * @module Stops a helper process by its pid file (passt, swtpm), checking first that the pid still belongs to
 * that program: a pid file outlives its process, and the pid may be reused by anything else by then.
 */
import { readFile } from 'node:fs/promises';

/** Sends SIGTERM to the pid in `pidFile` if that process is still `program`; safe to repeat. */
export async function stopByPidFile(pidFile: string, program: string): Promise<void> {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  const name = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
  if (name.trim() !== program) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // It exited between the check and the signal: nothing left to stop.
  }
}
