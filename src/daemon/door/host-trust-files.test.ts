import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_FILE } from '../../policy/index.js';
import { installDefaultPolicy } from './default-policy-file.js';
import { registerOwner } from './host-identity.js';
import { hostTrustContract } from './host-trust-contract.js';
import { policyDir, readHostTrust } from './host-trust-files.js';
import type { TrustWorld } from './host-trust-memory.js';
import { storeRevocation } from './revocations.js';
import { createTestOwner, TEST_HOST_ID, TEST_NOW } from './test-owner.js';

const roots: string[] = [];
after(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A state folder holding `world`, written by the daemon's own writers wherever one exists. */
function writeWorld(world: TrustWorld): string {
  const state = mkdtempSync(path.join(tmpdir(), 'mv-host-trust-'));
  roots.push(state);
  if (world.owner) registerOwner(state, world.owner, { force: false, now: TEST_NOW });
  if (world.revocations === 'damaged') {
    // No writer damages the list; a disk or an editor does.
    writeFileSync(path.join(state, 'revocations.json'), '{ not json');
  } else {
    for (const record of world.revocations ?? []) {
      storeRevocation(state, (record as { issuer: string }).issuer, record);
    }
  }
  if (world.policyFiles !== 'unreadable') {
    mkdirSync(policyDir(state), { recursive: true });
    for (const file of world.policyFiles ?? []) {
      if (file.name === DEFAULT_POLICY_FILE && file.text === DEFAULT_POLICY) installDefaultPolicy(state);
      else writeFileSync(path.join(policyDir(state), file.name), file.text);
    }
  }
  return state;
}

hostTrustContract('files', (world) => readHostTrust({ stateRoot: writeWorld(world), hostId: world.hostId }));

const owner = createTestOwner('files-owner');
const codeOf = (call: () => unknown): string => {
  try {
    call();
  } catch (error) {
    return error instanceof MvError ? error.code : 'not an MvError';
  }
  return 'answered';
};

describe('readHostTrust', () => {
  const stateWith = (world: Partial<TrustWorld> = {}) =>
    writeWorld({ hostId: TEST_HOST_ID, owner: owner.record, ...world });
  const read = (stateRoot: string) => readHostTrust({ stateRoot, hostId: TEST_HOST_ID });

  it('reads the world once: what changes on disk afterwards is not seen by this snapshot', () => {
    const state = stateWith({ policyFiles: [{ name: '10-all.policy', text: 'portal.* @owner * allow\n' }] });
    const trust = read(state);
    const kid = owner.sessionKey().kid;
    storeRevocation(state, owner.record.scrambleId, owner.revoke(kid));
    writeFileSync(path.join(policyDir(state), '20-bad.policy'), 'not a rule\n');
    assert.deepEqual([...trust.revokedKids()], []);
    assert.equal(trust.policy().length, 1);
    const next = read(state);
    assert.deepEqual([...next.revokedKids()], [kid], 'the next request sees the revocation');
    assert.equal(
      codeOf(() => next.policy()),
      'policy.syntax',
      'and the broken policy',
    );
  });

  it('refuses a damaged owner record as no owner (scramble.no-owner)', () => {
    const state = stateWith();
    writeFileSync(path.join(state, 'owner.json'), '{"v": 2}\n');
    assert.equal(
      codeOf(() => read(state).owner()),
      'scramble.no-owner',
    );
  });

  it("fails closed when a stored revocation of the owner's was edited: no key can be judged", () => {
    const state = stateWith({ revocations: [owner.revoke(owner.sessionKey().kid)] });
    const file = path.join(state, 'revocations.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('lost laptop', 'found laptop'));
    assert.equal(
      codeOf(() => read(state).revokedKids()),
      'scramble.untrusted',
    );
  });

  it('reads only *.policy files, and names each rule by its path', () => {
    const state = stateWith({ policyFiles: [{ name: DEFAULT_POLICY_FILE, text: DEFAULT_POLICY }] });
    writeFileSync(path.join(policyDir(state), 'README'), 'not a policy\n');
    const [first] = read(state).policy();
    assert.equal(first?.where.file, path.join(policyDir(state), DEFAULT_POLICY_FILE));
  });
});
