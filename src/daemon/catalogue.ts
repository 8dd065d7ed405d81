/**
 * @module The daemon's view of the formula tree: read and resolved for each request that needs it (about
 * 20 ms), so an edited formula takes effect without a restart; a tree with any problem is refused whole.
 */
import { errorFromDiagnostics } from '../errors/index.js';
import { readFormulaTree } from '../formula/host/index.js';
import {
  type Catalogue,
  findFormula,
  type Manifest,
  type ResolvedFormula,
  resolveCatalogue,
} from '../formula/index.js';

/** The tree, read and resolved; any problem in it refuses the whole tree. */
export async function readValidCatalogue(formulasDir: string): Promise<Catalogue> {
  const catalogue = resolveCatalogue(await readFormulaTree(formulasDir));
  if (catalogue.diagnostics.length > 0) throw errorFromDiagnostics(catalogue.diagnostics);
  return catalogue;
}

/** The resolved formula named by node path or portal name. */
export async function findResolvedFormula(formulasDir: string, name: string): Promise<ResolvedFormula> {
  return findFormula(await readValidCatalogue(formulasDir), name);
}

/** Every manifest of the tree by node path (the layers of a Debian image follow the tree). */
export async function manifestsByNode(formulasDir: string): Promise<Map<string, Manifest>> {
  const catalogue = await readValidCatalogue(formulasDir);
  return new Map([...catalogue.formulas].map(([node, resolved]) => [node, resolved.manifest]));
}
