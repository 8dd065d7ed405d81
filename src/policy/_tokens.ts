/**
 * @module Splits a policy line into whitespace-separated tokens with their 1-based columns, dropping a
 * comment. A comment starts at a `#` that begins a token, so `deny # why` is a rule with a trailing note,
 * while `portal.up#x` is one (invalid) token rather than a silently shortened pattern.
 * Pure: no I/O.
 */

/** One token of a policy line and the column (1-based) of its first character. */
export interface Token {
  readonly text: string;
  readonly column: number;
}

/** The tokens of a line before any comment; spaces and tabs separate tokens. */
export function tokenizeLine(line: string): Token[] {
  const tokens: Token[] = [];
  for (const match of line.matchAll(/[^ \t]+/g)) {
    if (match[0].startsWith('#')) break;
    tokens.push({ text: match[0], column: match.index + 1 });
  }
  return tokens;
}

/** The column just past the last token, where a missing token is reported. */
export function endColumn(tokens: readonly Token[]): number {
  const last = tokens[tokens.length - 1];
  return last === undefined ? 1 : last.column + last.text.length;
}
