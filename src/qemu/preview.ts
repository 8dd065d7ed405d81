/**
 * @module A preview instance for `portalgun plan`: the paths and values a portal would get on a default
 * host layout, without touching the host. The daemon builds real instances from its image store.
 * Pure: no I/O.
 */
import type { Manifest } from '../formula/index.js';
import { planFirmware } from './firmware.js';
import { type Accelerator, type PortalInstance, planInstance } from './instance.js';

/** Where portalgun keeps things on a host, by default. */
export const DEFAULT_HOST_LAYOUT = {
  runRoot: '/run/multiverse/portals',
  stateRoot: '/var/lib/multiverse',
} as const;

/** The host id a preview uses when none is given. */
export const PREVIEW_HOST_ID = 'haaaaaaaaaaaaaaaaaaaaaaaaaa';

/** Options of a preview; everything has a default. */
export interface PreviewOptions {
  readonly name?: string;
  readonly hostId?: string;
  readonly accel?: Accelerator;
  readonly tscKhz?: number;
  /** Where portal run folders are (`<run folder>/portals`), if not the default host's. */
  readonly runRoot?: string;
  /** The daemon's state folder, if not the default host's. */
  readonly stateRoot?: string;
}

/** The instance a manifest would get as the first instance on a host (the default one, unless told). */
export function previewInstance(manifest: Manifest, options: PreviewOptions = {}): PortalInstance {
  const name = options.name ?? manifest.name;
  const runRoot = options.runRoot ?? DEFAULT_HOST_LAYOUT.runRoot;
  const stateRoot = options.stateRoot ?? DEFAULT_HOST_LAYOUT.stateRoot;
  const runDir = `${runRoot}/${name}`;
  const image = `${stateRoot}/images/${manifest.node}`;
  const disks: Record<string, string> = {};
  for (const [disk, spec] of Object.entries(manifest.disks)) {
    disks[disk] = spec.persistent
      ? `${stateRoot}/volumes/${name}/${disk}.qcow2`
      : `${runDir}/disk-${disk}.qcow2`;
  }
  return planInstance(manifest, {
    name,
    hostId: options.hostId ?? PREVIEW_HOST_ID,
    runDir,
    shareDir: `${stateRoot}/shares/${name}`,
    overlay: `${runDir}/overlay.qcow2`,
    artifacts: {
      kernel: `${stateRoot}/kernels/${manifest.boot.kernel}/${manifest.boot.firmware === 'direct' ? 'vmlinux' : 'bzImage'}`,
      initrd: `${image}/initrd.cpio`,
      base: { path: `${image}/base.qcow2`, format: 'qcow2' },
      layers: [],
      firmware: planFirmware(manifest.boot.firmware, runDir),
    },
    accel: options.accel ?? 'tcg',
    tscKhz: options.tscKhz ?? 2_600_000,
    disks,
    ...(manifest.uplink.mode === 'netns' ? { uplinkHandle: { tap: 'mvuplink0' } } : {}),
    ...(manifest.uplink.mode === 'macvtap' ? { uplinkHandle: { fd: 3 } } : {}),
  });
}
