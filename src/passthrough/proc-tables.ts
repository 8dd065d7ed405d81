/**
 * @module Parsers of the /proc tables that say what the host itself runs on: the interfaces carrying its
 * default routes (IPv4 and IPv6) and the block devices behind its mounts and swap. The host adapter reads
 * the files and follows each name to its sysfs device; these functions only read text.
 * Pure: no I/O.
 */
import { unescapeMountField } from '../files/index.js';

/** Interfaces with an IPv4 default route, from /proc/net/route (destination and mask 0). */
export function defaultRouteInterfaces(route: string, ipv6Route: string): string[] {
  const found = new Set<string>();
  for (const line of route.split('\n').slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && destination === '00000000' && mask === '00000000') found.add(iface);
  }
  for (const line of ipv6Route.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const iface = fields[9];
    // An IPv6 default route: destination ::/0. The loopback's unreachable default is not one.
    if (iface && iface !== 'lo' && /^0{32}$/.test(fields[0] ?? '') && fields[1] === '00') found.add(iface);
  }
  return [...found].sort();
}

/** Block devices (paths under /dev) mounted somewhere, with where: from /proc/self/mounts. */
export function mountedDevices(mounts: string): { source: string; mountPoint: string }[] {
  const found: { source: string; mountPoint: string }[] = [];
  for (const line of mounts.split('\n')) {
    const [source, mountPoint] = line.split(' ');
    if (source?.startsWith('/dev/') && mountPoint) {
      found.push({ source: unescapeMountField(source), mountPoint: unescapeMountField(mountPoint) });
    }
  }
  return found;
}

/** Swap partitions (paths under /dev) in use: from /proc/swaps (swap files live on a mount already). */
export function swapDevices(swaps: string): string[] {
  return swaps
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(([source, type]) => source?.startsWith('/dev/') && type === 'partition')
    .map(([source]) => unescapeMountField(source ?? ''));
}
