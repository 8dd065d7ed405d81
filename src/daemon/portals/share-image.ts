/**
 * @module The share's quota. Every share is a sparse ext4 image of `share.quota` MiB
 * (`share-images/<name>.ext4`, root's), loop-mounted by the daemon at the share's folder (`shares/<name>`),
 * the folder QEMU exports: a guest that writes endlessly gets ENOSPC from that filesystem, and the host's disk
 * gives the share at most its quota (the image is sparse: it takes what the share holds).
 *
 * The mount is made in the host's mount namespace and stays until `rm` or a reboot, so the owner, and the
 * daemon's own code (subfolders, `rm`'s count), see the share's files where they always were; QEMU's own
 * mount namespace copies it at launch. The daemon mounts every image it finds when it starts and before each
 * use, so a daemon restarted with the mounts left over just finds them. A second mount of an image that is
 * still mounted somewhere (another QEMU's namespace keeps its copy) reuses the same loop device, so one
 * filesystem is never mounted twice.
 *
 * Images are made with `mke2fs -d` from a folder, to a temporary name, then renamed into place, so a crash
 * midway leaves either no image or a whole one: from a plain-folder share of an older version (first moved
 * aside to `share-images/<name>.plain`, so a crash resumes from it), or from the mounted share itself when the
 * quota changed (a new image in place of the old, never a resize in place: another QEMU's mount namespace
 * may still hold the old filesystem, whose last unmount writes its superblock). Files in an unmounted share
 * folder beside an image would be hidden by the mount: that is refused.
 */
