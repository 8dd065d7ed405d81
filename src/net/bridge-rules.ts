/**
 * @module The anti-spoofing ruleset of the portal bridges, for `nft -f` in the daemon's network namespace.
 * Each port gets its own chain: frames from its tap must carry its own MAC as Ethernet source and as ARP
 * sender, and only IPv4 and ARP may enter. A member must also use its own IPv4 address as IP source and ARP
 * sender; a router forwards other machines' packets, so its IP source is free. Members never reach one
 * another through the bridge (only through their router), IPv6 is dropped, and a frame from a tap the
 * ruleset does not know is dropped. The file replaces only `table bridge mv_ports`, atomically, so it is
 * re-applied whenever a portal starts or stops.
 * Pure: no I/O.
 */

import { MvError } from '../errors/index.js';
import { compareText } from '../formula/index.js';
import { isIpv4 } from './ipv4.js';
import { type NftChain, type NftRule, nftIfname, renderNftText } from './nft-text.js';
import type { BridgePort } from './plan.js';

/** The bridge-family table that holds every port rule. */
export const PORT_TABLE = 'mv_ports';

const r = (rule: string, why: string): NftRule => ({ rule, why });

/**
 * The nftables text that guards every port (sorted by tap, so the same ports give the same text).
 * `uplinkPorts` are the ports of the universe routers' uplink bridges (the uplink tap and the veth to the
 * LAN): they join a router to the LAN, which is not a portal network, so their frames pass unchecked.
 */
export function renderPortRuleset(
  ports: readonly BridgePort[],
  options: { uplinkPorts?: readonly string[] } = {},
): string {
  const sorted = [...ports].sort((a, b) => compareText(a.tap, b.tap));
  const uplinks = [...(options.uplinkPorts ?? [])].sort(compareText).map((name) => nftIfname(name));
  const uplinkRule =
    uplinks.length > 0
      ? [
          r(
            `iifname { ${uplinks.join(', ')} } accept`,
            'uplink ports join the universe router to the LAN: not a portal network',
          ),
        ]
      : [];
  checkPorts(sorted);
  const members = sorted.filter((port) => port.role === 'member').map((port) => nftIfname(port.tap));
  const isolation =
    members.length > 1
      ? [
          r(
            `iifname { ${members.join(', ')} } oifname { ${members.join(', ')} } drop`,
            'members are isolated: they reach each other only through their router, which filters',
          ),
        ]
      : [];
  const forward: NftChain = {
    name: 'mv_forward',
    why: 'frames the bridges pass between ports',
    hook: {
      type: 'filter',
      hook: 'forward',
      priority: 'filter',
      policy: 'drop',
      policyWhy: 'drop: a frame from a tap this ruleset does not know goes nowhere',
    },
    rules: [
      ...uplinkRule,
      r('ether type ip6 drop', 'IPv6 is dropped everywhere: the portal plan is IPv4 only'),
      r('arp htype != 1 drop', 'ARP must be Ethernet, so the sender checks read the right bytes'),
      r('arp ptype != ip drop', 'ARP must be for IPv4, so the sender checks read the right bytes'),
      r('arp hlen != 6 drop', 'ARP hardware addresses must be 6 bytes, so the sender checks line up'),
      r('arp plen != 4 drop', 'ARP protocol addresses must be 4 bytes, so the sender checks line up'),
      ...isolation,
      ...sorted.map((port) =>
        r(
          `iifname ${nftIfname(port.tap)} jump ${chainOf(port)}`,
          `frames from ${port.tap} meet its own checks`,
        ),
      ),
    ],
  };
  const input: NftChain = {
    name: 'mv_input',
    why: "frames for the namespace's own stack, which holds no address",
    hook: {
      type: 'filter',
      hook: 'input',
      priority: 'filter',
      policy: 'drop',
      policyWhy: 'drop: nothing on a portal network is for the namespace itself',
    },
    rules: [
      r('counter drop', 'the namespace holds no address on any portal network; the counter shows tries'),
    ],
  };
  return renderNftText({
    mode: 'replace-tables',
    header: [
      'Multiverse portal bridges: anti-spoofing rules rendered by portalgun for the daemon namespace.',
      'Replaces only this table, in one transaction (declare, delete, define).',
    ],
    tables: [
      {
        family: 'bridge',
        name: PORT_TABLE,
        why: 'every portal port may send only from its own MAC (and, for members, its own IPv4)',
        chains: [input, forward, ...sorted.map(portChain)],
      },
    ],
  });
}

function chainOf(port: BridgePort): string {
  return `port_${port.tap}`;
}

function portChain(port: BridgePort): NftChain {
  const who = `${port.tap} (${port.network} ${port.address}, ${port.role})`;
  const member = port.role === 'member';
  return {
    name: chainOf(port),
    why: `checks for ${who}`,
    rules: [
      r(`ether saddr != ${port.mac} drop`, `${port.tap} sends only from its own MAC ${port.mac}`),
      r('ether type != { ip, arp } drop', 'only IPv4 and ARP: no IPv6, VLAN tags or other protocols'),
      ...(member
        ? [r(`ip saddr != ${port.address} drop`, `a member sends only from its own address ${port.address}`)]
        : []),
      r(`arp saddr ether != ${port.mac} drop`, 'ARP may announce only its own MAC'),
      ...(member
        ? [r(`arp saddr ip != ${port.address} drop`, `ARP may claim only its own address ${port.address}`)]
        : []),
      r('accept', member ? `${who}: its own MAC and address` : `${who}: its own MAC; it forwards for others`),
    ],
  };
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const TAP = /^[A-Za-z0-9_-]{1,15}$/;

function checkPorts(sorted: readonly BridgePort[]): void {
  for (const [index, port] of sorted.entries()) {
    if (!TAP.test(port.tap) || !MAC.test(port.mac) || !isIpv4(port.address)) {
      throw new MvError(
        'internal.bug',
        `Port "${port.tap}" has an unsafe tap name, MAC or address (please report)`,
      );
    }
    if (sorted[index + 1]?.tap === port.tap) {
      throw new MvError('internal.bug', `Tap "${port.tap}" appears twice in the port list (please report)`);
    }
  }
}
