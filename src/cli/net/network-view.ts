/**
 * @module The portal networks as the formulas describe them: every network of the address plan with its
 * range, its router, the network that router leaves by, and the formulas that join it. `net ls` and
 * `net show` add what the daemon says runs on top of this.
 * Pure: no I/O.
 */
import { MvError } from '../../errors/index.js';
import {
  addressOn,
  cidrOf,
  type Manifest,
  NETWORK_NAMES,
  NETWORKS,
  type NetworkName,
} from '../../formula/index.js';
import { gatewayNetworkOf, type Member, membersOn, routersOf } from '../../net/index.js';

/** One portal network as the formulas describe it. */
export interface NetworkView {
  readonly network: NetworkName;
  readonly cidr: string;
  readonly purpose: string;
  /** The formula routing the network and its address there (always the network's `.1`). */
  readonly router: { readonly node: string; readonly address: string } | null;
  /** Where the router's default route leaves: the network above and the router's address on it. */
  readonly upstream: { readonly network: NetworkName; readonly address: string } | null;
  /** The router's own way out, if it has one (only the root of the chain does). */
  readonly uplink: Uplink | null;
  /** Fixed addresses first, in host order, then dynamic ones, by node. */
  readonly members: readonly Member[];
}

/** A router's uplink: its mode and the host device, namespace or PCI address it uses. */
export interface Uplink {
  readonly mode: Manifest['uplink']['mode'];
  readonly device: string | null;
}

/** An uplink for people: `netns:multiverse-lan`, `pci:0000:03:00.0`, or the bare mode. */
export function formatUplink(uplink: Uplink): string {
  return uplink.device === null ? uplink.mode : `${uplink.mode}:${uplink.device}`;
}

/** The uplink a manifest owns, or null for mode none. */
function uplinkOf(manifest: Manifest): Uplink | null {
  const { mode, device } = manifest.uplink;
  return mode === 'none' ? null : { mode, device };
}

function upstreamOf(router: Manifest | undefined): NetworkView['upstream'] {
  const network = router && gatewayNetworkOf(router);
  const leg = router?.networks.find((a) => a.network === network);
  return network && leg ? { network, address: leg.address } : null;
}

/** One network of the address plan as the catalogue's portals use it. */
export function planNetworkView(manifests: readonly Manifest[], network: NetworkName): NetworkView {
  const portals = manifests.filter((m) => !m.abstract);
  const router = routersOf(portals).get(network);
  return {
    network,
    cidr: cidrOf(network),
    purpose: NETWORKS[network].purpose,
    router: router ? { node: router.node, address: addressOn(network, 1) } : null,
    upstream: upstreamOf(router),
    uplink: router ? uplinkOf(router) : null,
    members: membersOn(network, portals),
  };
}

/** Every network of the address plan, in chain order. */
export function planNetworkViews(manifests: readonly Manifest[]): NetworkView[] {
  return NETWORK_NAMES.map((network) => planNetworkView(manifests, network));
}

/** The network a name means, or `net.unknown-network` listing the names there are. */
export function parseNetworkName(name: string): NetworkName {
  const found = NETWORK_NAMES.find((network) => network === name);
  if (found) return found;
  throw new MvError('net.unknown-network', `No portal network "${name}"`, {
    hint: `The portal networks are ${NETWORK_NAMES.join(', ')}.`,
  });
}
