/**
 * @module Shared checks for the net tests: reading a rendered nft file back line by line, independently of
 * the serialiser that wrote it, so "every rule says why" is checked on the text itself.
 * Pure: no I/O. Used by tests only.
 */

/** The rule lines of an nft file that carry no `comment "…"`, and base-chain lines with no `#` note. */
export function unexplainedLines(text: string): string[] {
  const problems: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line === '}' || line === 'flush ruleset') continue;
    if (/^(table|delete table) \S+ \S+( \{)?$/.test(line) || /^chain \S+ \{$/.test(line)) continue;
    if (/^comment "[^"]+"$/.test(line)) continue;
    if (line.startsWith('type ')) {
      if (!/; policy (accept|drop); # \S/.test(line)) problems.push(line);
      continue;
    }
    if (!/ comment "[^"]+"$/.test(line)) problems.push(line);
  }
  return problems;
}

/** The statements of one chain in an nft file (comments stripped), in order. */
export function chainRules(text: string, table: string, chain: string): string[] {
  const start = text.indexOf(`table ${table} {`);
  const from = text.indexOf(`\tchain ${chain} {`, start);
  if (start < 0 || from < 0) return [];
  const end = text.indexOf('\n\t}', from);
  return text
    .slice(from, end)
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => !line.startsWith('comment ') && !line.startsWith('type '))
    .map((line) => line.replace(/ comment "[^"]*"$/, ''));
}
