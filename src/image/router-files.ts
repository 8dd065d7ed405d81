/**
 * @module What a router image carries besides the common userland: its nftables ruleset, rendered from the
 * address plan, and what its hop needs — Tor's configuration on star, the WireGuard bring-up on galaxy. The
 * hop comes up by one generated script, router-up.sh, which loads the ruleset before it enables forwarding
 * (a router whose rules do not load forwards nothing and reports the failure) and then starts the hop's
 * daemon; the agent's `reset` verb runs the same script again.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';
import { addressOn, type Manifest, NETWORK_NAMES, type NetworkName } from '../formula/index.js';
import {
  renderEndpointSwap,
  renderRouterRuleset,
  renderTorrc,
  TOR_DNS_PORT,
  TOR_TRANS_PORT,
  WIREGUARD_INTERFACE,
} from '../net/index.js';

/** The hop a router formula serves, by the network it routes. */
export type RouterRole = 'universe' | 'galaxy' | 'star';

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

/** Tor's account inside the star router: the only one its ruleset lets open connections. */
export const TOR_ACCOUNT = { name: 'tor', uid: 100, gid: 100 } as const;

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

/** The router role of a manifest, or undefined if it routes none of the three chain networks. */
export function routerRoleOf(manifest: Manifest): RouterRole | undefined {
  const routed = manifest.networks.filter((a) => a.router).map((a) => a.network as NetworkName);
  return (['universe', 'galaxy', 'star'] as const).find((role) => routed.includes(role));
}

function routedAddress(manifest: Manifest, network: NetworkName): string {
  const address = manifest.networks.find((a) => a.router && a.network === network)?.address;
  if (!address || address === 'dynamic')
    throw new MvError(
      'internal.bug',
      `${manifest.node} routes ${network} without an address (please report)`,
    );
  return address;
}

/** The commands that bring the galaxy tunnel up (the private key comes from the router's share). */
function tunnelCommands(manifest: Manifest): string {
  const { endpoint, publicKey, address } = manifest.vpn;
  if (!endpoint || !publicKey || !address) {
    throw new MvError('image.build-failed', `${manifest.node} routes galaxy but has no VPN configured`, {
      hint: 'Set vpn.endpoint, vpn.publicKey and vpn.address in its formula (and put the private key in its share as wireguard/private.key).',
    });
  }
  const [host] = endpoint.split(':');
  const wg = WIREGUARD_INTERFACE;
  return `# The WireGuard tunnel. Without it nothing leaves galaxy: the ruleset's kill switch.
ip link del ${wg} 2> /dev/null
key=/mnt/multiverse-portal/wireguard/private.key
[ -r "$key" ] || { echo "no private key at $key"; report ${ROUTER_STATES.tunnelDown}; }
ip link add ${wg} type wireguard || report ${ROUTER_STATES.tunnelDown}
wg set ${wg} private-key "$key" peer ${publicKey} endpoint ${endpoint} allowed-ips 0.0.0.0/0 persistent-keepalive 25 || report ${ROUTER_STATES.tunnelDown}
ip addr add ${address} dev ${wg} || report ${ROUTER_STATES.tunnelDown}
ip link set ${wg} up || report ${ROUTER_STATES.tunnelDown}
ip route replace ${host}/32 via ${addressOn('universe', 1)} dev universe || report ${ROUTER_STATES.tunnelDown}
echo "${host}" > ${ROUTER_PATHS.endpoint}
ip route replace default dev ${wg} || report ${ROUTER_STATES.tunnelDown}
`;
}

/**
 * switch-endpoint.sh <address> <port> <public key>: the agent has checked the arguments; the script checks
 * their characters again, refuses a portal network, then moves the ruleset first (from then on only the new
 * endpoint can be reached), the peer and the host route after.
 */
