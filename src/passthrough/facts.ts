/**
 * @module What the passthrough planner knows about the host, as data: the sysfs facts of every PCI function
 * and USB device, whether the host has an IOMMU and the vfio-pci driver, and which devices the host itself
 * stands on (its default route, its mounted filesystems and swap), each as the sysfs device path of the
 * thing it uses. The host adapter reads them; the planner decides from them alone.
 * Pure: no I/O.
 */

/** One PCI function as /sys/bus/pci/devices/<address> shows it. */
export interface PciDeviceFacts {
  /** Full address, e.g. `0000:03:00.0`. */
  readonly address: string;
  /** The 24-bit class code: 0x020000 is an Ethernet controller, 0x0604xx a PCI-to-PCI bridge. */
  readonly classCode: number;
  /** The driver it is bound to, or null when none is. */
  readonly driver: string | null;
  /** Its IOMMU group, or null when no IOMMU covers it. */
  readonly iommuGroup: number | null;
  /** True for the VGA device the firmware booted with: the host's own console. */
  readonly bootVga: boolean;
}

/** One USB device (not an interface, not a root hub) as /sys/bus/usb/devices/<name> shows it. */
export interface UsbDeviceFacts {
  /** Its sysfs name, `<bus>-<port>[.<port>…]`: the same for a socket across replugs. */
  readonly name: string;
  readonly vendor: string;
  readonly product: string;
  readonly busnum: number;
  readonly devnum: number;
}

/** Something the host itself runs on, and the sysfs device path (its components) of the device under it. */
export interface HostUse {
  /** For messages, e.g. `the default route (eth0)` or `the filesystem mounted on / (/dev/sda2)`. */
  readonly what: string;
  /** Components below /sys/devices, e.g. `['pci0000:00', '0000:00:03.0', 'virtio0', 'net', 'eth0']`. */
  readonly devicePath: readonly string[];
}

/** A snapshot of everything passthrough decisions depend on. */
export interface PassthroughFacts {
  /** How many IOMMU groups /sys/kernel/iommu_groups holds (0 when it is empty or missing). */
  readonly iommuGroups: number;
  /** Whether /sys/bus/pci/drivers/vfio-pci exists (portalgun loads no kernel modules). */
  readonly vfioDriver: boolean;
  readonly pci: readonly PciDeviceFacts[];
  readonly usb: readonly UsbDeviceFacts[];
  readonly hostUses: readonly HostUse[];
}

/** The driver portalgun binds passed-through PCI functions to. */
export const VFIO_DRIVER = 'vfio-pci';

/**
 * Drivers the kernel lets share an IOMMU group with a device in use by VFIO (its `vfio_driver_allowed`
 * list, plus vfio-pci itself): a device bound to anything else in the group makes the group unusable.
 */
export const GROUP_SAFE_DRIVERS: readonly string[] = [VFIO_DRIVER, 'pci-stub'];

/**
 * True for PCI-to-PCI, CardBus and semi-transparent bridges (header types 1 and 2): the kernel ignores
 * their drivers when it judges a group, since they only forward.
 */
export function isPciBridge(classCode: number): boolean {
  const subclass = classCode >> 8;
  return subclass === 0x0604 || subclass === 0x0607 || subclass === 0x0609;
}
