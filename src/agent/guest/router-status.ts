/**
 * @module What a router adds to the agent's `status`: star reports Tor's bootstrap progress and the onion
 * services it publishes (their .onion names; the keys never leave the router), galaxy its endpoint and how
 * long ago the last WireGuard handshake was, universe its uplink's address and the LAN gateway it leaves
 * by. Portals that route nothing report nothing here.
 */
import {
  ROUTER_PATHS,
  TOR_DATA,
  TOR_RUN,
  UPLINK_INTERFACE,
  WIREGUARD_INTERFACE,
} from '../../guest-abi/index.js';
import { IP_PROGRAM } from './net.js';
import type { GuestSystem } from './system.js';
import { spawnOrFail } from './verb-handler.js';

/** The router part of `status`, or null for a portal that is no router. */
export type RouterStatus =
  | { readonly role: 'star'; readonly bootstrap: number | null; readonly onion: OnionStatus[] }
  | { readonly role: 'galaxy'; readonly endpoint: string | null; readonly handshakeAgeSeconds: number | null }
  | {
      readonly role: 'universe';
      readonly uplink: { readonly address: string | null; readonly gateway: string | null };
    }
  | null;

/** One onion service star publishes. */
export type OnionStatus = {
  readonly service: string;
  readonly hostname: string | null;
};

const exists = async (system: GuestSystem, file: string) => {
  const slash = file.lastIndexOf('/');
  const names = await system.listDir(file.slice(0, slash)).catch(() => [] as string[]);
  return names.includes(file.slice(slash + 1));
};

/** Reads the router facts of this portal. */
export async function readRouterStatus(system: GuestSystem): Promise<RouterStatus> {
  if (await exists(system, ROUTER_PATHS.torrc)) return starStatus(system);
  if (await exists(system, ROUTER_PATHS.switchEndpoint)) return galaxyStatus(system);
  if (await exists(system, `/sys/class/net/${UPLINK_INTERFACE}`)) return universeStatus(system);
  return null;
}

/** The address (with its prefix) of `ip -j -4 addr show dev uplink` output, or null. */
export function parseUplinkAddress(json: string): string | null {
  const links = parseJson(json) as { addr_info?: { local?: string; prefixlen?: number }[] }[] | null;
  const info = links?.[0]?.addr_info?.[0];
  return info?.local ? `${info.local}/${info.prefixlen ?? 32}` : null;
}

/** The gateway of `ip -j route show default dev uplink` output, or null. */
export function parseUplinkGateway(json: string): string | null {
  const routes = parseJson(json) as { gateway?: string }[] | null;
  return routes?.[0]?.gateway ?? null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // An ip that printed nothing (no address yet) is as good as no answer.
    return null;
  }
}

async function universeStatus(system: GuestSystem): Promise<RouterStatus> {
  const ip = (args: string[]) =>
    spawnOrFail(system, { file: IP_PROGRAM, args: ['-j', ...args] })
      .then((result) => result.stdout)
      .catch(() => '');
  const address = parseUplinkAddress(await ip(['-4', 'addr', 'show', 'dev', UPLINK_INTERFACE]));
  const gateway = parseUplinkGateway(await ip(['route', 'show', 'default', 'dev', UPLINK_INTERFACE]));
  return { role: 'universe', uplink: { address, gateway } };
}

/** The last bootstrap percentage in Tor's notices, or null before the first one. */
export function parseBootstrap(notices: string): number | null {
  const all = [...notices.matchAll(/Bootstrapped (\d{1,3})%/g)];
  const last = all.at(-1)?.[1];
  return last === undefined ? null : Number(last);
}

async function starStatus(system: GuestSystem): Promise<RouterStatus> {
  const notices = await system.readFile(TOR_RUN.notices).catch(() => '');
  const services = await system.listDir(TOR_DATA.onionDir).catch(() => [] as string[]);
  const onion = await Promise.all(
    services.sort().map(async (service) => {
      const hostname = await system.readFile(`${TOR_DATA.onionDir}/${service}/hostname`).catch(() => null);
      return { service, hostname: hostname?.trim() || null };
    }),
  );
  return { role: 'star', bootstrap: parseBootstrap(notices), onion };
}

async function galaxyStatus(system: GuestSystem): Promise<RouterStatus> {
  const endpoint = (await system.readFile(ROUTER_PATHS.endpoint).catch(() => '')).trim() || null;
  const shown = await spawnOrFail(system, {
    file: '/usr/bin/wg',
    args: ['show', WIREGUARD_INTERFACE, 'latest-handshakes'],
  }).catch(() => undefined);
  const seconds = Number(shown?.stdout.trim().split('\t')[1] ?? 0);
  const handshakeAgeSeconds =
    Number.isInteger(seconds) && seconds > 0 ? Math.max(0, Math.round(system.now() / 1000) - seconds) : null;
  return { role: 'galaxy', endpoint, handshakeAgeSeconds };
}
