import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson } from '../digest/index.js';
import { MvError } from '../errors/index.js';
import {
  draftEnvelope,
  type EnvelopeFields,
  envelopeDigest,
  globMatches,
  signEnvelope,
  type VerifyEnvelopeOptions,
  verifyEnvelope,
} from './envelope.js';
import {
  newEncryptionKey,
  newRootSeed,
  newSessionKey,
  type RandomBytes,
  rootKeyFromSeed,
  type SessionKey,
  verifyEd25519,
} from './keys.js';
import { decodeBase64Url, encodeBase64Url } from './onion.js';

function testRandom(label: string): RandomBytes {
  let counter = 0;
  return (length) =>
    Uint8Array.from(createHash('sha512').update(`${label}/${counter++}`).digest().subarray(0, length));
}
const NOW = 1_750_000_000_000;
const HOUR = 3_600_000;
const root = rootKeyFromSeed(newRootSeed(testRandom('root')));
const stranger = rootKeyFromSeed(newRootSeed(testRandom('stranger')));
const sessionOf = (owner = root, overrides: { now?: number; lifetimeMs?: number } = {}) =>
  newSessionKey(owner, {
    now: overrides.now ?? NOW - HOUR,
    lifetimeMs: overrides.lifetimeMs ?? 8 * HOUR,
    permissions: ['portal.*', 'agent.run'],
    random: testRandom(`session-${owner.scrambleId}-${overrides.now}-${overrides.lifetimeMs}`),
  });
const session = sessionOf();
const draft = (key: SessionKey = session, extra: Partial<EnvelopeFields> = {}): EnvelopeFields => ({
  ...draftEnvelope(key, {
    target: 'host-a',
    verb: 'portal.start',
    args: { name: 'work', count: 2, tags: ['x', 'é'] },
    seq: 7,
    now: NOW,
    random: testRandom('nonce'),
  }),
  ...extra,
});
const options = (extra: Partial<VerifyEnvelopeOptions> = {}): VerifyEnvelopeOptions => ({
  owner: root.scrambleId,
  now: NOW,
  targets: ['host-a', 'host-a.local'],
  isRevoked: () => false,
  ...extra,
});
const code = (expected: string) => (e: unknown) => e instanceof MvError && e.code === expected;
const rejects = (bytes: Uint8Array, expected: string, extra: Partial<VerifyEnvelopeOptions> = {}) =>
  assert.throws(() => verifyEnvelope(bytes, options(extra)), code(expected));
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const utf8 = (value: string) => Uint8Array.from(Buffer.from(value, 'utf8'));
/** Signs any record the way signEnvelope does, without its checks, to build envelopes it would refuse. */
function forge(record: object, key: SessionKey = session): Uint8Array {
  const input = Buffer.from(`multiverse/scramble-envelope/v1\0${canonicalJson(record)}`, 'utf8');
  return utf8(canonicalJson({ ...record, sig: encodeBase64Url(key.sign(input)) }));
}
const good = signEnvelope(draft(), session);

describe('signEnvelope and verifyEnvelope', () => {
  it('round-trips: the verified fields are the signed fields', () => {
    assert.deepEqual(verifyEnvelope(good, options()), draft());
  });

  it('writes canonical JSON with sig over "multiverse/scramble-envelope/v1\\0" + canonical(fields)', () => {
    const record = JSON.parse(text(good)) as Record<string, unknown>;
    assert.equal(text(good), canonicalJson(record));
    const { sig, ...fields } = record;
    const input = Buffer.from(`multiverse/scramble-envelope/v1\0${canonicalJson(fields)}`, 'utf8');
    assert.ok(
      verifyEd25519(session.publicKey, {
        message: input,
        signature: decodeBase64Url(sig, 64) ?? new Uint8Array(0),
      }),
    );
    assert.deepEqual(Object.keys(record).sort(), [
      'args',
      'cert',
      'exp',
      'iat',
      'id',
      'kid',
      'nonce',
      'seq',
      'sig',
      'target',
      'v',
      'verb',
    ]);
    assert.equal(decodeBase64Url(record.nonce, 16)?.length, 16);
  });

  it('drafts iat = now and exp = now + 60 s by default', () => {
    assert.equal(draft().iat, NOW);
    assert.equal(draft().exp, NOW + 60_000);
  });

  it('refuses to sign fields that do not belong to the key, or that the verifier would refuse', () => {
    const other = sessionOf(root, { now: NOW - 5 });
    assert.throws(() => signEnvelope(draft(other), session), code('usage.invalid'));
    assert.throws(() => signEnvelope(draft(session, { verb: 'has space' }), session), code('usage.invalid'));
    assert.throws(() => signEnvelope(draft(session, { seq: 0 }), session), code('usage.invalid'));
  });

  it('accepts an envelope exactly at the size limit and each listed target', () => {
    verifyEnvelope(good, options({ maxBytes: good.length }));
    const other = signEnvelope(draft(session, { target: 'host-a.local' }), session);
    assert.equal(verifyEnvelope(other, options()).target, 'host-a.local');
  });
});

