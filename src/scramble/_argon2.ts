/**
 * @module Argon2id (hash-wasm, with its WebAssembly), loaded through this module with `await import()` only
 * when a passphrase is stretched: every signed command loads scramble/, and most never need it.
 */
export { argon2id } from 'hash-wasm';
