/**
 * @module Replacing a file so that a reader, or a crash, sees either the old content or the new, never a
 * mix: written to a temporary file of its own beside it (so two writers never share one), flushed to disk,
 * then renamed over the old one.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';

function temporaryBeside(file: string): string {
  return `${file}.${process.pid}.${randomUUID()}.tmp`;
}

/** Writes `text` to `file` atomically (mode applies to a new file). */
export function writeFileAtomicSync(file: string, text: string, mode = 0o644): void {
  const temporary = temporaryBeside(file);
  try {
    const fd = openSync(temporary, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The same, without blocking the event loop. */
export async function writeFileAtomic(file: string, text: string, mode = 0o644): Promise<void> {
  const temporary = temporaryBeside(file);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
