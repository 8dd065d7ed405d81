/**
 * @module Passphrase key derivation with Argon2id (RFC 9106, version 0x13) through hash-wasm. Two uses:
 * `deriveRootSeed` turns a passphrase and an identity name into the Ed25519 root seed (a "brain" identity
 * that can be recreated anywhere), and `deriveFileKey` turns a passphrase and a random salt into the key
 * that encrypts a root seed at rest.
 *
 * Cost: RFC 9106 §4's second recommended option (t=3, p=4, m=64 MiB). hash-wasm computes the four lanes one
 * after the other in WebAssembly, so one derivation takes about 0.3 s and 64 MiB on the development machine
 * (measured 0.29-0.32 s, Node 20, 2 cores). Tests never assert timings.
 *
 * Passphrases and names are Unicode-normalised (NFC) before use, so the same words typed on different
 * keyboards give the same key. hash-wasm cannot take Argon2's associated data (X); nothing here uses it.
 * Pure: no I/O, no clock, no randomness (salts are inputs). Passphrases never appear in errors.
 */
import { createHash } from 'node:crypto';
import { argon2id } from 'hash-wasm';
import { MvError } from '../errors/index.js';

/** Argon2id cost parameters: passes `t`, memory `m` in KiB, lanes `p`. */
export interface Argon2idParams {
  readonly t: number;
  readonly m: number;
  readonly p: number;
}

/** RFC 9106 §4 second recommended option: t=3 passes, 64 MiB (65536 KiB), 4 lanes. */
export const ARGON2ID_PARAMS: Argon2idParams = Object.freeze({ t: 3, m: 65_536, p: 4 });

/** Salt length in bytes (RFC 9106 recommends 16). */
export const SALT_BYTES = 16;

/** Derived key length in bytes (an Ed25519 seed or a ChaCha20-Poly1305 key). */
export const KEY_BYTES = 32;

const ROOT_SALT_PREFIX = 'multiverse/scramble-id/v1\0';

/** The fixed salt of an identity name: the first 16 bytes of SHA-256("multiverse/scramble-id/v1\0" + name). */
export function rootSeedSalt(name: string): Uint8Array {
  if (name.length === 0) throw new MvError('usage.invalid', 'An identity name cannot be empty');
  const digest = createHash('sha256')
    .update(`${ROOT_SALT_PREFIX}${name.normalize('NFC')}`, 'utf8')
    .digest();
  return Uint8Array.from(digest.subarray(0, SALT_BYTES));
}

/** The 32-byte Ed25519 root seed of a passphrase and identity name (same inputs, same identity). */
export async function deriveRootSeed(
  passphrase: string,
  options: { readonly name: string },
): Promise<Uint8Array> {
  return await argon2idKey(passphrase, { salt: rootSeedSalt(options.name), params: ARGON2ID_PARAMS });
}

/** The 32-byte key-file key of a passphrase and a 16-byte salt; `params` default to `ARGON2ID_PARAMS`. */
export async function deriveFileKey(
  passphrase: string,
  options: { readonly salt: Uint8Array; readonly params?: Argon2idParams },
): Promise<Uint8Array> {
  if (options.salt.length !== SALT_BYTES) {
    throw new MvError('usage.invalid', `A key-file salt has ${SALT_BYTES} bytes, not ${options.salt.length}`);
  }
  return await argon2idKey(passphrase, { salt: options.salt, params: options.params ?? ARGON2ID_PARAMS });
}

/** Argon2id v0x13 (no secret, no associated data) giving 32 bytes: the primitive under both derivations. */
export async function argon2idKey(
  passphrase: string,
  options: { readonly salt: Uint8Array; readonly params: Argon2idParams },
): Promise<Uint8Array> {
  if (passphrase.length === 0) throw new MvError('usage.invalid', 'A passphrase cannot be empty');
  if (options.salt.length < 8) throw new MvError('usage.invalid', 'An Argon2 salt has at least 8 bytes');
  const { t, m, p } = options.params;
  const output = await argon2id({
    password: passphrase.normalize('NFC'),
    salt: options.salt,
    iterations: t,
    memorySize: m,
    parallelism: p,
    hashLength: KEY_BYTES,
    outputType: 'binary',
  });
  return Uint8Array.from(output);
}
