/**
 * @module Names and host-side ports of the portal networks. Every portal network is a Linux bridge inside
 * one network namespace that the portalgun daemon owns; each QEMU NIC is a tap enslaved to its network's
 * bridge. The host's root namespace holds no address, route or interface on any portal network.
 * Pure: no I/O (`net/host` creates the namespace, bridges and taps).
 */
import { sha256Hex } from '../digest/index.js';
import { MvError } from '../errors/index.js';
import type { Manifest, NetworkName } from '../formula/index.js';
import type { PortalInstance } from '../instance/index.js';

/** What a port's portal does on its network: routes it, or is one of its members. */
export type PortRole = 'router' | 'member';

/** One tap on a portal bridge, as the daemon's namespace sees it. */
export interface BridgePort {
  readonly tap: string;
  readonly bridge: string;
  readonly network: NetworkName;
  /** The only source MAC frames from this tap may carry. */
  readonly mac: string;
  /** The portal's address on the network; members may send from no other. */
  readonly address: string;
  /**
   * Routers forward other machines' packets and reach every member; members' ports are isolated from each
   * other (bridge port isolation), so members reach one another only through the router.
   */
  readonly role: PortRole;
}

/** The daemon's network namespace for a run root: `mvn-` and 8 hex of its SHA-256 (stable per host layout). */
export function namespaceName(runRoot: string): string {
  return `mvn-${sha256Hex(runRoot).slice(0, 8)}`;
}

/** The bridge of a portal network inside the daemon's namespace (`br-star`, at most 15 characters). */
export function bridgeName(network: NetworkName): string {
  return `br-${network}`;
}

/** Throws `internal.bug` unless the instance has one NIC per attachment of the manifest, in order. */
export function requireNicsMatch(instance: PortalInstance, manifest: Manifest): void {
  const matches =
    instance.nics.length === manifest.networks.length &&
    instance.nics.every((nic, index) => manifest.networks[index]?.network === nic.network);
  if (!matches) {
    throw new MvError(
      'internal.bug',
      `The NICs of instance ${instance.name} do not match the attachments of ${manifest.node} (please report)`,
    );
  }
}

/** The host-side ports of an instance: one per NIC, in the manifest's attachment order. */
export function portsOf(instance: PortalInstance, manifest: Manifest): BridgePort[] {
  requireNicsMatch(instance, manifest);
  return instance.nics.map((nic, index) => ({
    tap: nic.tap,
    bridge: bridgeName(nic.network),
    network: nic.network,
    mac: nic.mac,
    address: nic.address,
    role: manifest.networks[index]?.router ? 'router' : 'member',
  }));
}
