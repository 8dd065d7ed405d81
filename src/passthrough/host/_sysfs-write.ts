/**
 * @module Writing sysfs attributes, one value per open as the kernel expects. An attribute always exists:
 * the file is never created, so a wrong path fails instead of leaving a stray file. Tests wrap the writer
 * to record every write and play the kernel's part on a fake tree.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import type { SysfsWrite } from '../index.js';

/** Writes `value` to the attribute at the absolute path `file`. */
export type SysfsWriter = (file: string, value: string) => Promise<void>;

/** The real writer. */
export const writeSysfs: SysfsWriter = async (file, value) => {
  // O_TRUNC is what `echo value > attribute` does; sysfs ignores it.
  const handle = await open(file, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW);
  try {
    await handle.write(value);
  } finally {
    await handle.close();
  }
};

/** Performs writes in order and stops at the first that fails (binding: nothing after a failure). */
export async function writeInOrder(
  sys: string,
  writes: readonly SysfsWrite[],
  write: SysfsWriter,
): Promise<void> {
  for (const step of writes) {
    await write(path.join(sys, step.file), step.value).catch((error: unknown) => {
      throw writeFailed(step, error);
    });
  }
}

/** Performs every write even when some fail (giving back: each one that works helps), then reports them. */
export async function writeEach(
  sys: string,
  writes: readonly SysfsWrite[],
  write: SysfsWriter,
): Promise<void> {
  const failed: MvError[] = [];
  for (const step of writes) {
    await write(path.join(sys, step.file), step.value).catch((error: unknown) =>
      failed.push(writeFailed(step, error)),
    );
  }
  if (failed.length > 0) {
    throw new MvError('passthrough.bind-failed', failed.map((e) => e.message).join('; '), {
      cause: failed[0],
    });
  }
}

function writeFailed(step: SysfsWrite, error: unknown): MvError {
  const why = error instanceof Error ? error.message : String(error);
  return new MvError(
    'passthrough.bind-failed',
    `Writing ${JSON.stringify(step.value.trim())} to /sys/${step.file} failed: ${why}`,
    { hint: 'The kernel refused a device handover: see "dmesg" for the driver\'s reason.', cause: error },
  );
}
