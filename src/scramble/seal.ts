/**
 * @module Replies sealed to a user's encryption key with HPKE (RFC 9180) in base mode: DHKEM(X25519,
 * HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305 (suite 0x0020/0x0001/0x0003), through hpke-js (`@hpke/*`).
 * A sealed message is `{enc, ct}` in base64url; `info` binds it to its purpose and `aad` to its context.
 * Every failure to open (wrong key, changed `enc`/`ct`/`info`/`aad`, malformed input) is `scramble.sealed`.
 *
 * Randomness is injected: the sender's ephemeral key is DeriveKeyPair(random(32)) (RFC 9180 §7.1.3), passed
 * to hpke-js as `ekm`. hpke-js labels `ekm` as meant for testing, but it is the only way to keep the pure
 * core free of hidden randomness and to reproduce the RFC 9180 A.2 vector; `seal.test.ts` fails loudly if a
 * future hpke-js ignores it (the `enc` would no longer match the vector).
 * Pure: no I/O. Errors never contain keys or plaintext.
 */
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { CipherSuite, HkdfSha256 } from '@hpke/core';
import { DhkemX25519HkdfSha256 } from '@hpke/dhkem-x25519';
import { MvError } from '../errors/index.js';
import { fieldsProblem, isRecord, type RandomBytes, randomBytesOf } from './keys.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

/** A sealed message: the encapsulated ephemeral key and the ciphertext (with its 16-byte tag), base64url. */
export interface Sealed {
  readonly enc: string;
  readonly ct: string;
}

/** Context every sealed message is bound to: `info` (its purpose) and optional `aad` (default empty). */
export interface SealContext {
  readonly info: Uint8Array;
  readonly aad?: Uint8Array;
}

const KEY_BYTES = 32;
const TAG_BYTES = 16;

/** The one HPKE suite Scramble uses (also used by the tests to check the key schedule). */
export function hpkeSuite(): CipherSuite {
  return new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
}

function sealedError(message: string, cause?: unknown): MvError {
  return new MvError('scramble.sealed', message, cause === undefined ? {} : { cause });
}

/** Seals `plaintext` to a raw X25519 public key; `random` supplies the 32 bytes of ephemeral key material. */
export async function sealTo(
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  options: SealContext & { readonly random: RandomBytes },
): Promise<Sealed> {
  if (recipientPublicKey.length !== KEY_BYTES) throw sealedError('An X25519 public key has 32 bytes');
  const ekm = randomBytesOf(options.random, KEY_BYTES);
  try {
    const suite = hpkeSuite();
    const recipientKey = await suite.kem.deserializePublicKey(recipientPublicKey);
    const sealed = await suite.seal(
      { recipientPublicKey: recipientKey, info: options.info, ekm },
      plaintext,
      options.aad ?? new Uint8Array(0),
    );
    return {
      enc: encodeBase64Url(new Uint8Array(sealed.enc)),
      ct: encodeBase64Url(new Uint8Array(sealed.ct)),
    };
  } catch (error) {
    throw sealedError('Cannot seal to this encryption key', error);
  }
}

function parseSealed(value: unknown): { enc: Uint8Array; ct: Uint8Array } {
  const problem = isRecord(value) ? fieldsProblem(value, ['enc', 'ct']) : 'it is not a JSON object';
  if (problem !== undefined || !isRecord(value)) throw sealedError(`Sealed message is malformed: ${problem}`);
  const enc = decodeBase64Url(value.enc, KEY_BYTES);
  const ct = decodeBase64Url(value.ct);
  if (enc === undefined) throw sealedError('Sealed message is malformed: enc is not 32 bytes of base64url');
  if (ct === undefined || ct.length < TAG_BYTES) {
    throw sealedError('Sealed message is malformed: ct is too short');
  }
  return { enc, ct };
}

/** Opens a sealed message with the raw X25519 private key; throws `scramble.sealed` if anything is off. */
export async function openSealed(
  recipientPrivateKey: Uint8Array,
  sealed: unknown,
  options: SealContext,
): Promise<Uint8Array> {
  const { enc, ct } = parseSealed(sealed);
  if (recipientPrivateKey.length !== KEY_BYTES) throw sealedError('An X25519 private key has 32 bytes');
  try {
    const suite = hpkeSuite();
    const recipientKey = await suite.kem.deserializePrivateKey(recipientPrivateKey);
    const plaintext = await suite.open(
      { recipientKey, enc, info: options.info },
      ct,
      options.aad ?? new Uint8Array(0),
    );
    return new Uint8Array(plaintext);
  } catch (error) {
    throw sealedError('Sealed message cannot be opened with this key and context', error);
  }
}
