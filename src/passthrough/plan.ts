/**
 * @module The passthrough planner: from what a portal asks for and a snapshot of the host's devices, which
 * PCI functions to bind to vfio-pci (and which driver each goes back to), which IOMMU groups QEMU must open,
 * and which USB device nodes to hand it; or a typed refusal with a hint. Refusals fail closed: no IOMMU, no
 * vfio-pci driver, a device that is missing, a device the host itself stands on (its boot display, the NIC
 * of its default route, the disk of a mount), one another portal holds, or an IOMMU group shared with a
 * device that would stay on a host driver (the kernel's VFIO viability rule).
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';
import { formatUsbSelector, type UsbSelector } from '../formula/index.js';
import {
  GROUP_SAFE_DRIVERS,
  isPciBridge,
  type PassthroughFacts,
  type PciDeviceFacts,
  type UsbDeviceFacts,
} from './facts.js';
import type { PassthroughRequest } from './request.js';

/** One PCI function to hand to a portal. */
export interface PciBinding {
  readonly address: string;
  readonly iommuGroup: number;
  /** The driver it is bound to now, and goes back to when the portal stops (null: none). */
  readonly driver: string | null;
}

/** One USB device to hand to a portal, by its device node. */
export interface UsbPassthrough {
  /** As the formula wrote it. */
  readonly selector: string;
  readonly name: string;
  readonly busnum: number;
  readonly devnum: number;
}

/** What to do on the host before a portal's QEMU starts. */
export interface PassthroughPlan {
  readonly pci: readonly PciBinding[];
  /** IOMMU groups whose /dev/vfio/<group> QEMU opens. */
  readonly groups: readonly number[];
  readonly usb: readonly UsbPassthrough[];
}

/** Who is asking, and which devices running portals hold already (PCI address or USB name → portal). */
export interface PlanOptions {
  readonly node: string;
  readonly held: ReadonlyMap<string, string>;
}

/** Decides how to give a portal its devices; throws the first refusal. */
export function planPassthrough(
  request: PassthroughRequest,
  facts: PassthroughFacts,
  options: PlanOptions,
): PassthroughPlan {
  const pci = request.pci.length > 0 ? planPci(request.pci, facts, options) : [];
  const usb = request.usb.map((selector) => planUsb(selector, facts, options));
  const names = usb.map((device) => device.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) {
    throw new MvError('passthrough.ambiguous', `${options.node} names the USB device at ${twice} twice`, {
      hint: 'Each entry of devices.usb must pick a different device: add @<bus>-<port> to tell them apart.',
    });
  }
  const groups = [...new Set(pci.map((binding) => binding.iommuGroup))].sort((a, b) => a - b);
  return { pci, groups, usb };
}

function planPci(addresses: readonly string[], facts: PassthroughFacts, options: PlanOptions): PciBinding[] {
  if (facts.iommuGroups === 0) {
    throw new MvError(
      'host.iommu-missing',
      `${options.node} passes through PCI ${addresses.join(', ')}, but this host has no IOMMU (/sys/kernel/iommu_groups is empty)`,
      {
        hint: 'Turn on VT-d (Intel) or AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on; "portalgun doctor" shows the IOMMU state. Without one, a device could reach all host memory, so portalgun refuses.',
      },
    );
  }
  if (!facts.vfioDriver) {
    throw new MvError(
      'host.vfio-missing',
      `${options.node} passes through PCI ${addresses.join(', ')}, but the host kernel has no vfio-pci driver (/sys/bus/pci/drivers/vfio-pci is missing)`,
      {
        hint: 'portalgun loads no kernel modules: run "modprobe vfio-pci" as root, or boot a kernel with CONFIG_VFIO_PCI=y.',
      },
    );
  }
  return addresses.map((address) => planOnePci(address, addresses, facts, options));
}

