import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostKeyFingerprint, hostKeyFromSeed, verifyHostSignature } from './host-key.js';

// RFC 8032 section 7.1, TEST 1: the seed and its public key.
const RFC8032_SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const RFC8032_PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');

describe('host key', () => {
  it('derives the RFC 8032 public key from its seed and fingerprints it as SSH does', () => {
    const key = hostKeyFromSeed(RFC8032_SEED);
    assert.deepEqual(Buffer.from(key.publicKey), RFC8032_PUBLIC);
    assert.match(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(key.fingerprint, hostKeyFingerprint(RFC8032_PUBLIC));
  });

  it('signs per domain: a reply signature never verifies as an audit checkpoint', () => {
    const key = hostKeyFromSeed(RFC8032_SEED);
    const message = Buffer.from('head 42');
    const signature = key.sign('reply', message);
    assert.equal(verifyHostSignature(key.publicKey, 'reply', message, signature), true);
    assert.equal(verifyHostSignature(key.publicKey, 'audit-checkpoint', message, signature), false);
    assert.equal(verifyHostSignature(key.publicKey, 'reply', Buffer.from('head 43'), signature), false);
  });

  it('refuses a seed of the wrong length', () => {
    assert.throws(() => hostKeyFromSeed(new Uint8Array(31)), { code: 'scramble.bad-key-file' });
  });
});
