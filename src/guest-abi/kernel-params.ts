/**
 * @module The `multiverse.*` parameters the daemon writes on a portal's kernel command line and the guest
 * reads (the agent in TypeScript, rc.sysinit in shell):
 * - `multiverse.host=<host id>`: the only envelope target the agent accepts;
 * - `multiverse.instance=<name>`: the portal instance, its hostname and the only `name` envelopes may act on;
 * - `multiverse.net=<nic>,…`: how to set up the NICs (codec in net/guest-net-arg.ts);
 * - `multiverse.onion=<id>@<a.b.c.d>:<port>[+<port>…],…`: the onion services star publishes (net/onion.ts).
 * Pure: no I/O, no imports.
 */

export const KERNEL_PARAMS = {
  host: 'multiverse.host',
  instance: 'multiverse.instance',
  net: 'multiverse.net',
  onion: 'multiverse.onion',
} as const;
