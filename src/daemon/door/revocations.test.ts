import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { rootKeyFromSeed, signRevocation } from '../../scramble/index.js';
import { revokedKids, storeRevocation } from './revocations.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});
const stateRoot = () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mv-revocations-'));
  roots.push(root);
  return root;
};
const KID = `k${'a'.repeat(24)}`;

describe('the owner revocation list', () => {
  it("keeps the owner's revocations, and ignores an earlier owner's after the owner changed", () => {
    const state = stateRoot();
    const first = rootKeyFromSeed(new Uint8Array(32).fill(1));
    const second = rootKeyFromSeed(new Uint8Array(32).fill(2));
    const record = signRevocation(first, { kid: KID, now: 1_000, reason: 'lost laptop' });
    assert.equal(storeRevocation(state, first.scrambleId, record), KID);
    assert.deepEqual([...revokedKids(state, first.scrambleId)], [KID]);
    assert.deepEqual([...revokedKids(state, second.scrambleId)], [], 'a new owner is not locked out');
  });

  it('fails closed on a damaged list', () => {
    const state = stateRoot();
    writeFileSync(path.join(state, 'revocations.json'), '{ not json');
    assert.throws(
      () => revokedKids(state, rootKeyFromSeed(new Uint8Array(32).fill(1)).scrambleId),
      (error) => error instanceof MvError && error.code === 'scramble.untrusted',
    );
  });
});
