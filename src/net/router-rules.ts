/**
 * @module The nftables ruleset of each router of the chain, for `nft -f` inside the router guest, where the
 * NICs are named after their networks (`universe`, `galaxy`, `star`) and the uplink `uplink`:
 * - universe owns the uplink and NATs the universe net out of it; nothing comes in from the uplink;
 * - galaxy forwards its net only into the WireGuard tunnel, and its own output may leave on universe only as
 *   the tunnel's packets to the endpoint: with the tunnel down nothing from the galaxy net leaves (kill switch);
 * - star redirects DNS and every new TCP connection from its net into Tor and forwards nothing at all; only
 *   Tor's own user may open connections out of galaxy.
 * Every ruleset flushes what was there, drops IPv6 everywhere and defaults to drop on input and forward.
 * Pure: no I/O.
 */
import { type ErrorCode, MvError } from '../errors/index.js';
import { addressOn, NETWORK_NAMES, type NetworkName } from '../formula/index.js';
import { type RouterRole, WIREGUARD_INTERFACE } from '../guest-abi/index.js';
import { inSubnet, isIpv4 } from './ipv4.js';
import {
  type NftChain,
  type NftHook,
  type NftRule,
  nftComment,
  nftIfname,
  renderNftText,
} from './nft-text.js';

/** The routers of the chain. */

/** Tor's TransPort on the star router: every new TCP connection from the star net lands here. */
export const TOR_TRANS_PORT = 9040;

/** Tor's DNSPort on the star router: DNS from the star net lands here. */
export const TOR_DNS_PORT = 5353;

/** The universe router takes no options yet (no port forwards). */
export type UniverseRulesetOptions = Record<string, never>;

/** The galaxy router's tunnel: the WireGuard endpoint and the tunnel's interface. */
export interface GalaxyRulesetOptions {
  readonly endpoint: { readonly address: string; readonly port: number };
  /** Defaults to `wg0`. */
  readonly tunnel?: string;
}

/** The star router's Tor: its ports and the uid Tor runs as. */
export interface StarRulesetOptions {
  /** Defaults to 9040. */
  readonly transPort?: number;
  /** Defaults to 5353. */
  readonly dnsPort?: number;
  /** Tor's own uid (never 0): the only one allowed to open connections out of galaxy. */
  readonly torUid: number;
}

/** The nftables text of a router's ruleset, starting with `flush ruleset`. */
export function renderRouterRuleset(role: 'universe', options?: UniverseRulesetOptions): string;
export function renderRouterRuleset(role: 'galaxy', options: GalaxyRulesetOptions): string;
export function renderRouterRuleset(role: 'star', options: StarRulesetOptions): string;
export function renderRouterRuleset(
  role: RouterRole,
  options?: UniverseRulesetOptions | GalaxyRulesetOptions | StarRulesetOptions,
): string {
  const [filter, nat] =
    role === 'universe'
      ? universeChains()
      : role === 'galaxy'
        ? galaxyChains(options as GalaxyRulesetOptions)
        : starChains(options as StarRulesetOptions);
  return renderNftText({
    mode: 'flush-ruleset',
    header: [
      `Multiverse ${role} router: nftables ruleset rendered by portalgun (load with nft -f).`,
      'Interfaces are named after their networks; the uplink is "uplink". IPv6 is dropped everywhere.',
    ],
    tables: [
      {
        family: 'inet',
        name: 'mv_filter',
        why: `what the ${role} router accepts, forwards and sends`,
        chains: filter,
      },
      { family: 'ip', name: 'mv_nat', why: `address translation on the ${role} router`, chains: nat },
    ],
  });
}

const BAD_INPUT: ErrorCode = 'net.invalid-config';

const r = (rule: string, why: string): NftRule => ({ rule, why });

function hook(kind: NftHook['hook'], policy: NftHook['policy'], policyWhy: string): NftHook {
  const type = kind === 'prerouting' || kind === 'postrouting' ? 'nat' : 'filter';
  const priority = kind === 'prerouting' ? 'dstnat' : kind === 'postrouting' ? 'srcnat' : 'filter';
  return { type, hook: kind, priority, policy, policyWhy };
}

const NO_IPV6 = r('meta nfproto ipv6 drop', 'IPv6 is dropped everywhere: the portal plan is IPv4 only');
const NO_INVALID = r('ct state invalid drop', 'packets conntrack cannot place belong to no allowed flow');
const REPLIES = r(
  'ct state established,related accept',
  'replies to flows allowed below, and their ICMP errors',
);

