/**
 * @module A portal's log folder: a tmpfs of the formula's `limits.logs` size, root's and mode 0700, mounted
 * in the run folder before that folder is handed to the portal's account, holding what the guest can make
 * grow (the console log, the status channel, QEMU's own output). A guest that writes without end fills its
 * own folder, never the host's state disk, and its pages count against its QEMU's memory limit. The console
 * log is rotated once it passes a quarter of the folder (one older part is kept), so the latest output is
 * there when someone needs it; the status channel is read from the start and never rotated.
 */
import { constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import { isMountPoint, openRegularFileNoFollow } from '../../files/host/index.js';
import { runFiles } from '../../instance/index.js';

const MIB = 1024 * 1024;

/** Mounts a portal's log folder (its run folder is still root's, so the path cannot be a planted link). */
export async function mountLogFolder(runDir: string, sizeMiB: number): Promise<void> {
  const { logs } = runFiles(runDir);
  await mkdir(logs, { mode: 0o700 });
  await runCommand('mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${sizeMiB}m,mode=0700,uid=0,gid=0,nosuid,nodev,noexec`,
    'multiverse-logs',
    logs,
  ]);
}

/**
 * Unmounts a portal's log folder if it is one. Only a folder that is itself a mount point is unmounted: a
 * mounted folder cannot be renamed or replaced, and a link the account made in its place is no mount point.
 * A folder still busy just after QEMU ended (a log being read) is waited for briefly, then detached.
 */
export async function unmountLogFolder(runDir: string): Promise<void> {
  const { logs } = runFiles(runDir);
  if (!(await isMountPoint(logs))) return;
  for (let attempt = 0; attempt < 20; attempt++) {
    const busy = await runCommand('umount', [logs]).then(
      () => false,
      (error: unknown) => error instanceof MvError && /busy/.test(error.message),
    );
    if (!busy) return;
    await sleep(100);
  }
  // Still held (a reader that has not closed yet): detached now, freed when the last file closes.
  await runCommand('umount', ['--lazy', logs]);
}

/**
 * Rotates the console log once it holds more than a quarter of the folder: its last quarter-folder of text
 * becomes the older part (`console.log.1`, replacing the one before) and it starts again empty. The text is
 * taken and the log emptied before the older part is written, so a folder the guest filled still rotates.
 * QEMU appends to the log, so its next write lands at the new end; what it writes between the read and the
 * truncation is lost (a few bytes, at most once a rotation), and so is what a guest writes faster than a
 * quarter-folder per rotation check once the folder is full: never the host's disk.
 */
export async function rotateConsoleLog(runDir: string, folderMiB: number): Promise<boolean> {
  const { consoleLog, consoleLogOld } = runFiles(runDir);
  const quarter = (folderMiB * MIB) / 4;
  const live = await openRegularFileNoFollow(consoleLog, constants.O_RDWR);
  if (!live) return false;
  let tail: Buffer;
  try {
    const { size } = await live.stat();
    if (size <= quarter) return false;
    const length = Math.min(size, quarter);
    tail = Buffer.alloc(length);
    const { bytesRead } = await live.read(tail, 0, length, size - length);
    tail = tail.subarray(0, bytesRead);
    await live.truncate(0);
  } finally {
    await live.close();
  }
  await writeFile(consoleLogOld, tail, { mode: 0o600, flag: 'w' }).catch((error: unknown) => {
    throw new MvError('host.command-failed', `Cannot keep ${consoleLogOld}: ${(error as Error).message}`, {
      cause: error,
    });
  });
  return true;
}

/** The console's text, older part first, what is kept when the portal stops; undefined when it has none. */
export async function consoleText(runDir: string): Promise<Buffer | undefined> {
  const { consoleLog, consoleLogOld } = runFiles(runDir);
  const parts: Buffer[] = [];
  for (const file of [consoleLogOld, consoleLog]) {
    const handle = await openRegularFileNoFollow(file);
    if (!handle) continue;
    try {
      parts.push(await handle.readFile());
    } finally {
      await handle.close();
    }
  }
  return parts.length === 0 ? undefined : Buffer.concat(parts);
}
