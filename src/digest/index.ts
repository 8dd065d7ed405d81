/**
 * @module Public surface of the digest domain: canonical JSON and SHA-256 digests.
 * Pure: no I/O.
 */
export { canonicalJson, type JsonValue, prettyJson, sortKeysDeep } from './canonical.js';
export { digestJson, sha256Hex } from './sha256.js';
