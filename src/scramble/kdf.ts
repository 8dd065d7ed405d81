/**
 * @module Passphrase key derivation with Argon2id (RFC 9106, version 0x13) through hash-wasm. Two uses, with
 * two costs:
 * - `deriveRootSeed` turns a passphrase and a random per-identity salt into the Ed25519 root seed (a "brain"
 *   identity, made only on request: `--derive-from-passphrase`). Its public key is published as the Scramble
 *   ID and its salt travels with the ID's export, so whoever knows the ID can test guesses offline for as
 *   long as they like: it gets RFC 9106 §4's first recommended option (t=1, p=4, 2 GiB), less 1 MiB
 *   (`ROOT_SEED_PARAMS`), because hash-wasm's WebAssembly memory stops at 2 GiB and its own state needs
 *   room too. One derivation takes about 6 s and 2 GiB here (measured 4.2-6.2 s, Node 20, 2 cores; hash-wasm
 *   fills the four lanes one after the other). The random salt means one guess tests one identity, never
 *   all of them at once.
 * - `deriveFileKey` turns a passphrase and a random salt into the key that encrypts a root seed at rest. It
 *   keeps RFC 9106 §4's second option (t=3, p=4, 64 MiB, `FILE_KEY_PARAMS`, about 0.3 s): the file stays on
 *   the user's machine (0600 in a 0700 folder), so an attacker must first steal it, and it is opened for
 *   every revocation and session renewal, where 6 s and 2 GiB each time would be a burden for no gain.
 *
 * Passphrases are Unicode-normalised (NFC) before use, so the same words typed on different keyboards give
 * the same key. hash-wasm cannot take Argon2's associated data (X); nothing here uses it.
 * Pure: no I/O, no clock, no randomness (salts are inputs). Passphrases never appear in errors.
 */
import { MvError } from '../errors/index.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

/** Argon2id cost parameters: passes `t`, memory `m` in KiB, lanes `p`. */
export interface Argon2idParams {
  readonly t: number;
  readonly m: number;
  readonly p: number;
}

/** RFC 9106 §4 first recommended option (t=1, p=4, 2 GiB), less the 1 MiB hash-wasm's own state needs. */
export const ROOT_SEED_PARAMS: Argon2idParams = Object.freeze({ t: 1, m: 2_096_128, p: 4 });

/** RFC 9106 §4 second recommended option: t=3 passes, 64 MiB (65536 KiB), 4 lanes. */
export const FILE_KEY_PARAMS: Argon2idParams = Object.freeze({ t: 3, m: 65_536, p: 4 });

/** Salt length in bytes (RFC 9106 recommends 16). */
export const SALT_BYTES = 16;

/** Derived key length in bytes (an Ed25519 seed or a ChaCha20-Poly1305 key). */
export const KEY_BYTES = 32;

/** How a passphrase-derived root seed was made: stored in identity.json and printed with the public ID. */
export interface RootKdf {
  readonly alg: 'argon2id';
  readonly t: number;
  readonly m: number;
  readonly p: number;
  /** base64url of the 16 random salt bytes. */
  readonly salt: string;
}

/** The record of a derivation with `salt` and `params` (default `ROOT_SEED_PARAMS`). */
export function rootKdfOf(salt: Uint8Array, params: Argon2idParams = ROOT_SEED_PARAMS): RootKdf {
  checkSalt(salt, 'A root-seed salt');
  return { alg: 'argon2id', t: params.t, m: params.m, p: params.p, salt: encodeBase64Url(salt) };
}

/** A salt given as text (`--salt`): 16 bytes of base64url, as `rootKdfOf` writes it. */
export function parseRootSalt(text: string): Uint8Array {
  const salt = decodeBase64Url(text.trim(), SALT_BYTES);
  if (salt === undefined) {
    throw new MvError('usage.invalid', `--salt must be ${SALT_BYTES} bytes of base64url (22 characters)`, {
      hint: 'Copy the "salt" of the identity\'s rootKdf ("scramble id show --json" or its public export).',
    });
  }
  return salt;
}

function checkSalt(salt: Uint8Array, what: string): void {
  if (salt.length !== SALT_BYTES) {
    throw new MvError('usage.invalid', `${what} has ${SALT_BYTES} bytes, not ${salt.length}`, {
      hint: 'Copy the "salt" of the identity\'s rootKdf ("scramble id show --json" or its public export) whole.',
    });
  }
}

/** The 32-byte Ed25519 root seed of a passphrase and its identity's 16-byte salt (same inputs, same ID). */
export async function deriveRootSeed(
  passphrase: string,
  options: { readonly salt: Uint8Array; readonly params?: Argon2idParams },
): Promise<Uint8Array> {
  checkSalt(options.salt, 'A root-seed salt');
  return await argon2idKey(passphrase, { salt: options.salt, params: options.params ?? ROOT_SEED_PARAMS });
}

/** The 32-byte key-file key of a passphrase and a 16-byte salt; `params` default to `FILE_KEY_PARAMS`. */
export async function deriveFileKey(
  passphrase: string,
  options: { readonly salt: Uint8Array; readonly params?: Argon2idParams },
): Promise<Uint8Array> {
  checkSalt(options.salt, 'A key-file salt');
  return await argon2idKey(passphrase, { salt: options.salt, params: options.params ?? FILE_KEY_PARAMS });
}

/** Argon2id v0x13 (no secret, no associated data) giving 32 bytes: the primitive under both derivations. */
export async function argon2idKey(
  passphrase: string,
  options: { readonly salt: Uint8Array; readonly params: Argon2idParams },
): Promise<Uint8Array> {
  if (passphrase.length === 0) throw new MvError('usage.invalid', 'A passphrase cannot be empty');
  if (options.salt.length < 8) throw new MvError('usage.invalid', 'An Argon2 salt has at least 8 bytes');
  const { t, m, p } = options.params;
  const { argon2id } = await import('./_argon2.js');
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
