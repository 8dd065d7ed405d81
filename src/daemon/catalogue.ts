/**
 * @module The daemon's view of the formula tree: read and resolved for each request that needs it (about
 * 20 ms), so an edited formula takes effect without a restart; a tree with any problem is refused whole.
 */
import { errorFromDiagnostics, MvError } from '../errors/index.js';
import { readFormulaTree } from '../formula/host/index.js';
import { type Catalogue, type Manifest, type ResolvedFormula, resolveCatalogue } from '../formula/index.js';

/** The tree, read and resolved; any problem in it refuses the whole tree. */
export async function readValidCatalogue(formulasDir: string): Promise<Catalogue> {
  const catalogue = resolveCatalogue(await readFormulaTree(formulasDir));
  if (catalogue.diagnostics.length > 0) throw errorFromDiagnostics(catalogue.diagnostics);
  return catalogue;
}

/** The resolved formula named by node path or portal name. */
export async function findResolvedFormula(formulasDir: string, name: string): Promise<ResolvedFormula> {
  return findIn(await readValidCatalogue(formulasDir), name);
}

/** The formula of a catalogue named by node path or portal name, or `formula.not-found`. */
export function findIn(catalogue: Catalogue, name: string): ResolvedFormula {
  const resolved =
    catalogue.formulas.get(name) ??
    [...catalogue.formulas.values()].find((f) => f.manifest.portalName === name);
  if (!resolved) {
    throw new MvError('formula.not-found', `No formula "${name}"`, {
      hint: 'Run "portalgun formula list" to see every node.',
    });
  }
  return resolved;
}

/** Throws `formula.invalid` for an abstract layer: only its children are portals (and have images). */
export function requireStartable(manifest: Manifest): void {
  if (!manifest.abstract) return;
  throw new MvError('formula.invalid', `"${manifest.node}" is an abstract layer, not a portal`, {
    hint: 'Start one of its children; "portalgun formula list" shows which nodes are portals.',
  });
}

/** Every manifest of the tree by node path (the layers of a Debian image follow the tree). */
export async function manifestsByNode(formulasDir: string): Promise<Map<string, Manifest>> {
  const catalogue = await readValidCatalogue(formulasDir);
  return new Map([...catalogue.formulas].map(([node, resolved]) => [node, resolved.manifest]));
}
