/**
 * @module The router portals' side of the contract: their roles, where they keep their files and what their
 * scripts report. Written by the image builder (image/_router-files.ts), used by the in-guest agent's router
 * verbs and status, and by the rulesets (net/router-rules.ts).
 * Pure: no I/O; imports only the contract's share.
 */
import { DEFAULT_SHARE_MOUNT_POINT } from './share.js';

/** The three hops of the chain, outermost first. */
export const ROUTER_ROLES = ['universe', 'galaxy', 'star'] as const;

/** A router's hop. */
export type RouterRole = (typeof ROUTER_ROLES)[number];

/** Where the router's files live in the image. */
export const ROUTER_PATHS = {
  ruleset: '/etc/multiverse/router.nft',
  torrc: '/etc/multiverse/tor/torrc',
  /** Brings the hop up; run by rc.sysinit at boot and again by the agent's `reset` verb. */
  up: '/etc/multiverse/router-up.sh',
  /** Points galaxy's tunnel at another endpoint: the agent's `switch-endpoint` verb. */
  switchEndpoint: '/etc/multiverse/switch-endpoint.sh',
  /** The endpoint address galaxy's tunnel uses now, so a switch can drop the old host route. */
  endpoint: '/run/galaxy-endpoint',
  /** Where router-up.sh keeps the output of the tools it runs (tor, wg, ip, nft). */
  log: '/run/router-up.log',
  /** The owner's own Tor settings (bridges, say), `*.conf` files in the star router's read-only share. */
  ownTorConfig: `${DEFAULT_SHARE_MOUNT_POINT}/tor/torrc.d`,
} as const;

/** Tor's runtime folder on star: its pid file and control socket, private to Tor (and root). */
export const TOR_RUN = {
  dir: '/run/tor',
  pidFile: '/run/tor/tor.pid',
  controlSocket: '/run/tor/control',
  /** Tor's notices, where router-up.sh and the agent's status read the bootstrap progress. */
  notices: '/run/tor/notices.log',
  /** Settings made at boot (onion services) and the owner's own, included at the end of the torrc. */
  includeDir: '/run/tor/torrc.d',
} as const;

/** The interface name the guest gives its uplink NIC (the universe router's). */
export const UPLINK_INTERFACE = 'uplink';

/** The WireGuard interface inside the galaxy router. */
export const WIREGUARD_INTERFACE = 'wg0';

/** Tor's persistent state on star (its own volume): guards, consensus cache, onion service keys. */
export const TOR_DATA = {
  dir: '/var/lib/tor',
  /** One folder per onion service, named after its formula node (`service-server-web`). */
  onionDir: '/var/lib/tor/onion',
} as const;

/**
 * What router-up.sh prints as its one line of stdout: `up`, or the failure it reports instead (on the status
 * channel at boot, so the portal is never ready without its hop): a ruleset that does not load, star
 * without Tor or with a Tor that does not finish bootstrapping, galaxy without a WireGuard handshake.
 */
export const ROUTER_STATES = {
  up: 'up',
  rulesetFailed: 'failed router ruleset',
  torFailed: 'failed tor',
  tunnelDown: 'failed tunnel',
} as const;
