import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEntry, AuditFields } from '../../audit/index.js';
import { chainEntry } from '../../audit/index.js';
import { MvError } from '../../errors/index.js';
import { type PolicyFile, RateLimiter } from '../../policy/index.js';
import { Authorizer, type AuthRequest } from './authorizer.js';
import { memoryHostTrust, type TrustWorld } from './host-trust-memory.js';
import { createTestOwner, TEST_HOST_ID, TEST_NOW } from './test-owner.js';

const owner = createTestOwner('authorizer-owner');
const KID = owner.session.signing.kid;
const AUDIT = { scrambleId: owner.record.scrambleId, kid: KID, envelopeDigest: `sha256:${'e'.repeat(64)}` };

/** An authorizer with an in-memory audit log and a clock the test moves (monotonic milliseconds). */
function authorizerOver(policy: TrustWorld['policyFiles'], options: { failingAudit?: boolean } = {}) {
  const audit: AuditFields[] = [];
  let last: AuditEntry | undefined;
  let monotonic = 0;
  const authorizer = new Authorizer(
    { clock: () => TEST_NOW },
    {
      append: async (fields) => {
        if (options.failingAudit) throw new MvError('audit.broken', 'disk full');
        last = chainEntry(last, fields);
        audit.push(fields);
        return last;
      },
    },
    new RateLimiter({ now: () => monotonic }),
  );
  const trust = memoryHostTrust({
    hostId: TEST_HOST_ID,
    owner: owner.record,
    ...(policy === undefined ? {} : { policyFiles: policy }),
  });
  const request = (verb: string, target = 'work', isOwner = true): AuthRequest => ({
    verb,
    target,
    source: { scrambleId: owner.record.scrambleId, kid: KID, isOwner },
    trust,
  });
  return {
    authorizer,
    audit,
    request,
    authorize: (verb: string, target?: string) => authorizer.authorize(request(verb, target), AUDIT),
    wait: (ms: number) => {
      monotonic += ms;
    },
  };
}

const policy = (text: string): PolicyFile[] => [{ name: '10-test.policy', text }];
const refusedWith = (code: string) => (error: unknown) => error instanceof MvError && error.code === code;
const decisions = (audit: readonly AuditFields[]) => audit.map((e) => `${e.decision} ${e.code} ${e.verb}`);

describe('Authorizer', () => {
  it('allows what the policy allows, auditing the allow with the request and its envelope', async () => {
    const { authorize, audit } = authorizerOver(policy('portal.* @owner * allow\n'));
    const release = await authorize('portal.list');
    release();
    assert.deepEqual(audit, [
      { ...AUDIT, verb: 'portal.list', target: 'work', time: TEST_NOW, decision: 'allow', code: 'ok' },
    ]);
  });

  it('denies what a rule denies (policy.denied) and what no rule matches (policy.no-match), saying only auth.denied', async () => {
    const { authorize, audit } = authorizerOver(policy('portal.up @owner * deny\nportal.* @owner * allow\n'));
    await assert.rejects(authorize('portal.up'), refusedWith('auth.denied'));
    await assert.rejects(authorize('image.build'), refusedWith('auth.denied'));
    assert.deepEqual(decisions(audit), ['deny policy.denied portal.up', 'deny policy.no-match image.build']);
  });

  it('grants @owner rules to the owner only', async () => {
    const { authorizer, request, audit } = authorizerOver(policy('portal.* @owner * allow\n'));
    await assert.rejects(
      authorizer.authorize(request('portal.list', 'work', false), AUDIT),
      refusedWith('auth.denied'),
    );
    assert.deepEqual(decisions(audit), ['deny policy.no-match portal.list']);
  });

  it('denies everything while the policy does not parse or cannot be read (policy.syntax)', async () => {
    for (const files of [policy('portal.* @owner * allow\nportal.up owner\n'), 'unreadable' as const]) {
      const { authorize, audit } = authorizerOver(files);
      await assert.rejects(authorize('portal.list'), refusedWith('auth.denied'));
      assert.deepEqual(decisions(audit), ['deny policy.syntax portal.list']);
    }
  });

  it('denies everything without a policy file (policy.no-match)', async () => {
    const { authorize, audit } = authorizerOver(undefined);
    await assert.rejects(authorize('portal.list'), refusedWith('auth.denied'));
    assert.deepEqual(decisions(audit), ['deny policy.no-match portal.list']);
  });

  it('rate-limits per key and verb (whatever the target), says when to retry, and lets the bucket refill', async () => {
    const { authorize, audit, wait } = authorizerOver(
      policy('portal.list @owner * allow rate=1/s burst=2\n'),
    );
    await authorize('portal.list');
    await authorize('portal.list');
    await assert.rejects(
      authorize('portal.list'),
      (error) =>
        error instanceof MvError && error.code === 'auth.rate-limited' && /retry in 1 s/.test(error.message),
    );
    await assert.rejects(authorize('portal.list', 'other'), refusedWith('auth.rate-limited'));
    wait(1_000);
    await authorize('portal.list');
    assert.deepEqual(decisions(audit), [
      'allow ok portal.list',
      'allow ok portal.list',
      'deny auth.rate-limited portal.list',
      'deny auth.rate-limited portal.list',
      'allow ok portal.list',
    ]);
  });

  it('caps requests in flight per key and verb until one is released, whatever their targets', async () => {
    const { authorize, audit } = authorizerOver(policy('portal.up @owner * allow max-inflight=1\n'));
    const release = await authorize('portal.up', 'one');
    await assert.rejects(authorize('portal.up', 'another'), refusedWith('auth.rate-limited'));
    release();
    (await authorize('portal.up'))();
    assert.deepEqual(decisions(audit), [
      'allow ok portal.up',
      'deny auth.rate-limited portal.up',
      'allow ok portal.up',
    ]);
  });

  it('allows nothing it could not audit', async () => {
    const { authorize } = authorizerOver(policy('portal.* @owner * allow\n'), { failingAudit: true });
    await assert.rejects(authorize('portal.list'), refusedWith('audit.broken'));
  });

  it('records a refusal found before the policy with its exact code, and throws auth.denied', async () => {
    const { authorizer, audit } = authorizerOver(policy('portal.* @owner * allow\n'));
    await assert.rejects(authorizer.refuse('scramble.replay', AUDIT), (error) => {
      assert.ok(error instanceof MvError);
      assert.deepEqual([error.code, error.message], ['auth.denied', 'Denied']);
      return true;
    });
    assert.deepEqual(audit, [{ ...AUDIT, time: TEST_NOW, decision: 'deny', code: 'scramble.replay' }]);
  });
});
