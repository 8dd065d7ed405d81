import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { hostTrustContract } from './host-trust-contract.js';
import { memoryHostTrust } from './host-trust-memory.js';
import { createTestOwner, TEST_HOST_ID } from './test-owner.js';

hostTrustContract('in memory', memoryHostTrust);

describe('revocations in the host trust', () => {
  const owner = createTestOwner('memory-owner');
  const forger = createTestOwner('memory-forger');

  it('fails closed on a record that claims the owner but is signed by another key', () => {
    const genuine = owner.revoke(owner.sessionKey().kid);
    const forged = { ...forger.revoke(owner.sessionKey().kid), issuer: owner.record.scrambleId };
    const trust = memoryHostTrust({
      hostId: TEST_HOST_ID,
      owner: owner.record,
      revocations: [genuine, forged],
    });
    assert.throws(
      () => trust.revokedKids(),
      (error) => error instanceof MvError && error.code === 'scramble.untrusted',
    );
  });
});
