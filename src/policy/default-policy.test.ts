import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_VERBS } from '../guest-abi/index.js';
import { DEFAULT_POLICY, DEFAULT_POLICY_FILE } from './default-policy.js';
import { evaluatePolicy, type PolicyRequest } from './evaluate.js';
import { parsePolicy } from './parse.js';

const OWNER = { scrambleId: 'a'.repeat(56), kid: `k${'a'.repeat(24)}`, isOwner: true };
const STRANGER = { ...OWNER, isOwner: false };
const DAEMON_VERBS = [
  'system.version',
  'portal.list',
  'portal.status',
  'portal.logs',
  'portal.up',
  'portal.down',
  'portal.remove',
  'portal.exec',
  'portal.console',
  'portal.shell',
  'image.build',
  'image.prepare',
  'image.sign',
  'image.allow-downgrade',
  'image.list',
  'image.show',
  'image.verify',
  'image.remove',
  'image.gc',
  'image.sources',
  'image.outdated',
  'formula.tree',
  'audit.read',
];

describe('DEFAULT_POLICY', () => {
  const files = [{ name: `policy.d/${DEFAULT_POLICY_FILE}`, text: DEFAULT_POLICY }];
  const { rules, diagnostics } = parsePolicy(files);
  const decide = (verb: string, source: PolicyRequest['source']) =>
    evaluatePolicy(rules, { verb, target: 'web', source });

  it('parses cleanly', () => {
    assert.deepEqual(diagnostics, []);
    assert.ok(rules.length > 0);
  });

  it('has a comment directly above every rule, saying why', () => {
    const lines = DEFAULT_POLICY.split('\n');
    for (const rule of rules) {
      assert.match(lines[rule.where.line - 2] ?? '', /^# \S/, `no comment above line ${rule.where.line}`);
    }
  });

  it('allows the owner every daemon verb and every agent verb, each rate-limited', () => {
    for (const verb of [...DAEMON_VERBS, ...AGENT_VERBS.map((v) => `agent.${v}`)]) {
      const result = decide(verb, OWNER);
      assert.equal(result.decision, 'allow', verb);
      assert.ok(result.decision === 'allow' && result.rule.rate !== undefined, `${verb} has no rate`);
    }
  });

  it('caps in-flight boots and keeps agent verbs slower than the daemon reads', () => {
    const up = decide('portal.up', OWNER);
    assert.ok(up.decision === 'allow' && up.rule.maxInflight !== undefined);
    const list = decide('portal.list', OWNER);
    for (const verb of AGENT_VERBS) {
      const agent = decide(`agent.${verb}`, OWNER);
      assert.ok(agent.decision === 'allow' && list.decision === 'allow');
      assert.ok((agent.rule.rate?.ratePerSecond ?? 0) < (list.rule.rate?.ratePerSecond ?? 0), verb);
    }
  });

  it('ends with * * * deny: strangers and unknown verbs are refused by an explicit rule', () => {
    const last = rules[rules.length - 1];
    assert.equal(last?.text, '* * * deny');
    assert.equal(decide('portal.up', STRANGER).decision, 'deny');
    const unknown = decide('agent.frobnicate', OWNER);
    assert.ok(unknown.decision === 'deny' && unknown.code === 'policy.denied' && unknown.rule === last);
  });

  it("grants no shell into a router (target router.<name>) until the owner's own policy does", () => {
    const shell = (target: string, extra: typeof files = []) =>
      evaluatePolicy(parsePolicy([...files, ...extra]).rules, { verb: 'agent.shell', target, source: OWNER });
    assert.equal(shell('web').decision, 'allow');
    assert.equal(shell('router.star').decision, 'deny');
    const grant = {
      name: 'policy.d/30-user.policy',
      text: 'agent.shell @owner router.star allow rate=1/s\n',
    };
    assert.equal(shell('router.star', [grant]).decision, 'allow');
    assert.equal(shell('router.galaxy', [grant]).decision, 'deny');
  });

  it('sorts after a user file, so user rules are reached first', () => {
    const user = { name: 'policy.d/30-user.policy', text: 'agent.new-identity @owner * deny\n' };
    const withUser = parsePolicy([...files, user]).rules;
    const result = evaluatePolicy(withUser, { verb: 'agent.new-identity', target: 'web', source: OWNER });
    assert.equal(result.decision, 'deny');
  });
});
