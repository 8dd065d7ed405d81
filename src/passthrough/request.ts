/**
 * @module What a portal asks of the host's devices: the PCI functions of `devices.pci` and of a `pci`
 * uplink (the universe router's NIC), and the USB devices of `devices.usb`; and the locked-memory limit
 * its QEMU then needs. Pure: no I/O.
 */
import { type Manifest, parseUsbSelector, type UsbSelector } from '../formula/index.js';

/** The host devices one portal needs. */
export interface PassthroughRequest {
  /** PCI addresses, in formula order, the uplink's last. */
  readonly pci: readonly string[];
  readonly usb: readonly UsbSelector[];
}

/** The devices a manifest asks for (the formula checks have refused duplicates). */
export function passthroughRequestOf(manifest: Manifest): PassthroughRequest {
  const { mode, device } = manifest.uplink;
  return {
    pci: [...manifest.devices.pci, ...(mode === 'pci' && device !== null ? [device] : [])],
    usb: manifest.devices.usb.map(parseUsbSelector),
  };
}

/** True when the portal needs no host device at all (nothing to read, bind or restore). */
export function isEmptyRequest(request: PassthroughRequest): boolean {
  return request.pci.length === 0 && request.usb.length === 0;
}

/** Headroom over guest RAM for what QEMU itself maps for DMA (libvirt's rule for VFIO: 1 GiB). */
const MEMLOCK_HEADROOM_MIB = 1024;

/**
 * The RLIMIT_MEMLOCK a portal's QEMU needs, in bytes, or undefined for the default: VFIO pins all guest
 * memory for the device's DMA, and the unprivileged QEMU account may lock only a few MiB by default.
 */
export function memlockBytesFor(manifest: Manifest, request: PassthroughRequest): number | undefined {
  if (request.pci.length === 0) return undefined;
  return (manifest.machine.memory + MEMLOCK_HEADROOM_MIB) * 2 ** 20;
}
