/**
 * @module The instance a portal starts as: its name, folders, the store's artifacts, the firmware, the
 * accelerator and its addresses, planned by the pure qemu/instance.ts from the daemon's facts, with the
 * kernel arguments the daemon adds (the guest's network settings, and the onion services of a star router,
 * decided when it starts so a new service needs no new image).
 */
import type { Manifest } from '../formula/index.js';
import { blobPath, type ImageRecord } from '../image/index.js';
import { withGuestNet, withOnionServices } from '../net/index.js';
import { type PortalInstance, planFirmware, planInstance } from '../qemu/index.js';
import type { DaemonConfig } from './config.js';
import { portalPaths } from './portal-files.js';
import { uplinkNamesOf } from './portal-network.js';

/** Everything a new instance depends on besides the daemon's configuration. */
export interface InstanceRequest {
  readonly name: string;
  readonly manifest: Manifest;
  readonly image: ImageRecord;
  /** Every manifest of the tree (a star router publishes their onion services). */
  readonly manifests: readonly Manifest[];
  /** Addresses held by other portals, per network. */
  readonly taken: Parameters<typeof planInstance>[1]['taken'];
}

/** Plans the instance the daemon starts. */
export function planPortalInstance(config: DaemonConfig, request: InstanceRequest): PortalInstance {
  const { name, manifest, image } = request;
  const paths = portalPaths(config, name, manifest);
  const blob = (digest: string) => blobPath(config.stateRoot, digest);
  const { mode } = manifest.uplink;
  // The macvtap's descriptor is the first one QEMU inherits after stdio (see PortalManager.start).
  const uplinkHandle =
    mode === 'netns'
      ? { uplinkHandle: { tap: uplinkNamesOf(name).tap } }
      : mode === 'macvtap'
        ? { uplinkHandle: { fd: 3 } }
        : {};
  const planned = planInstance(manifest, {
    ...uplinkHandle,
    name,
    hostId: config.hostId,
    runDir: paths.runDir,
    shareDir: paths.shareDir,
    overlay: paths.overlay,
    artifacts: {
      kernel: blob(image.kernel.digest),
      initrd: blob(image.initrd.digest),
      base: image.base ? { path: blob(image.base.digest), format: image.base.format } : null,
      layers: image.layers.map((layer) => blob(layer.digest)),
      firmware: planFirmware(manifest.boot.firmware, paths.runDir),
    },
    accel: config.accel.accel,
    tscKhz: config.tscKhz,
    disks: paths.disks,
    ...(request.taken ? { taken: request.taken } : {}),
  });
  return withOnionServices(manifest, request.manifests, withGuestNet(manifest, planned));
}
