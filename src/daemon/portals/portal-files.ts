/**
 * @module The host files of one portal: its run folder (sockets, logs, pid file, overlay, ephemeral disks),
 * its share (share-image.ts: an image of the formula's quota, mounted at the share's folder; its read-only
 * subfolders kept apart) and its persistent volumes, owned by the portal's unprivileged account, each creation
 * registered with a reverter. Root never follows a link where that account can write: the run folder stays
 * root's until everything root makes in it is made, volume folders stay root's (only the files in them are
 * the account's), and the share's folders are given over by descriptor, opened without following links
 * (files/host/no-follow.ts). What the guest can make grow goes to a size-capped log folder (log-folder.ts).
 * Cleanup removes the run folder and the control group on every way out, after keeping the console log,
 * so nothing a user might need to diagnose a crash is lost.
 */
import { constants } from 'node:fs';
import { chmod, chown, copyFile, lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { hostCgroups, portalCgroupOf, removePortalCgroup } from '../../cgroup/host/index.js';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import {
  chownFolderNoFollow,
  chownTreeNoFollow,
  ensureFolderOf,
  openRegularFileNoFollow,
} from '../../files/host/index.js';
import type { Manifest } from '../../formula/index.js';
import { createDisk, createOverlay } from '../../image/host/index.js';
import {
  FIRMWARE_FILES,
  type FirmwarePlan,
  firmwarePackage,
  type HostDirs,
  keptConsoleLog,
  type PortalPaths,
  readOnlySubfolders,
  runFiles,
} from '../../instance/index.js';
import { consoleText, mountLogFolder, unmountLogFolder } from './log-folder.js';
import { stopPortalTpm } from './portal-tpm.js';
import type { Reverter } from './reverter.js';
import { prepareShareImage } from './share-image.js';

type Owner = { readonly uid: number; readonly gid: number };

const ROOT: Owner = { uid: 0, gid: 0 };

/** What a portal's files are made from, and for whom. */
interface PortalFilesRequest {
  readonly manifest: Manifest;
  readonly base: { path: string; format: 'raw' | 'qcow2' } | null;
  readonly firmware: FirmwarePlan | null;
  /** The portal's account (daemon/portals/account.ts). */
  readonly owner: Owner;
  readonly reverter: Reverter;
}

/** Creates the run folder, share, overlay, disks, firmware variables and TPM state, owned by the portal's account. */
export async function preparePortalFiles(paths: PortalPaths, options: PortalFilesRequest): Promise<void> {
  const { owner, reverter, manifest } = options;
  await prepareRunDir(paths, options);
  await prepareShare(paths, manifest, owner, reverter);
  for (const [disk, file] of Object.entries(paths.disks)) {
    if (manifest.disks[disk]?.persistent)
      await prepareVolume(file, manifest.disks[disk]?.size ?? 1, owner, reverter);
  }
  if (paths.tpmState && manifest.devices.tpm === 'persistent') {
    await rootsFolder(path.dirname(paths.tpmState));
    await ensureFolderOf(paths.tpmState, owner);
    await chownTreeNoFollow(paths.tpmState, owner);
  }
}

/**
 * The run folder and everything root makes in it (overlay, ephemeral disks, OVMF variables, the ephemeral
 * TPM's folder, QEMU's log, its jail), made while the folder is still root's, then given to the portal's account.
 */
async function prepareRunDir(paths: PortalPaths, options: PortalFilesRequest): Promise<void> {
  const { owner, reverter, manifest } = options;
  await mkdir(path.dirname(paths.runDir), { recursive: true, mode: 0o755 });
  await mkdir(paths.runDir, { mode: 0o700 });
  reverter.add(`remove ${paths.runDir}`, () => rm(paths.runDir, { recursive: true, force: true }));
  const own = (file: string) => chown(file, owner.uid, owner.gid);
  if (options.base) {
    await createOverlay(paths.overlay, options.base);
    await own(paths.overlay);
  }
  for (const [disk, file] of Object.entries(paths.disks)) {
    if (manifest.disks[disk]?.persistent) continue;
    await createDisk(file, manifest.disks[disk]?.size ?? 1);
    await own(file);
  }
  await prepareFirmware(options.firmware, owner);
  if (paths.tpmState && manifest.devices.tpm === 'ephemeral') {
    await mkdir(paths.tpmState, { mode: 0o700 });
    await own(paths.tpmState);
  }
  await mountLogFolder(paths.runDir, manifest.limits.logs);
  reverter.add(`unmount the log folder of ${paths.runDir}`, () => unmountLogFolder(paths.runDir));
  const { qemuLog, jail } = runFiles(paths.runDir);
  // Root's, in root's log folder: QEMU writes it through the descriptor it inherits.
  await writeFile(qemuLog, '', { mode: 0o600, flag: 'wx' });
  await mkdir(jail, { mode: 0o700 });
  // Where QEMU's own mount namespace puts a proc (qemu/host/launch.ts); root's, so the account cannot swap it.
  await mkdir(`${jail}/proc`, { mode: 0o555 });
  await own(jail);
  await own(paths.runDir);
}

/**
 * The share (made once, kept across boots): its image mounted at its folder (share-image.ts), its read-only
 * subfolders apart from it (the read-only export), each read-only subfolder's empty mount point in the
 * share, and all of it given to the portal's account.
 */
async function prepareShare(
  paths: PortalPaths,
  manifest: Manifest,
  owner: Owner,
  reverter: Reverter,
): Promise<void> {
  if (!manifest.share.enabled) return;
  const { shareDir, shareReadOnlyDir } = paths;
  const readOnly = readOnlySubfolders(manifest);
  // A plain-folder share of an older version: its read-only subfolders move out before it becomes an image.
  if (!(await lstat(paths.shareImage).catch(() => undefined)))
    await moveReadOnlySubfolders(paths, readOnly, owner);
  await prepareShareImage(paths, { name: manifest.name, quotaMiB: manifest.share.quota, owner, reverter });
  await moveReadOnlySubfolders(paths, readOnly, owner);
  // Whatever is in the share is the portal's at each start: files its owner put there, and files an earlier
  // account of the portal left (the shared QEMU account of older versions).
  await chownTreeNoFollow(shareDir, owner);
  // The image's root folder is mke2fs's 0755: the share is the portal's alone.
  await chownFolderNoFollow(shareDir, owner, 0o700);
  for (const sub of Object.keys(manifest.share.subfolders))
    await ensureFolderOf(path.join(shareDir, sub), owner);
  if (readOnly.length === 0) return;
  await mkdir(path.dirname(shareReadOnlyDir), { recursive: true, mode: 0o755 });
  await ensureFolderOf(shareReadOnlyDir, owner);
  await chownTreeNoFollow(shareReadOnlyDir, owner);
  for (const sub of readOnly) await ensureFolderOf(path.join(shareReadOnlyDir, sub), owner);
}

/**
 * Moves each read-only subfolder that still sits in the share (a formula that made it read-only later, or an
 * older version's share) to the read-only folder, unless one is there already; a link in its place is refused.
 */
async function moveReadOnlySubfolders(paths: PortalPaths, readOnly: readonly string[], owner: Owner) {
  if (readOnly.length === 0 || !(await lstat(paths.shareDir).catch(() => undefined))) return;
  await mkdir(path.dirname(paths.shareReadOnlyDir), { recursive: true, mode: 0o755 });
  await ensureFolderOf(paths.shareReadOnlyDir, owner);
  for (const sub of readOnly) {
    const from = path.join(paths.shareDir, sub);
    const to = path.join(paths.shareReadOnlyDir, sub);
    const info = await lstat(from).catch(() => undefined);
    if (!info || (await lstat(to).catch(() => undefined))) continue;
    if (!info.isDirectory()) {
      throw new MvError('portal.files-unsafe', `${from} is a link or not a folder`, {
        hint: 'Something replaced the read-only subfolder; move it away and start the portal again.',
      });
    }
    // mv moves a link as a link and copies across filesystems keeping owners, modes and xattrs.
    await runCommand('mv', ['--no-target-directory', '--', from, to]);
  }
}

/**
 * A persistent volume: made once in a folder that stays root's (a volume folder the QEMU account owned,
 * as older versions made it, is taken back), and the volume file given to the account by descriptor.
 */
async function prepareVolume(file: string, sizeMiB: number, owner: Owner, reverter: Reverter) {
  await rootsFolder(path.dirname(file));
  const existing = await openRegularFileNoFollow(file, constants.O_RDWR);
  if (existing) {
    try {
      await existing.chown(owner.uid, owner.gid);
      await existing.chmod(0o600);
    } finally {
      await existing.close();
    }
    return;
  }
  await createDisk(file, sizeMiB);
  reverter.add(`remove disk ${file}`, () => rm(file, { force: true }));
  await chown(file, owner.uid, owner.gid);
  await chmod(file, 0o600);
}

/** Makes a folder root's (mode 0711: the account reaches the files in it, but cannot add or swap any). */
async function rootsFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o711 });
  await chownFolderNoFollow(dir, ROOT, 0o711);
}

