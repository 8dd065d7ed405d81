/**
 * @module Splits a Scramble Shell line into words the way a POSIX shell would quote them — '…' literally,
 * "…" with \" and \\ escapes, a backslash escaping the next character — and nothing more: no variables, no
 * globbing, no command substitution, so what is typed is exactly what gets signed.
 * Pure: no I/O.
 */
import { MvError } from '../../errors/index.js';

/** The words of a line. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const char = line[i] as string;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new MvError('usage.invalid', `Unclosed ${quote} quote`, { hint: 'Close the quote.' });
  if (inWord) words.push(word);
  return words;
}
