/**
 * @module The daemon's formula tree as it reports it with its version: the folder (absolute) and the digest
 * of the files in it right now, so a CLI can use the same tree and tell when it reads other files.
 * Reads only.
 */
import { readFormulaTree } from '../formula/host/index.js';
import { digestFormulaSources } from '../formula/index.js';

/** Where the daemon's tree is and what it holds; the digest is null while the tree cannot be read. */
export interface FormulaTreeInfo {
  readonly dir: string;
  readonly digest: string | null;
}

/** Reads the tree at `dir` and digests it. */
export async function readFormulaTreeInfo(dir: string): Promise<FormulaTreeInfo> {
  try {
    return { dir, digest: digestFormulaSources(await readFormulaTree(dir)) };
  } catch (error) {
    // A missing or unreadable tree is reported by every request that needs it, with its reason; the
    // version probe must still answer, so here it is only "no digest".
    if (error instanceof Error) return { dir, digest: null };
    throw error;
  }
}