function renderSwitchEndpoint(): string {
  const gateway = addressOn('universe', 1);
  const portalNets = NETWORK_NAMES.map((network) => addressOn(network, 0).replace(/\.0$/, '.*')).join('|');
  const wg = WIREGUARD_INTERFACE;
  return `#!/bin/sh
# Points galaxy's tunnel at another VPN server, generated by portalgun; run by the agent's switch-endpoint verb.
# Prints one line: "${ROUTER_STATES.up}" or what went wrong; tool output goes to ${ROUTER_PATHS.log}. reset undoes it.
exec 3>&1 >> ${ROUTER_PATHS.log} 2>&1
report() { echo "$1" >&3; exit 1; }
[ $# -eq 3 ] || report "usage: switch-endpoint.sh <address> <port> <public key>"
case "$1:$2" in *[!0-9.:]*) report "bad endpoint" ;; esac
case "$3" in *[!A-Za-z0-9+/=]*) report "bad public key" ;; esac
case "$1" in ${portalNets}) report "the endpoint is on a portal network" ;; esac
nft -f - << RULES || report "failed endpoint rule"
${renderEndpointSwap({ address: '$1', port: '$2' }).trimEnd()}
RULES
old=$(cat ${ROUTER_PATHS.endpoint} 2> /dev/null)
for peer in $(wg show ${wg} peers); do wg set ${wg} peer "$peer" remove; done
wg set ${wg} peer "$3" endpoint "$1:$2" allowed-ips 0.0.0.0/0 persistent-keepalive 25 || report ${ROUTER_STATES.tunnelDown}
[ -z "$old" ] || [ "$old" = "$1" ] || ip route del "$old/32" via ${gateway} dev universe
ip route replace "$1/32" via ${gateway} dev universe || report ${ROUTER_STATES.tunnelDown}
echo "$1" > ${ROUTER_PATHS.endpoint}
ip route replace default dev ${wg} || report ${ROUTER_STATES.tunnelDown}
echo ${ROUTER_STATES.up} >&3
`;
}

/** The commands that (re)start Tor on star. */
function torCommands(): string {
  const { uid, gid } = TOR_ACCOUNT;
  return `# Tor, restarted if it runs: reset gives fresh circuits and a fresh process.
if [ -f ${TOR_RUN.pidFile} ]; then
  pid=$(cat ${TOR_RUN.pidFile})
  kill "$pid" 2> /dev/null
  while kill -0 "$pid" 2> /dev/null; do sleep 0.1; done
fi
mkdir -p /var/lib/tor ${TOR_RUN.dir} && chown ${uid}:${gid} /var/lib/tor ${TOR_RUN.dir} && chmod 700 /var/lib/tor ${TOR_RUN.dir}
# fd 3 closed: a daemon holding the report pipe would keep the caller waiting for its end forever.
tor -f ${ROUTER_PATHS.torrc} --RunAsDaemon 1 3>&- || report "${ROUTER_STATES.torFailed}"
`;
}

/** router-up.sh: the ruleset first (forwarding only once it is loaded), then the hop's own daemon. */
function renderRouterUp(role: RouterRole, hop: string): string {
  return `#!/bin/sh
# Brings the ${role} hop up, generated by portalgun: at boot (rc.sysinit) and on the agent's reset verb.
# Prints one line: "${ROUTER_STATES.up}" or the status the hop reports instead; tool output goes to ${ROUTER_PATHS.log}.
exec 3>&1 >> ${ROUTER_PATHS.log} 2>&1
report() { echo "$1" >&3; exit 1; }
echo 0 > /proc/sys/net/ipv4/ip_forward
nft -f ${ROUTER_PATHS.ruleset} || report "${ROUTER_STATES.rulesetFailed}"
echo 1 > /proc/sys/net/ipv4/ip_forward
${hop}echo ${ROUTER_STATES.up} >&3
`;
}

type RouterFile = { path: string; text: string; mode: number };

function routerUp(role: RouterRole, hop: string): RouterFile {
  return { path: ROUTER_PATHS.up, text: renderRouterUp(role, hop), mode: 0o755 };
}

/** The text files of a router image, by path (empty for portals that route nothing). */
export function routerFiles(manifest: Manifest): RouterFile[] {
  const role = routerRoleOf(manifest);
  if (role === 'universe') {
    return [
      { path: ROUTER_PATHS.ruleset, text: renderRouterRuleset('universe'), mode: 0o644 },
      routerUp(role, ''),
    ];
  }
  if (role === 'star') {
    const torrc = renderTorrc({
      listenAddress: routedAddress(manifest, 'star'),
      transPort: TOR_TRANS_PORT,
      dnsPort: TOR_DNS_PORT,
      dataDirectory: '/var/lib/tor',
      user: TOR_ACCOUNT.name,
      controlSocket: TOR_RUN.controlSocket,
      pidFile: TOR_RUN.pidFile,
    });
    return [
      {
        path: ROUTER_PATHS.ruleset,
        text: renderRouterRuleset('star', { torUid: TOR_ACCOUNT.uid }),
        mode: 0o644,
      },
      { path: ROUTER_PATHS.torrc, text: torrc, mode: 0o644 },
      routerUp(role, torCommands()),
    ];
  }
  if (role === 'galaxy') {
    const up = routerUp(role, tunnelCommands(manifest));
    const [address = '', port = '0'] = (manifest.vpn.endpoint ?? ':').split(':');
    return [
      {
        path: ROUTER_PATHS.ruleset,
        text: renderRouterRuleset('galaxy', { endpoint: { address, port: Number(port) } }),
        mode: 0o644,
      },
      up,
      { path: ROUTER_PATHS.switchEndpoint, text: renderSwitchEndpoint(), mode: 0o755 },
    ];
  }
  return [];
}
