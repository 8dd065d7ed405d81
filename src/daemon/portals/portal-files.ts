/**
 * @module The host files of one portal: its run folder (sockets, logs, pid file, overlay, ephemeral disks),
 * its share folder and its persistent volumes, created with the unprivileged QEMU account as owner and each
 * creation registered with a reverter. Cleanup removes the run folder on every way out, after keeping the
 * console log, so nothing a user might need to diagnose a crash is lost.
 */
import { constants, existsSync } from 'node:fs';
import { chown, copyFile, lstat, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import type { Manifest } from '../../formula/index.js';
import { createDisk, createOverlay } from '../../image/host/index.js';
import {
  FIRMWARE_FILES,
  type FirmwarePlan,
  firmwarePackage,
  type HostDirs,
  keptConsoleLog,
  type PortalPaths,
  runFiles,
} from '../../instance/index.js';
import { stopPortalTpm } from './portal-tpm.js';
import type { Reverter } from './reverter.js';

/** Creates the run folder, share, overlay, disks, firmware variables and TPM state, owned by the QEMU account. */
export async function preparePortalFiles(
  paths: PortalPaths,
  options: {
    manifest: Manifest;
    base: { path: string; format: 'raw' | 'qcow2' } | null;
    firmware: FirmwarePlan | null;
    owner: { uid: number; gid: number };
    reverter: Reverter;
  },
): Promise<void> {
  const { owner, reverter, manifest } = options;
  const own = (file: string) => chown(file, owner.uid, owner.gid);
  await mkdir(path.dirname(paths.runDir), { recursive: true, mode: 0o755 });
  await mkdir(paths.runDir, { mode: 0o700 });
  reverter.add(`remove ${paths.runDir}`, () => rm(paths.runDir, { recursive: true, force: true }));
  await own(paths.runDir);
  if (!existsSync(paths.shareDir)) {
    await mkdir(path.dirname(paths.shareDir), { recursive: true, mode: 0o755 });
    await mkdir(paths.shareDir, { mode: 0o700 });
    reverter.add(`remove ${paths.shareDir}`, () => rm(paths.shareDir, { recursive: true, force: true }));
    for (const sub of Object.keys(manifest.share.subfolders))
      await mkdir(path.join(paths.shareDir, sub), { mode: 0o700 });
  }
  await chownTree(paths.shareDir, manifest, owner);
  if (options.base) {
    await createOverlay(paths.overlay, options.base);
    await own(paths.overlay);
  }
  for (const [disk, file] of Object.entries(paths.disks)) {
    if (existsSync(file)) continue;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    await createDisk(file, manifest.disks[disk]?.size ?? 1);
    reverter.add(`remove disk ${file}`, () => rm(file, { force: true }));
    await own(path.dirname(file));
    await own(file);
  }
  await prepareFirmware(options.firmware, owner);
  if (paths.tpmState) await ensureOwnedDir(paths.tpmState, owner, reverter);
}

/** Checks the firmware files are installed and gives the portal its own copy of OVMF's variable store. */
async function prepareFirmware(firmware: FirmwarePlan | null, owner: { uid: number; gid: number }) {
  if (!firmware) return;
  const needed =
    firmware.kind === 'ovmf' ? [firmware.code, FIRMWARE_FILES.ovmfVarsTemplate] : [firmware.bios];
  for (const file of needed) {
    if (!existsSync(file)) {
      throw new MvError('host.missing-tool', `The ${firmware.kind} firmware file ${file} is missing`, {
        hint: `Install it: apt-get install ${firmwarePackage(firmware.kind)} (or run scripts/setup.sh).`,
      });
    }
  }
  if (firmware.kind === 'ovmf') {
    // Exclusive: never written through something already at that name in the QEMU account's folder.
    await copyFile(FIRMWARE_FILES.ovmfVarsTemplate, firmware.vars, constants.COPYFILE_EXCL);
    await chown(firmware.vars, owner.uid, owner.gid);
  }
}

/**
 * Makes a folder for the QEMU account, or accepts the one already there only if it is a real folder of
 * that account (a link would hand the account whatever it points to).
 */
async function ensureOwnedDir(dir: string, owner: { uid: number; gid: number }, reverter: Reverter) {
  const info = await lstat(dir).catch(() => undefined);
  if (info) {
    if (info.isDirectory() && info.uid === owner.uid) return;
    throw new MvError('portal.files-unsafe', `${dir} is not a folder of the QEMU account`, {
      hint: 'Something replaced it; remove it (it holds the TPM state of a persistent TPM) and start again.',
    });
  }
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o755 });
  await mkdir(dir, { mode: 0o700 });
  reverter.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  await chown(dir, owner.uid, owner.gid);
}

async function chownTree(
  shareDir: string,
  manifest: Manifest,
  owner: { uid: number; gid: number },
): Promise<void> {
  await chown(shareDir, owner.uid, owner.gid);
  for (const sub of Object.keys(manifest.share.subfolders)) {
    const dir = path.join(shareDir, sub);
    if (existsSync(dir)) await chown(dir, owner.uid, owner.gid);
  }
}

/** Removes a portal's run folder (overlay, ephemeral disks, sockets, its swtpm), keeping its console log. */
export async function cleanupRunDir(dirs: HostDirs, name: string, runDir: string): Promise<void> {
  await stopPortalTpm(runDir);
  const { consoleLog } = runFiles(runDir);
  if (existsSync(consoleLog)) {
    await mkdir(path.join(dirs.stateRoot, 'logs'), { recursive: true, mode: 0o700 });
    await copyFile(consoleLog, keptConsoleLog(dirs, name));
  }
  await rm(runDir, { recursive: true, force: true });
}
