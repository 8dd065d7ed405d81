/**
 * @module How commands write results: human text or `--json`, always to stdout, always ending in a newline.
 */
import { prettyJson } from '../json/index.js';

/** Writes a JSON document (sorted keys, indented). */
export function writeJson(value: unknown): void {
  process.stdout.write(prettyJson(value));
}

/** Writes text, adding the final newline if it is missing. */
export function writeText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
