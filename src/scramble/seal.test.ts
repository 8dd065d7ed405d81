import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { MvError } from '../errors/index.js';
import { newEncryptionKey, newRootSeed, type RandomBytes, rootKeyFromSeed } from './keys.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';
import { openSealed, type Sealed, sealTo } from './seal.js';

/** The same suite in hpke-js: the reference the key schedule and exports are checked against. */
function hpkeSuite(): CipherSuite {
  return new CipherSuite({
    kem: new DhkemX25519HkdfSha256(),
    kdf: new HkdfSha256(),
    aead: new Chacha20Poly1305(),
  });
}

// RFC 9180 A.2.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305, base mode). Checked exactly:
// skEm/pkEm and skRm/pkRm from DeriveKeyPair(ikmE/ikmR); enc and the sequence-0 ciphertext from `sealTo`
// with ekm = ikmE; the sequence-0 plaintext from `openSealed` with skRm; all six listed ciphertexts
// (sequences 0, 1, 2, 4, 255, 256) from one sender context; sequences 0-2 opened by one recipient context;
// the three exported values of A.2.1.2. shared_secret, key_schedule_context, secret, key, base_nonce and
// exporter_secret are not exposed by hpke-js: they are checked through the ciphertexts and exports they fix.
interface HpkeVector {
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  ikmE: string;
  pkEm: string;
  skEm: string;
  ikmR: string;
  pkRm: string;
  skRm: string;
  enc: string;
  encryptions: { sequence_number: number; pt: string; aad: string; ct: string }[];
  exports: { exporter_context: string; L: number; exported_value: string }[];
}
const vector = JSON.parse(
  readFileSync(new URL('../../test/vectors/rfc9180-hpke.json', import.meta.url), 'utf8'),
) as HpkeVector;
const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(new Uint8Array(bytes)).toString('hex');
const sealed = (e: unknown) => e instanceof MvError && e.code === 'scramble.sealed';
const [first] = vector.encryptions;
const seq0 = first ?? { sequence_number: 0, pt: '', aad: '', ct: '' };

describe('HPKE against RFC 9180 A.2.1', () => {
  it('uses suite KEM 0x0020, KDF 0x0001, AEAD 0x0003', () => {
    const suite = hpkeSuite();
    assert.deepEqual(
      [suite.kem.id, suite.kdf.id, suite.aead.id],
      [vector.kem_id, vector.kdf_id, vector.aead_id],
    );
  });

  it('derives the vector key pairs from ikmE and ikmR', async () => {
    const { kem } = hpkeSuite();
    for (const [ikm, sk, pk] of [
      [vector.ikmE, vector.skEm, vector.pkEm],
      [vector.ikmR, vector.skRm, vector.pkRm],
    ] as const) {
      const pair = await kem.deriveKeyPair(hex(ikm));
      assert.equal(toHex(await kem.serializePrivateKey(pair.privateKey)), sk);
      assert.equal(toHex(await kem.serializePublicKey(pair.publicKey)), pk);
    }
  });

  it('sealTo with ekm = ikmE gives the vector enc and sequence-0 ciphertext', async () => {
    const out = await sealTo(hex(vector.pkRm), hex(seq0.pt), {
      info: hex(vector.info),
      aad: hex(seq0.aad),
      random: () => hex(vector.ikmE),
    });
    assert.equal(toHex(decodeBase64Url(out.enc) ?? new Uint8Array(0)), vector.enc);
    assert.equal(toHex(decodeBase64Url(out.ct) ?? new Uint8Array(0)), seq0.ct);
  });

  it('openSealed with skRm opens the vector sequence-0 ciphertext', async () => {
    const message = { enc: encodeBase64Url(hex(vector.enc)), ct: encodeBase64Url(hex(seq0.ct)) };
    const pt = await openSealed(hex(vector.skRm), message, { info: hex(vector.info), aad: hex(seq0.aad) });
    assert.equal(toHex(pt), seq0.pt);
  });

  it('one sender context reproduces all six listed ciphertexts (sequences 0-256)', async () => {
    const suite = hpkeSuite();
    const recipientPublicKey = await suite.kem.deserializePublicKey(hex(vector.pkRm));
    const sender = await suite.createSenderContext({
      recipientPublicKey,
      info: hex(vector.info),
      ekm: hex(vector.ikmE),
    });
    assert.equal(toHex(sender.enc), vector.enc);
    const expected = new Map(vector.encryptions.map((e) => [e.sequence_number, e]));
    let checked = 0;
    for (let seq = 0; seq <= 256; seq++) {
      const ct = await sender.seal(hex(seq0.pt), Buffer.from(`Count-${seq}`));
      const listed = expected.get(seq);
      if (listed) {
        assert.equal(toHex(ct), listed.ct, `sequence ${seq}`);
        checked++;
      }
    }
    assert.equal(checked, 6);
  });

  it('one recipient context opens sequences 0-2 and exports the three A.2.1.2 values', async () => {
    const suite = hpkeSuite();
    const recipientKey = await suite.kem.deserializePrivateKey(hex(vector.skRm));
    const recipient = await suite.createRecipientContext({
      recipientKey,
      enc: hex(vector.enc),
      info: hex(vector.info),
    });
    for (const e of vector.encryptions.slice(0, 3)) {
      assert.equal(toHex(await recipient.open(hex(e.ct), hex(e.aad))), e.pt, `sequence ${e.sequence_number}`);
    }
    for (const x of vector.exports) {
      assert.equal(toHex(await recipient.export(hex(x.exporter_context), x.L)), x.exported_value);
    }
  });
});

