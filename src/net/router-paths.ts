/**
 * @module Where a router portal keeps its files and what its scripts report: written by the image builder
 * (image/router-files.ts), used by the in-guest agent's router verbs. No imports, so the guest bundle can
 * take it as it is.
 * Pure: no I/O.
 */

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
} as const;

/** Tor's runtime folder on star: its pid file and control socket, private to Tor (and root). */
export const TOR_RUN = {
  dir: '/run/tor',
  pidFile: '/run/tor/tor.pid',
  controlSocket: '/run/tor/control',
} as const;

/**
 * What router-up.sh prints as its one line of stdout: `up`, or the status the hop reports instead. A ruleset
 * that does not load is a failed boot; star without Tor too (it would carry nothing); galaxy without its
 * tunnel boots (the kill switch holds) and says `tunnel-down`.
 */
export const ROUTER_STATES = {
  up: 'up',
  rulesetFailed: 'failed router ruleset',
  torFailed: 'failed tor',
  tunnelDown: 'tunnel-down',
} as const;
