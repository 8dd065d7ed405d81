/**
 * @module The contract every `HostTrust` implementation keeps, as one test suite (Hono runs one suite over
 * every router the same way): host-trust-memory.test.ts runs it over the in-memory world, and
 * host-trust-files.test.ts over a state folder written by the daemon's own writers. Both passing is what
 * lets the door's unit tests, which use the in-memory one, speak for the daemon, which reads files.
 * Only tests import it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_FILE, evaluatePolicy, type PolicyRule } from '../../policy/index.js';
import type { HostTrust } from './host-trust.js';
import type { TrustWorld } from './host-trust-memory.js';
import { createTestOwner, TEST_HOST_ID } from './test-owner.js';

/** Makes the implementation under test hold `world`. */
export type MakeHostTrust = (world: TrustWorld) => HostTrust;

const owner = createTestOwner('contract-owner');
const earlier = createTestOwner('contract-earlier-owner');
const kid = (label: string) => owner.sessionKey({ permissions: [label] }).kid;
const REVOKED = kid('revoked');
const KEPT = kid('kept');

const throwsCode = (call: () => unknown, code: string) =>
  assert.throws(call, (error) => error instanceof MvError && error.code === code, `expected ${code}`);

/** What the policy decides for the owner's session key asking `verb` on `target`. */
function decide(rules: readonly PolicyRule[], verb: string, target = 'work'): string {
  const source = { scrambleId: owner.record.scrambleId, kid: KEPT, isOwner: true };
  const decision = evaluatePolicy(rules, { verb, target, source });
  return decision.decision === 'allow' ? 'allow' : decision.code;
}

/** Runs the contract over one implementation. */
export function hostTrustContract(name: string, make: MakeHostTrust): void {
  const world = (extra: Partial<TrustWorld> = {}): HostTrust =>
    make({ hostId: TEST_HOST_ID, owner: owner.record, ...extra });

  describe(`HostTrust contract: ${name}`, () => {
    it('names this host and its registered owner', () => {
      const trust = world();
      assert.equal(trust.hostId, TEST_HOST_ID);
      assert.deepEqual(trust.owner(), owner.record);
    });

    it('without an owner, refuses to name one (scramble.no-owner) or judge revocations; the policy still loads', () => {
      const trust = make({ hostId: TEST_HOST_ID });
      throwsCode(() => trust.owner(), 'scramble.no-owner');
      throwsCode(() => trust.revokedKids(), 'scramble.no-owner');
      assert.deepEqual(trust.policy(), []);
    });

    it("counts the owner's revocations and skips an earlier owner's", () => {
      assert.deepEqual([...world().revokedKids()], []);
      const trust = world({ revocations: [earlier.revoke(KEPT), owner.revoke(REVOKED)] });
      assert.deepEqual([...trust.revokedKids()], [REVOKED]);
    });

    it('fails closed on a damaged revocation list: no key can be judged (scramble.untrusted)', () => {
      const trust = world({ revocations: 'damaged' });
      throwsCode(() => trust.revokedKids(), 'scramble.untrusted');
      assert.equal(trust.owner().scrambleId, owner.record.scrambleId, 'the owner is still known');
    });

    it('decides by the policy files, in lexical order of name, first match winning', () => {
      const trust = world({
        policyFiles: [
          { name: '50-late.policy', text: 'portal.* @owner * allow\n' },
          { name: '10-early.policy', text: 'portal.up @owner * deny\n' },
        ],
      });
      assert.equal(decide(trust.policy(), 'portal.list'), 'allow');
      assert.equal(decide(trust.policy(), 'portal.up'), 'policy.denied');
      assert.equal(decide(trust.policy(), 'image.build'), 'policy.no-match');
    });

    it('loads the default policy the daemon installs', () => {
      const trust = world({ policyFiles: [{ name: DEFAULT_POLICY_FILE, text: DEFAULT_POLICY }] });
      assert.equal(decide(trust.policy(), 'portal.list'), 'allow');
      assert.equal(decide(trust.policy(), 'agent.run'), 'allow');
      assert.equal(decide(trust.policy(), 'no.such-verb'), 'policy.denied');
    });

    it('with no policy file, has no rule: every request is denied (policy.no-match)', () => {
      assert.equal(decide(world({ policyFiles: [] }).policy(), 'portal.list'), 'policy.no-match');
    });

    it('denies everything while any policy line does not parse (policy.syntax), even beside good files', () => {
      const trust = world({
        policyFiles: [
          { name: '10-good.policy', text: 'portal.* @owner * allow\n' },
          { name: '20-bad.policy', text: 'portal.list @owner * perhaps\n' },
        ],
      });
      throwsCode(() => trust.policy(), 'policy.syntax');
      assert.deepEqual([...trust.revokedKids()], [], 'revocations are judged apart from the policy');
    });

    it('denies everything while the policy cannot be read (policy.syntax)', () => {
      throwsCode(() => world({ policyFiles: 'unreadable' }).policy(), 'policy.syntax');
    });

    it('gives the same answers for its whole life', () => {
      const trust = world({ revocations: [owner.revoke(REVOKED)], policyFiles: [] });
      assert.equal(trust.revokedKids(), trust.revokedKids());
      assert.equal(trust.policy(), trust.policy());
    });
  });
}
