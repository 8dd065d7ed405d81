/**
 * @module Replies sealed to a user's encryption key with HPKE (RFC 9180) in base mode: DHKEM(X25519,
 * HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305 (suite 0x0020/0x0001/0x0003), one message per context
 * (sequence 0). A sealed message is `{enc, ct}` in base64url; `info` binds it to its purpose and `aad` to its
 * context. Every failure to open (wrong key, changed `enc`/`ct`/`info`/`aad`, malformed input) is
 * `scramble.sealed`.
 *
 * Written directly on node:crypto (X25519, HMAC-SHA256, ChaCha20-Poly1305 all native and synchronous): hpke-js
 * cost 1-8 ms per message in JavaScript curve arithmetic and WebCrypto round trips (BENCHMARKS.md "Signed
 * commands"). hpke-js stays, as a development dependency, the reference `seal.test.ts` checks the RFC 9180
 * A.2.1 key schedule with.
 *
 * Randomness is injected: the sender's ephemeral key is DeriveKeyPair(random(32)) (RFC 9180 §7.1.3), which
 * also reproduces the A.2.1 vector. Pure: no I/O. Errors never contain keys or plaintext.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
} from 'node:crypto';
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
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const KEM_SUITE = Buffer.from([0x4b, 0x45, 0x4d, 0x00, 0x20]); // "KEM" || 0x0020
const HPKE_SUITE = Buffer.from([0x48, 0x50, 0x4b, 0x45, 0x00, 0x20, 0x00, 0x01, 0x00, 0x03]); // "HPKE" || ids
const EMPTY = Buffer.alloc(0);

function sealedError(message: string, cause?: unknown): MvError {
  return new MvError('scramble.sealed', message, cause === undefined ? {} : { cause });
}

const hmac = (key: Uint8Array, ...parts: Uint8Array[]) =>
  parts.reduce((h, part) => h.update(part), createHmac('sha256', key)).digest();

/** RFC 9180 §4 LabeledExtract. */
function labeledExtract(suite: Buffer, salt: Uint8Array, label: string, ikm: Uint8Array): Buffer {
  return hmac(salt, Buffer.from('HPKE-v1'), suite, Buffer.from(label), ikm);
}

/** RFC 9180 §4 LabeledExpand, for the lengths HPKE needs here (at most one SHA-256 block). */
function labeledExpand(suite: Buffer, prk: Uint8Array, label: string, info: Uint8Array, length: number) {
  const lengthPrefix = Buffer.from([length >> 8, length & 0xff]);
  const labeled = Buffer.concat([lengthPrefix, Buffer.from('HPKE-v1'), suite, Buffer.from(label), info]);
  return hmac(prk, labeled, Buffer.from([1])).subarray(0, length);
}

function x25519Private(secret: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([X25519_PKCS8, secret]), format: 'der', type: 'pkcs8' });
}

function x25519Public(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: encodeBase64Url(raw) }, format: 'jwk' });
}

function rawPublic(privateKey: KeyObject): Buffer {
  return Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '', 'base64url');
}

/** DH then ExtractAndExpand (RFC 9180 §4.1); node:crypto refuses an all-zero (low-order) shared secret. */
function sharedSecret(privateKey: KeyObject, publicKey: KeyObject, enc: Buffer, recipient: Buffer): Buffer {
  const dh = diffieHellman({ privateKey, publicKey });
  const prk = labeledExtract(KEM_SUITE, EMPTY, 'eae_prk', dh);
  return labeledExpand(KEM_SUITE, prk, 'shared_secret', Buffer.concat([enc, recipient]), KEY_BYTES);
}

/** KeySchedule (RFC 9180 §5.1) in base mode: the AEAD key and the nonce of sequence 0. */
function keySchedule(shared: Buffer, info: Uint8Array): { key: Buffer; nonce: Buffer } {
  const context = Buffer.concat([
    Buffer.from([0]),
    labeledExtract(HPKE_SUITE, EMPTY, 'psk_id_hash', EMPTY),
    labeledExtract(HPKE_SUITE, EMPTY, 'info_hash', info),
  ]);
  const secret = labeledExtract(HPKE_SUITE, shared, 'secret', EMPTY);
  return {
    key: labeledExpand(HPKE_SUITE, secret, 'key', context, KEY_BYTES),
    nonce: labeledExpand(HPKE_SUITE, secret, 'base_nonce', context, NONCE_BYTES),
  };
}

/** Seals `plaintext` to a raw X25519 public key; `random` supplies the 32 bytes of ephemeral key material. */
export async function sealTo(
  recipientPublicKey: Uint8Array,
  plaintext: Uint8Array,
  options: SealContext & { readonly random: RandomBytes },
): Promise<Sealed> {
  if (recipientPublicKey.length !== KEY_BYTES) throw sealedError('An X25519 public key has 32 bytes');
  const ikm = randomBytesOf(options.random, KEY_BYTES);
  try {
    const dkp = labeledExtract(KEM_SUITE, EMPTY, 'dkp_prk', ikm);
    const ephemeral = x25519Private(labeledExpand(KEM_SUITE, dkp, 'sk', EMPTY, KEY_BYTES));
    const enc = rawPublic(ephemeral);
    const recipient = Buffer.from(recipientPublicKey);
    const shared = sharedSecret(ephemeral, x25519Public(recipient), enc, recipient);
    const { key, nonce } = keySchedule(shared, options.info);
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(options.aad ?? EMPTY, { plaintextLength: plaintext.length });
    const ct = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    return { enc: encodeBase64Url(enc), ct: encodeBase64Url(ct) };
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
    const recipient = x25519Private(recipientPrivateKey);
    const encBytes = Buffer.from(enc);
    const shared = sharedSecret(recipient, x25519Public(encBytes), encBytes, rawPublic(recipient));
    const { key, nonce } = keySchedule(shared, options.info);
    const body = ct.subarray(0, ct.length - TAG_BYTES);
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(options.aad ?? EMPTY, { plaintextLength: body.length });
    decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (error) {
    throw sealedError('Sealed message cannot be opened with this key and context', error);
  }
}
