/**
 * @module Hands a portal's planned devices over before its QEMU starts, and gives them back: PCI functions
 * to vfio-pci and back to their old drivers, each IOMMU group's /dev/vfio node to the QEMU account and
 * back, and each USB device as an open descriptor of its /dev/bus/usb node (QEMU's `usb-host` takes it
 * through `-add-fd`), so the unprivileged account never gets the node itself and every other portal of
 * the same account is kept off it. Every step registers its undo before the next begins; nothing is loaded
 * into the kernel. Giving back runs every step even when one fails.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { chmod, chown, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import {
  type PassthroughClaim,
  type PassthroughPlan,
  pciBindWrites,
  pciRestoreWrites,
  type UsbPassthrough,
  usbNodeOf,
  usbReprobeWrites,
  VFIO_DRIVER,
  vfioGroupNodeOf,
} from '../index.js';
import { type SysfsWriter, writeEach, writeInOrder, writeSysfs } from './_sysfs-write.js';
import { type HostRoots, pciDriverOf } from './read-facts.js';

/** The undo list of the start that hands devices over (the daemon's Reverter). */
export interface UndoList {
  add(what: string, undo: () => unknown): void;
}

/** Where to act, as whom, and how to write sysfs. */
export interface HandoverOptions {
  readonly roots: HostRoots;
  /** The QEMU account, which gets the /dev/vfio group nodes. */
  readonly owner: { readonly uid: number; readonly gid: number };
  readonly write?: SysfsWriter;
}

/** Descriptors of the USB device nodes, for QEMU to inherit; `close()` may be called more than once. */
export interface PassedNodes {
  readonly fds: readonly number[];
  close(): void;
}

type GroupRecord = PassthroughClaim['groups'][number];

/** Carries out a plan; returns what to give back later and the descriptors to pass to QEMU. */
export async function handOver(
  portal: string,
  plan: PassthroughPlan,
  options: HandoverOptions & { readonly undo: UndoList },
): Promise<{ claim: PassthroughClaim; passed: PassedNodes }> {
  const { roots, undo } = options;
  const write = options.write ?? writeSysfs;
  for (const binding of plan.pci) {
    const writes = pciBindWrites(binding);
    if (writes.length === 0) continue;
    undo.add(`give PCI ${binding.address} back to ${binding.driver ?? 'no driver'}`, () =>
      writeEach(roots.sys, pciRestoreWrites(binding), write),
    );
    await writeInOrder(roots.sys, writes, write);
    const now = await pciDriverOf(roots.sys, binding.address);
    if (now !== VFIO_DRIVER) {
      throw new MvError(
        'passthrough.bind-failed',
        `PCI ${binding.address} is bound to ${now ?? 'no driver'} after the handover, not ${VFIO_DRIVER}`,
        { hint: 'See "dmesg" for why vfio-pci did not take it.' },
      );
    }
  }
  if (plan.groups.length > 0) await requireContainerNode(roots.dev);
  const groups: GroupRecord[] = [];
  for (const group of plan.groups) groups.push(await handOverGroup(group, options));
  const passed = openUsbNodes(plan.usb, roots);
  undo.add('close the USB device nodes', () => passed.close());
  for (const device of plan.usb) {
    undo.add(`give USB ${device.name} back to the host's drivers`, () =>
      reprobeUsb(roots.sys, device.name, write),
    );
  }
  return {
    claim: { portal, pci: [...plan.pci], groups, usb: plan.usb.map((d) => d.name) },
    passed,
  };
}

/** QEMU also opens /dev/vfio/vfio, which the kernel makes readable and writable by everyone. */
async function requireContainerNode(dev: string): Promise<void> {
  const node = path.join(dev, 'vfio/vfio');
  const info = await lstat(node).catch(() => null);
  if (!info || (info.mode & 0o006) !== 0o006) {
    throw new MvError(
      'passthrough.bind-failed',
      `${node} is ${info ? 'not open to every account' : 'missing'}`,
      {
        hint: "The QEMU account must be able to open it: chmod 0666 /dev/vfio/vfio (the kernel's own default).",
      },
    );
  }
}

