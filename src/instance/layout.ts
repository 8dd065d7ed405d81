/**
 * @module Where portalgun keeps things on a host: the default folders, the daemon's socket, and every
 * path and host interface name of one portal (run folder, share, overlay, disks, TPM state, kept console
 * log, uplink devices). The daemon creates them; `portalgun plan` shows them; both read them from here.
 * The share is three places: its folder (`shares/<name>`, the read-write export, where the daemon mounts
 * the share's size-capped image from `share-images/<name>.ext4`) and, apart from it, its read-only
 * subfolders (`shares-readonly/<name>/<subfolder>`, the read-only export), so the read-write export never
 * holds their data.
 * Pure: no I/O.
 */
import path from 'node:path';
import type { Manifest } from '../formula/index.js';
import { interfaceName } from './portal-instance.js';

/** The folders a daemon owns: its state (images, shares, volumes, logs) and its run folder (portals, socket). */
export interface HostDirs {
  readonly stateRoot: string;
  readonly runRoot: string;
}

/** Default folders on a host. */
export const DEFAULT_DIRS: HostDirs = { stateRoot: '/var/lib/multiverse', runRoot: '/run/multiverse' };

/** The daemon's socket inside a run folder. */
export function socketPathIn(runRoot: string): string {
  return `${runRoot}/portalgun.sock`;
}

/** Where one portal's files live. */
export interface PortalPaths {
  readonly runDir: string;
  /** The share's read-write export: the mount point of its image. */
  readonly shareDir: string;
  /** The share's read-only subfolders, one folder each: the read-only export. */
  readonly shareReadOnlyDir: string;
  /** The share's ext4 image, `share.quota` MiB, sparse. */
  readonly shareImage: string;
  readonly overlay: string;
  readonly disks: Readonly<Record<string, string>>;
  /** The TPM's state folder: in the run folder (ephemeral), in the volumes (persistent), or null. */
  readonly tpmState: string | null;
}

/** The paths of a portal named `name`. */
export function portalPaths(dirs: HostDirs, name: string, manifest: Manifest): PortalPaths {
  const runDir = path.join(dirs.runRoot, 'portals', name);
  const disks: Record<string, string> = {};
  for (const [disk, spec] of Object.entries(manifest.disks)) {
    disks[disk] = spec.persistent
      ? path.join(dirs.stateRoot, 'volumes', name, `${disk}.qcow2`)
      : path.join(runDir, `disk-${disk}.qcow2`);
  }
  const tpm = manifest.devices.tpm;
  return {
    runDir,
    ...shareFoldersOf(dirs, name),
    overlay: path.join(runDir, 'overlay.qcow2'),
    disks,
    tpmState:
      tpm === 'none'
        ? null
        : tpm === 'persistent'
          ? path.join(dirs.stateRoot, 'volumes', name, 'tpm')
          : path.join(runDir, 'tpm'),
  };
}

/** Where the share of a portal named `name` lives: its folder, its read-only subfolders and its image. */
export function shareFoldersOf(
  dirs: HostDirs,
  name: string,
): Pick<PortalPaths, 'shareDir' | 'shareReadOnlyDir' | 'shareImage'> {
  return {
    shareDir: path.join(dirs.stateRoot, 'shares', name),
    shareReadOnlyDir: path.join(dirs.stateRoot, 'shares-readonly', name),
    shareImage: path.join(dirs.stateRoot, SHARE_IMAGES, `${name}${SHARE_IMAGE_SUFFIX}`),
  };
}

/** The folder of the shares' images in the state folder, and the ending of each image's name. */
export const SHARE_IMAGES = 'share-images';
export const SHARE_IMAGE_SUFFIX = '.ext4';

/** The names of the share's read-only subfolders, sorted: those the host exports read-only, apart. */
export function readOnlySubfolders(manifest: Manifest): string[] {
  return Object.entries(manifest.share.subfolders)
    .filter(([, folder]) => folder.readOnly)
    .map(([name]) => name)
    .sort();
}

/** Where a portal's console log is kept after its run folder is gone. */
export function keptConsoleLog(dirs: HostDirs, name: string): string {
  return path.join(dirs.stateRoot, 'logs', `${name}.console.log`);
}

/** Names of the universe router's uplink devices (in the portal namespace). */
export function uplinkNamesOf(instance: string) {
  const name = (suffix: string) => interfaceName(instance, suffix);
  return { tap: name('u'), veth: name('v'), bridge: name('b'), macvtap: name('m') } as const;
}

/**
 * Where the macvtap uplink's character device is made, for the daemon to open and hand to QEMU: a root-only
 * folder, never the portal's run folder, which the QEMU account can write.
 */
export function macvtapNodeOf(runRoot: string, instance: string): string {
  return `${runRoot}/uplinks/${instance}.macvtap`;
}