function inputChain(network: NetworkName, extra: readonly NftRule[]): NftChain {
  const self = addressOn(network, 1);
  return {
    name: 'mv_input',
    why: 'traffic addressed to the router itself',
    hook: hook('input', 'drop', 'drop: the router offers nothing beyond the rules below'),
    rules: [
      NO_IPV6,
      NO_INVALID,
      r('iif "lo" accept', "the router's own loopback traffic"),
      REPLIES,
      r(
        `iifname ${nftIfname(network)} ip daddr ${self} icmp type echo-request accept`,
        `members of ${network} may ping their router at ${self} to see the hop is up`,
      ),
      ...extra,
    ],
  };
}

function masquerade(out: string, why: string): NftChain[] {
  return [
    {
      name: 'mv_postrouting',
      why: 'source NAT on the way out',
      hook: hook('postrouting', 'accept', 'accept: this chain only rewrites, the filter decides'),
      rules: [r(`oifname ${nftIfname(out)} masquerade`, why)],
    },
  ];
}

function universeChains(): [NftChain[], NftChain[]] {
  const filter: NftChain[] = [
    inputChain('universe', []),
    {
      name: 'mv_forward',
      why: 'traffic the router passes between the universe net and the uplink',
      hook: hook('forward', 'drop', 'drop: only universe-to-uplink flows are forwarded'),
      rules: [
        NO_IPV6,
        NO_INVALID,
        REPLIES,
        r(
          'iifname "universe" oifname "uplink" ct state new accept',
          'the universe net may open connections out of the uplink; nothing is opened inward (no port forwards)',
        ),
      ],
    },
    {
      name: 'mv_output',
      why: "the router's own traffic",
      hook: hook('output', 'accept', 'accept: the router runs only forwarding and its DHCP client'),
      rules: [
        NO_IPV6,
        r(
          'oifname "uplink" icmp type destination-unreachable icmp code != frag-needed drop',
          'replies on their way to a portal that went away die quietly: the LAN never learns of it; frag-needed still goes',
        ),
      ],
    },
  ];
  return [
    filter,
    masquerade('uplink', 'the universe net leaves behind the uplink address, as one machine on the LAN'),
  ];
}

function galaxyChains(options: GalaxyRulesetOptions): [NftChain[], NftChain[]] {
  const { address, port } = checkEndpoint(options.endpoint);
  const tunnelName = checkInterface(options.tunnel ?? WIREGUARD_INTERFACE);
  const tunnel = nftIfname(tunnelName);
  const filter: NftChain[] = [
    inputChain('galaxy', []),
    {
      name: 'mv_forward',
      why: 'traffic the router passes from the galaxy net into the tunnel',
      hook: hook(
        'forward',
        'drop',
        'drop: the galaxy net is forwarded into the tunnel only, never to universe',
      ),
      rules: [
        NO_IPV6,
        NO_INVALID,
        r(
          `oifname ${tunnel} tcp flags syn tcp option maxseg size set rt mtu`,
          'clamp TCP MSS to the tunnel MTU, so full-size packets never need fragmenting or lost ICMP',
        ),
        REPLIES,
        r(
          `iifname "galaxy" oifname ${tunnel} ct state new accept`,
          'the galaxy net may open connections into the tunnel and nowhere else',
        ),
      ],
    },
    {
      name: 'mv_output',
      why: "the router's own traffic: the kill switch",
      hook: hook('output', 'drop', 'drop: with the tunnel down nothing may leave'),
      rules: [
        NO_IPV6,
        r('oif "lo" accept', "the router's own loopback traffic"),
        REPLIES,
        r(`oifname ${tunnel} accept`, "the router's own traffic inside the tunnel"),
        r(
          `oifname "universe" jump ${GALAXY_ENDPOINT_CHAIN}`,
          'the tunnel may reach its endpoint on universe (the one rule switch-endpoint replaces)',
        ),
        r(
          'oifname "universe" counter drop',
          'kill switch: nothing else leaves on universe, tunnel up or down',
        ),
      ],
    },
    {
      name: GALAXY_ENDPOINT_CHAIN,
      why: 'the VPN endpoint, alone in its chain so switching servers replaces one rule atomically',
      rules: [galaxyEndpointRule({ address, port })],
    },
  ];
  return [filter, masquerade(tunnelName, 'the galaxy net leaves behind the tunnel address the VPN gave us')];
}

/** The regular chain on galaxy holding the one rule that lets the tunnel reach its endpoint. */
export const GALAXY_ENDPOINT_CHAIN = 'mv_endpoint';

/** The rule of the endpoint chain: the tunnel's encrypted UDP to this endpoint, and nothing else. */
function galaxyEndpointRule(endpoint: { address: string; port: number | string }): NftRule {
  return r(
    `ip daddr ${endpoint.address} udp dport ${endpoint.port} accept`,
    "the tunnel's own encrypted UDP to its endpoint: the only thing that may leave on universe",
  );
}

