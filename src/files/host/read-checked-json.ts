/**
 * @module Reads a JSON record the daemon wrote itself and checks its shape: a missing, unreadable or damaged
 * file is `undefined`, for callers whose answer to a bad record is to make it again (a layer, an index).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type * as z from 'zod';

/** The file's JSON if it is there and matches `schema`, else undefined. */
export async function readCheckedJson<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    // Not JSON (a torn write, a stray file): as good as no record.
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
