/**
 * @module The bundled formula catalogue (formulas/), read once per test process.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFormulaTree } from '../../src/formula/host/read-tree.js';
import { type Catalogue, type ResolvedFormula, resolveCatalogue } from '../../src/formula/index.js';

/** The repository's root folder. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let cached: Promise<Catalogue> | undefined;

/** The bundled catalogue, resolved (diagnostics included, so tests can assert there are none). */
export function bundledCatalogue(): Promise<Catalogue> {
  cached ??= readFormulaTree(path.join(REPO_ROOT, 'formulas'), { cwd: REPO_ROOT }).then(resolveCatalogue);
  return cached;
}

/** One resolved formula of the bundled catalogue. */
export async function bundledFormula(node: string): Promise<ResolvedFormula> {
  const resolved = (await bundledCatalogue()).formulas.get(node);
  if (!resolved) throw new Error(`no formula ${node} in the bundled catalogue`);
  return resolved;
}
