import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { findBzImagePayload, hasPvhEntryNote } from './kernel-image.js';

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

/** A fake bzImage: boot header with setup_sects, payload offset and length, and a magic at the payload. */
function bzImage(options: { setupSects: number; payloadOffset: number; length: number; magic: number[] }) {
  const payloadAt = (options.setupSects + 1) * 512 + options.payloadOffset;
  const image = new Uint8Array(payloadAt + options.length);
  const view = new DataView(image.buffer);
  image[0x1f1] = options.setupSects;
  image.set(new TextEncoder().encode('HdrS'), 0x202);
  view.setUint32(0x248, options.payloadOffset, true);
  view.setUint32(0x24c, options.length, true);
  image.set(options.magic, payloadAt);
  return image;
}

describe('findBzImagePayload', () => {
  it('finds an XZ payload after the setup sectors', () => {
    const image = bzImage({ setupSects: 27, payloadOffset: 0x3a0, length: 64, magic: XZ_MAGIC });
    assert.deepEqual(findBzImagePayload(image), { offset: 28 * 512 + 0x3a0, length: 64, compression: 'xz' });
  });

  it('reads the header through a subarray view with a non-zero byteOffset', () => {
    const image = bzImage({ setupSects: 4, payloadOffset: 16, length: 8, magic: [0x28, 0xb5, 0x2f, 0xfd] });
    const padded = new Uint8Array(image.length + 8);
    padded.set(image, 8);
    assert.deepEqual(findBzImagePayload(padded.subarray(8)), {
      offset: 5 * 512 + 16,
      length: 8,
      compression: 'zstd',
    });
  });

  it('treats setup_sects 0 as 4, as the boot protocol says', () => {
    const image = bzImage({ setupSects: 4, payloadOffset: 0, length: 8, magic: [0x1f, 0x8b] });
    image[0x1f1] = 0;
    assert.deepEqual(findBzImagePayload(image), { offset: 5 * 512, length: 8, compression: 'gzip' });
  });

  it('reports an unknown compression instead of guessing', () => {
    const image = bzImage({ setupSects: 1, payloadOffset: 0, length: 8, magic: [1, 2, 3, 4] });
    assert.equal(findBzImagePayload(image).compression, 'unknown');
  });

  it('refuses a file without the HdrS magic, or too short to hold the header', () => {
    const notKernel = new Uint8Array(4096);
    for (const image of [notKernel, new Uint8Array(0x100)]) {
      assert.throws(
        () => findBzImagePayload(image),
        (error: unknown) => error instanceof MvError && error.code === 'image.bad-kernel',
      );
    }
  });
});

/** A minimal little-endian ELF64: header, one program header, then one note in the PT_NOTE segment. */
function elfWithNote(options: { name: string; type: number; programType?: number }): Uint8Array {
  const name = new TextEncoder().encode(`${options.name}\0`);
  const desc = new Uint8Array([0x00, 0x10, 0x00, 0x01]);
  const align = (n: number) => (n + 3) & ~3;
  const noteSize = 12 + align(name.length) + align(desc.length);
  const phoff = 64;
  const noteAt = phoff + 56;
  const elf = new Uint8Array(noteAt + noteSize);
  const view = new DataView(elf.buffer);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0); // magic, ELFCLASS64, little-endian, version 1
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 0x3e, true); // x86-64
  view.setBigUint64(32, BigInt(phoff), true); // e_phoff
  view.setUint16(52, 64, true); // e_ehsize
  view.setUint16(54, 56, true); // e_phentsize
  view.setUint16(56, 1, true); // e_phnum
  view.setUint32(phoff, options.programType ?? 4, true); // p_type PT_NOTE
  view.setBigUint64(phoff + 8, BigInt(noteAt), true); // p_offset
  view.setBigUint64(phoff + 32, BigInt(noteSize), true); // p_filesz
  view.setUint32(noteAt, name.length, true);
  view.setUint32(noteAt + 4, desc.length, true);
  view.setUint32(noteAt + 8, options.type, true);
  elf.set(name, noteAt + 12);
  elf.set(desc, noteAt + 12 + align(name.length));
  return elf;
}

describe('hasPvhEntryNote', () => {
  it('finds a Xen note of type 18 (XEN_ELFNOTE_PHYS32_ENTRY)', () => {
    assert.equal(hasPvhEntryNote(elfWithNote({ name: 'Xen', type: 18 })), true);
  });

  it('ignores other Xen notes and other owners', () => {
    assert.equal(hasPvhEntryNote(elfWithNote({ name: 'Xen', type: 17 })), false);
    assert.equal(hasPvhEntryNote(elfWithNote({ name: 'GNU', type: 18 })), false);
  });

  it('looks only in PT_NOTE segments', () => {
    assert.equal(hasPvhEntryNote(elfWithNote({ name: 'Xen', type: 18, programType: 1 })), false);
  });

  it('says false for bytes that are not a 64-bit ELF', () => {
    assert.equal(
      hasPvhEntryNote(new TextEncoder().encode('#!/bin/sh\necho not a kernel\n'.repeat(4))),
      false,
    );
    assert.equal(hasPvhEntryNote(new Uint8Array(0)), false);
    const elf32 = elfWithNote({ name: 'Xen', type: 18 });
    elf32[4] = 1;
    assert.equal(hasPvhEntryNote(elf32), false);
  });

  it('does not read past a truncated note segment', () => {
    const elf = elfWithNote({ name: 'Xen', type: 18 });
    assert.equal(hasPvhEntryNote(elf.subarray(0, 64 + 56 + 8)), false);
  });
});
