/**
 * @module Reads a formula tree for a CLI command (which tree: see tree-in-use.ts); formula/find.ts finds a
 * node in it.
 */
import { readFormulaTree } from '../formula/host/index.js';
import { type Catalogue, resolveCatalogue } from '../formula/index.js';

/** Reads and resolves a tree, returning diagnostics instead of throwing on them. */
export async function readCatalogue(dir: string): Promise<Catalogue> {
  return resolveCatalogue(await readFormulaTree(dir));
}
