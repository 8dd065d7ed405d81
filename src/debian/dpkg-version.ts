/**
 * @module Debian's version ordering, as dpkg implements it (lib/dpkg/version.c `dpkg_version_compare`):
 * `[epoch:]upstream[-revision]`, the epoch compared as a number, then upstream and revision each compared in
 * turns of non-digits (letters before everything else, `~` before even the end) and digits (as numbers).
 * `image outdated` decides with it whether the archive has something newer than an image holds.
 * Pure: no I/O.
 */

/** A version split into its three parts. */
interface ParsedVersion {
  readonly epoch: number;
  readonly upstream: string;
  readonly revision: string;
}

function parseVersion(version: string): ParsedVersion {
  const text = version.trim();
  const colon = text.indexOf(':');
  const epoch = colon > 0 && /^\d+$/.test(text.slice(0, colon)) ? Number(text.slice(0, colon)) : 0;
  const rest = colon > 0 ? text.slice(colon + 1) : text;
  const hyphen = rest.lastIndexOf('-');
  return hyphen < 0
    ? { epoch, upstream: rest, revision: '' }
    : { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** The weight of one character outside a digit run: `~` lowest, then the end, letters, everything else. */
function order(c: string): number {
  if (c === '' || isDigit(c)) return 0;
  if (isLetter(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** dpkg's `verrevcmp`: negative, zero or positive as `a` sorts before, with or after `b`. */
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const at = (s: string, k: number) => s.charAt(k);
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(at(a, i))) || (j < b.length && !isDigit(at(b, j)))) {
      const diff = order(at(a, i)) - order(at(b, j));
      if (diff !== 0) return diff;
      i++;
      j++;
    }
    while (at(a, i) === '0') i++;
    while (at(b, j) === '0') j++;
    let firstDiff = 0;
    while (isDigit(at(a, i)) && isDigit(at(b, j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(at(a, i))) return 1;
    if (isDigit(at(b, j))) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

/** Compares two Debian versions: -1, 0 or 1, as `dpkg --compare-versions a lt|eq|gt b` would say. */
export function compareDebianVersions(a: string, b: string): -1 | 0 | 1 {
  const left = parseVersion(a);
  const right = parseVersion(b);
  const result =
    left.epoch - right.epoch ||
    compareFragment(left.upstream, right.upstream) ||
    compareFragment(left.revision, right.revision);
  return result < 0 ? -1 : result > 0 ? 1 : 0;
}
