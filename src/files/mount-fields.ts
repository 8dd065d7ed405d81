/**
 * @module Fields of the kernel's mount tables (`/proc/<pid>/mounts`, `mountinfo`): the kernel writes space,
 * tab, newline and backslash in a path as three-digit octal escapes, so a path is only comparable after
 * they are undone. Pure: text in, text out.
 */

/** A mount table field with the kernel's octal escapes undone. */
export function unescapeMountField(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