/** Checks the firmware files are installed and gives the portal its own copy of OVMF's variable store. */
async function prepareFirmware(firmware: FirmwarePlan | null, owner: Owner) {
  if (!firmware) return;
  const needed =
    firmware.kind === 'ovmf' ? [firmware.code, FIRMWARE_FILES.ovmfVarsTemplate] : [firmware.bios];
  for (const file of needed) {
    if (!(await lstat(file).catch(() => undefined))) {
      throw new MvError('host.missing-tool', `The ${firmware.kind} firmware file ${file} is missing`, {
        hint: `Install it: apt-get install ${firmwarePackage(firmware.kind)} (or run scripts/setup.sh).`,
      });
    }
  }
  if (firmware.kind === 'ovmf') {
    await copyFile(FIRMWARE_FILES.ovmfVarsTemplate, firmware.vars, constants.COPYFILE_EXCL);
    await chown(firmware.vars, owner.uid, owner.gid);
  }
}

/**
 * Removes a portal's run folder (overlay, ephemeral disks, sockets, its swtpm) and its control group, keeping
 * its console log (the older part first, as the log folder rotated it).
 */
export async function cleanupRunDir(dirs: HostDirs, name: string, runDir: string): Promise<void> {
  await stopPortalTpm(runDir);
  const text = await consoleText(runDir).catch(() => undefined);
  if (text) {
    await mkdir(path.join(dirs.stateRoot, 'logs'), { recursive: true, mode: 0o700 });
    await writeFile(keptConsoleLog(dirs, name), text, { mode: 0o600 });
  }
  await unmountLogFolder(runDir);
  await rm(runDir, { recursive: true, force: true });
  const host = await hostCgroups();
  if (host) await removePortalCgroup(portalCgroupOf(host, dirs.runRoot, name));
}
