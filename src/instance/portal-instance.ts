/**
 * @module A portal instance: the values generated when one portal starts (Incus calls them "volatile"):
 * its name, folders, artifact paths, accelerator, allocated addresses, MACs and tap names. They live beside
 * the manifest and are never written back into a formula. Renderers take a manifest plus an instance.
 * Pure: no I/O.
 */
import { sha256Hex } from '../digest/index.js';
import { MvError } from '../errors/index.js';
import { allocateApplicationAddress, type Manifest, macFor, type NetworkName } from '../formula/index.js';
import type { FirmwarePlan } from './firmware.js';

/** The accelerators portalgun knows; TCG is software emulation, KVM needs vmx/svm and a real KVM. */
export type Accelerator = 'tcg' | 'kvm';

/** Files the image store supplies for one boot. */
export interface BootArtifacts {
  /** Kernel: the uncompressed PVH vmlinux for a direct boot, Debian's bzImage under firmware. */
  readonly kernel: string;
  readonly initrd: string | null;
  /** Read-only base image under the overlay, or null for an initramfs-only portal. */
  readonly base: { readonly path: string; readonly format: 'qcow2' | 'raw' } | null;
  /** Read-only root layers (erofs, bottom first) that the guest stacks under the base with overlayfs. */
  readonly layers: readonly string[];
  /** OVMF (code, and this instance's copy of the variable store) or SeaBIOS; null for a direct boot. */
  readonly firmware: FirmwarePlan | null;
}

/** One NIC on a portal network. */
export interface InstanceNic {
  readonly network: NetworkName;
  readonly address: string;
  readonly mac: string;
  /** Tap device (at most 15 characters), created in portalgun's network namespace. */
  readonly tap: string;
}

/** How the universe router's uplink reaches QEMU. */
export type InstanceUplink =
  /** User-mode networking by passt on the host, reached through its unix socket in the run folder. */
  | { readonly kind: 'user'; readonly mac: string; readonly socket: string }
  | { readonly kind: 'tap'; readonly tap: string; readonly mac: string }
  | { readonly kind: 'fd'; readonly fd: number; readonly mac: string }
  | { readonly kind: 'pci'; readonly address: string };

/** Everything per-instance that the QEMU argv and libvirt XML need besides the manifest. */
export interface PortalInstance {
  /** Instance name, unique on the host, e.g. `firefox-1`. */
  readonly name: string;
  /** The host's id: envelopes the agent accepts must be addressed to it. */
  readonly hostId: string;
  /** Folder for sockets, logs and the pid file; removed when the portal stops. */
  readonly runDir: string;
  /** Host folder behind the multiverse-portal share. */
  readonly shareDir: string;
  /**
   * Host folder behind the read-only export (multiverse-portal-readonly): the share's read-only subfolders;
   * absent when it has none.
   */
  readonly shareReadOnlyDir?: string;
  /** The throwaway qcow2 overlay over the base image. */
  readonly overlay: string;
  readonly artifacts: BootArtifacts;
  readonly accel: Accelerator;
  /** Host TSC rate in kHz; microvm under TCG needs it on the kernel command line. */
  readonly tscKhz: number;
  readonly nics: readonly InstanceNic[];
  readonly uplink: InstanceUplink | null;
  /** Extra disk files by disk name. */
  readonly disks: Readonly<Record<string, string>>;
  /** Kernel arguments other domains add (the guest's network settings), after portalgun's own. */
  readonly kernelArgs?: readonly string[];
  /**
   * The portal's own uid, from the portal range (portal-account.ts); absent in the records of portals started
   * by a portalgun before per-portal accounts, which keep the shared QEMU account until they stop.
   */
  readonly uid?: number;
}

