/**
 * @module The `multiverse.net=` kernel parameter that tells a guest how to set up its NICs, as a codec:
 * `formatGuestNetArg` writes it and `parseGuestNetArg` reads it back, strictly. Entries are joined by `,`:
 * - a portal NIC: `<mac>=<network>=<a.b.c.d/24>[=<gateway>]`; the guest renames the NIC with that MAC to the
 *   network's name (`universe`, `galaxy`, `star`, `app`) so rulesets can name interfaces stably;
 * - the uplink: `uplink=<mac>=<a.b.c.d/p or dhcp>[=<gateway>]`; the guest renames it `uplink`.
 * At most one entry carries a gateway: it is the default route. (The guest reads it in shell, rc.sysinit.)
 * Pure: no I/O.
 */
import { type ErrorCode, MvError } from '../errors/index.js';
import { NETWORK_NAMES, NETWORKS, type NetworkName } from '../formula/index.js';
import { KERNEL_PARAMS, UPLINK_INTERFACE } from '../guest-abi/index.js';
import { inSubnet, isIpv4, parseIpv4Cidr } from './ipv4.js';

/** The first three octets of each portal network: the address plan's /24s. */
export const GUEST_NETWORK_PREFIXES: Readonly<Record<NetworkName, string>> = Object.fromEntries(
  NETWORK_NAMES.map((network) => [network, NETWORKS[network].prefix.join('.')]),
) as Record<NetworkName, string>;

/** A NIC on a portal network; the prefix is always /24. */
export interface GuestNic {
  readonly mac: string;
  readonly network: NetworkName;
  readonly address: string;
  /** The default gateway, on this NIC's network. */
  readonly gateway?: string;
}

/** The uplink NIC: an address from DHCP, or a static one with an optional default gateway. */
export type GuestUplink =
  | { readonly mac: string; readonly mode: 'dhcp' }
  | { readonly mac: string; readonly mode: 'static'; readonly cidr: string; readonly gateway?: string };

/** Everything `multiverse.net=` says. */
export interface GuestNetConfig {
  readonly nics: readonly GuestNic[];
  readonly uplink: GuestUplink | null;
}

/** The code of every refusal to read a guest network argument. */
const BAD_INPUT: ErrorCode = 'net.bad-guest-arg';
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** The parameter's value for a configuration (empty when the guest has no NIC at all). */
export function formatGuestNetArg(config: GuestNetConfig): string {
  const entries = config.nics.map((nic) =>
    [nic.mac, nic.network, `${nic.address}/24`, ...(nic.gateway ? [nic.gateway] : [])].join('='),
  );
  const { uplink } = config;
  if (uplink?.mode === 'dhcp') entries.push([UPLINK_INTERFACE, uplink.mac, 'dhcp'].join('='));
  if (uplink?.mode === 'static') {
    entries.push(
      [UPLINK_INTERFACE, uplink.mac, uplink.cidr, ...(uplink.gateway ? [uplink.gateway] : [])].join('='),
    );
  }
  const text = entries.join(',');
  parseGuestNetArg(text); // never emit what the guest would refuse
  return text;
}

/** Reads the parameter's value; throws on anything not exactly as `formatGuestNetArg` writes it. */
export function parseGuestNetArg(text: string): GuestNetConfig {
  if (text === '') return { nics: [], uplink: null };
  const nics: GuestNic[] = [];
  let uplink: GuestUplink | null = null;
  for (const [index, entry] of text.split(',').entries()) {
    const fields = entry.split('=');
    if (fields[0] === UPLINK_INTERFACE) {
      if (uplink) throw bad(index, entry, 'there is more than one uplink entry');
      uplink = parseUplink(index, entry, fields.slice(1));
    } else {
      nics.push(parseNic(index, entry, fields));
    }
  }
  checkUnique(nics, uplink);
  return { nics, uplink };
}

function parseNic(index: number, entry: string, fields: readonly string[]): GuestNic {
  const [mac = '', network = '', cidr = '', gateway, ...extra] = fields;
  if (fields.length < 3 || extra.length > 0) {
    throw bad(index, entry, 'expected <mac>=<network>=<a.b.c.d/24>[=<gateway>]');
  }
  if (!MAC.test(mac)) throw bad(index, entry, 'the MAC must be six lower-case hex octets');
  if (!Object.hasOwn(GUEST_NETWORK_PREFIXES, network)) {
    throw bad(index, entry, `"${network}" is not a portal network`);
  }
  const name = network as NetworkName;
  const subnet = { address: `${GUEST_NETWORK_PREFIXES[name]}.0`, prefix: 24 };
  const parsed = parseIpv4Cidr(cidr);
  if (parsed?.prefix !== 24 || !inSubnet(parsed.address, subnet) || !isHost(parsed.address)) {
    throw bad(index, entry, `the address must be a host of ${subnet.address}/24, written with /24`);
  }
  if (gateway === undefined) return { mac, network: name, address: parsed.address };
  if (!isIpv4(gateway) || !inSubnet(gateway, subnet) || !isHost(gateway) || gateway === parsed.address) {
    throw bad(index, entry, `the gateway must be another host of ${subnet.address}/24`);
  }
  return { mac, network: name, address: parsed.address, gateway };
}

function parseUplink(index: number, entry: string, fields: readonly string[]): GuestUplink {
  const [mac = '', address = '', gateway, ...extra] = fields;
  if (fields.length < 2 || extra.length > 0) {
    throw bad(index, entry, 'expected uplink=<mac>=<a.b.c.d/prefix or dhcp>[=<gateway>]');
  }
  if (!MAC.test(mac)) throw bad(index, entry, 'the MAC must be six lower-case hex octets');
  if (address === 'dhcp') {
    if (gateway !== undefined) throw bad(index, entry, 'a DHCP uplink takes its gateway from DHCP');
    return { mac, mode: 'dhcp' };
  }
  const cidr = parseIpv4Cidr(address);
  if (!cidr || cidr.prefix === 0) throw bad(index, entry, 'the address must be a.b.c.d/prefix or dhcp');
  if (gateway === undefined) return { mac, mode: 'static', cidr: address };
  if (!isIpv4(gateway) || !inSubnet(gateway, cidr) || gateway === cidr.address) {
    throw bad(index, entry, "the gateway must be another address on the uplink's subnet");
  }
  return { mac, mode: 'static', cidr: address, gateway };
}

function checkUnique(nics: readonly GuestNic[], uplink: GuestUplink | null): void {
  const macs = [...nics.map((nic) => nic.mac), ...(uplink ? [uplink.mac] : [])];
  if (new Set(macs).size !== macs.length) throw whole('two entries share a MAC');
  if (new Set(nics.map((nic) => nic.network)).size !== nics.length) {
    throw whole('two entries name the same network');
  }
  const gateways = nics.filter((nic) => nic.gateway).length + (uplink && 'gateway' in uplink ? 1 : 0);
  if (gateways > 1) throw whole('more than one entry sets a gateway; there is one default route');
}

function isHost(address: string): boolean {
  const last = Number(address.split('.')[3]);
  return last >= 1 && last <= 254;
}

function bad(index: number, entry: string, why: string): MvError {
  return new MvError(BAD_INPUT, `Cannot read ${KERNEL_PARAMS.net} entry ${index + 1} "${entry}": ${why}`, {
    hint: 'The value is written by portalgun; a hand-edited kernel command line is the likely cause.',
  });
}

function whole(why: string): MvError {
  return new MvError(BAD_INPUT, `Cannot read ${KERNEL_PARAMS.net}: ${why}`, {
    hint: 'The value is written by portalgun; a hand-edited kernel command line is the likely cause.',
  });
}
