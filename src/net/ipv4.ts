/**
 * @module IPv4 text helpers for the network renderers: strict dotted quads, CIDR prefixes and subnet tests.
 * Self-contained on purpose (no formula or digest import), so the in-guest side can bundle the guest-net
 * parser that uses it without pulling in zod.
 * Pure: no I/O.
 */

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

/** Whether text is a dotted-quad IPv4 address without leading zeros. */
export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** The address as a 32-bit unsigned number, or undefined if it is not a strict dotted quad. */
export function ipv4ToNumber(text: string): number | undefined {
  if (!isIpv4(text)) return undefined;
  return text.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

/** An address and prefix length, as in `10.2.2.10/24`. */
export interface Ipv4Cidr {
  readonly address: string;
  readonly prefix: number;
}

/** Parses `a.b.c.d/p` (p from 0 to 32, no leading zeros), or undefined. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const match = /^([0-9.]+)\/(3[0-2]|[12]?[0-9])$/.exec(text);
  if (!match || !isIpv4(match[1] ?? '')) return undefined;
  return { address: match[1] ?? '', prefix: Number(match[2]) };
}

/** Whether `address` lies in the subnet `cidr.address/cidr.prefix`. */
export function inSubnet(address: string, cidr: Ipv4Cidr): boolean {
  const a = ipv4ToNumber(address);
  const b = ipv4ToNumber(cidr.address);
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - cidr.prefix);
  return Math.floor(a / size) === Math.floor(b / size);
}