/** The well-known files inside an instance's run folder. */
export function runFiles(runDir: string) {
  return {
    qmp: `${runDir}/qmp.sock`,
    console: `${runDir}/console.sock`,
    /** The portal's size-capped log folder (daemon/portals/log-folder.ts). */
    logs: `${runDir}/logs`,
    consoleLog: `${runDir}/logs/console.log`,
    /** The console log's older part, after a rotation. */
    consoleLogOld: `${runDir}/logs/console.log.1`,
    agent: `${runDir}/agent.sock`,
    status: `${runDir}/logs/status.out`,
    pid: `${runDir}/qemu.pid`,
    /** QEMU's root once it runs (its chroot): an empty folder of the portal's account. */
    jail: `${runDir}/jail`,
    /** QEMU's own stdout and stderr (made by the daemon, in the log folder). */
    qemuLog: `${runDir}/logs/qemu.log`,
    spice: `${runDir}/spice.sock`,
    vnc: `${runDir}/vnc.sock`,
    swtpm: `${runDir}/swtpm.sock`,
    swtpmPid: `${runDir}/swtpm.pid`,
    swtpmLog: `${runDir}/swtpm.log`,
  } as const;
}

/**
 * A host interface name of an instance: `mv` + 8 hex of its name + a suffix (a NIC's index, or a letter for
 * the uplink's devices), within Linux's 15 characters and the same on every start.
 */
export function interfaceName(instance: string, suffix: string | number): string {
  return `mv${sha256Hex(instance).slice(0, 8)}${suffix}`;
}

/** The tap of an instance's NIC `index`. */
export function tapName(instance: string, index: number): string {
  return interfaceName(instance, index);
}

/**
 * The descriptor QEMU inherits for the USB device `index` of `devices.usb`: the daemon passes the macvtap
 * uplink's first (at its `fd`), then one open /dev/bus/usb node per USB device, in formula order.
 */
export function usbHostFd(instance: PortalInstance, index: number): number {
  return (instance.uplink?.kind === 'fd' ? instance.uplink.fd + 1 : 3) + index;
}

/** What the caller knows when planning an instance; addresses already in use come from the daemon. */
export interface InstanceRequest extends Omit<PortalInstance, 'nics' | 'uplink'> {
  /** Addresses held by running instances, per network. */
  readonly taken?: Partial<Record<NetworkName, ReadonlySet<string>>>;
  /** For uplink modes that need a host-side handle: the tap (netns) or file descriptor (macvtap). */
  readonly uplinkHandle?: { readonly tap: string } | { readonly fd: number };
}

/** Plans an instance of a manifest: allocates application addresses and derives MACs and tap names. */
export function planInstance(manifest: Manifest, request: InstanceRequest): PortalInstance {
  const nics = manifest.networks.map((attachment, index): InstanceNic => {
    const address =
      attachment.address === 'dynamic'
        ? allocateApplicationAddress(attachment.network, request.taken?.[attachment.network] ?? new Set())
        : attachment.address;
    return {
      network: attachment.network,
      address,
      mac: macFor(address, manifest.hardening.macPrefix),
      tap: tapName(request.name, index),
    };
  });
  const missing = Object.keys(manifest.disks).filter((disk) => !(disk in request.disks));
  if (missing.length > 0) {
    throw new MvError(
      'internal.bug',
      `No file given for disk "${missing[0]}" of ${manifest.node} (please report)`,
    );
  }
  const { taken: _taken, uplinkHandle: _handle, ...fixed } = request;
  return { ...fixed, nics, uplink: planUplink(manifest, request) };
}

/** Where passt listens for the universe router's QEMU when the uplink is user-mode. */
export function passtSocketOf(runDir: string): string {
  return `${runDir}/passt.sock`;
}

function planUplink(manifest: Manifest, request: InstanceRequest): InstanceUplink | null {
  const { mode, device } = manifest.uplink;
  const mac = `${manifest.hardening.macPrefix}:ff:ff:01`;
  const handle = request.uplinkHandle;
  switch (mode) {
    case 'none':
      return null;
    case 'user':
      return { kind: 'user', mac, socket: passtSocketOf(request.runDir) };
    case 'pci':
      return { kind: 'pci', address: device ?? '' };
    case 'netns':
      if (handle && 'tap' in handle) return { kind: 'tap', tap: handle.tap, mac };
      break;
    case 'macvtap':
      if (handle && 'fd' in handle) return { kind: 'fd', fd: handle.fd, mac };
      break;
  }
  throw new MvError(
    'internal.bug',
    `Uplink mode "${mode}" of ${manifest.node} was planned without its host handle (please report)`,
  );
}
