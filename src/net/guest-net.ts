/**
 * @module What a portal instance tells its guest about its NICs, as the value of `multiverse.net=`. The
 * default gateway is the router (.1) of the instance's first attachment that it does not route itself: an
 * application's or controller's own network, and a router's leg on the network above it (galaxy's default
 * route goes via universe's .1, star's via galaxy's .1). The universe router has no such leg; its uplink
 * brings the default route (from DHCP, or the static `uplink.address` and `uplink.gateway`).
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';
import { addressOn, type Manifest } from '../formula/index.js';
import type { PortalInstance } from '../qemu/index.js';
import {
  formatGuestNetArg,
  GUEST_NET_PARAM,
  type GuestNetConfig,
  type GuestNic,
  type GuestUplink,
} from './guest-net-arg.js';

/** The NIC and uplink settings of an instance. */
export function planGuestNet(manifest: Manifest, instance: PortalInstance): GuestNetConfig {
  const gatewayAt = manifest.networks.findIndex((attachment) => !attachment.router);
  const nics = instance.nics.map((nic, index): GuestNic => {
    const attachment = manifest.networks[index];
    if (attachment?.network !== nic.network) {
      throw new MvError(
        'internal.bug',
        `NIC ${index} of ${instance.name} does not match ${manifest.node}'s attachments (please report)`,
      );
    }
    const base = { mac: nic.mac, network: nic.network, address: nic.address };
    return index === gatewayAt ? { ...base, gateway: addressOn(nic.network, 1) } : base;
  });
  return { nics, uplink: uplinkOf(manifest, instance, gatewayAt < 0) };
}

/** The value of `multiverse.net=` for an instance ('' when it has no NIC). */
export function renderGuestNetArg(manifest: Manifest, instance: PortalInstance): string {
  return formatGuestNetArg(planGuestNet(manifest, instance));
}

/** The instance with `multiverse.net=` on its kernel command line, as the daemon boots it (unchanged offline). */
export function withGuestNet(manifest: Manifest, instance: PortalInstance): PortalInstance {
  const net = renderGuestNetArg(manifest, instance);
  return net === '' ? instance : { ...instance, kernelArgs: [`${GUEST_NET_PARAM}=${net}`] };
}

function uplinkOf(manifest: Manifest, instance: PortalInstance, routesDefault: boolean): GuestUplink | null {
  const { uplink } = instance;
  if (!uplink || uplink.kind === 'pci') return null; // a passed-through NIC has no MAC of ours to name
  const { address, gateway } = manifest.uplink;
  if (address === null) return { mac: uplink.mac, mode: 'dhcp' };
  // Only a portal with no default route of its own (the universe router) may take the LAN's gateway.
  const route = routesDefault && gateway !== null ? { gateway } : {};
  return { mac: uplink.mac, mode: 'static', cidr: address, ...route };
}
