/**
 * @module Canonical JSON: RFC 8785 (JCS) bytes for hashing and signing, and a sorted-key pretty form for
 * people. The same value always gives the same text on any machine.
 * Pure: no I/O.
 */
import canonicalize from 'canonicalize';

/** Any JSON value: what is hashed, signed and sent over the wire. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** RFC 8785 canonical JSON text of a JSON value. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** A deep copy of a JSON value with every object's keys in sorted order. */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => sortKeysDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      sorted[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
    }
    return sorted as T;
  }
  return value;
}

/** Indented JSON with sorted keys and a trailing newline, for files and terminals. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2)}\n`;
}