describe('verifyEnvelope rejections, one per check', () => {
  it('scramble.too-large: over maxBytes, before looking at the content', () => {
    rejects(good, 'scramble.too-large', { maxBytes: good.length - 1 });
    rejects(new Uint8Array(65_537).fill(0xff), 'scramble.too-large');
  });

  it('scramble.decode: not UTF-8, not JSON, not an object, BOM', () => {
    for (const bytes of [
      Uint8Array.of(0xff, 0xfe),
      utf8('{'),
      utf8('[]'),
      utf8('"x"'),
      utf8(`\ufeff${text(good)}`),
    ]) {
      rejects(bytes, 'scramble.decode');
    }
  });

  it('scramble.decode: missing, extra or mistyped fields', () => {
    const fields = draft() as unknown as Record<string, unknown>;
    const { seq: _seq, ...withoutSeq } = fields;
    const cases: Record<string, unknown>[] = [
      withoutSeq,
      { ...fields, extra: 1 },
      { ...fields, v: '1' },
      { ...fields, seq: 0 },
      { ...fields, seq: 1.5 },
      { ...fields, iat: -1 },
      { ...fields, exp: String(NOW) },
      { ...fields, nonce: encodeBase64Url(new Uint8Array(15)) },
      { ...fields, nonce: `${fields.nonce}=` },
      { ...fields, verb: '' },
      { ...fields, target: 'two words' },
      { ...fields, id: 'not-an-id' },
      { ...fields, kid: 'k' },
      { ...fields, cert: 'cert' },
    ];
    for (const record of cases) rejects(forge(record), 'scramble.decode');
    rejects(utf8(canonicalJson({ ...JSON.parse(text(good)), sig: 'short' })), 'scramble.decode');
    rejects(utf8(text(good).replace('"work"', '"\\ud800"')), 'scramble.decode');
  });

  it('scramble.decode: any byte string but the canonical one (whitespace, order, escapes, numbers, duplicates)', () => {
    const canonical = text(good);
    const variants = [
      `${canonical}\n`,
      ` ${canonical}`,
      canonical.replace('"args":{', '"args": {'),
      canonical.replace('{"args":{"count":2,"name":"work"', '{"args":{"name":"work","count":2'),
      canonical.replace('"count":2', '"count":2.0'),
      canonical.replace('"seq":7', '"seq":7e0'),
      canonical.replace('"name":"work"', '"name":"\\u0077ork"'),
      canonical.replace('"é"', '"\\u00e9"'),
      canonical.replace('{"args":', '{"seq":7,"args":'),
    ];
    for (const variant of variants) {
      assert.notEqual(variant, canonical);
      rejects(utf8(variant), 'scramble.decode');
    }
  });

  it('scramble.version: a well-formed envelope of another version', () => {
    rejects(forge({ ...draft(), v: 2 }), 'scramble.version');
  });

  it('scramble.untrusted: another owner, a foreign certificate, a wrong type, a kid mismatch, a forged cert', () => {
    rejects(good, 'scramble.untrusted', { owner: stranger.scrambleId });
    const strangerSession = sessionOf(stranger);
    rejects(forge({ ...draft(strangerSession), id: root.scrambleId }, strangerSession), 'scramble.untrusted');
    const encryption = newEncryptionKey(root, {
      now: NOW - HOUR,
      lifetimeMs: HOUR * 8,
      random: testRandom('e'),
    });
    rejects(forge({ ...draft(), cert: encryption.certificate }), 'scramble.untrusted');
    const second = sessionOf(root, { now: NOW - 2 });
    rejects(forge({ ...draft(), kid: second.kid }), 'scramble.untrusted');
    rejects(
      forge({ ...draft(), cert: { ...session.certificate, permissions: ['*'] } }),
      'scramble.untrusted',
    );
  });

  it('scramble.revoked: a revoked session key, asked by kid', () => {
    const asked: string[] = [];
    const isRevoked = (kid: string) => {
      asked.push(kid);
      return true;
    };
    rejects(good, 'scramble.revoked', { isRevoked });
    assert.deepEqual(asked, [session.kid]);
  });

  it('scramble.bad-signature: changed fields, or signed by another key of the same owner', () => {
    const record = JSON.parse(text(good)) as Record<string, unknown>;
    rejects(utf8(canonicalJson({ ...record, seq: 8 })), 'scramble.bad-signature');
    rejects(utf8(canonicalJson({ ...record, target: 'host-a.local' })), 'scramble.bad-signature');
    const second = sessionOf(root, { now: NOW - 3 });
    rejects(forge(draft(), second), 'scramble.bad-signature');
  });

  it('scramble.expired: past exp, or outside the certificate window (beyond the skew allowance)', () => {
    rejects(good, 'scramble.expired', { now: NOW + 60_001 });
    verifyEnvelope(good, options({ now: NOW + 60_000 }));
    const short = sessionOf(root, { now: NOW - HOUR, lifetimeMs: HOUR + 10 });
    rejects(signEnvelope(draft(short), short), 'scramble.expired', { now: NOW + 11 });
    const early = sessionOf(root, { now: NOW + 30_001 });
    rejects(signEnvelope(draft(early), early), 'scramble.expired');
    const slightlyEarly = sessionOf(root, { now: NOW + 30_000 });
    verifyEnvelope(signEnvelope(draft(slightlyEarly), slightlyEarly), options());
  });

  it('scramble.clock-skew: issued too far in the future, lifetime too long, exp before iat', () => {
    const future = (iat: number) => signEnvelope(draft(session, { iat, exp: iat + 1000 }), session);
    verifyEnvelope(future(NOW + 30_000), options());
    rejects(future(NOW + 30_001), 'scramble.clock-skew');
    rejects(signEnvelope(draft(session, { exp: NOW + 300_001 }), session), 'scramble.clock-skew');
    verifyEnvelope(signEnvelope(draft(session, { exp: NOW + 300_000 }), session), options());
    rejects(
      signEnvelope(draft(session, { iat: NOW + 20_000, exp: NOW + 10_000 }), session),
      'scramble.clock-skew',
    );
    rejects(future(NOW + 40_000), 'scramble.expired', { now: NOW + 50_000, maxSkewMs: 5_000 });
  });

  it('scramble.not-permitted: a verb no permission glob matches', () => {
    for (const verb of ['agent.runx', 'agent', 'portalx.start', 'host.reboot']) {
      rejects(signEnvelope(draft(session, { verb }), session), 'scramble.not-permitted');
    }
    for (const verb of ['agent.run', 'portal.start', 'portal.a.b']) {
      verifyEnvelope(signEnvelope(draft(session, { verb }), session), options());
    }
  });

  it('scramble.wrong-target: a target the executor does not answer to', () => {
    rejects(signEnvelope(draft(session, { target: 'host-b' }), session), 'scramble.wrong-target');
    rejects(good, 'scramble.wrong-target', { targets: [] });
  });

  it('reports the first failing check when several fail', () => {
    const everything = signEnvelope(draft(session, { verb: 'host.reboot', target: 'host-b' }), session);
    const cases: [Partial<VerifyEnvelopeOptions>, string][] = [
      [{ maxBytes: 10 }, 'scramble.too-large'],
      [{ isRevoked: () => true, now: NOW + HOUR }, 'scramble.revoked'],
      [{ now: NOW + HOUR }, 'scramble.expired'],
      [{}, 'scramble.not-permitted'],
    ];
    for (const [extra, expected] of cases) rejects(everything, expected, extra);
    const record = JSON.parse(text(everything)) as Record<string, unknown>;
    rejects(utf8(canonicalJson({ ...record, seq: 99 })), 'scramble.bad-signature', { now: NOW + HOUR });
    rejects(forge({ ...draft(), v: 2, extra: true }), 'scramble.decode');
    rejects(forge({ ...draft(), v: 2 }), 'scramble.version', { owner: stranger.scrambleId });
  });

  it('never puts the signature, nonce or arguments in an error message', () => {
    const record = JSON.parse(text(good)) as Record<string, unknown>;
    const attempts: [Uint8Array, Partial<VerifyEnvelopeOptions>][] = [
      [utf8(canonicalJson({ ...record, seq: 8 })), {}],
      [good, { owner: stranger.scrambleId }],
      [good, { now: NOW + HOUR }],
      [good, { targets: [] }],
    ];
    for (const [bytes, extra] of attempts) {
      assert.throws(
        () => verifyEnvelope(bytes, options(extra)),
        (e: unknown) => {
          const message = (e as Error).message;
          return [record.sig, record.nonce, 'work'].every((secret) => !message.includes(String(secret)));
        },
      );
    }
  });
});

