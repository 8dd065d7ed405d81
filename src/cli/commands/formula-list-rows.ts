/**
 * @module The rows `portalgun formula list` prints: the tree with each portal's machine, or the fixed
 * addresses of the address plan. Loaded only when the command runs (see program.ts).
 */
import {
  compareText,
  hostNumberOn,
  macFor,
  NETWORK_NAMES,
  type NetworkName,
  type ResolvedFormula,
  roleOfHost,
} from '../../formula/index.js';
import { treeLines } from '../render/tree.js';

/** One formula as `formula list --json` shows it. */
export function summaryOf(resolved: ResolvedFormula) {
  const { manifest } = resolved;
  return {
    node: manifest.node,
    portalName: manifest.portalName,
    class: manifest.class,
    abstract: manifest.abstract,
    machine: manifest.machine,
    networks: manifest.networks,
    hash: resolved.hash,
  };
}

/** The formula tree as table rows: a portal's machine, size, networks and name; a layer marked as such. */
export function treeRows(formulas: readonly ResolvedFormula[]): string[][] {
  const byNode = new Map(formulas.map((f) => [f.manifest.node, f.manifest]));
  return treeLines([...byNode.keys()].sort(compareText)).map(({ node, label }) => {
    const m = byNode.get(node);
    if (!m || m.abstract) return [label, '(layer)'];
    const networks = m.networks.map((n) =>
      n.address === 'dynamic' ? n.network : `${n.network}:${n.address}`,
    );
    return [
      label,
      m.machine.type,
      String(m.machine.vcpus),
      `${m.machine.memory} MiB`,
      networks.join(' ') || '-',
      m.portalName,
    ];
  });
}

/** One fixed address of the plan and the formula holding it. */
export interface AddressRow {
  readonly network: string;
  readonly address: string;
  readonly mac: string;
  readonly role: string;
  readonly node: string;
}

/** Every fixed address of the plan with its MAC, role and formula, in chain order. */
export function addressRows(formulas: readonly ResolvedFormula[]): AddressRow[] {
  const rows: AddressRow[] = [];
  for (const { manifest } of formulas) {
    if (manifest.abstract) continue;
    for (const attachment of manifest.networks) {
      if (attachment.address === 'dynamic') continue;
      const host = hostNumberOn(attachment.network, attachment.address) ?? 0;
      rows.push({
        network: attachment.network,
        address: attachment.address,
        mac: macFor(attachment.address, manifest.hardening.macPrefix),
        role: roleOfHost(host),
        node: manifest.node,
      });
    }
  }
  const hostOf = (row: AddressRow) => Number(row.address.split('.')[3]);
  const chainIndex = (row: AddressRow) => NETWORK_NAMES.indexOf(row.network as NetworkName);
  return rows.sort((a, b) => chainIndex(a) - chainIndex(b) || hostOf(a) - hostOf(b));
}
