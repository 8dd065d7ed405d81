/**
 * @module The user's private JSON files in `$SCRAMBLE_HOME` (keys, pinned host keys, audit heads seen):
 * written atomically as 0600 in a 0700 folder, and read only when neither the file nor its folder is open
 * to group or others and both are the user's own — a file others may read leaks keys, one they may write
 * lets them pin a key or a head of their own.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type * as z from 'zod';
import { MvError } from '../../errors/index.js';
import { writeFileAtomicSync } from '../../files/host/index.js';

/** Refuses a file, or its folder, that group or others may use, or that is not the user's own. */
export function checkPrivate(file: string): void {
  const folder = path.dirname(file);
  const uid = process.getuid?.();
  for (const where of [folder, file]) {
    const stat = statSync(where);
    if (uid !== undefined && stat.uid !== uid) {
      throw new MvError(
        'scramble.loose-permissions',
        `${where} belongs to uid ${stat.uid}, not to you (uid ${uid})`,
        {
          hint: `Scramble files must be your own: chown -R ${uid} ${folder}, or run as the user whose files these are.`,
        },
      );
    }
    if ((stat.mode & 0o077) !== 0) {
      const octal = (stat.mode & 0o777).toString(8).padStart(3, '0');
      throw new MvError(
        'scramble.loose-permissions',
        `${where} is open to group or others (mode ${octal}); Scramble files must be yours alone`,
        {
          hint: `chmod 700 ${folder} && chmod 600 ${file}, after checking who could change it; if others could read keys in it, revoke them.`,
        },
      );
    }
  }
}

/** Writes `value` as JSON to `file` (0600, atomically), its folder made and kept 0700. */
export function writePrivateJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(path.dirname(file), 0o700);
  writeFileAtomicSync(file, `${JSON.stringify(value, null, 2)}\n`, 0o600);
}

/**
 * The checked contents of a private JSON file, or undefined when there is none. `damaged` makes the error
 * for a file that is not JSON or not of `shape`.
 */
export function readPrivateJson<T extends z.ZodType>(
  file: string,
  shape: T,
  damaged: (cause: unknown) => MvError,
): z.output<T> | undefined {
  if (!existsSync(file)) return undefined;
  checkPrivate(file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw damaged(cause);
  }
  const parsed = shape.safeParse(json);
  if (!parsed.success) throw damaged(parsed.error);
  return parsed.data;
}
