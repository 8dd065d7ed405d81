/**
 * @module SHA-256 content digests. Hashing is deterministic computation, not I/O, so this is the one place
 * outside `scramble/` that may import `node:crypto` (see ARCHITECTURE.md, "pure core").
 * Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../json/index.js';

/** Lower-case hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `sha256:<hex>` digest of a JSON value's canonical (RFC 8785) form. */
export function digestJson(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}
