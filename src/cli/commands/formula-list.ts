/**
 * @module `portalgun formula list [--addresses]`: the formula tree with each portal's machine, size and
 * networks, or the address plan's fixed addresses and who holds them.
 */
import type { Command } from 'commander';
import {
  compareText,
  hostNumberOn,
  macFor,
  NETWORK_NAMES,
  type NetworkName,
  type ResolvedFormula,
  roleOfHost,
} from '../../formula/index.js';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';
import { treeLines } from '../render/tree.js';
import { loadTreeInUse } from '../tree-in-use.js';
import { globalOptions } from './global-options.js';

/** Registers `formula list`. */
export function registerFormulaList(formula: Command): void {
  formula
    .command('list')
    .description("Show the formula tree with each portal's machine, size and networks")
    .option('--addresses', 'list the fixed addresses of the address plan and who holds them')
    .action(async (options: { addresses?: boolean }, command: Command) => {
      const global = globalOptions(command);
      const { catalogue } = await loadTreeInUse(global, 'named');
      const formulas = [...catalogue.formulas.values()];
      if (options.addresses) {
        const rows = addressRows(formulas);
        if (global.json) return writeJson(rows);
        return writeText(
          renderColumns([
            ['NETWORK', 'ADDRESS', 'MAC', 'ROLE', 'NODE'],
            ...rows.map((r) => [r.network, r.address, r.mac, r.role, r.node]),
          ]),
        );
      }
      if (global.json) return writeJson(formulas.map(summaryOf));
      writeText(
        renderColumns([
          ['NODE', 'MACHINE', 'VCPU', 'MEMORY', 'NETWORKS', 'PORTAL NAME'],
          ...treeRows(formulas),
        ]),
      );
    });
}

function summaryOf(resolved: ResolvedFormula) {
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

function treeRows(formulas: readonly ResolvedFormula[]): string[][] {
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

function addressRows(formulas: readonly ResolvedFormula[]): AddressRow[] {
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