/**
 * The `nft -f` text that points galaxy's endpoint chain at another endpoint in one transaction. The address
 * and port may be shell parameters (`$1`, `$2`) of the script that feeds this to nft, which checks them.
 */
export function renderEndpointSwap(endpoint: { address: string; port: number | string }): string {
  const { rule, why } = galaxyEndpointRule(endpoint);
  return `flush chain inet mv_filter ${GALAXY_ENDPOINT_CHAIN}\nadd rule inet mv_filter ${GALAXY_ENDPOINT_CHAIN} ${rule} ${nftComment(why)}\n`;
}

function starChains(options: StarRulesetOptions): [NftChain[], NftChain[]] {
  const transPort = checkPort(options.transPort ?? TOR_TRANS_PORT, 'transPort');
  const dnsPort = checkPort(options.dnsPort ?? TOR_DNS_PORT, 'dnsPort');
  const uid = checkUid(options.torUid);
  const filter: NftChain[] = [
    inputChain('star', [
      r(
        `iifname "star" tcp dport ${transPort} accept`,
        "the star net's TCP, redirected into Tor's TransPort",
      ),
      r(`iifname "star" udp dport ${dnsPort} accept`, "the star net's DNS, redirected into Tor's DNSPort"),
    ]),
    {
      name: 'mv_forward',
      why: 'nothing is forwarded: star traffic leaves only inside Tor',
      hook: hook('forward', 'drop', 'drop: UDP, ICMP and anything else not redirected into Tor dies here'),
      rules: [NO_IPV6, r('counter drop', 'nothing is forwarded; the counter shows what tried')],
    },
    {
      name: 'mv_output',
      why: "the router's own traffic: only Tor goes out",
      hook: hook('output', 'drop', 'drop: the router itself opens nothing but Tor connections'),
      rules: [
        NO_IPV6,
        r('oif "lo" accept', "the router's own loopback traffic"),
        REPLIES,
        r(
          `oifname "galaxy" meta skuid ${uid} meta l4proto tcp ct state new accept`,
          `only Tor (uid ${uid}) may open connections out of galaxy, and Tor speaks only TCP to relays`,
        ),
        r(
          `oifname "star" meta skuid ${uid} ip daddr ${addressOn('star', 0)}/24 meta l4proto tcp ct state new accept`,
          `Tor (uid ${uid}) may reach the onion services it publishes for portals on star, and only over TCP`,
        ),
      ],
    },
  ];
  const nat: NftChain[] = [
    {
      name: 'mv_prerouting',
      why: 'send the star net into Tor',
      hook: hook('prerouting', 'accept', 'accept: what is not redirected meets the filter, which drops it'),
      rules: [
        r(
          `iifname "star" udp dport 53 counter redirect to :${dnsPort}`,
          "DNS over UDP goes to Tor's DNSPort; the counter shows it did",
        ),
        r(
          `iifname "star" tcp dport 53 counter redirect to :${dnsPort}`,
          'DNS over TCP goes to the DNSPort too (which answers UDP only), never to a resolver',
        ),
        r(
          `iifname "star" meta l4proto tcp counter redirect to :${transPort}`,
          "every new TCP connection goes to Tor's TransPort; the counter shows it did",
        ),
      ],
    },
  ];
  return [filter, nat];
}

function checkPort(port: number, name: string): number {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new MvError(BAD_INPUT, `${name} ${port} is not a port number`, { hint: 'Use 1 to 65535.' });
  }
  return port;
}

function checkInterface(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) {
    throw new MvError(BAD_INPUT, `"${name}" is not an interface name`, {
      hint: 'Name the tunnel interface with at most 15 letters, digits, ".", "_" or "-" (wg0 by default).',
    });
  }
  return name;
}

function checkUid(uid: number): number {
  if (!Number.isInteger(uid) || uid < 1 || uid > 4_294_967_294) {
    throw new MvError(BAD_INPUT, `Tor's uid ${uid} is not a non-root user id`, {
      hint: 'Run Tor as its own user (torrc User); root would let any root process out.',
    });
  }
  return uid;
}

const PORTAL_SUBNETS = NETWORK_NAMES.map((network) => ({
  address: addressOn(network, 0),
  prefix: 24,
}));

function checkEndpoint(endpoint: GalaxyRulesetOptions['endpoint']): { address: string; port: number } {
  if (!isIpv4(endpoint.address) || PORTAL_SUBNETS.some((subnet) => inSubnet(endpoint.address, subnet))) {
    throw new MvError(
      BAD_INPUT,
      `WireGuard endpoint "${endpoint.address}" is not an IPv4 address off the portal networks`,
      {
        hint: 'Give the VPN server as a dotted-quad IPv4 address.',
      },
    );
  }
  return { address: endpoint.address, port: checkPort(endpoint.port, 'The WireGuard endpoint port') };
}
