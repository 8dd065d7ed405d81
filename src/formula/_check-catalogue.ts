/**
 * @module Rules across the whole catalogue: no two portals claim one fixed address, each network has at
 * most one router, and every network someone joins has a router.
 * Abstract formulas (layers never started on their own) claim nothing.
 * Pure: no I/O.
 */
import type { Diagnostic } from '../errors/index.js';
import { formatLocation } from '../errors/index.js';
import type { NetworkName } from './address-plan.js';
import { locationOf, type ResolvedFormula } from './manifest.js';
import { originOf } from './merge.js';
import { type FieldPath, formatPath } from './yaml-locate.js';

interface Claim {
  readonly resolved: ResolvedFormula;
  readonly path: FieldPath;
}

function whereOf(claim: Claim) {
  return locationOf(
    originOf(claim.resolved.provenance, claim.path),
    claim.resolved.file,
    formatPath(claim.path),
  );
}

/** Every cross-formula rule broken in a catalogue (formulas sorted by node path). */
export function checkCatalogue(formulas: readonly ResolvedFormula[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const addresses = new Map<string, Claim>();
  const routers = new Map<NetworkName, Claim>();
  const members: Claim[] = [];

  for (const resolved of formulas) {
    const { manifest } = resolved;
    if (manifest.abstract) continue;
    for (const [index, attachment] of manifest.networks.entries()) {
      const claim = { resolved, path: ['networks', index, 'address'] };
      members.push(claim);
      if (attachment.router) {
        const first = routers.get(attachment.network);
        if (first) {
          diagnostics.push({
            code: 'formula.router-clash',
            message: `${manifest.node}: network "${attachment.network}" already has a router, ${first.resolved.manifest.node} (${formatLocation(whereOf(first))})`,
            where: whereOf(claim),
            hint: 'Each portal network has exactly one router; drop router: true here.',
          });
        } else routers.set(attachment.network, claim);
      }
      if (attachment.address === 'dynamic') continue;
      const key = `${attachment.network}/${attachment.address}`;
      const first = addresses.get(key);
      if (first) {
        diagnostics.push({
          code: 'formula.address-clash',
          message: `${manifest.node}: ${attachment.address} on ${attachment.network} is already claimed by ${first.resolved.manifest.node} (${formatLocation(whereOf(first))})`,
          where: whereOf(claim),
          hint: 'Pick a free address in the same range; "portalgun formula list --addresses" shows the ones taken.',
        });
      } else addresses.set(key, claim);
    }
  }
  for (const claim of members) {
    const network = claim.resolved.manifest.networks[claim.path[1] as number]?.network;
    if (network !== undefined && !routers.has(network)) {
      diagnostics.push({
        code: 'formula.no-router',
        message: `${claim.resolved.manifest.node}: joins network "${network}", but no formula routes it`,
        where: whereOf(claim),
        hint: `Add a formula with { network: ${network}, address: its .1, router: true }, or attach to another network.`,
      });
    }
  }
  return diagnostics;
}