describe('globMatches', () => {
  const table: [string, string, boolean][] = [
    ['*', 'anything.at.all', true],
    ['*', '', true],
    ['portal.*', 'portal.start', true],
    ['portal.*', 'portal.', true],
    ['portal.*', 'portal', false],
    ['portal.*', 'xportal.start', false],
    ['*.start', 'portal.start', true],
    ['*.start', 'portal.stop', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['a**c', 'abc', true],
    ['agent.run', 'agent.run', true],
    ['agent.run', 'agent.runs', false],
    ['p*l.s*t', 'portal.start', true],
  ];
  for (const [pattern, verb, expected] of table) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} "${verb}"`, () => {
      assert.equal(globMatches(pattern, verb), expected);
    });
  }

  it('stays fast on a pathological pattern', () => {
    assert.equal(globMatches(`${'*a'.repeat(60)}b`, 'a'.repeat(128)), false);
  });
});

describe('envelopeDigest', () => {
  it('is sha256:<hex> of the wire bytes, and differs between envelopes', () => {
    assert.equal(envelopeDigest(good), `sha256:${createHash('sha256').update(good).digest('hex')}`);
    const other = signEnvelope(draft(session, { seq: 8 }), session);
    assert.notEqual(envelopeDigest(other), envelopeDigest(good));
  });
});
