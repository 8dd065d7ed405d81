/**
 * @module The root seed at rest: encrypted under a passphrase as a JSON-safe record
 * `{v: 1, kdf: {alg: 'argon2id', t, m, p, salt}, cipher: 'chacha20-poly1305', nonce, ct}` (bytes in base64url).
 * The key is Argon2id(passphrase, salt) with `FILE_KEY_PARAMS`: 64 MiB, cheaper than a passphrase-derived
 * root's 2 GiB because this file never leaves the user's machine (see kdf.ts). The cipher is
 * ChaCha20-Poly1305 (RFC 8439) with a random 12-byte nonce, and the record's header (`v`, `kdf`, `cipher`,
 * `nonce`) is its associated data, so no field can be changed without the tag failing. `ct` is the 32-byte
 * seed and the 16-byte tag.
 *
 * A wrong passphrase and a damaged `ct` look the same (`scramble.bad-passphrase`); a record that is not a key
 * file, or asks for Argon2 costs outside sane bounds, is `scramble.bad-key-file` before any work is done.
 * Pure: no I/O; randomness is passed in. Reading and writing the file is the caller's. No secret in errors.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { canonicalJson } from '../digest/index.js';
import { MvError } from '../errors/index.js';
import { type Argon2idParams, deriveFileKey, FILE_KEY_PARAMS, SALT_BYTES } from './kdf.js';
import { fieldsProblem, isRecord, type RandomBytes, randomBytesOf, SEED_BYTES } from './keys.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

/** An encrypted root seed, ready for `JSON.stringify`. */
export interface RootKeyFile {
  readonly v: 1;
  readonly kdf: {
    readonly alg: 'argon2id';
    readonly t: number;
    readonly m: number;
    readonly p: number;
    readonly salt: string;
  };
  readonly cipher: 'chacha20-poly1305';
  readonly nonce: string;
  readonly ct: string;
}

const AAD_DOMAIN = 'multiverse/scramble-key-file/v1\0';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Cost bounds a key file may ask for: never weaker than we write, never enough to exhaust the machine. */
const BOUNDS = { t: [FILE_KEY_PARAMS.t, 32], m: [FILE_KEY_PARAMS.m, 1_048_576], p: [1, 16] } as const;

/** ChaCha20-Poly1305 (RFC 8439) encryption: ciphertext followed by the 16-byte tag. */
export function chacha20Poly1305Seal(
  key: Uint8Array,
  options: { readonly nonce: Uint8Array; readonly aad: Uint8Array; readonly plaintext: Uint8Array },
): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, options.nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(options.aad, { plaintextLength: options.plaintext.length });
  return Uint8Array.from(
    Buffer.concat([cipher.update(options.plaintext), cipher.final(), cipher.getAuthTag()]),
  );
}

