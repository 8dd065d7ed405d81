import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { loadPolicy, PolicySyntaxError, parsePolicy } from './parse.js';

// A real Scramble ID (the root key of seed 07…07): rules check the checksum.
const ID = '5jfgyy7ctrjavpxvkb5rglwf7gkuo5vox27hxescd3vgsfcg2iwfmxqd';
const KID = 'kabcdefghijklmnopqrstuvwx';
const one = (text: string) => parsePolicy([{ name: 'policy.d/30-user.policy', text }]);

describe('parsePolicy: valid rules', () => {
  const table: { line: string; expect: Record<string, unknown> }[] = [
    {
      line: 'portal.up @owner * allow',
      expect: { verb: 'portal.up', source: { kind: 'owner' }, target: '*' },
    },
    { line: '* * * deny', expect: { verb: '*', source: { kind: 'any' }, action: 'deny' } },
    { line: `agent.* ${ID} work-* allow`, expect: { source: { kind: 'scramble-id', scrambleId: ID } } },
    { line: `agent.* ${ID}.onion * allow`, expect: { source: { kind: 'scramble-id', scrambleId: ID } } },
    {
      line: `portal.exec kid:${KID} web allow`,
      expect: { source: { kind: 'kid', kid: KID }, target: 'web' },
    },
    {
      line: 'portal.exec @owner * allow rate=5/s',
      expect: { rate: { count: 5, unit: 's', ratePerSecond: 5, burst: 5 } },
    },
    {
      line: 'portal.exec @owner * allow rate=30/m burst=2',
      expect: { rate: { count: 30, unit: 'm', ratePerSecond: 0.5, burst: 2 } },
    },
    {
      line: 'image.build @owner * allow rate=36/h burst=1 max-inflight=1',
      expect: { rate: { count: 36, unit: 'h', ratePerSecond: 0.01, burst: 1 }, maxInflight: 1 },
    },
    { line: 'portal.up @owner * allow max-inflight=3', expect: { maxInflight: 3, rate: undefined } },
    {
      line: '\tportal.up\t@owner   *\tallow  # trailing comment',
      expect: { text: 'portal.up @owner * allow' },
    },
    { line: 'portal.up @owner * allow #no space needed after the hash', expect: { action: 'allow' } },
    { line: 'portal.up @owner * allow\r', expect: { action: 'allow' } },
    {
      line: 'portal.up @owner formula=application/* name=app-* allow max-inflight=1',
      expect: { target: '*', fields: { formula: 'application/*', name: 'app-*' }, maxInflight: 1 },
    },
    {
      line: 'portal.logs @owner web-* name=web-1 deny',
      expect: { target: 'web-*', fields: { name: 'web-1' } },
    },
    { line: 'portal.exec @owner verb=ping allow', expect: { target: '*', fields: { verb: 'ping' } } },
    { line: 'agent.* @owner name=allow allow', expect: { fields: { name: 'allow' }, action: 'allow' } },
    { line: 'portal.up @owner allow allow', expect: { target: 'allow', action: 'allow' } },
  ];
  for (const { line, expect } of table) {
    it(`accepts ${JSON.stringify(line)}`, () => {
      const { rules, diagnostics } = one(line);
      assert.deepEqual(diagnostics, []);
      assert.equal(rules.length, 1);
      const rule = rules[0] as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(expect)) assert.deepEqual(rule[key], value, key);
    });
  }

  it('ignores comments and blank lines and keeps line numbers', () => {
    const { rules, diagnostics } = one('# heading\n\n   \n  # indented comment\nportal.up @owner * allow\n');
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(rules[0]?.where, { file: 'policy.d/30-user.policy', line: 5, column: 1 });
  });

  it('accepts an empty policy (which then denies everything)', () => {
    assert.deepEqual(parsePolicy([]), { rules: [], diagnostics: [] });
  });
});