import { lstat, mkdir, readdir, rename, rm, rmdir, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import { isMountPoint } from '../../files/host/index.js';
import {
  type HostDirs,
  type PortalPaths,
  SHARE_IMAGE_SUFFIX,
  SHARE_IMAGES,
  shareFoldersOf,
} from '../../instance/index.js';
import type { Reverter } from './reverter.js';

type ShareFolders = Pick<PortalPaths, 'shareDir' | 'shareImage'>;

const MIB = 1024 * 1024;

/** Mount options: nothing on the share is a host program, a set-uid file or a device to the host. */
const MOUNT_OPTIONS = 'loop,nosuid,nodev,noexec';

async function exists(file: string): Promise<boolean> {
  return (await lstat(file).catch(() => undefined)) !== undefined;
}

/** Where an older version's plain-folder share waits while its image is made. */
function plainFolderOf(image: string): string {
  return `${image.slice(0, -SHARE_IMAGE_SUFFIX.length)}.plain`;
}

/**
 * Makes an image of `quotaMiB` (sparse) at `made`, holding a copy of `from` or empty and owned by `owner`;
 * throws `portal.share-over-quota` when `from` does not fit. The caller renames it into place.
 */
async function buildImage(
  made: string,
  quotaMiB: number,
  options: { from?: string; owner: { uid: number; gid: number }; name: string },
): Promise<void> {
  await rm(made, { force: true });
  await writeFile(made, '', { mode: 0o600 });
  await truncate(made, quotaMiB * MIB);
  try {
    await runCommand('mkfs.ext4', [
      '-q',
      '-F',
      // No blocks kept for root: the guest's quota is all of it. The journal is not zeroed: a new sparse
      // file already reads as zeros, and writing them would take its size from the host's disk at once.
      '-m',
      '0',
      '-E',
      `lazy_journal_init=1,root_owner=${options.owner.uid}:${options.owner.gid}`,
      ...(options.from ? ['-d', options.from] : []),
      made,
    ]);
  } catch (error) {
    await rm(made, { force: true });
    if (error instanceof MvError && /Could not allocate|No space left/i.test(error.message)) {
      throw new MvError(
        'portal.share-over-quota',
        `Portal "${options.name}"'s share holds more than its quota of ${quotaMiB} MiB`,
        {
          hint: `Raise share.quota in its formula, or copy files out of ${options.from} and remove them.`,
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** Mounts `image` at `dir` unless something is mounted there; refuses files the mount would hide. */
async function mountImage(image: string, dir: string): Promise<void> {
  if (await isMountPoint(dir)) return;
  if ((await readdir(dir)).length > 0) {
    throw new MvError(
      'portal.files-unsafe',
      `${dir} holds files, but the share's image ${image} is not mounted there: mounting it would hide them`,
      {
        hint: `Move the files out of ${dir}, start the portal, then copy them into ${dir} (now the share).`,
      },
    );
  }
  await runCommand('mount', ['-o', MOUNT_OPTIONS, image, dir]);
}

/**
 * Makes the share's image and mounts it at the share's folder: a new one for a new share, one holding an
 * older version's plain-folder share, or a new one of the formula's quota when it changed.
 */
export async function prepareShareImage(
  folders: ShareFolders,
  request: {
    name: string;
    quotaMiB: number;
    owner: { uid: number; gid: number };
    reverter: Reverter;
  },
): Promise<void> {
  const { shareDir, shareImage: image } = folders;
  const plain = plainFolderOf(image);
  await mkdir(path.dirname(image), { recursive: true, mode: 0o700 });
  await mkdir(path.dirname(shareDir), { recursive: true, mode: 0o755 });
  const made = `${image}.new`;
  if (!(await exists(image))) {
    const older = await exists(shareDir);
    if (older && !(await exists(plain)) && !(await isMountPoint(shareDir))) await rename(shareDir, plain);
    const from = (await exists(plain)) ? plain : undefined;
    await buildImage(made, request.quotaMiB, { ...request, ...(from ? { from } : {}) });
    await rename(made, image);
    if (!from && !older)
      request.reverter.add(`remove the share ${shareDir}`, () => removeShareImage(folders));
  }
  await rm(plain, { recursive: true, force: true });
  await mkdir(shareDir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  await mountImage(image, shareDir);
  // mke2fs makes one; the share is the guest's folder, and e2fsck makes it again should it ever need one.
  await rmdir(path.join(shareDir, 'lost+found')).catch(() => undefined);
  if ((await stat(image)).size === request.quotaMiB * MIB) return;
  // The quota changed: a new image holding the share replaces the old one (see the module doc).
  await buildImage(made, request.quotaMiB, { ...request, from: shareDir });
  await runCommand('umount', [shareDir]);
  await rename(made, image);
  await mountImage(image, shareDir);
}

/** Mounts the share's image at its folder, when there is an image (before the daemon reads the share). */
export async function mountShareImage(folders: ShareFolders): Promise<void> {
  if (await exists(folders.shareImage)) await mountImage(folders.shareImage, folders.shareDir);
}

/**
 * Unmounts and deletes a share's image and its folder (`rm`, which deletes the read-only subfolders too, and
 * the undo of a first start, which leaves them: the owner may have put files there before it).
 */
export async function removeShareImage(folders: ShareFolders): Promise<void> {
  const { shareDir, shareImage } = folders;
  if (await isMountPoint(shareDir)) await runCommand('umount', [shareDir]);
  await rm(shareDir, { recursive: true, force: true });
  await rm(shareImage, { force: true });
  await rm(`${shareImage}.new`, { force: true });
  await rm(plainFolderOf(shareImage), { recursive: true, force: true });
}

/**
 * Mounts every share image at its folder (the daemon's start: after a reboot the shares' files are back where
 * the owner looks); each one that cannot be mounted is logged and left for its portal's next start.
 */
export async function mountEveryShareImage(dirs: HostDirs, log: (line: string) => void): Promise<void> {
  const images = await readdir(path.join(dirs.stateRoot, SHARE_IMAGES)).catch(() => [] as string[]);
  for (const file of images.filter((entry) => entry.endsWith(SHARE_IMAGE_SUFFIX))) {
    const folders = shareFoldersOf(dirs, file.slice(0, -SHARE_IMAGE_SUFFIX.length));
    try {
      await mkdir(folders.shareDir, { recursive: true, mode: 0o700 });
      await mountImage(folders.shareImage, folders.shareDir);
    } catch (error) {
      log(`share ${folders.shareDir}: not mounted: ${(error as Error).message}`);
    }
  }
}
