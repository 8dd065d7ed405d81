import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { rootKeyFromSeed, verifyEd25519 } from './keys.js';

// RFC 8032 §7.1 TEST 1, 2, 3 and SHA(abc), run through the same node:crypto calls the root and session keys
// use (seed → PKCS#8 KeyObject → sign), and through the verifier envelopes and certificates use.
const { vectors } = JSON.parse(
  readFileSync(new URL('../../test/vectors/rfc8032-ed25519.json', import.meta.url), 'utf8'),
) as { vectors: { name: string; secret: string; public: string; message: string; signature: string }[] };
const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('Ed25519 (node:crypto) against RFC 8032 §7.1', () => {
  it('has the four vectors', () => {
    assert.deepEqual(
      vectors.map((v) => v.name),
      ['TEST 1', 'TEST 2', 'TEST 3', 'TEST SHA(abc)'],
    );
  });

  for (const v of vectors) {
    it(`${v.name}: derives the public key and signs byte-for-byte`, () => {
      const key = rootKeyFromSeed(hex(v.secret));
      assert.equal(toHex(key.publicKey), v.public);
      assert.equal(toHex(key.sign(hex(v.message))), v.signature);
      assert.equal(toHex(key.exportSeed()), v.secret);
    });

    it(`${v.name}: verifies the published signature and rejects any flipped bit`, () => {
      const [pub, msg, sig] = [hex(v.public), hex(v.message), hex(v.signature)];
      assert.ok(verifyEd25519(pub, { message: msg, signature: sig }));
      for (const at of [0, 31, 32, 63]) {
        const bad = Uint8Array.from(sig);
        bad[at] = (bad[at] ?? 0) ^ 0x01;
        assert.ok(!verifyEd25519(pub, { message: msg, signature: bad }), `signature byte ${at}`);
      }
      const longer = Uint8Array.from([...msg, 0]);
      assert.ok(!verifyEd25519(pub, { message: longer, signature: sig }));
      assert.ok(!verifyEd25519(pub, { message: msg, signature: sig.subarray(0, 63) }));
    });
  }
});
