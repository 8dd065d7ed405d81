import { addressOn, type Manifest } from '../formula/index.js';
import { KERNEL_PARAMS } from '../guest-abi/index.js';
import type { PortalInstance } from '../instance/index.js';
import { formatGuestNetArg, type GuestNetConfig, type GuestNic, type GuestUplink } from './guest-net-arg.js';
import { requireNicsMatch } from './plan.js';

/** The NIC and uplink settings of an instance. */
export function planGuestNet(manifest: Manifest, instance: PortalInstance): GuestNetConfig {
  requireNicsMatch(instance, manifest);
  const gatewayAt = manifest.networks.findIndex((attachment) => !attachment.router);
  const nics = instance.nics.map((nic, index): GuestNic => {
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
  return net === '' ? instance : { ...instance, kernelArgs: [`${KERNEL_PARAMS.net}=${net}`] };
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