async function handOverGroup(
  group: number,
  options: HandoverOptions & { readonly undo: UndoList },
): Promise<GroupRecord> {
  const node = path.join(options.roots.dev, vfioGroupNodeOf(group));
  const info = await lstat(node).catch(() => null);
  if (!info || info.isSymbolicLink()) {
    throw new MvError('passthrough.bind-failed', `${node} is missing after binding IOMMU group ${group}`, {
      hint: 'vfio-pci took the device but the group node did not appear: check that devtmpfs is mounted on /dev.',
    });
  }
  const record = { group, uid: info.uid, gid: info.gid, mode: info.mode & 0o7777 };
  options.undo.add(`give ${node} back to uid ${record.uid}`, () =>
    restoreGroupNode(options.roots.dev, record),
  );
  await chown(node, options.owner.uid, options.owner.gid);
  await chmod(node, 0o600);
  return record;
}

/** Opens each USB node and checks it is the device sysfs names (not one plugged in since planning). */
function openUsbNodes(devices: readonly UsbPassthrough[], roots: HostRoots): PassedNodes {
  const fds: number[] = [];
  let closed = false;
  const passed: PassedNodes = {
    fds,
    close() {
      if (closed) return;
      closed = true;
      for (const fd of fds) closeSync(fd);
    },
  };
  try {
    for (const device of devices) {
      const node = path.join(roots.dev, usbNodeOf(device));
      const fd = openSync(node, constants.O_RDWR | constants.O_NOFOLLOW);
      fds.push(fd);
      requireSameDevice(fd, node, device, roots.sys);
    }
  } catch (error) {
    passed.close();
    throw error instanceof MvError
      ? error
      : new MvError('passthrough.bind-failed', `Cannot open a USB device node: ${String(error)}`, {
          cause: error,
        });
  }
  return passed;
}

function requireSameDevice(fd: number, node: string, device: UsbPassthrough, sys: string): void {
  const expected = readAttrSync(path.join(sys, 'bus/usb/devices', device.name, 'dev'));
  const actual = deviceNumber(fstatSync(fd, { bigint: true }).rdev);
  if (actual !== expected) {
    throw new MvError(
      'passthrough.bind-failed',
      `${node} is device ${actual}, but USB ${device.name} is ${expected || 'gone'}: it was unplugged or replugged`,
      { hint: 'Start the portal again.' },
    );
  }
}

/** Linux's `major:minor` of a device number (glibc's gnu_dev_major/minor), as sysfs `dev` writes it. */
function deviceNumber(rdev: bigint): string {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & 0xfffff000n);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & 0xffffff00n);
  return `${major}:${minor}`;
}

/**
 * Gives back everything a claim holds: group nodes first (they vanish once vfio-pci lets go), then PCI,
 * then USB; returns what could not be given back.
 */
export async function giveBack(
  claim: PassthroughClaim,
  options: Omit<HandoverOptions, 'owner'>,
): Promise<string[]> {
  const { roots } = options;
  const write = options.write ?? writeSysfs;
  const problems: string[] = [];
  const attempt = (step: Promise<unknown>) =>
    step.catch((error: unknown) => problems.push(error instanceof Error ? error.message : String(error)));
  for (const group of claim.groups) await attempt(restoreGroupNode(roots.dev, group));
  for (const binding of claim.pci) await attempt(writeEach(roots.sys, pciRestoreWrites(binding), write));
  for (const name of claim.usb) await attempt(reprobeUsb(roots.sys, name, write));
  return problems;
}

async function restoreGroupNode(dev: string, record: GroupRecord): Promise<void> {
  const node = path.join(dev, vfioGroupNodeOf(record.group));
  const info = await lstat(node).catch(() => null);
  if (!info || info.isSymbolicLink()) return;
  await chown(node, record.uid, record.gid);
  await chmod(node, record.mode);
}

/** Lets the host's drivers probe a USB device's interfaces again (a device unplugged meanwhile has none). */
async function reprobeUsb(sys: string, name: string, write: SysfsWriter): Promise<void> {
  const entries = await readdir(path.join(sys, 'bus/usb/devices', name)).catch(() => []);
  const interfaces = entries.filter((entry) => entry.startsWith(`${name}:`)).sort();
  await writeEach(sys, usbReprobeWrites(interfaces), write);
}

function readAttrSync(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
