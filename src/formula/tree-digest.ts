/**
 * @module One digest for a whole formula tree as read from disk: every file's node path and exact text,
 * sorted by node. The daemon reports it with its version, and the CLI compares it with what it reads itself,
 * so the two can tell when they are not looking at the same files.
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
