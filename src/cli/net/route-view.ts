/**
 * @module `portalgun route`: the exit path of a formula or of a running portal (net/route.ts `exitPath`),
 * with each router's node and the uplink's device, and one line for people that says plainly where the
 * path ends when it does not reach the outside.
 * Pure: no I/O.
 */
import type { Manifest, NetworkName } from '../../formula/index.js';
import { type ExitEnd, exitPath, gatewayNetworkOf, routersOf } from '../../net/index.js';
import type { PortalSummary } from '../../protocol/index.js';
import { formatUplink, type Uplink } from './network-view.js';

/** One hop: a network's router, or the uplink the last router owns. */
export type RouteHop =
  | {
      readonly kind: 'router';
      readonly network: NetworkName;
      readonly address: string;
      readonly node: string;
    }
  | ({ readonly kind: 'uplink'; readonly node: string } & Uplink);

/** The `route --json` document. */
export interface RouteDoc {
  /** The formula, and the portal (with its address on its gateway network) when one was named. */
  readonly from: {
    readonly node: string;
    readonly portal: string | null;
    readonly address: string | null;
  };
  readonly hops: readonly RouteHop[];
  readonly end: ExitEnd;
  /** The whole path in one line. */
  readonly text: string;
}

function fromOf(manifest: Manifest, portal: PortalSummary | undefined): RouteDoc['from'] {
  const network = gatewayNetworkOf(manifest);
  const address = portal?.addresses.find((a) => a.network === network)?.address ?? null;
  return { node: manifest.node, portal: portal?.name ?? null, address };
}

function fromLabel(from: RouteDoc['from']): string {
  if (from.portal === null) return from.node;
  return `${from.portal}${from.address === null ? '' : ` ${from.address}`} (${from.node})`;
}

function hopLabel(hop: RouteHop): string {
  return hop.kind === 'router'
    ? `${hop.network} ${hop.address} (${hop.node})`
    : `uplink ${formatUplink(hop)}`;
}

/** What stopped a path that does not reach the outside, named after the network or router at fault. */
function deadEnd(end: ExitEnd, last: Manifest, manifests: readonly Manifest[]): string {
  const next = gatewayNetworkOf(last);
  if (end === 'no-router') return `${next}: no router (dead end)`;
  if (end === 'no-uplink') return `no uplink on ${last.node} (dead end)`;
  const again = next === undefined ? undefined : routersOf(manifests).get(next);
  return `back to ${again?.node ?? 'a router already passed'} (routing loop, dead end)`;
}

/** The route of a formula, or of a running portal of it when `portal` is given. */
export function planRoute(
  manifest: Manifest,
  manifests: readonly Manifest[],
  portal?: PortalSummary,
): RouteDoc {
  const path = exitPath(manifest, manifests);
  const byNode = new Map(manifests.map((m) => [m.node, m]));
  const hops = path.hops.map((hop): RouteHop => {
    if (hop.kind === 'router') return hop;
    const device = byNode.get(hop.node)?.uplink.device ?? null;
    return { kind: 'uplink', node: hop.node, mode: hop.mode, device };
  });
  const from = fromOf(manifest, portal);
  const labels = [fromLabel(from), ...hops.map(hopLabel)];
  const lastNode = path.hops.at(-1)?.node;
  const last = (lastNode && byNode.get(lastNode)) || manifest;
  const text =
    path.end === 'offline'
      ? `${fromLabel(from)}: offline (no network)`
      : [...labels, ...(path.end === 'uplink' ? [] : [deadEnd(path.end, last, manifests)])].join(' → ');
  return { from, hops, end: path.end, text };
}
