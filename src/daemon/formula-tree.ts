/**
 * @module The daemon's formula tree as it reports it: with its version, the folder (absolute) and the digest
 * of the files in it right now; through `formula.tree`, the files themselves, read exactly as every request
 * that resolves the tree reads them (catalogue.ts), so a CLI resolves the same bytes without reading the
 * daemon's folder. Reads only.
 */
import { readFormulaTree } from '../formula/host/index.js';
import { digestFormulaSources } from '../formula/index.js';
import type { MethodResult } from '../protocol/index.js';

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

/** The tree's files and their digest, as `formula.tree` returns them; a tree that cannot be read is an error. */
export async function readFormulaTreeFiles(dir: string): Promise<MethodResult<'formula.tree'>> {
  const sources = await readFormulaTree(dir);
  return {
    dir,
    digest: digestFormulaSources(sources),
    files: sources.map(({ node, text }) => ({ node, text })),
  };
}
