import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { uuidFromDigest } from './_materialize.js';

const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidFromDigest', () => {
  it('gives a UUID with version nibble 4 and variant 8', () => {
    for (const text of ['', 'application/console', 'service/router/star']) {
      assert.match(uuidFromDigest(digestOf(text)), UUID_V4);
    }
  });

  it('takes the other digits from the digest, in order', () => {
    const hex = '0123456789abcdef'.repeat(4);
    assert.equal(uuidFromDigest(`sha256:${hex}`), '01234567-89ab-4def-8123-456789abcdef');
    assert.equal(uuidFromDigest(hex), uuidFromDigest(`sha256:${hex}`), 'the prefix is optional');
  });

  it('is deterministic and differs between digests', () => {
    const a = digestOf('application/console');
    assert.equal(uuidFromDigest(a), uuidFromDigest(a));
    assert.notEqual(uuidFromDigest(a), uuidFromDigest(digestOf('application/media')));
  });
});
