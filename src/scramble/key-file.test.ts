import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { FILE_KEY_PARAMS } from './kdf.js';
import {
  chacha20Poly1305Open,
  chacha20Poly1305Seal,
  decryptRootSeed,
  encryptRootSeed,
  type RootKeyFile,
} from './key-file.js';
import type { RandomBytes } from './keys.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const code = (expected: string) => (e: unknown) => e instanceof MvError && e.code === expected;
function testRandom(label: string): RandomBytes {
  let counter = 0;
  return (length) =>
    Uint8Array.from(createHash('sha512').update(`${label}/${counter++}`).digest().subarray(0, length));
}

describe('ChaCha20-Poly1305 (node:crypto) against RFC 8439 §2.8.2', () => {
  const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
  const nonce = hex('070000004041424344454647');
  const aad = hex('50515253c0c1c2c3c4c5c6c7');
  const plaintext = Buffer.from(
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  );
  const expected =
    'd31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e06' +
    '0b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d265' +
    '86cec64b6116' +
    '1ae10b594f09e26a7e902ecbd0600691';

  it('seals to the published ciphertext and tag, and opens it', () => {
    const sealed = chacha20Poly1305Seal(key, { nonce, aad, plaintext });
    assert.equal(toHex(sealed), expected);
    assert.deepEqual(
      chacha20Poly1305Open(key, { nonce, aad, sealed: hex(expected) }),
      Uint8Array.from(plaintext),
    );
  });

  it('opens nothing when a bit of the ciphertext, tag or aad changes', () => {
    for (const at of [0, 113, 114, 129]) {
      const sealed = hex(expected);
      sealed[at] = (sealed[at] ?? 0) ^ 1;
      assert.equal(chacha20Poly1305Open(key, { nonce, aad, sealed }), undefined, `byte ${at}`);
    }
    assert.equal(
      chacha20Poly1305Open(key, { nonce, aad: aad.subarray(1), sealed: hex(expected) }),
      undefined,
    );
    assert.equal(chacha20Poly1305Open(key, { nonce, aad, sealed: new Uint8Array(15) }), undefined);
  });
});

describe('encryptRootSeed and decryptRootSeed', () => {
  const seed = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
  const passphrase = 'tr0ub4dor & 3 horses';
  let file: RootKeyFile;

  it('writes the documented JSON-safe record with the shipped Argon2id costs', async () => {
    file = await encryptRootSeed(seed, passphrase, { random: testRandom('file') });
    assert.deepEqual(Object.keys(file).sort(), ['cipher', 'ct', 'kdf', 'nonce', 'v']);
    assert.equal(file.v, 1);
    assert.equal(file.cipher, 'chacha20-poly1305');
    assert.deepEqual(
      { ...file.kdf, salt: undefined },
      { alg: 'argon2id', ...FILE_KEY_PARAMS, salt: undefined },
    );
    assert.equal(decodeBase64Url(file.kdf.salt, 16)?.length, 16);
    assert.equal(decodeBase64Url(file.nonce, 12)?.length, 12);
    assert.equal(decodeBase64Url(file.ct, 48)?.length, 48);
    assert.ok(!JSON.stringify(file).includes(encodeBase64Url(seed).slice(0, 10)));
  });

  it('decrypts with the passphrase, after a JSON round trip', async () => {
    const stored = JSON.parse(JSON.stringify(file)) as unknown;
    assert.deepEqual(await decryptRootSeed(stored, passphrase), seed);
  });

  it('scramble.bad-passphrase: a wrong passphrase, or a changed ct, nonce or salt', async () => {
    const flipped = decodeBase64Url(file.ct) ?? new Uint8Array(0);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const attempts: [unknown, string][] = [
      [file, 'tr0ub4dor & 3 horse'],
      [{ ...file, ct: encodeBase64Url(flipped) }, passphrase],
      [{ ...file, nonce: encodeBase64Url(new Uint8Array(12)) }, passphrase],
      [{ ...file, kdf: { ...file.kdf, salt: encodeBase64Url(new Uint8Array(16)) } }, passphrase],
    ];
    for (const [value, phrase] of attempts) {
      await assert.rejects(decryptRootSeed(value, phrase), (e: unknown) => {
        return code('scramble.bad-passphrase')(e) && !(e as Error).message.includes(phrase);
      });
    }
  });

  it('scramble.bad-key-file: anything that is not a key file, checked before any Argon2 work', async () => {
    const malformed: unknown[] = [
      null,
      'file',
      [],
      { ...file, extra: 1 },
      { ...file, v: 2 },
      { ...file, cipher: 'aes-256-gcm' },
      { ...file, kdf: { ...file.kdf, alg: 'argon2i' } },
      { ...file, kdf: { ...file.kdf, t: 2 } },
      { ...file, kdf: { ...file.kdf, m: 4096 } },
      { ...file, kdf: { ...file.kdf, m: 4_194_304 } },
      { ...file, kdf: { ...file.kdf, p: 0 } },
      { ...file, kdf: { ...file.kdf, t: 3.5 } },
      { ...file, kdf: { ...file.kdf, extra: true } },
      { ...file, kdf: { ...file.kdf, salt: encodeBase64Url(new Uint8Array(8)) } },
      { ...file, nonce: encodeBase64Url(new Uint8Array(24)) },
      { ...file, ct: encodeBase64Url(new Uint8Array(47)) },
      { ...file, ct: `${file.ct}=` },
      Object.fromEntries(Object.entries(file).filter(([field]) => field !== 'nonce')),
    ];
    for (const value of malformed)
      await assert.rejects(decryptRootSeed(value, passphrase), code('scramble.bad-key-file'));
  });

  it('refuses a seed of the wrong length and a random source that misbehaves', async () => {
    await assert.rejects(
      encryptRootSeed(new Uint8Array(31), passphrase, { random: testRandom('x') }),
      code('usage.invalid'),
    );
    await assert.rejects(
      encryptRootSeed(seed, passphrase, { random: () => new Uint8Array(4) }),
      code('internal.bug'),
    );
  });
});
