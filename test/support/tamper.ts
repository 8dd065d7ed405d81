/**
 * @module Breaking store blobs on purpose, to prove the daemon notices: one byte flipped in place (root may
 * write the read-only file), with the undo.
 */
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';

/** XORs the byte in the middle of `file`; returns the function that puts it back. */
export function flipByte(file: string): () => void {
  const offset = Math.floor(statSync(file).size / 2);
  const byte = Buffer.alloc(1);
  const fd = openSync(file, 'r+');
  try {
    readSync(fd, byte, 0, 1, offset);
    writeSync(fd, Buffer.from([(byte[0] ?? 0) ^ 0xff]), 0, 1, offset);
  } finally {
    closeSync(fd);
  }
  return () => {
    const again = openSync(file, 'r+');
    try {
      writeSync(again, byte, 0, 1, offset);
    } finally {
      closeSync(again);
    }
  };
}
