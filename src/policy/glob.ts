/**
 * @module `*`-globs for verb and target patterns: `*` matches any run of characters (including none) and
 * every other character matches only itself. Matching is a linear scan with one backtrack point, never a
 * regular expression, so a hostile pattern or name cannot make evaluation slow.
 * Pure: no I/O.
 */

/** Whether `text` matches the `*`-glob `pattern` (case-sensitive, whole string). */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  // Where the last `*` was seen, and where in the text it began matching; -1 when there was none.
  let star = -1;
  let starText = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p += 1;
      t += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      starText = t;
      p += 1;
    } else if (star !== -1) {
      // Let the last `*` swallow one more character and retry from there.
      p = star + 1;
      starText += 1;
      t = starText;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}
