/**
 * @module Public surface of the digest domain: SHA-256 digests, and canonical JSON (from json/) for callers
 * that hash what they serialise.
 * Pure: no I/O.
 */
export { canonicalJson, type JsonValue, prettyJson, sortKeysDeep } from '../json/index.js';
export { digestJson, sha256Hex } from './sha256.js';
