/**
 * @module Text forms of Scramble key material. A Scramble ID is an Ed25519 root public key written the way
 * Tor writes a v3 onion address (rend-spec-v3 §6): lowercase RFC 4648 base32, without padding, of
 * `pubkey(32) | checksum(2) | version(0x03)`, where `checksum = SHA3-256(".onion checksum" | pubkey |
 * version)[:2]`. The result is 56 characters; the `.onion` suffix is accepted on input but never produced,
 * so each key has exactly one Scramble ID. Also the strict base64url every other Scramble format uses for
 * bytes (one text per byte string).
 * Pure: no I/O. Messages never echo the rejected text (it may be something secret pasted by mistake).
 */
import { createHash } from 'node:crypto';
import { MvError } from '../errors/index.js';

/** Length of a Scramble ID in characters (35 bytes of base32). */
export const SCRAMBLE_ID_LENGTH = 56;

const VERSION = 0x03;
const PUBLIC_KEY_BYTES = 32;
const CHECKSUM_PREFIX = Buffer.from('.onion checksum', 'ascii');
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const ONION_SUFFIX = '.onion';
const HINT = 'A Scramble ID is 56 lowercase letters and digits 2-7, as printed by `scramble id show`';

/** Lowercase RFC 4648 base32 without padding. */
export function base32Lower(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes lowercase unpadded base32 whose length is a whole number of bytes; undefined if it is not. */
export function base32Decode(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero padding, or two texts would name the same bytes.
  if ((buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

function checksum(publicKey: Uint8Array, version: number): Uint8Array {
  const hash = createHash('sha3-256')
    .update(CHECKSUM_PREFIX)
    .update(publicKey)
    .update(Uint8Array.of(version));
  return hash.digest().subarray(0, 2);
}

/** The Scramble ID (56-character onion-style address, no `.onion`) of an Ed25519 public key. */
export function scrambleIdOf(publicKey: Uint8Array): string {
  if (publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new MvError('scramble.bad-id', `An Ed25519 public key has 32 bytes, not ${publicKey.length}`);
  }
  const raw = new Uint8Array(35);
  raw.set(publicKey, 0);
  raw.set(checksum(publicKey, VERSION), 32);
  raw[34] = VERSION;
  return base32Lower(raw);
}

function badId(reason: string): MvError {
  return new MvError('scramble.bad-id', `Not a valid Scramble ID: ${reason}`, { hint: HINT });
}

/** The Ed25519 public key named by a Scramble ID (an optional `.onion` suffix is accepted). */
export function publicKeyOfScrambleId(id: string): Uint8Array {
  const bare = id.endsWith(ONION_SUFFIX) ? id.slice(0, -ONION_SUFFIX.length) : id;
  if (bare.length !== SCRAMBLE_ID_LENGTH) {
    throw badId(`it has ${bare.length} characters instead of ${SCRAMBLE_ID_LENGTH}`);
  }
  const raw = base32Decode(bare);
  if (raw === undefined) throw badId('it contains characters outside a-z and 2-7');
  const publicKey = raw.subarray(0, 32);
  const version = raw[34] ?? -1;
  if (version !== VERSION) throw badId(`version ${version} is not 3`);
  const expected = checksum(publicKey, version);
  if (raw[32] !== expected[0] || raw[33] !== expected[1]) {
    throw badId('its checksum does not match (a typo?)');
  }
  return Uint8Array.from(publicKey);
}

/** base64url without padding. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Strict base64url: only the canonical unpadded text of some bytes (of `length`, if given), else undefined. */
export function decodeBase64Url(text: unknown, length?: number): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) return undefined;
  if (length !== undefined && bytes.length !== length) return undefined;
  return Uint8Array.from(bytes);
}
