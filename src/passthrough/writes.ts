/**
 * @module The exact sysfs writes that hand a PCI function to vfio-pci and give it back, and the device
 * nodes QEMU gets, as data: the host adapter performs them in order and the tests read them. The kernel's
 * own interface, nothing loaded: `driver_override` makes vfio-pci the only driver that may claim the
 * function, the current driver lets go of it, and `drivers_probe` lets vfio-pci take it.
 * Pure: no I/O.
 */
import { VFIO_DRIVER } from './facts.js';
import type { PciBinding } from './plan.js';

/** One write of `value` to a sysfs attribute, `file` relative to the sysfs root. */
export interface SysfsWrite {
  readonly file: string;
  readonly value: string;
}

/** The writes that move a function from its driver (or none) to vfio-pci; none if it is there already. */
export function pciBindWrites(binding: PciBinding): SysfsWrite[] {
  const { address, driver } = binding;
  if (driver === VFIO_DRIVER) return [];
  return [
    { file: `bus/pci/devices/${address}/driver_override`, value: VFIO_DRIVER },
    ...(driver === null ? [] : [{ file: `bus/pci/drivers/${driver}/unbind`, value: address }]),
    { file: 'bus/pci/drivers_probe', value: address },
  ];
}

/**
 * The writes that give a function back: off vfio-pci, the override cleared (a lone newline clears it), and
 * bound to the driver it had; none if portalgun did not move it.
 */
export function pciRestoreWrites(binding: PciBinding): SysfsWrite[] {
  const { address, driver } = binding;
  if (driver === VFIO_DRIVER) return [];
  return [
    { file: `bus/pci/drivers/${VFIO_DRIVER}/unbind`, value: address },
    { file: `bus/pci/devices/${address}/driver_override`, value: '\n' },
    ...(driver === null ? [] : [{ file: `bus/pci/drivers/${driver}/bind`, value: address }]),
  ];
}

/**
 * The writes that let the host's drivers take a USB device's interfaces again: QEMU detaches them when it
 * claims the device, and a QEMU that is killed never gives them back.
 */
export function usbReprobeWrites(interfaces: readonly string[]): SysfsWrite[] {
  return interfaces.map((name) => ({ file: 'bus/usb/drivers_probe', value: name }));
}

/** A USB device's node, relative to /dev: `bus/usb/BBB/DDD`. */
export function usbNodeOf(device: { readonly busnum: number; readonly devnum: number }): string {
  const pad = (n: number) => String(n).padStart(3, '0');
  return `bus/usb/${pad(device.busnum)}/${pad(device.devnum)}`;
}

/** An IOMMU group's node, relative to /dev: what QEMU opens to use the group's devices. */
export function vfioGroupNodeOf(group: number): string {
  return `vfio/${group}`;
}
