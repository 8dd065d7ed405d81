/**
 * @module Writes initramfs archives in the kernel's "newc" cpio format. The output depends only on the
 * entries: owners are root, times are zero and inode numbers count up in entry order, so the same inputs
 * always give the same bytes (and the same digest).
 * Pure: no I/O.
 */

/** One archive member; parent directories must come before their children. */
export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | {
      readonly kind: 'chardev';
      readonly path: string;
      readonly major: number;
      readonly minor: number;
      readonly mode?: number;
    };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const encoder = new TextEncoder();

function header(fields: readonly number[], name: Uint8Array): Uint8Array {
  const text = `070701${fields.map((v) => v.toString(16).toUpperCase().padStart(8, '0')).join('')}`;
  return concat([encoder.encode(text), name]);
}

function pad4(length: number): Uint8Array {
  return new Uint8Array((4 - (length % 4)) % 4);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function member(
  ino: number,
  mode: number,
  body: Uint8Array,
  path: string,
  rdev: readonly [number, number] = [0, 0],
): Uint8Array[] {
  const name = encoder.encode(`${path}\0`);
  const nlink = (mode & 0o170000) === S_IFDIR ? 2 : 1;
  // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  const head = header([ino, mode, 0, 0, nlink, 0, body.length, 0, 0, rdev[0], rdev[1], name.length, 0], name);
  return [head, pad4(head.length), body, pad4(body.length)];
}

/** The archive bytes for the entries, ending with the TRAILER!!! record. */
export function renderCpio(entries: readonly CpioEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  entries.forEach((entry, index) => {
    const ino = index + 1;
    const path = entry.path.replace(/^\/+/, '');
    if (entry.kind === 'dir')
      parts.push(...member(ino, S_IFDIR | (entry.mode ?? 0o755), new Uint8Array(), path));
    else if (entry.kind === 'file')
      parts.push(...member(ino, S_IFREG | (entry.mode ?? 0o644), entry.data, path));
    else if (entry.kind === 'symlink')
      parts.push(...member(ino, S_IFLNK | 0o777, encoder.encode(entry.target), path));
    else
      parts.push(
        ...member(ino, S_IFCHR | (entry.mode ?? 0o600), new Uint8Array(), path, [entry.major, entry.minor]),
      );
  });
  parts.push(...member(entries.length + 1, 0, new Uint8Array(), 'TRAILER!!!'));
  return concat(parts);
}
