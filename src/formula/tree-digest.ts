/**
 * @module One digest for a whole formula tree as read from disk: every file's node path and exact text,
 * sorted by node. The daemon reports it with its version and sends it with the files of `formula.tree`; the
 * CLI checks those files against it, and compares it with what it reads itself, so the two can tell when
 * they are not looking at the same files.
 * Pure: no I/O.
 */
import { digestJson } from '../digest/index.js';
import type { FormulaSource } from './parse.js';

/** `sha256:<hex>` of the tree's files (comments and formatting count: it is the files, not their meaning). */
export function digestFormulaSources(sources: readonly FormulaSource[]): string {
  const files = sources
    .map((source) => ({ node: source.node, text: source.text }))
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  return digestJson(files);
}

/** A tree sent by another process: its files by node path, and their digest as the sender computed it. */
export interface SentTree {
  readonly digest: string;
  readonly files: readonly { readonly node: string; readonly text: string }[];
}

/**
 * The sources of a sent tree, each file named by `name(node)`; undefined when the files do not match the
 * digest sent with them (the tree arrived damaged, or the sender digested other files than it sent).
 */
export function sourcesOfSentTree(
  tree: SentTree,
  name: (node: string) => string,
): FormulaSource[] | undefined {
  const sources = tree.files.map(({ node, text }) => ({ node, file: name(node), text }));
  return digestFormulaSources(sources) === tree.digest ? sources : undefined;
}
