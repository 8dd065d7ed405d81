/**
 * @module The `multiverse.net=` kernel parameter that tells a guest how to set up its NICs, as a codec:
 * `formatGuestNetArg` writes it and `parseGuestNetArg` reads it back, strictly. Its shape (separators, the
 * uplink keyword, the order of the fields) is `GUEST_NET_ARG` in the guest ABI; in short, entries are joined
 * by `,`:
 * - a portal NIC: `<mac>=<network>=<a.b.c.d/24>[=<gateway>]`; the guest renames the NIC with that MAC to the
 *   network's name (`universe`, `galaxy`, `star`, `app`) so rulesets can name interfaces stably;
 * - the uplink: `uplink=<mac>=<a.b.c.d/p or dhcp>[=<gateway>]`; the guest renames it `uplink`.
 * At most one entry carries a gateway: it is the default route. This codec is the format's one definition:
 * the guest reads the value in shell (image/_guest-net-reader.ts), and a test runs that reader over what
 * `formatGuestNetArg` writes and holds its calls to what `parseGuestNetArg` reads.
 * Pure: no I/O.
 */
import { type ErrorCode, MvError } from '../errors/index.js';
import { NETWORK_NAMES, NETWORKS, type NetworkName } from '../formula/index.js';
import { GUEST_NET_ARG, KERNEL_PARAMS } from '../guest-abi/index.js';
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
/** What each kind of entry looks like, for the refusals. */
const NIC_SHAPE = shapeOf(GUEST_NET_ARG.nicFields, {
  mac: '<mac>',
  network: '<network>',
  address: '<a.b.c.d/24>',
});
const UPLINK_SHAPE = shapeOf(GUEST_NET_ARG.uplinkFields, {
  keyword: GUEST_NET_ARG.uplinkKeyword,
  mac: '<mac>',
  address: `<a.b.c.d/prefix or ${GUEST_NET_ARG.dhcp}>`,
});

/** The parameter's value for a configuration (empty when the guest has no NIC at all). */
export function formatGuestNetArg(config: GuestNetConfig): string {
  const entries = config.nics.map((nic) =>
    entryOf(GUEST_NET_ARG.nicFields, {
      mac: nic.mac,
      network: nic.network,
      address: `${nic.address}/24`,
      gateway: nic.gateway,
    }),
  );
  const { uplink } = config;
  if (uplink) {
    entries.push(
      entryOf(GUEST_NET_ARG.uplinkFields, {
        keyword: GUEST_NET_ARG.uplinkKeyword,
        mac: uplink.mac,
        address: uplink.mode === 'dhcp' ? GUEST_NET_ARG.dhcp : uplink.cidr,
        gateway: uplink.mode === 'static' ? uplink.gateway : undefined,
      }),
    );
  }
  const text = entries.join(GUEST_NET_ARG.entrySeparator);
  parseGuestNetArg(text); // never emit what the guest would refuse
  return text;
}

/** Reads the parameter's value; throws on anything not exactly as `formatGuestNetArg` writes it. */
export function parseGuestNetArg(text: string): GuestNetConfig {
  if (text === '') return { nics: [], uplink: null };
  const nics: GuestNic[] = [];
  let uplink: GuestUplink | null = null;
  for (const [index, entry] of text.split(GUEST_NET_ARG.entrySeparator).entries()) {
    const fields = entry.split(GUEST_NET_ARG.fieldSeparator);
    if (fieldsOf(GUEST_NET_ARG.uplinkFields, fields).keyword === GUEST_NET_ARG.uplinkKeyword) {
      if (uplink) throw bad(index, entry, 'there is more than one uplink entry');
      uplink = parseUplink(index, entry, fields);
    } else {
      nics.push(parseNic(index, entry, fields));
    }
  }
  checkUnique(nics, uplink);
  return { nics, uplink };
}

/** An entry's field values: every field but the gateway (the last, and the only optional one). */
type EntryValues<F extends string> = Readonly<Record<Exclude<F, 'gateway'>, string>> & {
  readonly gateway?: string | undefined;
};

/** An entry's text: its fields in the contract's order, a missing gateway left out. */
function entryOf<F extends string>(order: readonly F[], values: EntryValues<F>): string {
  const byName = values as Readonly<Record<string, string | undefined>>;
  return order.flatMap((field) => byName[field] ?? []).join(GUEST_NET_ARG.fieldSeparator);
}

/** An entry's fields by name, in the contract's order (fields beyond it are left to `hasRequired`). */
function fieldsOf<F extends string>(
  order: readonly F[],
  fields: readonly string[],
): Partial<Record<F, string>> {
  const named: Partial<Record<F, string>> = {};
  order.forEach((field, index) => {
    if (index < fields.length) named[field] = fields[index];
  });
  return named;
}

/** An entry's shape with placeholders, the optional gateway in brackets. */
function shapeOf<F extends string>(
  order: readonly F[],
  placeholders: Readonly<Record<Exclude<F, 'gateway'>, string>>,
): string {
  return `${entryOf<F>(order, placeholders)}[${GUEST_NET_ARG.fieldSeparator}<gateway>]`;
}

/** How many fields an entry must have: all but the optional gateway. */
function hasRequired(order: readonly string[], fields: readonly string[]): boolean {
  return fields.length >= order.length - 1 && fields.length <= order.length;
}

function parseNic(index: number, entry: string, fields: readonly string[]): GuestNic {
  const order = GUEST_NET_ARG.nicFields;
  if (!hasRequired(order, fields)) throw bad(index, entry, `expected ${NIC_SHAPE}`);
  const { mac = '', network = '', address = '', gateway } = fieldsOf(order, fields);
  if (!MAC.test(mac)) throw bad(index, entry, 'the MAC must be six lower-case hex octets');
  if (!Object.hasOwn(GUEST_NETWORK_PREFIXES, network)) {
    throw bad(index, entry, `"${network}" is not a portal network`);
  }
  const name = network as NetworkName;
  const subnet = { address: `${GUEST_NETWORK_PREFIXES[name]}.0`, prefix: 24 };
  const parsed = parseIpv4Cidr(address);
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
  const order = GUEST_NET_ARG.uplinkFields;
  if (!hasRequired(order, fields)) throw bad(index, entry, `expected ${UPLINK_SHAPE}`);
  const { mac = '', address = '', gateway } = fieldsOf(order, fields);
  if (!MAC.test(mac)) throw bad(index, entry, 'the MAC must be six lower-case hex octets');
  if (address === GUEST_NET_ARG.dhcp) {
    if (gateway !== undefined) throw bad(index, entry, 'a DHCP uplink takes its gateway from DHCP');
    return { mac, mode: 'dhcp' };
  }
  const cidr = parseIpv4Cidr(address);
  if (!cidr || cidr.prefix === 0) {
    throw bad(index, entry, `the address must be a.b.c.d/prefix or ${GUEST_NET_ARG.dhcp}`);
  }
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
