/**
 * @module The limits a formula file must stay within, so a hostile or broken file (an alias bomb, a huge
 * document, nesting thousands of levels deep) is refused as bad input naming the file, never crashes the
 * parser or exhausts memory. Real formulas are a few hundred bytes, a few levels deep, and use few aliases.
 * Pure: no I/O.
 */
import { isAlias, isMap, isPair, isSeq, type Node } from 'yaml';
import type { Diagnostic } from '../errors/index.js';

/** Largest formula file accepted, in bytes (the bundled ones are under 2 KiB). */
export const MAX_FORMULA_BYTES = 256 * 1024;

/** Deepest nesting of maps and lists accepted (the schema itself is 4 levels deep). */
export const MAX_FORMULA_DEPTH = 32;

/** Most alias expansions accepted when the document is turned into data (the yaml package's own guard). */
export const MAX_ALIAS_COUNT = 64;

const HINT =
  'A formula is a small YAML map: no huge files, deep nesting or chains of aliases; see docs/formula.md.';

/** A diagnostic for a file that breaks one of the limits. */
export function limitDiagnostic(file: string, message: string, at = { line: 1, column: 1 }): Diagnostic {
  return { code: 'formula.too-large', message, where: { file, ...at }, hint: HINT };
}

/** Why a file of this many bytes is refused, or undefined when it is small enough. */
export function sizeProblem(bytes: number): string | undefined {
  return bytes > MAX_FORMULA_BYTES
    ? `The file is ${bytes} bytes; a formula may be at most ${MAX_FORMULA_BYTES} bytes`
    : undefined;
}

/** How deep maps and lists nest under `root` (aliases are not followed), walked without recursion. */
export function nestingDepth(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (isAlias(node)) continue;
    if (isPair(node)) {
      stack.push([node.key, depth], [node.value, depth]);
    } else if (isMap(node) || isSeq(node)) {
      deepest = Math.max(deepest, depth + 1);
      for (const child of node.items as unknown[]) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

/** Why a parsed document nests too deeply, or undefined when it does not. */
export function depthProblem(contents: Node | null): string | undefined {
  const depth = nestingDepth(contents);
  return depth > MAX_FORMULA_DEPTH
    ? `The YAML nests ${depth} levels deep; a formula may nest at most ${MAX_FORMULA_DEPTH}`
    : undefined;
}