function planOnePci(
  address: string,
  requested: readonly string[],
  facts: PassthroughFacts,
  options: PlanOptions,
): PciBinding {
  const device = facts.pci.find((d) => d.address === address);
  if (!device) {
    throw new MvError(
      'passthrough.not-found',
      `${options.node} asks for PCI ${address}, which this host does not have`,
      {
        hint: 'List the host\'s devices with "lspci -D" and correct devices.pci (or uplink.device).',
      },
    );
  }
  if (device.iommuGroup === null) {
    throw new MvError('host.iommu-missing', `PCI ${address} is in no IOMMU group on this host`, {
      hint: 'The IOMMU does not cover this device: check the firmware settings, or pick a device in a group.',
    });
  }
  refuseHostOwned(address, device.bootVga ? "the host's boot display" : hostUseOf(address, facts), options);
  const group = facts.pci.filter((d) => d.iommuGroup === device.iommuGroup);
  for (const member of group) refuseHeld(member.address, `PCI ${member.address}`, options);
  const blockers = group.filter((other) => !requested.includes(other.address) && blocksGroup(other));
  if (blockers.length > 0) {
    const list = blockers.map((d) => `${d.address} (${d.driver})`).join(', ');
    throw new MvError(
      'passthrough.group-not-viable',
      `PCI ${address} shares IOMMU group ${device.iommuGroup} with ${list}, which the host drives`,
      {
        hint: 'A group goes to one portal whole: add those devices to devices.pci as well, or unbind them from their drivers; a device in another slot may have a group of its own.',
      },
    );
  }
  return { address, iommuGroup: device.iommuGroup, driver: device.driver };
}

/** True if a device left in the group on its current driver makes the group unusable for VFIO. */
function blocksGroup(device: PciDeviceFacts): boolean {
  if (isPciBridge(device.classCode) || device.driver === null) return false;
  return !GROUP_SAFE_DRIVERS.includes(device.driver);
}

function planUsb(selector: UsbSelector, facts: PassthroughFacts, options: PlanOptions): UsbPassthrough {
  const text = formatUsbSelector(selector);
  const matches = facts.usb.filter(
    (d) =>
      d.vendor === selector.vendor &&
      d.product === selector.product &&
      (selector.port === null || d.name === selector.port),
  );
  const [device, second] = matches;
  if (!device) {
    throw new MvError(
      'passthrough.not-found',
      `${options.node} asks for USB ${text}, which is not plugged in`,
      {
        hint: 'Plug it in ("lsusb" lists the host\'s devices), or correct devices.usb.',
      },
    );
  }
  if (second) {
    throw new MvError(
      'passthrough.ambiguous',
      `${matches.length} USB devices match ${text}: ${matches.map(describeUsb).join(', ')}`,
      {
        hint: `Name the socket: write ${text}@${device.name} (or another of the ports above) in devices.usb.`,
      },
    );
  }
  refuseHostOwned(device.name, hostUseOf(device.name, facts), options);
  refuseHeld(device.name, `USB ${text}`, options);
  return { selector: text, name: device.name, busnum: device.busnum, devnum: device.devnum };
}

function describeUsb(device: UsbDeviceFacts): string {
  return `${device.name} (bus ${device.busnum}, device ${device.devnum})`;
}

/** What the host runs on through a device (a device path through it), if anything. */
function hostUseOf(device: string, facts: PassthroughFacts): string | undefined {
  return facts.hostUses.find((use) => use.devicePath.includes(device))?.what;
}

/** Refuses a device the host itself stands on. */
function refuseHostOwned(device: string, use: string | undefined, options: PlanOptions): void {
  if (use === undefined) return;
  throw new MvError('passthrough.host-owned', `${options.node} asks for ${device}, which carries ${use}`, {
    hint: 'The host would lose it: pick another device, or move the host off it first.',
  });
}

function refuseHeld(device: string, what: string, options: PlanOptions): void {
  const holder = options.held.get(device);
  if (holder === undefined) return;
  throw new MvError('passthrough.busy', `${what} is passed through to the running portal "${holder}"`, {
    hint: `A device goes to one portal at a time: stop "${holder}" first ("portalgun down ${holder}").`,
  });
}
