/**
 * @module File operations for root in folders another account can write (a portal's share, volumes, run
 * folder): every one opens its target without following a link (O_NOFOLLOW, and O_NONBLOCK so a planted
 * FIFO cannot stall the daemon), checks what it opened is the kind of file expected, and then acts on the
 * descriptor (fchown, read), so a link or a swapped name never hands root's power to what it points at.
 * Only the last path component is checked: callers keep every parent folder root's.
 */
import { constants } from 'node:fs';
import { type FileHandle, lchown, lstat, mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

/** What was found where a file or folder of a portal was expected. */
function unsafe(file: string, why: string, hint: string): MvError {
  return new MvError('portal.files-unsafe', `${file} ${why}`, { hint });
}

async function openNoFollow(file: string, flags: number, kind: 'folder' | 'file'): Promise<FileHandle> {
  try {
    return await open(file, flags | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'ENOTDIR') {
      throw unsafe(
        file,
        `is a link or not a ${kind}: portalgun does not follow links in a portal's files`,
        `Something replaced it; move it away and start the portal again (portalgun makes a new ${kind}).`,
      );
    }
    throw error;
  }
}

/** Gives an existing folder to `owner` (and `mode`), refusing a link; returns false when there is none. */
export async function chownFolderNoFollow(
  dir: string,
  owner: { readonly uid: number; readonly gid: number },
  mode?: number,
): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await openNoFollow(dir, O_RDONLY | O_DIRECTORY, 'folder');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    await handle.chown(owner.uid, owner.gid);
    if (mode !== undefined) await handle.chmod(mode);
    return true;
  } finally {
    await handle.close();
  }
}

/** Makes `dir` (mode 0700) unless it exists, then gives it to `owner`, refusing a link in its place. */
export async function ensureFolderOf(
  dir: string,
  owner: { readonly uid: number; readonly gid: number },
): Promise<void> {
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  if (!(await chownFolderNoFollow(dir, owner))) {
    throw unsafe(dir, 'vanished while it was made', 'Start the portal again.');
  }
}

/**
 * Opens an existing regular file for reading without following a link; undefined when there is none.
 * The caller closes the handle.
 */
export async function openRegularFileNoFollow(
  file: string,
  flags = O_RDONLY,
): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await openNoFollow(file, flags, 'file');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw unsafe(
      file,
      'is not a regular file',
      'Something replaced it; move it away and start the portal again.',
    );
  }
  return handle;
}

/**
 * Gives a folder and everything in it to `owner`, without following a link anywhere: each folder is opened
 * with O_NOFOLLOW and read and changed through /proc/self/fd/<n>/, so a folder swapped for a link while the
 * walk runs leads nowhere; links themselves are re-owned, never their targets.
 */
export async function chownTreeNoFollow(
  dir: string,
  owner: { readonly uid: number; readonly gid: number },
): Promise<void> {
  const handle = await openNoFollow(dir, O_RDONLY | O_DIRECTORY, 'folder');
  try {
    await handle.chown(owner.uid, owner.gid);
    const here = `/proc/self/fd/${handle.fd}`;
    for (const entry of await readdir(here, { withFileTypes: true })) {
      const inside = `${here}/${entry.name}`;
      if (entry.isDirectory()) await chownTreeNoFollow(inside, owner);
      else await lchown(inside, owner.uid, owner.gid);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Whether `dir` is a mount point: a folder (never a link to one) on another filesystem than its parent
 * folder. A path that does not exist is none.
 */
export async function isMountPoint(dir: string): Promise<boolean> {
  const here = await lstat(dir).catch(() => undefined);
  if (!here?.isDirectory()) return false;
  return here.dev !== (await lstat(path.dirname(dir))).dev;
}
