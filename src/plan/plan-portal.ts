/**
 * @module The one plan of a portal on a host: from a manifest, the image it boots and the host's facts, its
 * instance (name, paths, artifacts, firmware, accelerator, addresses, MACs, taps, the kernel arguments the
 * daemon adds), the QEMU argv, and the host end of each channel QEMU gives the portal (agent, status,
 * console, QMP). The daemon starts exactly this plan and connects where its ports say; `portalgun plan`
 * prints it, so the preview cannot drift from the boot.
 * Pure: no I/O.
 */
import { type CgroupLimits, cgroupLimitsOf } from '../cgroup/index.js';
import type { Manifest, NetworkName } from '../formula/index.js';
import {
  type Accelerator,
  type HostDirs,
  type PortalInstance,
  type PortalPaths,
  planFirmware,
  planInstance,
  portalPaths,
  readOnlySubfolders,
  uplinkNamesOf,
} from '../instance/index.js';
import { withGuestNet, withOnionServices } from '../net/index.js';
import { type PortalPorts, portalPorts, renderQemuArgs, toArgv } from '../qemu/index.js';
import type { BootImage } from './boot-image.js';

/** What a plan depends on. */
export interface PortalPlanRequest {
  readonly name: string;
  readonly manifest: Manifest;
  readonly image: BootImage;
  /** Every manifest of the tree (a star router publishes their onion services). */
  readonly manifests: readonly Manifest[];
  readonly dirs: HostDirs;
  readonly hostId: string;
  readonly accel: Accelerator;
  /** Host TSC rate in kHz (microvm under TCG needs it). */
  readonly tscKhz: number;
  /** The portal's own uid (instance/portal-account.ts); none for a preview or an export, which no account runs. */
  readonly uid?: number;
  /** Addresses held by other portals, per network. */
  readonly taken?: Partial<Record<NetworkName, ReadonlySet<string>>>;
}

/** A portal as it will run. */
export interface PortalPlan {
  readonly instance: PortalInstance;
  readonly paths: PortalPaths;
  /** QEMU's arguments (without the binary). */
  readonly argv: readonly string[];
  /** Each channel's host end, as the argv names it: the agent's socket, the status file, console, QMP. */
  readonly ports: PortalPorts;
  /** What its QEMU may take from the host (its control group). */
  readonly limits: CgroupLimits;
}

/** Plans a portal: the instance the daemon starts and the argv it starts QEMU with. */
export function planPortal(request: PortalPlanRequest): PortalPlan {
  const { name, manifest, image } = request;
  const paths = portalPaths(request.dirs, name, manifest);
  const { mode } = manifest.uplink;
  // The macvtap's descriptor is the first one QEMU inherits after stdio (see daemon/portals/portal-launch.ts).
  const uplinkHandle =
    mode === 'netns'
      ? { uplinkHandle: { tap: uplinkNamesOf(name).tap } }
      : mode === 'macvtap'
        ? { uplinkHandle: { fd: 3 } }
        : {};
  const planned = planInstance(manifest, {
    ...uplinkHandle,
    name,
    ...(request.uid === undefined ? {} : { uid: request.uid }),
    hostId: request.hostId,
    runDir: paths.runDir,
    shareDir: paths.shareDir,
    ...(manifest.share.enabled && readOnlySubfolders(manifest).length > 0
      ? { shareReadOnlyDir: paths.shareReadOnlyDir }
      : {}),
    overlay: paths.overlay,
    artifacts: {
      kernel: image.kernel,
      initrd: image.initrd,
      base: image.base,
      layers: image.layers,
      firmware: planFirmware(manifest.boot.firmware, paths.runDir),
    },
    accel: request.accel,
    tscKhz: request.tscKhz,
    disks: paths.disks,
    ...(request.taken ? { taken: request.taken } : {}),
  });
  // Decided at start, not in the image: the guest's network settings and star's onion services.
  const instance = withOnionServices(manifest, request.manifests, withGuestNet(manifest, planned));
  return planOfInstance(request.dirs, manifest, instance);
}

/** The plan of an instance planned before: a restart keeps its addresses, MACs, taps and kernel arguments. */
export function planOfInstance(dirs: HostDirs, manifest: Manifest, instance: PortalInstance): PortalPlan {
  return {
    instance,
    paths: portalPaths(dirs, instance.name, manifest),
    argv: toArgv(renderQemuArgs(manifest, instance)),
    ports: portsOfInstance(manifest, instance),
    limits: cgroupLimitsOf(manifest),
  };
}

/**
 * The ports of an instance planned before (what its plan's `ports` holds), for a portal known by its record:
 * where the daemon reaches the agent, reads the status, attaches the console and speaks QMP.
 */
export function portsOfInstance(manifest: Manifest, instance: PortalInstance): PortalPorts {
  return portalPorts(manifest, instance);
}
