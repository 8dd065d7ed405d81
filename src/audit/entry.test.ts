import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256Hex } from '../digest/index.js';
import { type AuditEntry, type AuditFields, chainEntry, entryHash, GENESIS_HASH } from './entry.js';
import { verifyChain } from './verify.js';

const digest = (text: string) => `sha256:${sha256Hex(text)}`;

function decision(n: number): AuditFields {
  return {
    time: 1_700_000_000_000 + n,
    decision: n % 2 === 0 ? 'deny' : 'allow',
    code: n % 2 === 0 ? 'scramble.replay' : 'ok',
    scrambleId: 'a'.repeat(56),
    kid: `k${'b'.repeat(24)}`,
    verb: 'portal.exec',
    target: 'web',
    envelopeDigest: digest(`envelope ${n}`),
    argsDigest: digest(`args ${n}`),
  };
}

function chain(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let n = 1; n <= length; n += 1) entries.push(chainEntry(entries[entries.length - 1], decision(n)));
  return entries;
}

describe('chainEntry', () => {
  it('starts at seq 1 after the all-zero genesis hash and links each entry to the one before', () => {
    const [first, second, third] = chain(3);
    assert.equal(GENESIS_HASH, `sha256:${'0'.repeat(64)}`);
    assert.deepEqual([first?.seq, first?.prev], [1, GENESIS_HASH]);
    assert.deepEqual([second?.seq, second?.prev], [2, first?.hash]);
    assert.deepEqual([third?.seq, third?.prev], [3, second?.hash]);
    assert.match(first?.hash ?? '', /^sha256:[0-9a-f]{64}$/);
  });

  it('hashes the canonical JSON of the entry without its hash, independent of key order', () => {
    const [entry] = chain(1);
    assert.ok(entry);
    const { hash, ...rest } = entry;
    const reversed = Object.fromEntries(Object.entries(rest).reverse()) as typeof rest;
    assert.equal(entryHash(reversed), hash);
    assert.equal(entryHash(entry), hash);
  });

  it('keeps only the optional fields given', () => {
    const entry = chainEntry(undefined, { time: 5, decision: 'deny', code: 'policy.no-match' });
    assert.deepEqual(Object.keys(entry).sort(), ['code', 'decision', 'hash', 'prev', 'seq', 'time']);
  });

  it('refuses plaintext where a digest belongs, without echoing it', () => {
    const secret = 'rm -rf / --my-password=hunter2';
    assert.throws(
      () => chainEntry(undefined, { ...decision(1), argsDigest: secret }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'internal.bug');
        assert.match(error.message, /argsDigest/);
        assert.ok(!error.message.includes('hunter2'));
        return true;
      },
    );
  });

  it('refuses unknown fields and bad codes', () => {
    const extra = { ...decision(1), args: ['secret'] } as unknown as AuditFields;
    assert.throws(() => chainEntry(undefined, extra), { code: 'internal.bug' });
    assert.throws(() => chainEntry(undefined, { ...decision(1), code: 'Not A Code' }), {
      code: 'internal.bug',
    });
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and an empty one', () => {
    const entries = chain(5);
    assert.deepEqual(verifyChain(entries), { ok: true, count: 5, head: entries[4]?.hash });
    assert.deepEqual(verifyChain([]), { ok: true, count: 0, head: GENESIS_HASH });
  });

  const tampers: { name: string; tamper: (e: AuditEntry[]) => unknown[]; at: number; problem: string }[] = [
    {
      name: 'an edited field',
      tamper: (e) => e.map((x) => (x.seq === 3 ? { ...x, target: 'forged' } : x)),
      at: 3,
      problem: 'edited',
    },
    {
      name: 'a changed hash',
      tamper: (e) => e.map((x) => (x.seq === 3 ? { ...x, hash: `sha256:${'f'.repeat(64)}` } : x)),
      at: 3,
      problem: 'edited',
    },
    {
      name: 'a deleted middle entry',
      tamper: (e) => e.filter((x) => x.seq !== 3),
      at: 3,
      problem: 'deleted',
    },
    { name: 'a deleted first entry', tamper: (e) => e.slice(1), at: 1, problem: 'deleted' },
    {
      name: 'two swapped entries',
      tamper: (e) => [e[0], e[2], e[1], e[3], e[4]],
      at: 2,
      problem: 'reordered',
    },
    { name: 'a repeated entry', tamper: (e) => [e[0], e[1], e[1], e[2]], at: 3, problem: 'reordered' },
    {
      name: 'an edited entry with its hash recomputed',
      tamper: (e) =>
        e.map((x) => {
          if (x.seq !== 3) return x;
          const forged = { ...x, target: 'forged' };
          return { ...forged, hash: entryHash(forged) };
        }),
      at: 4,
      problem: 'broken-link',
    },
    {
      name: 'a renumbered chain after a deletion (prev still names the lost entry)',
      tamper: (e) => {
        const kept = e.filter((x) => x.seq !== 2).map((x, i) => ({ ...x, seq: i + 1 }));
        return kept.map((x) => ({ ...x, hash: entryHash(x) }));
      },
      at: 2,
      problem: 'broken-link',
    },
    {
      name: 'a non-entry',
      tamper: (e) => [e[0], { hello: 'world' }, ...e.slice(2)],
      at: 2,
      problem: 'malformed',
    },
  ];
  for (const { name, tamper, at, problem } of tampers) {
    it(`detects ${name} at seq ${at}`, () => {
      const verdict = verifyChain(tamper(chain(5)));
      assert.equal(verdict.ok, false);
      assert.ok(!verdict.ok);
      assert.deepEqual([verdict.at, verdict.problem], [at, problem], verdict.reason);
    });
  }

  it('cannot see a truncated tail from the entries alone, but does with expectHead', () => {
    const entries = chain(5);
    const head = entries[4]?.hash ?? '';
    const cut = entries.slice(0, 3);
    assert.deepEqual(verifyChain(cut), { ok: true, count: 3, head: entries[2]?.hash });
    const verdict = verifyChain(cut, { expectHead: head });
    assert.ok(!verdict.ok);
    assert.deepEqual([verdict.at, verdict.problem], [4, 'head-mismatch']);
    assert.equal(verifyChain(entries, { expectHead: head }).ok, true);
    assert.equal(verifyChain([], { expectHead: head }).ok, false);
    assert.equal(verifyChain([], { expectHead: GENESIS_HASH }).ok, true);
  });
});

