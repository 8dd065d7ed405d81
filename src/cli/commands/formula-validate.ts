/**
 * @module `portalgun formula validate [dir]` and `portalgun formula schema`: check a whole tree and report
 * every problem at once (exit 2 if there is any), and print the JSON Schema editors use.
 */
import type { Command } from 'commander';
import { errorFromDiagnostics } from '../../errors/index.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

/** Registers `formula validate` and `formula schema`. */
export function registerFormulaValidate(formula: Command): void {
  formula
    .command('validate')
    .description('Check every formula of a tree and report all problems at once')
    .argument(
      '[dir]',
      "formula tree to check (default: the one you name, else the daemon's, else the bundled one)",
    )
    .action(async (dir: string | undefined, _options: unknown, command: Command) => {
      const { readCatalogue } = await import('../catalogue.js');
      const { loadTreeInUse } = await import('../tree-in-use.js');
      const global = globalOptions(command);
      const catalogue =
        dir !== undefined ? await readCatalogue(dir) : (await loadTreeInUse(global, 'named')).catalogue;
      if (catalogue.diagnostics.length > 0) throw errorFromDiagnostics(catalogue.diagnostics);
      const total = catalogue.formulas.size;
      const portals = [...catalogue.formulas.values()].filter((f) => !f.manifest.abstract).length;
      if (global.json) return writeJson({ valid: true, formulas: total, portals });
      writeText(`ok: ${total} formulas valid (${portals} portals, ${total - portals} abstract layers)`);
    });

  formula
    .command('schema')
    .description('Print the JSON Schema of a formula file (for editors)')
    .action(async () => writeJson((await import('../../formula/index.js')).renderFormulaJsonSchema()));
}