function testRandom(label: string): RandomBytes {
  let counter = 0;
  return (length) =>
    Uint8Array.from(createHash('sha512').update(`${label}/${counter++}`).digest().subarray(0, length));
}
const root = rootKeyFromSeed(newRootSeed(testRandom('root')));
const key = newEncryptionKey(root, { now: 0, lifetimeMs: 1000, random: testRandom('enc') });
const otherKey = newEncryptionKey(root, { now: 0, lifetimeMs: 1000, random: testRandom('other') });
const context = { info: Buffer.from('multiverse/reply/v1'), aad: Buffer.from('request sha256:abc') };
const message = Buffer.from('{"ok":true,"portal":"work"}');

describe('sealTo and openSealed', () => {
  it('round-trip to an encryption key, including empty and 64 KiB messages', async () => {
    for (const plaintext of [message, new Uint8Array(0), new Uint8Array(65_536).fill(7)]) {
      const out = await sealTo(key.publicKey, plaintext, { ...context, random: testRandom('e') });
      assert.deepEqual(await openSealed(key.privateKey, out, context), Uint8Array.from(plaintext));
    }
  });

  it('default aad is empty; an absent and an empty aad are the same', async () => {
    const out = await sealTo(key.publicKey, message, { info: context.info, random: testRandom('a') });
    const opened = await openSealed(key.privateKey, out, { info: context.info, aad: new Uint8Array(0) });
    assert.deepEqual(opened, Uint8Array.from(message));
  });

  it('uses fresh ephemeral keys per random draw, and is deterministic for a given draw', async () => {
    const random = testRandom('r');
    const a = await sealTo(key.publicKey, message, { ...context, random });
    const b = await sealTo(key.publicKey, message, { ...context, random });
    assert.notEqual(a.enc, b.enc);
    assert.notEqual(a.ct, b.ct);
    const again = await sealTo(key.publicKey, message, { ...context, random: testRandom('r') });
    assert.deepEqual(again, a);
  });

  it('refuses the wrong key, another info or aad, and any changed byte of enc or ct', async () => {
    const out = await sealTo(key.publicKey, message, { ...context, random: testRandom('t') });
    const flip = (text: string, at: number) => {
      const bytes = decodeBase64Url(text) ?? new Uint8Array(0);
      bytes[at] = (bytes[at] ?? 0) ^ 0x80;
      return encodeBase64Url(bytes);
    };
    const ctLength = decodeBase64Url(out.ct)?.length ?? 0;
    const attempts: [Uint8Array, unknown, { info: Uint8Array; aad?: Uint8Array }][] = [
      [otherKey.privateKey, out, context],
      [key.privateKey, out, { ...context, info: Buffer.from('multiverse/reply/v2') }],
      [key.privateKey, out, { ...context, aad: Buffer.from('request sha256:abd') }],
      [key.privateKey, out, { info: context.info }],
      [key.privateKey, { ...out, enc: flip(out.enc, 0) }, context],
      [key.privateKey, { ...out, enc: flip(out.enc, 31) }, context],
      [key.privateKey, { ...out, ct: flip(out.ct, 0) }, context],
      [key.privateKey, { ...out, ct: flip(out.ct, ctLength - 1) }, context],
      [
        key.privateKey,
        { ...out, ct: encodeBase64Url((decodeBase64Url(out.ct) ?? new Uint8Array(0)).subarray(1)) },
        context,
      ],
    ];
    for (const [privateKey, value, ctx] of attempts) {
      await assert.rejects(openSealed(privateKey, value, ctx), sealed);
    }
  });

  it('refuses malformed sealed messages and keys of the wrong length', async () => {
    const out: Sealed = await sealTo(key.publicKey, message, { ...context, random: testRandom('m') });
    const malformed: unknown[] = [
      null,
      'x',
      [out.enc, out.ct],
      { enc: out.enc },
      { ...out, extra: 1 },
      { ...out, enc: `${out.enc}=` },
      { ...out, enc: encodeBase64Url(new Uint8Array(31)) },
      { ...out, ct: encodeBase64Url(new Uint8Array(15)) },
      { ...out, ct: 42 },
    ];
    for (const value of malformed) await assert.rejects(openSealed(key.privateKey, value, context), sealed);
    await assert.rejects(openSealed(key.privateKey.subarray(1), out, context), sealed);
    await assert.rejects(
      sealTo(key.publicKey.subarray(1), message, { ...context, random: testRandom('z') }),
      sealed,
    );
  });

  it('refuses to seal to the all-zero (low-order) X25519 key', async () => {
    await assert.rejects(
      sealTo(new Uint8Array(32), message, { ...context, random: testRandom('0') }),
      sealed,
    );
  });

  it('errors name no key, plaintext or ciphertext', async () => {
    const out = await sealTo(key.publicKey, message, { ...context, random: testRandom('n') });
    await assert.rejects(openSealed(otherKey.privateKey, out, context), (e: unknown) => {
      const text = (e as Error).message;
      return sealed(e) && !text.includes(out.ct.slice(0, 12)) && !text.includes('portal');
    });
  });
});