describe('long names', () => {
  it('records a target over 256 characters as its prefix and the digest of the whole, never refusing it', () => {
    const target = `app-${'x'.repeat(5_000)}`;
    const entry = chainEntry(undefined, { ...decision(1), target });
    assert.ok(entry.target !== undefined && entry.target.length <= 256);
    assert.ok(entry.target.startsWith('app-xxx'));
    assert.ok(entry.target.endsWith(`sha256:${sha256Hex(target)}`));
    assert.equal(verifyChain([entry]).ok, true);
    const other = chainEntry(undefined, { ...decision(1), target: `${target}y` });
    assert.notEqual(other.target, entry.target, 'two long names stay apart');
  });

  it('records an empty target (a method without target fields) as none', () => {
    const entry = chainEntry(undefined, {
      time: 1,
      decision: 'allow',
      code: 'ok',
      verb: 'image.gc',
      target: '',
    });
    assert.equal('target' in entry, false);
    assert.equal(entry.verb, 'image.gc');
  });

  it('keeps a name of 256 characters as it is, and never splits a character in the prefix', () => {
    const exact = 'a'.repeat(256);
    assert.equal(chainEntry(undefined, { ...decision(1), target: exact }).target, exact);
    const emoji = chainEntry(undefined, { ...decision(1), verb: '🙂'.repeat(300) }).verb ?? '';
    assert.ok(!/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(emoji), 'no lone high surrogate');
  });
});
