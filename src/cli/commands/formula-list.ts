/**
 * @module `portalgun formula list [--addresses]`: the formula tree with each portal's machine, size and
 * networks, or the address plan's fixed addresses and who holds them.
 */
import type { Command } from 'commander';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';
import { globalOptions } from './global-options.js';

/** Registers `formula list`. */
export function registerFormulaList(formula: Command): void {
  formula
    .command('list')
    .description("Show the formula tree with each portal's machine, size and networks")
    .option('--addresses', 'list the fixed addresses of the address plan and who holds them')
    .action(async (options: { addresses?: boolean }, command: Command) => {
      const { loadTreeInUse } = await import('../tree-in-use.js');
      const { addressRows, summaryOf, treeRows } = await import('./formula-list-rows.js');
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
