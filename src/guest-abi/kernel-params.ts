/**
 * @module The `multiverse.*` parameters the daemon writes on a portal's kernel command line and the guest
 * reads (the agent in TypeScript, rc.sysinit in shell):
 * - `multiverse.host=<host id>`: the only envelope target the agent accepts;
 * - `multiverse.instance=<name>`: the portal instance, its hostname and the only `name` envelopes may act on;
 * - `multiverse.net=<nic>,…`: how to set up the NICs, shaped by `GUEST_NET_ARG` below (the codec is
 *   net/guest-net-arg.ts, the guest's shell reader image/_guest-net-reader.ts);
 * - `multiverse.onion=<id>@<a.b.c.d>:<port>[+<port>…],…`: the onion services star publishes (net/onion.ts).
 * Pure: no I/O, no imports.
 */

export const KERNEL_PARAMS = {
  host: 'multiverse.host',
  instance: 'multiverse.instance',
  net: 'multiverse.net',
  onion: 'multiverse.onion',
} as const;

/**
 * The shape of `multiverse.net=`'s value, the one definition both its writer (TypeScript) and its reader in
 * the guest (shell, these values rendered in) follow: entries joined by `entrySeparator`, each entry's fields
 * joined by `fieldSeparator`, in the order below. A portal NIC is `<mac>=<network>=<a.b.c.d/24>[=<gateway>]`;
 * the uplink is told apart by its first field, the keyword: `uplink=<mac>=<a.b.c.d/p or dhcp>[=<gateway>]`.
 * Only the last field, the gateway, may be left out. No field may contain a separator or white space (the
 * kernel splits its command line at spaces).
 */
export const GUEST_NET_ARG = {
  entrySeparator: ',',
  fieldSeparator: '=',
  /** The first field of the uplink's entry (a MAC never reads like this). */
  uplinkKeyword: 'uplink',
  /** The uplink's address field when it asks DHCP for one. */
  dhcp: 'dhcp',
  nicFields: ['mac', 'network', 'address', 'gateway'],
  uplinkFields: ['keyword', 'mac', 'address', 'gateway'],
} as const;
