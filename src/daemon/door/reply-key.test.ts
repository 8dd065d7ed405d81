import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Certificate } from '../../scramble/index.js';
import { memoryHostTrust } from './host-trust-memory.js';
import { ownerReplyKey } from './reply-key.js';
import { createTestOwner, TEST_HOST_ID, TEST_NOW } from './test-owner.js';

const owner = createTestOwner('reply-key-owner');
const stranger = createTestOwner('reply-key-stranger');
const DAY_MS = 86_400_000;
const encryptionKid = (owner.record.encryptionCertificate as Certificate).kid;

describe("the owner's reply key", () => {
  it("is the owner's certified encryption key while its certificate is valid and not revoked", () => {
    const key = ownerReplyKey(memoryHostTrust({ hostId: TEST_HOST_ID, owner: owner.record }), TEST_NOW);
    assert.deepEqual(Buffer.from(key), Buffer.from(owner.session.encryption.publicKey));
  });

  it('is refused, each with its code and the way to mend it, when there is none to seal to', () => {
    const trust = (world: Parameters<typeof memoryHostTrust>[0]) => memoryHostTrust(world);
    const cases = [
      [trust({ hostId: TEST_HOST_ID }), TEST_NOW, 'scramble.no-owner'],
      [trust({ hostId: TEST_HOST_ID, owner: owner.record }), TEST_NOW + 400 * DAY_MS, 'scramble.expired'],
      [trust({ hostId: TEST_HOST_ID, owner: owner.record }), TEST_NOW - 2 * DAY_MS, 'scramble.expired'],
      [
        trust({ hostId: TEST_HOST_ID, owner: owner.record, revocations: [owner.revoke(encryptionKid)] }),
        TEST_NOW,
        'scramble.revoked',
      ],
      [
        trust({ hostId: TEST_HOST_ID, owner: owner.record, revocations: 'damaged' }),
        TEST_NOW,
        'scramble.untrusted',
      ],
      [
        trust({
          hostId: TEST_HOST_ID,
          owner: { ...owner.record, encryptionCertificate: stranger.record.encryptionCertificate },
        }),
        TEST_NOW,
        'scramble.untrusted',
      ],
    ] as const;
    for (const [world, now, code] of cases) {
      assert.throws(
        () => ownerReplyKey(world, now),
        // The owner's absence keeps the error of reading owner.json (host-identity.ts), with its own hint.
        (error: { code: string; hint?: string }) =>
          error.code === code && (code === 'scramble.no-owner' || error.hint !== undefined),
        code,
      );
    }
  });
});
