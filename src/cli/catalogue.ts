/**
 * @module Reads a formula tree for a CLI command (which tree: see tree-in-use.ts) and finds a node in it by
 * path or portal name, with a "did you mean" for typos.
 */
import { MvError } from '../errors/index.js';
import { readFormulaTree } from '../formula/host/index.js';
import { type Catalogue, type Manifest, type ResolvedFormula, resolveCatalogue } from '../formula/index.js';

/** Reads and resolves a tree, returning diagnostics instead of throwing on them. */
export async function readCatalogue(dir: string): Promise<Catalogue> {
  return resolveCatalogue(await readFormulaTree(dir));
}

/** The formula named by a node path or portal name, or undefined if there is none. */
export function lookupFormula(catalogue: Catalogue, name: string): ResolvedFormula | undefined {
  const byNode = catalogue.formulas.get(name.replace(/^\/+|\/+$/g, ''));
  if (byNode) return byNode;
  return [...catalogue.formulas.values()].find((resolved) => resolved.manifest.portalName === name);
}

/** The resolved formula named by a node path (`application/console`) or portal name (`console.application.portal`). */
export function findFormula(catalogue: Catalogue, name: string): ResolvedFormula {
  const found = lookupFormula(catalogue, name);
  if (found) return found;
  const nodes = [...catalogue.formulas.keys()];
  const suggestions = nodes.filter((node) => node.endsWith(`/${name}`) || node.includes(name)).slice(0, 3);
  throw new MvError('formula.not-found', `No formula "${name}"`, {
    hint:
      suggestions.length > 0
        ? `Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
        : 'Run "portalgun formula list" to see every node.',
  });
}

/** Every manifest of the catalogue, abstract layers included (the net renderers skip those themselves). */
export function manifestsOf(catalogue: Catalogue): Manifest[] {
  return [...catalogue.formulas.values()].map((resolved) => resolved.manifest);
}
