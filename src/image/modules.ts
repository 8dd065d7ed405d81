/**
 * @module Resolves which kernel modules a portal's initramfs needs, in load order, from the `depends=`
 * field of each module's .modinfo section (what modprobe would read from modules.dep), skipping modules
 * built into the kernel.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';
import { isRouterPortal, type Manifest } from '../formula/index.js';

/** Modules every micro portal loads, in the order given (dependencies are added before each). */
export const PORTAL_MODULES = [
  'virtio_mmio', // microvm's virtio transport
  'virtio_pci', // q35's virtio transport
  'virtio_blk', // the root overlay and extra disks
  'crc32c_generic', // ext4 needs it, but only as a soft dependency, so it is named here
  'ext4',
  '9p',
  '9pnet_virtio', // the multiverse-portal share
  'virtio_console', // agent and status ports
  'virtio_rng',
  'virtio_net',
  'button', // ACPI power button, so QMP system_powerdown reaches the guest
  'evdev',
] as const;

/** What a router needs besides: nftables with NAT, masquerade, redirect and connection tracking. */
export const ROUTER_MODULES = [
  'nf_tables',
  'nft_chain_nat',
  'nft_masq',
  'nft_redir',
  'nft_ct',
  'nft_reject_inet',
] as const;

/** What a Debian image's stage 1 needs besides: its read-only erofs layers and the overlay that stacks them. */
const LAYER_MODULES = ['erofs', 'overlay'] as const;

/** What a graphical portal's X server needs: the virtio GPU's DRM driver and the virtio keyboard and tablet. */
const DISPLAY_MODULES = ['virtio_gpu', 'virtio_input'] as const;

/**
 * What gives an image with `image.portalgun` a `/dev/kvm` for the portals it nests: the CPU vendor's KVM
 * module (under TCG, QEMU's `-cpu max` offers AMD SVM). Only the vendor's loads; the other one failing is no
 * error (`OPTIONAL_MODULES`).
 */
export const NESTING_MODULES = ['kvm_amd', 'kvm_intel'] as const;

/** Modules stage 1 tries without failing the boot when they do not load. */
export const OPTIONAL_MODULES: ReadonlySet<string> = new Set(NESTING_MODULES);

/**
 * The modules a portal's initramfs loads: the base set, the layer stack for Debian images, the GPU and input
 * devices of graphical portals, the memory balloon where one is attached, netfilter for routers, WireGuard
 * where it is used, KVM where portals are nested.
 */
export function modulesFor(manifest: Manifest): string[] {
  const routes = isRouterPortal(manifest);
  return [
    ...PORTAL_MODULES,
    ...(manifest.image.backend === 'debian' ? LAYER_MODULES : []),
    ...(manifest.devices.display !== 'none' ? DISPLAY_MODULES : []),
    ...(manifest.machine.balloon ? ['virtio_balloon'] : []),
    ...(routes ? ROUTER_MODULES : []),
    ...(manifest.packages.includes('wireguard-tools') ? ['wireguard'] : []),
    ...(manifest.image.portalgun ? NESTING_MODULES : []),
  ];
}

/** A module file's name normalised the way the kernel names modules (dashes become underscores). */
export function moduleName(fileName: string): string {
  return fileName.replace(/\.ko$/, '').replaceAll('-', '_');
}

/** The dependencies listed in a .ko file's modinfo (`depends=a,b`). */
export function parseModinfoDepends(ko: Uint8Array): string[] {
  const text = new TextDecoder('latin1').decode(ko);
  const match = /(?:^|\0)depends=([^\0]*)\0/.exec(text);
  return match?.[1]
    ? match[1]
        .split(',')
        .filter((d) => d !== '')
        .map(moduleName)
    : [];
}

/** What is known about the kernel's modules: each loadable one's dependencies, and the built-in ones. */
export interface ModuleIndex {
  readonly depends: ReadonlyMap<string, readonly string[]>;
  readonly builtin: ReadonlySet<string>;
}

/** The modules to load, dependencies first, each once; built-in modules are left out. */
export function resolveModuleOrder(wanted: readonly string[], index: ModuleIndex): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: readonly string[]) => {
    if (seen.has(name) || index.builtin.has(name)) return;
    const depends = index.depends.get(name);
    if (!depends) {
      throw new MvError('image.missing-module', `Kernel module "${name}" is neither loadable nor built in`, {
        hint: `Needed by ${path.join(' → ') || 'the portal'}; check the kernel in the image store ("portalgun doctor").`,
      });
    }
    seen.add(name);
    for (const dependency of depends) visit(dependency, [...path, name]);
    order.push(name);
  };
  for (const name of wanted) visit(moduleName(name), []);
  return order;
}
