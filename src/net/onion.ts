/**
 * @module The onion services the star router publishes: every startable formula that asks for one
 * (`onion.ports`) from its fixed address on star. The daemon puts them on star's kernel command line
 * (`multiverse.onion=<id>@<address>:<port>[+<port>…],…`) when star starts, so a new service needs no new
 * router image; star's router-up.sh turns them into HiddenServiceDir/HiddenServicePort lines, one folder
 * per service (named after its formula node) on Tor's volume, where its key and hostname stay.
 * Pure: no I/O.
 */
import type { Manifest } from '../formula/index.js';
import { KERNEL_PARAMS } from '../guest-abi/index.js';
import type { PortalInstance } from '../instance/index.js';

/** One onion service: its folder name, where it forwards to, and which ports. */
export interface OnionService {
  readonly id: string;
  readonly address: string;
  readonly ports: readonly number[];
}

/** The onion services of a tree, by formula node. */
export function onionServicesOf(manifests: readonly Manifest[]): OnionService[] {
  return manifests
    .filter((m) => !m.abstract && m.onion.ports.length > 0)
    .flatMap((m) => {
      const address = m.networks.find((a) => a.network === 'star' && !a.router)?.address;
      if (address === undefined || address === 'dynamic') return [];
      return [{ id: m.node.replaceAll('/', '-'), address, ports: [...m.onion.ports].sort((a, b) => a - b) }];
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The parameter's value ('' when there are none). */
export function formatOnionArg(services: readonly OnionService[]): string {
  return services.map((s) => `${s.id}@${s.address}:${s.ports.join('+')}`).join(',');
}

/** True for the manifest of a star router. */
function routesStar(manifest: Manifest): boolean {
  return manifest.networks.some((a) => a.router && a.network === 'star');
}

/** The instance with `multiverse.onion=` added for a star router whose tree has onion services. */
export function withOnionServices(
  manifest: Manifest,
  manifests: readonly Manifest[],
  instance: PortalInstance,
): PortalInstance {
  const arg = routesStar(manifest) ? formatOnionArg(onionServicesOf(manifests)) : '';
  if (arg === '') return instance;
  return { ...instance, kernelArgs: [...(instance.kernelArgs ?? []), `${KERNEL_PARAMS.onion}=${arg}`] };
}
