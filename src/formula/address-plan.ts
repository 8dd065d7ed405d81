/**
 * @module The one address plan every formula follows. Each portal network is a /24 whose host part says
 * what a machine is: `.1` the network's router, `.2–.9` infrastructure (routers' legs on the network above
 * them), `.10–.99` controllers and services (fixed per formula), `.100–.199` application instances (handed
 * out when an instance starts). The host holds no address on any of them. MAC addresses are derived from the
 * IPv4 address behind the `00:00:10` prefix, never QEMU's tell-tale `52:54:00`.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';

/** The portal networks, in chain order. */
export const NETWORK_NAMES = ['universe', 'galaxy', 'star', 'app'] as const;

/** A portal network's name. */
export type NetworkName = (typeof NETWORK_NAMES)[number];

/** One row of the plan. */
export interface NetworkPlan {
  readonly name: NetworkName;
  /** The first three octets of the /24. */
  readonly prefix: readonly [number, number, number];
  /** What the network is for, in one sentence. */
  readonly purpose: string;
}

/** The plan itself (from the original design, with its `.254` host leg and `10.1.1.2` clash removed). */
export const NETWORKS: Readonly<Record<NetworkName, NetworkPlan>> = {
  universe: {
    name: 'universe',
    prefix: [10, 0, 0],
    purpose: 'behind the universe router, which owns the uplink (LAN) and NATs out',
  },
  galaxy: {
    name: 'galaxy',
    prefix: [10, 1, 1],
    purpose: 'behind the galaxy router: everything leaves through the VPN tunnel, never the LAN',
  },
  star: {
    name: 'star',
    prefix: [10, 2, 2],
    purpose: 'behind the star router: TCP and DNS go through Tor, everything else is dropped',
  },
  app: {
    name: 'app',
    prefix: [10, 3, 3],
    purpose: 'inside the user controller, for nested portals; the controller forwards it only into star',
  },
};

/** What a host number means on any portal network. */
export type AddressRole = 'router' | 'infrastructure' | 'fixed' | 'application' | 'reserved';

/** The host-number ranges of the plan, inclusive. */
export const ADDRESS_RANGES: readonly {
  readonly role: AddressRole;
  readonly from: number;
  readonly to: number;
}[] = [
  { role: 'router', from: 1, to: 1 },
  { role: 'infrastructure', from: 2, to: 9 },
  { role: 'fixed', from: 10, to: 99 },
  { role: 'application', from: 100, to: 199 },
  { role: 'reserved', from: 200, to: 254 },
];

/** The default MAC prefix for portal NICs. */
export const PORTAL_MAC_PREFIX = '00:00:10';

/** QEMU's default OUI, which tells any observer the machine is a QEMU guest. */
export const QEMU_MAC_PREFIX = '52:54:00';

/** The four octets of a dotted-quad IPv4 address, or undefined if it is not one. */
export function parseIpv4(text: string): [number, number, number, number] | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet, i) => octet > 255 || (match[i + 1]?.length ?? 0) > String(octet).length)) {
    return undefined;
  }
  return octets as [number, number, number, number];
}

/** The host number of an address on a network, or undefined if the address is not on it. */
export function hostNumberOn(network: NetworkName, address: string): number | undefined {
  const octets = parseIpv4(address);
  if (!octets) return undefined;
  const [a, b, c] = NETWORKS[network].prefix;
  return octets[0] === a && octets[1] === b && octets[2] === c ? octets[3] : undefined;
}

/** The role of a host number. */
export function roleOfHost(host: number): AddressRole {
  return ADDRESS_RANGES.find((range) => host >= range.from && host <= range.to)?.role ?? 'reserved';
}

/** The address of a host number on a network. */
export function addressOn(network: NetworkName, host: number): string {
  return [...NETWORKS[network].prefix, host].join('.');
}

/** The `/24` of a network in CIDR notation. */
export function cidrOf(network: NetworkName): string {
  return `${addressOn(network, 0)}/24`;
}

/** The MAC for an IPv4 address: the prefix, then the last three octets in hex (10.2.2.10 → 00:00:10:02:02:0a). */
export function macFor(address: string, prefix: string = PORTAL_MAC_PREFIX): string {
  const octets = parseIpv4(address);
  if (!octets)
    throw new MvError('internal.bug', `macFor got a non-IPv4 address "${address}" (please report)`);
  const tail = octets.slice(1).map((octet) => octet.toString(16).padStart(2, '0'));
  return [prefix, ...tail].join(':');
}

/** The lowest free application address on a network, given the addresses already handed out. */
export function allocateApplicationAddress(network: NetworkName, taken: ReadonlySet<string>): string {
  const range = ADDRESS_RANGES.find((r) => r.role === 'application');
  for (let host = range?.from ?? 100; host <= (range?.to ?? 199); host++) {
    const address = addressOn(network, host);
    if (!taken.has(address)) return address;
  }
  throw new MvError('plan.address-exhausted', `Network "${network}" has no free application address`, {
    hint: 'Stop an application portal on this network, or attach the formula to another network.',
  });
}
