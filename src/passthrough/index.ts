/**
 * @module Public surface of the passthrough domain: host PCI functions (VFIO) and USB devices handed to a
 * portal. The planner decides from a snapshot of host facts; the sysfs writes are data; the claim records
 * what to give back. Pure: no I/O (the sysfs reader and writer live in `passthrough/host`).
 */
export { heldDevices, type PassthroughClaim, parseClaim } from './claim.js';
export {
  GROUP_SAFE_DRIVERS,
  type HostUse,
  isPciBridge,
  type PassthroughFacts,
  type PciDeviceFacts,
  type UsbDeviceFacts,
  VFIO_DRIVER,
} from './facts.js';
export {
  type PassthroughPlan,
  type PciBinding,
  type PlanOptions,
  planPassthrough,
  type UsbPassthrough,
} from './plan.js';
export { defaultRouteInterfaces, mountedDevices, swapDevices } from './proc-tables.js';
export { isEmptyRequest, memlockBytesFor, type PassthroughRequest, passthroughRequestOf } from './request.js';
export {
  pciBindWrites,
  pciRestoreWrites,
  type SysfsWrite,
  usbNodeOf,
  usbReprobeWrites,
  vfioGroupNodeOf,
} from './writes.js';
