/**
 * @module Finds where a field path sits in a parsed YAML document, so every diagnostic and every provenance
 * entry can name a file, line and column.
 * Pure: no I/O.
 */
import { isMap, isPair, isScalar, isSeq, type LineCounter, type Document as YamlDocument } from 'yaml';

/** A 1-based line and column. */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

/** A parsed YAML document with the line table needed to turn offsets into positions. */
export interface LocatableDocument {
  readonly yaml: YamlDocument;
  readonly lines: LineCounter;
}

/** A path into a document: map keys and list indices. */
export type FieldPath = readonly (string | number)[];

/**
 * The position of the value at `path`, or of its key when `key` is set. When the path does not exist, the
 * position of the deepest part that does (so a missing field points at its parent).
 */
export function locate(
  source: LocatableDocument,
  path: FieldPath,
  options: { key?: boolean } = {},
): LineColumn {
  let node: unknown = source.yaml.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && item.key.value === segment,
      );
      if (!pair) break;
      const target = last && options.key ? pair.key : (pair.value ?? pair.key);
      node = target;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      node = item;
    } else {
      break;
    }
    offset = rangeStart(node) ?? offset;
  }
  const position = source.lines.linePos(offset);
  return { line: position.line, column: position.col };
}

function rangeStart(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: readonly number[] | null }).range;
    return range?.[0];
  }
  return undefined;
}

/** Renders a path the way people write it: `networks[0].address`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}
