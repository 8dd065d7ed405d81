/**
 * @module Reads the passthrough facts from a sysfs, procfs and /dev root (the real ones by default, a fake
 * tree in tests): PCI functions with their class, driver, IOMMU group and boot-VGA flag; USB devices; the
 * IOMMU and vfio-pci presence; and the sysfs device paths under the host's default routes, mounts and swap
 * (through bridges, bonds, VLANs and device-mapper to the hardware). Reads only; changes nothing.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import {
  defaultRouteInterfaces,
  type HostUse,
  mountedDevices,
  type PassthroughFacts,
  type PciDeviceFacts,
  swapDevices,
  type UsbDeviceFacts,
  VFIO_DRIVER,
} from '../index.js';

/** Where the kernel's interfaces are mounted; tests point these at a fake tree. */
export interface HostRoots {
  readonly sys: string;
  readonly proc: string;
  readonly dev: string;
}

/** The host's own sysfs, procfs and /dev. */
export const HOST_ROOTS: HostRoots = { sys: '/sys', proc: '/proc', dev: '/dev' };

/** A USB device's sysfs name (`1-1.4`); root hubs (`usb1`) and interfaces (`1-1.4:1.0`) do not match. */
const USB_DEVICE_NAME = /^[1-9][0-9]*-[1-9][0-9]*(\.[1-9][0-9]*)*$/;

/** Stacked devices (bridge ports, bond and VLAN lowers, dm and md slaves) are followed this deep at most. */
const MAX_DEPTH = 8;

/** Whether the host can pass PCI devices through at all: its IOMMU groups and the vfio-pci driver. */
export async function readIommuState(sys: string): Promise<{ iommuGroups: number; vfioDriver: boolean }> {
  return {
    iommuGroups: (await listDir(path.join(sys, 'kernel/iommu_groups'))).length,
    vfioDriver: existsSync(path.join(sys, 'bus/pci/drivers', VFIO_DRIVER)),
  };
}

/** Reads every fact the passthrough planner needs. */
export async function readPassthroughFacts(roots: HostRoots = HOST_ROOTS): Promise<PassthroughFacts> {
  const { sys } = roots;
  return {
    ...(await readIommuState(sys)),
    pci: await readPci(sys),
    usb: await readUsb(sys),
    hostUses: [...(await routeUses(roots)), ...(await storageUses(roots))],
  };
}

/** The driver a PCI function is bound to now, or null. */
export async function pciDriverOf(sys: string, address: string): Promise<string | null> {
  return linkName(path.join(sys, 'bus/pci/devices', address, 'driver'));
}

async function readPci(sys: string): Promise<PciDeviceFacts[]> {
  const base = path.join(sys, 'bus/pci/devices');
  const devices: PciDeviceFacts[] = [];
  for (const address of (await listDir(base)).sort()) {
    const dir = path.join(base, address);
    const group = await linkName(path.join(dir, 'iommu_group'));
    devices.push({
      address,
      classCode: Number.parseInt(await readText(path.join(dir, 'class')), 16),
      driver: await pciDriverOf(sys, address),
      iommuGroup: group === null ? null : Number(group),
      bootVga: (await readText(path.join(dir, 'boot_vga'))) === '1',
    });
  }
  return devices;
}

async function readUsb(sys: string): Promise<UsbDeviceFacts[]> {
  const base = path.join(sys, 'bus/usb/devices');
  const devices: UsbDeviceFacts[] = [];
  for (const name of (await listDir(base)).filter((n) => USB_DEVICE_NAME.test(n)).sort()) {
    const attr = (file: string) => readText(path.join(base, name, file));
    const [vendor, product, busnum, devnum] = await Promise.all(
      ['idVendor', 'idProduct', 'busnum', 'devnum'].map(attr),
    );
    // A device unplugged while we read is simply not there.
    if (!vendor || !product || !busnum || !devnum) continue;
    devices.push({ name, vendor, product, busnum: Number(busnum), devnum: Number(devnum) });
  }
  return devices;
}

async function routeUses(roots: HostRoots): Promise<HostUse[]> {
  const route = await readText(path.join(roots.proc, 'net/route'));
  const ipv6 = await readText(path.join(roots.proc, 'net/ipv6_route'));
  const uses: HostUse[] = [];
  for (const iface of defaultRouteInterfaces(route, ipv6)) {
    for (const devicePath of await stackedPaths(roots.sys, path.join('class/net', iface), [
      'brif',
      'lower_',
    ])) {
      uses.push({ what: `the default route (${iface})`, devicePath });
    }
  }
  return uses;
}

async function storageUses(roots: HostRoots): Promise<HostUse[]> {
  const mounts = await readText(path.join(roots.proc, 'self/mounts'));
  const swaps = await readText(path.join(roots.proc, 'swaps'));
  const wanted = [
    ...mountedDevices(mounts).map((m) => ({
      source: m.source,
      what: `the filesystem mounted on ${m.mountPoint}`,
    })),
    ...swapDevices(swaps).map((source) => ({ source, what: 'swap' })),
  ];
  const uses: HostUse[] = [];
  for (const { source, what } of wanted) {
    const node = await realpath(path.join(roots.dev, path.relative('/dev', source))).catch(() => null);
    if (node === null) continue;
    const block = path.join('class/block', path.basename(node));
    for (const devicePath of await stackedPaths(roots.sys, block, ['slaves'])) {
      uses.push({ what: `${what} (${source})`, devicePath });
    }
  }
  return uses;
}

/**
 * The sysfs device paths of a class entry and of everything it stacks on: a bridge's ports (`brif/*`),
 * a bond's or VLAN's lower devices (`lower_*`), a dm or md device's slaves (`slaves/*`).
 */
async function stackedPaths(
  sys: string,
  entry: string,
  lowers: readonly string[],
  depth = 0,
): Promise<string[][]> {
  const real = await realpath(path.join(sys, entry)).catch(() => null);
  if (real === null || depth > MAX_DEPTH) return [];
  const devices = await realpath(path.join(sys, 'devices'));
  const found = [path.relative(devices, real).split(path.sep)];
  const kind = path.dirname(entry);
  for (const lower of lowers) {
    const names = lower.endsWith('_')
      ? (await listDir(real)).filter((n) => n.startsWith(lower)).map((n) => n.slice(lower.length))
      : await listDir(path.join(real, lower));
    for (const name of names) {
      found.push(...(await stackedPaths(sys, path.join(kind, name), lowers, depth + 1)));
    }
  }
  return found;
}

async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

async function readText(file: string): Promise<string> {
  return (await readFile(file, 'utf8').catch(() => '')).trim();
}

async function linkName(link: string): Promise<string | null> {
  return readlink(link)
    .then((target) => path.basename(target))
    .catch(() => null);
}
