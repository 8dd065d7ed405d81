/**
 * @module The USB selector of `devices.usb`: `vendor:product`, or `vendor:product@<bus>-<port>` when a host
 * has two alike (the port path is the device's name under /sys/bus/usb/devices, which stays the same for a
 * socket across replugs, unlike the device number). The schema has already checked the syntax.
 * Pure: no I/O.
 */

/** One USB device a formula asks for. */
export interface UsbSelector {
  readonly vendor: string;
  readonly product: string;
  /** `<bus>-<port>[.<port>…]`, or null when any port will do (the device must then be unique). */
  readonly port: string | null;
}

/** Splits a schema-checked selector into its parts. */
export function parseUsbSelector(text: string): UsbSelector {
  const [id = '', port] = text.split('@');
  const [vendor = '', product = ''] = id.split(':');
  return { vendor, product, port: port ?? null };
}

/** The selector as a formula writes it. */
export function formatUsbSelector(selector: UsbSelector): string {
  const id = `${selector.vendor}:${selector.product}`;
  return selector.port === null ? id : `${id}@${selector.port}`;
}
