/**
 * @module `portalgun formula show <node> [--provenance]`: a resolved manifest (sorted keys, defaults filled)
 * with its content hash, or every field with the file and line that set it.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { sortKeysDeep } from '../../digest/index.js';
import { formatLocation } from '../../errors/index.js';
import { compareText, findFormula, formatPath, originOf, type ResolvedFormula } from '../../formula/index.js';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';
import { loadTreeInUse } from '../tree-in-use.js';
import { globalOptions } from './global-options.js';

/** Registers `formula show`. */
export function registerFormulaShow(formula: Command): void {
  formula
    .command('show')
    .description('Print the resolved manifest of a formula and its hash')
    .argument('<node>', 'node path (application/console) or portal name (console.application.portal)')
    .option('--provenance', 'show which file and line set every field')
    .action(async (node: string, options: { provenance?: boolean }, command: Command) => {
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
        `# ${resolved.manifest.portalName}\n# hash: ${resolved.hash}\n${stringify(sortKeysDeep(resolved.manifest))}`,
      );
    });
}

const DERIVED = new Set(['schemaVersion', 'node', 'name', 'portalName', 'lineage']);

/** Every leaf field of the settings with its value and origin (`(default)` or `file:line:column`). */
function provenanceRows(resolved: ResolvedFormula): [string, string, string][] {
  const rows: [string, string, string][] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    const children =
      value !== null && typeof value === 'object'
        ? Array.isArray(value)
          ? value.map((item, index) => [index, item] as const)
          : Object.entries(value).sort(([a], [b]) => compareText(a, b))
        : [];
    if (children.length > 0) {
      for (const [key, inner] of children) walk(inner, [...path, key]);
      return;
    }
    const origin = originOf(resolved.provenance, path);
    rows.push([
      formatPath(path),
      JSON.stringify(value),
      origin === 'default' ? '(default)' : formatLocation(origin),
    ]);
  };
  for (const [key, value] of Object.entries(resolved.manifest).sort(([a], [b]) => compareText(a, b))) {
    if (!DERIVED.has(key)) walk(value, [key]);
  }
  return rows;
}
