/**
 * @module Reads the two kernel formats portalgun meets: the bzImage Debian ships (to find its compressed
 * payload) and the uncompressed ELF vmlinux QEMU boots on microvm (which must carry the Xen PVH entry note).
 * Decompressing the payload once saves ~2.5 s per boot under TCG.
 * Pure: no I/O.
 */
import { MvError } from '../errors/index.js';

/** Where the compressed kernel sits inside a bzImage, and how it is compressed. */
export interface BzImagePayload {
  readonly offset: number;
  readonly length: number;
  readonly compression: 'xz' | 'lz4' | 'gzip' | 'zstd' | 'unknown';
}

const MAGICS: readonly [BzImagePayload['compression'], readonly number[]][] = [
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['lz4', [0x02, 0x21, 0x4c, 0x18]],
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** Locates the payload from the boot protocol header (setup_sects at 0x1f1, payload at 0x248/0x24c). */
export function findBzImagePayload(image: Uint8Array): BzImagePayload {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (image.length < 0x250 || view.getUint32(0x202, true) !== 0x53726448) {
    throw new MvError('image.bad-kernel', 'The kernel file is not a bzImage (no "HdrS" boot header)', {
      hint: 'Reinstall the kernel with "portalgun image kernel --force".',
    });
  }
  const setupSectors = image[0x1f1] || 4;
  const offset = (setupSectors + 1) * 512 + view.getUint32(0x248, true);
  const length = view.getUint32(0x24c, true);
  const head = image.subarray(offset, offset + 6);
  const match = MAGICS.find(([, magic]) => magic.every((byte, i) => head[i] === byte));
  return { offset, length, compression: match?.[0] ?? 'unknown' };
}

const PT_NOTE = 4;
const XEN_ELFNOTE_PHYS32_ENTRY = 18;

/** True if the bytes are a 64-bit ELF with a Xen PVH entry note (what QEMU needs to boot it directly). */
export function hasPvhEntryNote(elf: Uint8Array): boolean {
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  if (elf.length < 64 || view.getUint32(0, false) !== 0x7f454c46 || elf[4] !== 2) return false;
  const phoff = Number(view.getBigUint64(32, true));
  const phentsize = view.getUint16(54, true);
  const phnum = view.getUint16(56, true);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > elf.length || view.getUint32(ph, true) !== PT_NOTE) continue;
    const start = Number(view.getBigUint64(ph + 8, true));
    const end = start + Number(view.getBigUint64(ph + 32, true));
    for (let at = start; at + 12 <= end && at + 12 <= elf.length; ) {
      const nameSize = view.getUint32(at, true);
      const descSize = view.getUint32(at + 4, true);
      const type = view.getUint32(at + 8, true);
      const name = new TextDecoder().decode(elf.subarray(at + 12, at + 12 + nameSize - 1));
      if (name === 'Xen' && type === XEN_ELFNOTE_PHYS32_ENTRY) return true;
      const next = at + 12 + align4(nameSize) + align4(descSize);
      if (next > end) break;
      at = next;
    }
  }
  return false;
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}
