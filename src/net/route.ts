/**
 * @module Where a portal's packets go: from its default-gateway network (its first attachment it does not
 * route itself) to that network's router, then to that router's own gateway network, and so on until a
 * router that owns the uplink. The routers come from the catalogue (one per network, non-abstract formulas
 * only), so the path is what the formulas say, before anything runs.
 * Pure: no I/O.
 */
import { addressOn, compareText, type Manifest, type NetworkName } from '../formula/index.js';

/** One hop on the way out: a network's router, or the uplink the last router owns. */
export type ExitHop =
  | {
      readonly kind: 'router';
      readonly node: string;
      readonly network: NetworkName;
      readonly address: string;
    }
  | { readonly kind: 'uplink'; readonly node: string; readonly mode: Manifest['uplink']['mode'] };

/**
 * How the path ends: `uplink` reaches the outside; `offline` means no network at all; `no-router` a network
 * on the way has no router; `no-uplink` the last router has no uplink; `loop` the routers route each other.
 */
export type ExitEnd = 'uplink' | 'offline' | 'no-router' | 'no-uplink' | 'loop';

/** The hops from a portal to the outside, and how the path ends. */
export interface ExitPath {
  readonly node: string;
  readonly hops: readonly ExitHop[];
  readonly end: ExitEnd;
}

/** The router of each network: the first non-abstract manifest (by node path) with `router: true` on it. */
export function routersOf(manifests: readonly Manifest[]): Map<NetworkName, Manifest> {
  const routers = new Map<NetworkName, Manifest>();
  for (const manifest of [...manifests].sort((a, b) => compareText(a.node, b.node))) {
    if (manifest.abstract) continue;
    for (const attachment of manifest.networks) {
      if (attachment.router && !routers.has(attachment.network)) routers.set(attachment.network, manifest);
    }
  }
  return routers;
}

/** The network a manifest's default route leaves by: its first attachment it does not route, if any. */
export function gatewayNetworkOf(manifest: Manifest): NetworkName | undefined {
  return manifest.networks.find((attachment) => !attachment.router)?.network;
}

/** The chain of hops a portal's packets take, given the catalogue's manifests. */
export function exitPath(manifest: Manifest, manifests: readonly Manifest[]): ExitPath {
  const done = (hops: ExitHop[], end: ExitEnd): ExitPath => ({ node: manifest.node, hops, end });
  if (manifest.networks.length === 0) return done([], 'offline');
  const routers = routersOf(manifests);
  const hops: ExitHop[] = [];
  const seen = new Set<string>([manifest.node]);
  let current = manifest;
  for (;;) {
    const network = gatewayNetworkOf(current);
    if (network === undefined) {
      if (current.uplink.mode === 'none') return done(hops, 'no-uplink');
      hops.push({ kind: 'uplink', node: current.node, mode: current.uplink.mode });
      return done(hops, 'uplink');
    }
    const router = routers.get(network);
    if (!router) return done(hops, 'no-router');
    if (seen.has(router.node)) return done(hops, 'loop');
    seen.add(router.node);
    hops.push({ kind: 'router', node: router.node, network, address: addressOn(network, 1) });
    current = router;
  }
}

/** One line for people: `star router 10.2.2.1 → galaxy router 10.1.1.1 → … → uplink (user)`. */
export function formatExitPath(path: ExitPath): string {
  if (path.end === 'offline') return 'offline';
  const hops = path.hops.map((hop) =>
    hop.kind === 'router' ? `${hop.network} router ${hop.address}` : `uplink (${hop.mode})`,
  );
  const tail: Record<ExitEnd, string[]> = {
    uplink: [],
    offline: [],
    'no-router': ['no router (dead end)'],
    'no-uplink': ['no uplink (dead end)'],
    loop: ['routing loop (dead end)'],
  };
  return [...hops, ...tail[path.end]].join(' → ');
}
