import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePolicy, type PolicyRequest } from './evaluate.js';
import { loadPolicy, type PolicyFile } from './parse.js';
import { ruleLocation } from './rule.js';

// A real Scramble ID (the root key of seed 07…07): rules check the checksum.
const ALICE = '5jfgyy7ctrjavpxvkb5rglwf7gkuo5vox27hxescd3vgsfcg2iwfmxqd';
const ALICE_KID = 'kabcdefghijklmnopqrstuvwx';
const BOB = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

function request(verb: string, target: string, who: Partial<PolicyRequest['source']> = {}): PolicyRequest {
  return {
    verb,
    target,
    source: { scrambleId: BOB, kid: 'kzzzzzzzzzzzzzzzzzzzzzzzz', isOwner: false, ...who },
  };
}

function decide(files: PolicyFile[], req: PolicyRequest): string {
  const result = evaluatePolicy(loadPolicy(files), req);
  const where = 'rule' in result ? ` ${ruleLocation(result.rule)}` : '';
  return `${result.decision}${result.decision === 'deny' ? ` ${result.code}` : ''}${where}`;
}

describe('evaluatePolicy: named fields', () => {
  const files = (text: string): PolicyFile[] => [{ name: '30-user.policy', text }];
  const owner = { isOwner: true };
  const up = (fields: Record<string, string>): PolicyRequest => ({
    ...request('portal.up', fields.formula ?? '', owner),
    fields,
  });
  const policy = files('portal.up @owner formula=application/* name=app-* allow\n');

  it('allows only when every named field matches', () => {
    assert.equal(
      decide(policy, up({ formula: 'application/console', name: 'app-x' })),
      'allow 30-user.policy:1',
    );
    assert.equal(
      decide(policy, up({ formula: 'service/router/universe', name: 'app-x' })),
      'deny policy.no-match',
      'an allowed name does not let another formula through',
    );
    assert.equal(decide(policy, up({ formula: 'application/console', name: 'web' })), 'deny policy.no-match');
  });

  it('matches a bare pattern against the primary field and named ones against theirs, both at once', () => {
    const both = files('portal.up @owner application/* name=app-* allow\n');
    assert.equal(
      decide(both, up({ formula: 'application/console', name: 'app-x' })),
      'allow 30-user.policy:1',
    );
    assert.equal(decide(both, up({ formula: 'app-x', name: 'app-x' })), 'deny policy.no-match');
  });

  it('never lets a missing field satisfy an allow rule, and always a deny rule', () => {
    const deny = files('portal.up @owner name=app-* deny\nportal.up @owner * allow\n');
    assert.equal(
      decide(deny, request('portal.up', 'application/console', owner)),
      'deny policy.denied 30-user.policy:1',
    );
    assert.equal(decide(policy, request('portal.up', 'application/console', owner)), 'deny policy.no-match');
  });
});

describe('evaluatePolicy', () => {
  it('denies with policy.no-match when no rule matches, including with no rules at all', () => {
    assert.deepEqual(evaluatePolicy([], request('portal.up', 'web')), {
      decision: 'deny',
      code: 'policy.no-match',
    });
    const files = [{ name: 'a.policy', text: 'portal.list @owner * allow\n' }];
    assert.equal(decide(files, request('portal.up', 'web', { isOwner: true })), 'deny policy.no-match');
  });

  it('denies with policy.denied and the rule on a matching deny rule, e.g. * * * deny', () => {
    const files = [{ name: 'a.policy', text: 'portal.list @owner * allow\n* * * deny\n' }];
    assert.equal(
      decide(files, request('portal.up', 'web', { isOwner: true })),
      'deny policy.denied a.policy:2',
    );
    assert.equal(decide(files, request('portal.list', 'host', { isOwner: true })), 'allow a.policy:1');
    assert.equal(decide(files, request('portal.list', 'host')), 'deny policy.denied a.policy:2');
  });

  it('lets the first match win across files in lexical order of name', () => {
    const files = [
      { name: 'policy.d/90-default.policy', text: 'portal.* @owner * allow\n* * * deny\n' },
      { name: 'policy.d/30-user.policy', text: 'portal.exec @owner secret-* deny\n' },
      { name: 'policy.d/10-admin.policy', text: 'portal.exec @owner secret-ok allow\n' },
    ];
    const owner = { isOwner: true };
    assert.equal(
      decide(files, request('portal.exec', 'secret-ok', owner)),
      'allow policy.d/10-admin.policy:1',
    );
    assert.equal(
      decide(files, request('portal.exec', 'secret-db', owner)),
      'deny policy.denied policy.d/30-user.policy:1',
    );
    assert.equal(decide(files, request('portal.exec', 'web', owner)), 'allow policy.d/90-default.policy:1');
    assert.equal(
      decide(files, request('portal.exec', 'web')),
      'deny policy.denied policy.d/90-default.policy:2',
    );
  });

  it('matches each source form', () => {
    const text = [
      `agent.ping ${ALICE}.onion a allow`,
      `agent.ping kid:${ALICE_KID} b allow`,
      'agent.ping @owner c allow',
      'agent.ping * d allow',
    ].join('\n');
    const files = [{ name: 'a.policy', text }];
    // A Scramble ID matches with or without ".onion", in the rule or in the request.
    assert.equal(decide(files, request('agent.ping', 'a', { scrambleId: ALICE })), 'allow a.policy:1');
    assert.equal(
      decide(files, request('agent.ping', 'a', { scrambleId: `${ALICE}.onion` })),
      'allow a.policy:1',
    );
    assert.equal(decide(files, request('agent.ping', 'a')), 'deny policy.no-match');
    assert.equal(decide(files, request('agent.ping', 'b', { kid: ALICE_KID })), 'allow a.policy:2');
    assert.equal(decide(files, request('agent.ping', 'b', { scrambleId: ALICE })), 'deny policy.no-match');
    assert.equal(decide(files, request('agent.ping', 'c', { isOwner: true })), 'allow a.policy:3');
    assert.equal(decide(files, request('agent.ping', 'c')), 'deny policy.no-match');
    assert.equal(decide(files, request('agent.ping', 'd')), 'allow a.policy:4');
  });

  it('matches verb and target globs over the whole string', () => {
    const files = [{ name: 'a.policy', text: 'portal.* * work-* allow\n' }];
    assert.equal(decide(files, request('portal.up', 'work-mail')), 'allow a.policy:1');
    assert.equal(decide(files, request('portal.up', 'play-work-mail')), 'deny policy.no-match');
    assert.equal(decide(files, request('agent.portal.up', 'work-mail')), 'deny policy.no-match');
  });

  it('hands the allowing rule back with its limits', () => {
    const files = [{ name: 'a.policy', text: 'portal.up @owner * allow rate=10/m burst=3 max-inflight=2\n' }];
    const result = evaluatePolicy(loadPolicy(files), request('portal.up', 'web', { isOwner: true }));
    assert.equal(result.decision, 'allow');
    assert.deepEqual(
      [result.rule?.rate?.burst, result.rule?.rate?.ratePerSecond, result.rule?.maxInflight],
      [3, 10 / 60, 2],
    );
  });
});
