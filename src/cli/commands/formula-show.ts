/**
 * @module `portalgun formula show <node> [--provenance]`: a resolved manifest (sorted keys, defaults filled)
 * with its content hash, or every field with the file and line that set it.
 */
import type { Command } from 'commander';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';
import { globalOptions } from './global-options.js';

/** Registers `formula show`. */
export function registerFormulaShow(formula: Command): void {
  formula
    .command('show')
    .description('Print the resolved manifest of a formula and its hash')
    .argument('<node>', 'node path (application/console) or portal name (console.application.portal)')
    .option('--provenance', 'show which file and line set every field')
    .action(async (node: string, options: { provenance?: boolean }, command: Command) => {
      const { yamlText } = await import('../render/yaml-text.js');
      const { sortKeysDeep } = await import('../../digest/index.js');
      const { findFormula } = await import('../../formula/index.js');
      const { loadTreeInUse } = await import('../tree-in-use.js');
      const { provenanceRows } = await import('./formula-show-rows.js');
      const global = globalOptions(command);
      const resolved = findFormula((await loadTreeInUse(global, 'named')).catalogue, node);
      const rows = options.provenance ? provenanceRows(resolved) : undefined;
      if (global.json) {
        const provenance = rows?.map(([field, value, origin]) => ({ field, value, origin }));
        return writeJson({
          node: resolved.manifest.node,
          hash: resolved.hash,
          manifest: resolved.manifest,
          ...(provenance ? { provenance } : {}),
        });
      }
      if (rows) return writeText(renderColumns([['FIELD', 'VALUE', 'SET BY'], ...rows]));
      writeText(
        `# ${resolved.manifest.portalName}\n# hash: ${resolved.hash}\n${yamlText(sortKeysDeep(resolved.manifest))}`,
      );
    });
}