/** ChaCha20-Poly1305 (RFC 8439) decryption of ciphertext+tag; undefined when the tag does not verify. */
export function chacha20Poly1305Open(
  key: Uint8Array,
  options: { readonly nonce: Uint8Array; readonly aad: Uint8Array; readonly sealed: Uint8Array },
): Uint8Array | undefined {
  const { sealed } = options;
  if (sealed.length < TAG_BYTES) return undefined;
  const body = sealed.subarray(0, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('chacha20-poly1305', key, options.nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(options.aad, { plaintextLength: body.length });
  decipher.setAuthTag(sealed.subarray(body.length));
  const plaintext = decipher.update(body);
  try {
    return Uint8Array.from(Buffer.concat([plaintext, decipher.final()]));
  } catch {
    // final() throws exactly when the tag is wrong; the plaintext above is discarded unseen.
    plaintext.fill(0);
    return undefined;
  }
}

function headerAad(header: object): Uint8Array {
  return Buffer.from(`${AAD_DOMAIN}${canonicalJson(header)}`, 'utf8');
}

/** Encrypts a 32-byte root seed under a passphrase; `random` supplies the salt and nonce. */
export async function encryptRootSeed(
  seed: Uint8Array,
  passphrase: string,
  options: { readonly random: RandomBytes },
): Promise<RootKeyFile> {
  if (seed.length !== SEED_BYTES) throw new MvError('usage.invalid', `A root seed has ${SEED_BYTES} bytes`);
  const salt = randomBytesOf(options.random, SALT_BYTES);
  const nonce = randomBytesOf(options.random, NONCE_BYTES);
  const { t, m, p } = FILE_KEY_PARAMS;
  const header = {
    v: 1 as const,
    kdf: { alg: 'argon2id' as const, t, m, p, salt: encodeBase64Url(salt) },
    cipher: 'chacha20-poly1305' as const,
    nonce: encodeBase64Url(nonce),
  };
  const key = await deriveFileKey(passphrase, { salt });
  const ct = chacha20Poly1305Seal(key, { nonce, aad: headerAad(header), plaintext: seed });
  key.fill(0);
  return { ...header, ct: encodeBase64Url(ct) };
}

function badKeyFile(problem: string): MvError {
  return new MvError('scramble.bad-key-file', `Not a Scramble key file: ${problem}`, {
    hint: 'Restore the key file from a backup, or recreate the identity from its passphrase',
  });
}

const inBounds = (value: unknown, [low, high]: readonly [number, number]) =>
  Number.isSafeInteger(value) && (value as number) >= low && (value as number) <= high;

/** Checks the record's shape and bounds; returns what decryption needs. Throws `scramble.bad-key-file`. */
function parseKeyFile(value: unknown) {
  if (!isRecord(value)) throw badKeyFile('it is not a JSON object');
  const shape = fieldsProblem(value, ['v', 'kdf', 'cipher', 'nonce', 'ct']);
  if (shape !== undefined) throw badKeyFile(shape);
  if (value.v !== 1) throw badKeyFile('version is not 1');
  if (value.cipher !== 'chacha20-poly1305') throw badKeyFile('cipher is not chacha20-poly1305');
  const kdf = value.kdf;
  if (
    !isRecord(kdf) ||
    fieldsProblem(kdf, ['alg', 't', 'm', 'p', 'salt']) !== undefined ||
    kdf.alg !== 'argon2id'
  ) {
    throw badKeyFile('kdf is not {alg: "argon2id", t, m, p, salt}');
  }
  if (!inBounds(kdf.t, BOUNDS.t) || !inBounds(kdf.m, BOUNDS.m) || !inBounds(kdf.p, BOUNDS.p)) {
    throw badKeyFile('Argon2 costs are out of bounds');
  }
  const salt = decodeBase64Url(kdf.salt, SALT_BYTES);
  const nonce = decodeBase64Url(value.nonce, NONCE_BYTES);
  const ct = decodeBase64Url(value.ct, SEED_BYTES + TAG_BYTES);
  if (salt === undefined || nonce === undefined || ct === undefined) {
    throw badKeyFile('salt, nonce or ct has the wrong length or encoding');
  }
  const params: Argon2idParams = { t: kdf.t as number, m: kdf.m as number, p: kdf.p as number };
  // The shape is exact, so everything but `ct` is the header that was authenticated.
  const header = Object.fromEntries(Object.entries(value).filter(([field]) => field !== 'ct'));
  return { params, salt, nonce, ct, aad: headerAad(header) };
}

/** The root seed in a key file; `scramble.bad-passphrase` if it does not open, `scramble.bad-key-file` if malformed. */
export async function decryptRootSeed(file: unknown, passphrase: string): Promise<Uint8Array> {
  const { params, salt, nonce, ct, aad } = parseKeyFile(file);
  const key = await deriveFileKey(passphrase, { salt, params });
  const seed = chacha20Poly1305Open(key, { nonce, aad, sealed: ct });
  key.fill(0);
  if (seed === undefined) {
    throw new MvError('scramble.bad-passphrase', 'The passphrase does not open this key file', {
      hint: 'Check the passphrase (and the keyboard layout); a damaged key file fails the same way',
    });
  }
  return seed;
}
