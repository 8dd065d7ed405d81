/**
 * @module Golden-file assertions: compare rendered text with a file in a domain's testdata/ folder.
 * `UPDATE_GOLDEN=1` rewrites the files instead (then review the diff before committing).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Asserts that `actual` equals the golden file, or writes it when UPDATE_GOLDEN=1. */
export function assertGolden(file: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `golden file ${file} is missing; run with UPDATE_GOLDEN=1 to create it`);
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `output differs from ${file} (UPDATE_GOLDEN=1 rewrites it)`,
  );
}
