/**
 * @module The emulated TPM 2.0 of one portal: swtpm (Debian's package), started as the QEMU account before
 * QEMU, with its state in a folder the daemon chose (the run folder for an ephemeral TPM, the portal's
 * volumes for a persistent one) and its control socket in the run folder, which QEMU connects to. swtpm
 * confines itself with seccomp and exits when QEMU disconnects (`--terminate`); `stopSwtpm` covers a QEMU
 * that never connected.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { MvError } from '../../errors/index.js';
import { runCommand, stopByPidFile } from '../../exec/host/index.js';

/** Where one swtpm keeps its state and is reached. */
export interface SwtpmFiles {
  readonly stateDir: string;
  readonly socket: string;
  readonly pidFile: string;
  readonly logFile: string;
}

/** Starts swtpm in the background as `owner`; resolves once its control socket exists. */
export async function startSwtpm(
  files: SwtpmFiles,
  owner: { readonly uid: number; readonly gid: number },
): Promise<void> {
  await runCommand(
    'swtpm',
    [
      'socket',
      '--tpm2',
      '--tpmstate',
      `dir=${files.stateDir},mode=0600`,
      '--ctrl',
      `type=unixio,path=${files.socket},mode=0600`,
      '--pid',
      `file=${files.pidFile}`,
      '--log',
      `file=${files.logFile},level=1`,
      '--seccomp',
      'action=kill',
      '--terminate',
      '--daemon',
    ],
    { user: owner, timeoutMs: 10_000 },
  );
  for (let waited = 0; !existsSync(files.socket); waited += 20) {
    if (waited > 5_000) {
      throw new MvError('host.command-failed', `swtpm did not create its socket ${files.socket}`, {
        hint: `Its log is ${files.logFile}.`,
      });
    }
    await sleep(20);
  }
}

/** Stops the swtpm of a pid file if it still runs (it normally exits with QEMU); safe to repeat. */
export function stopSwtpm(pidFile: string): Promise<void> {
  return stopByPidFile(pidFile, 'swtpm');
}