describe('parsePolicy: problems with line and column', () => {
  const table: { text: string; at: [number, number, string]; message: RegExp; hint?: RegExp }[] = [
    { text: 'Portal.up @owner * allow', at: [1, 1, 'verb'], message: /Invalid verb pattern.*"P"/ },
    { text: 'portal.u+p @owner * allow', at: [1, 9, 'verb'], message: /character "\+"/ },
    { text: 'portal.up @admin * allow', at: [1, 11, 'source'], message: /Unknown source "@admin"/ },
    { text: 'portal.up owner * allow', at: [1, 11, 'source'], message: /Unknown source/, hint: /@owner/ },
    { text: 'portal.up kid:k123 * allow', at: [1, 15, 'source'], message: /Invalid key id "k123"/ },
    { text: `portal.up ${ID.slice(1)} * allow`, at: [1, 11, 'source'], message: /Invalid Scramble ID/ },
    { text: `portal.up ${ID.toUpperCase()} * allow`, at: [1, 11, 'source'], message: /Invalid Scramble ID/ },
    { text: 'portal.up bad.onion * allow', at: [1, 11, 'source'], message: /Invalid Scramble ID/ },
    {
      text: `portal.up ${ID.slice(0, 5)}${ID[5] === 'a' ? 'b' : 'a'}${ID.slice(6)} * allow`,
      at: [1, 11, 'source'],
      message: /Invalid Scramble ID .*checksum does not match/,
    },
    { text: 'portal.up @owner Web allow', at: [1, 18, 'target'], message: /Invalid target pattern/ },
    { text: 'portal.up @owner * permit', at: [1, 20, 'action'], message: /Unknown action "permit"/ },
    {
      text: 'portal.up @owner * ask',
      at: [1, 20, 'action'],
      message: /Unknown action "ask"/,
      hint: /no "ask"/,
    },
    { text: 'portal.up', at: [1, 10, 'source'], message: /Missing source/ },
    { text: 'portal.up @owner *', at: [1, 19, 'action'], message: /Missing action/ },
    { text: 'a @owner * allow rate=5', at: [1, 23, 'rate'], message: /Invalid rate "5"/ },
    { text: 'a @owner * allow rate=0/s', at: [1, 23, 'rate'], message: /Invalid rate/ },
    { text: 'a @owner * allow rate=5/d', at: [1, 23, 'rate'], message: /Invalid rate/ },
    { text: 'a @owner * allow rate=2000000/s', at: [1, 23, 'rate'], message: /Invalid rate/ },
    { text: 'a @owner * allow burst=3', at: [1, 18, 'burst'], message: /"burst" needs "rate"/ },
    { text: 'a @owner * allow rate=1/s burst=-1', at: [1, 33, 'burst'], message: /Invalid burst/ },
    { text: 'a @owner * allow max-inflight=0', at: [1, 31, 'max-inflight'], message: /Invalid max-inflight/ },
    { text: 'a @owner * allow max-inflight=1.5', at: [1, 31, 'max-inflight'], message: /Invalid/ },
    { text: 'a @owner * allow rate=1/s rate=2/s', at: [1, 27, 'rate'], message: /given twice/ },
    { text: 'a @owner * allow limit=3', at: [1, 18, 'options'], message: /Unknown option "limit"/ },
    { text: 'a @owner * allow fast', at: [1, 18, 'options'], message: /Unexpected "fast"/ },
    { text: 'a @owner * deny rate=1/s', at: [1, 17, 'rate'], message: /only allowed on allow rules/ },
    { text: 'a @owner * deny max-inflight=1', at: [1, 17, 'max-inflight'], message: /only allowed on allow/ },
    { text: 'portal.up#x @owner * allow', at: [1, 10, 'verb'], message: /character "#"/ },
    {
      text: 'portal.up @owner image=x allow',
      at: [1, 18, 'target'],
      message: /Field "image" is not one of portal.up's fields/,
      hint: /formula, name/,
    },
    { text: 'portal.* @owner name=x allow', at: [1, 17, 'target'], message: /not one of portal.list's/ },
    {
      text: 'portal.list @owner name=x allow',
      at: [1, 20, 'target'],
      message: /not one of/,
      hint: /no named/,
    },
    { text: 'agent.ping @owner formula=x deny', at: [1, 19, 'target'], message: /not one of agent.ping's/ },
    { text: 'portal.upp @owner name=x allow', at: [1, 19, 'target'], message: /matches no known verb/ },
    { text: 'portal.up @owner name=a name=b allow', at: [1, 25, 'target'], message: /given twice/ },
    { text: 'portal.up @owner a b allow', at: [1, 20, 'target'], message: /second bare target/ },
    { text: 'portal.up @owner Name=a allow', at: [1, 18, 'target'], message: /Invalid field name/ },
    { text: 'portal.up @owner name=A allow', at: [1, 23, 'target'], message: /Invalid target pattern/ },
    { text: 'portal.up @owner name= allow', at: [1, 23, 'target'], message: /Empty pattern/ },
    {
      text: '# ok\n\nportal.up @owner * allow\n  x  @owner',
      at: [4, 12, 'target'],
      message: /Missing target/,
    },
  ];
  for (const { text, at, message, hint } of table) {
    it(`reports ${JSON.stringify(text)}`, () => {
      const { rules, diagnostics } = one(text);
      assert.deepEqual(rules, []);
      const [d, ...rest] = diagnostics;
      assert.deepEqual(rest, []);
      assert.equal(d?.code, 'policy.syntax');
      assert.deepEqual([d?.where.line, d?.where.column, d?.where.path], at);
      assert.equal(d?.where.file, 'policy.d/30-user.policy');
      assert.match(d?.message ?? '', message);
      assert.ok((d?.hint ?? '').length > 0, 'every problem has a hint');
      if (hint) assert.match(d?.hint ?? '', hint);
    });
  }

  it('collects every problem on a line and across files, and returns no rules', () => {
    const { rules, diagnostics } = parsePolicy([
      { name: 'b.policy', text: 'portal.up @owner * allow\nX @nobody * maybe\n' },
      { name: 'a.policy', text: 'a * * deny burst=1\n' },
    ]);
    assert.deepEqual(rules, []);
    assert.deepEqual(
      diagnostics.map((d) => `${d.where.file}:${d.where.line}:${d.where.column}:${d.where.path}`),
      ['a.policy:1:12:burst', 'b.policy:2:1:verb', 'b.policy:2:3:source', 'b.policy:2:13:action'],
    );
  });

  it('refuses two files with the same name', () => {
    const { diagnostics } = parsePolicy([
      { name: 'x.policy', text: '' },
      { name: 'x.policy', text: '' },
    ]);
    assert.match(diagnostics[0]?.message ?? '', /given twice/);
    assert.throws(
      () =>
        loadPolicy([
          { name: 'x.policy', text: '' },
          { name: 'x.policy', text: '' },
        ]),
      /^PolicySyntaxError: Cannot load policy: x\.policy: Policy file "x\.policy" is given twice$/,
    );
  });
});

describe('parsePolicy: order', () => {
  it('orders files by name lexically (code units, not locale) and keeps rule order inside a file', () => {
    const { rules } = parsePolicy([
      { name: 'policy.d/90-default.policy', text: 'c * * deny\n' },
      { name: 'policy.d/30-user.policy', text: 'a1 * * allow\na2 * * allow\n' },
      { name: 'policy.d/30-User.policy', text: 'b * * allow\n' },
    ]);
    assert.deepEqual(
      rules.map((r) => r.verb),
      ['b', 'a1', 'a2', 'c'],
    );
  });
});

describe('loadPolicy', () => {
  it('returns the rules of a valid policy', () => {
    assert.equal(loadPolicy([{ name: 'a.policy', text: '* * * deny\n' }]).length, 1);
  });

  it('throws a PolicySyntaxError (a denial) naming the first file:line, with every diagnostic', () => {
    const files = [{ name: 'policy.d/30-user.policy', text: '\nportal.up @owner * yes\n* * *\n' }];
    assert.throws(
      () => loadPolicy(files),
      (error: unknown) => {
        assert.ok(error instanceof PolicySyntaxError);
        assert.ok(error instanceof MvError);
        assert.equal(error.code, 'policy.syntax');
        assert.match(error.message, /^Cannot load policy: policy\.d\/30-user\.policy:2: .*\(and 1 more\)$/);
        assert.match(error.hint ?? '', /Every request is denied/);
        assert.equal(error.diagnostics.length, 2);
        assert.deepEqual(error.where, error.diagnostics[0]?.where);
        return true;
      },
    );
  });
});
