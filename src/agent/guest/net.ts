/**
 * @module The pure half of `net-config`: checking `set <iface> <a.b.c.d/prefix> [gateway]`, the busybox `ip`
 * argv that applies it, and reading interfaces from `ip addr show`. Busybox `ip` has no `-j`, so its text
 * output is parsed; iproute2 prints the same layout, so either works. That one output carries the name,
 * flags, MAC and addresses, which spares reading /sys/class/net as well.
 * Pure: no I/O.
 */
import { MvError } from '../../errors/index.js';
import { isIpv4, parseIpv4Cidr } from '../../net/ipv4.js';

/** One network interface; `mac` is null for links without one (tun, ipip). */
export type NetInterface = {
  readonly name: string;
  readonly mac: string | null;
  readonly up: boolean;
  readonly addresses: readonly string[];
};

/** A checked `net-config set`. */
export interface NetSettings {
  readonly iface: string;
  readonly cidr: string;
  readonly gateway?: string;
}

/** The busybox `ip` binary the agent runs (argv arrays only). */
export const IP_PROGRAM = '/bin/ip';

const IFACE = /^eth[0-9]{1,2}$/;

/** Checks the arguments after `set`; throws `agent.bad-args`. */
export function parseNetSettings(args: readonly string[]): NetSettings {
  const [iface, cidr, gateway, ...extra] = args;
  if (iface === undefined || cidr === undefined || extra.length > 0) {
    throw badArgs('Usage: net-config set <iface> <a.b.c.d/prefix> [gateway]');
  }
  if (!IFACE.test(iface)) throw badArgs('Interface must be eth0 to eth99');
  if (!parseIpv4Cidr(cidr)) {
    throw badArgs('Address must be a.b.c.d/prefix with a prefix from 0 to 32');
  }
  if (gateway !== undefined && !isIpv4(gateway)) throw badArgs('Gateway must be a dotted-quad IPv4 address');
  return gateway === undefined ? { iface, cidr } : { iface, cidr, gateway };
}

/** The `ip` argv lists that apply the settings, in order. */
export function renderNetCommands(settings: NetSettings): string[][] {
  const commands = [
    ['link', 'set', settings.iface, 'up'],
    ['addr', 'replace', settings.cidr, 'dev', settings.iface],
  ];
  if (settings.gateway !== undefined) commands.push(['route', 'replace', 'default', 'via', settings.gateway]);
  return commands;
}

const HEADER = /^\d+:\s+([^\s:@]+)(?:@[^\s:]+)?:\s+<([^>]*)>/;
const LINK = /^\s+link\/\S+(?:\s+([0-9a-f]{2}(?::[0-9a-f]{2}){5}))?/;
const ADDRESS = /^\s+inet6?\s+(\S+)/;

/** The interfaces in the text of `ip addr show` (busybox or iproute2). */
export function parseIpAddrShow(text: string): NetInterface[] {
  const interfaces: { name: string; mac: string | null; up: boolean; addresses: string[] }[] = [];
  for (const line of text.split('\n')) {
    const header = HEADER.exec(line);
    if (header) {
      const flags = (header[2] ?? '').split(',');
      interfaces.push({ name: header[1] ?? '', mac: null, up: flags.includes('UP'), addresses: [] });
      continue;
    }
    const current = interfaces.at(-1);
    if (current === undefined) continue;
    const link = LINK.exec(line);
    if (link) current.mac = link[1] ?? null;
    const address = ADDRESS.exec(line);
    if (address?.[1] !== undefined) current.addresses.push(address[1]);
  }
  return interfaces;
}

function badArgs(message: string): MvError {
  return new MvError('agent.bad-args', message);
}
