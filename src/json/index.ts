/**
 * @module Public surface of the json domain: RFC 8785 canonical JSON for hashing and signing, and sorted
 * pretty JSON for people. Apart from digest/ so that printing JSON (every `--json` start of the CLI) does not
 * load SHA-256 and `node:crypto` with it.
 * Pure: no I/O.
 */
export { canonicalJson, type JsonValue, prettyJson, sortKeysDeep } from './canonical.js';
