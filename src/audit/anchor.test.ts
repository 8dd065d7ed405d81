import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostKeyFromSeed } from '../scramble/index.js';
import { type RememberedHead, verifyAnchored } from './anchor.js';
import { CHECKPOINT_INTERVAL, checkpointEntry, checkpointSignatureValid, resetEntry } from './checkpoint.js';
import { type AuditEntry, chainEntry, entryHash, GENESIS_HASH, placeAfter } from './entry.js';

const host = { hostId: 'hhostaaaaaaaaaaaaaaaaaaaaaaaa', key: hostKeyFromSeed(new Uint8Array(32).fill(1)) };
const stranger = { hostId: host.hostId, key: hostKeyFromSeed(new Uint8Array(32).fill(2)) };

/** A log as the daemon writes it: a checkpoint at start and after every `CHECKPOINT_INTERVAL` decisions. */
function hostLog(decisions: number, signer = host, start: AuditEntry[] = []): AuditEntry[] {
  const log = [...start];
  const add = (entry: AuditEntry) => log.push(entry);
  add(checkpointEntry(log.at(-1), signer, 1_000));
  for (let n = 1; n <= decisions; n += 1) {
    add(chainEntry(log.at(-1), { time: 1_000 + n, decision: 'allow', code: 'ok', target: `t${n}` }));
    if (n % CHECKPOINT_INTERVAL === 0) add(checkpointEntry(log.at(-1), signer, 1_000 + n));
  }
  return log;
}

const headOf = (log: readonly AuditEntry[]): RememberedHead => ({
  count: log.length,
  head: log.at(-1)?.hash ?? GENESIS_HASH,
  first: log[0]?.hash ?? GENESIS_HASH,
});

const problemOf = (verdict: ReturnType<typeof verifyAnchored>) =>
  verdict.ok ? 'ok' : `${verdict.problem}@${verdict.at}`;

describe('checkpoints', () => {
  it('sign the count and head they follow with the host key, and nothing else verifies', () => {
    const log = hostLog(3);
    const checkpoint = checkpointEntry(log.at(-1), host, 5_000);
    assert.deepEqual([checkpoint.seq, checkpoint.prev], [log.length + 1, log.at(-1)?.hash]);
    assert.equal(checkpoint.hash, entryHash(checkpoint));
    assert.equal(checkpointSignatureValid(checkpoint), true);
    const moved = { ...checkpoint, prev: log[0]?.hash ?? '' };
    assert.equal(checkpointSignatureValid(moved), false, 'the head is signed');
    assert.equal(checkpointSignatureValid({ ...checkpoint, seq: 2 }), false, 'the count is signed');
    assert.equal(checkpointSignatureValid({ ...checkpoint, time: 5_001 }), false, 'the time is signed');
    const swapped = Buffer.from(stranger.key.publicKey).toString('base64url');
    assert.equal(checkpointSignatureValid({ ...checkpoint, hostKey: swapped }), false, 'the key is its own');
  });

  it('use the audit-checkpoint domain: a reply signature over the same bytes does not verify', () => {
    const checkpoint = checkpointEntry(undefined, host, 1);
    const replyKey = {
      publicKey: host.key.publicKey,
      sign: (_: string, m: Uint8Array) => host.key.sign('reply', m),
    };
    const forged = checkpointEntry(undefined, { hostId: host.hostId, key: replyKey }, 1);
    assert.equal(checkpointSignatureValid(checkpoint), true);
    assert.equal(checkpointSignatureValid(forged), false);
  });
});

describe('verifyAnchored', () => {
  it('accepts the host log, naming its key, host, checkpoints and unsigned tail', () => {
    const log = hostLog(70);
    const verdict = verifyAnchored(log, { hostKey: host.key.publicKey, hostId: host.hostId });
    assert.ok(verdict.ok);
    assert.equal(verdict.count, 72);
    assert.equal(verdict.checkpoints, 2);
    assert.equal(verdict.unsigned, 6);
    assert.equal(verdict.hostKey, Buffer.from(host.key.publicKey).toString('base64url'));
    assert.equal(verdict.hostId, host.hostId);
    assert.equal(verdict.first, log[0]?.hash);
  });

  it('accepts the same log again against the head seen before, and a longer one', () => {
    const log = hostLog(10);
    const seen = headOf(log);
    assert.equal(problemOf(verifyAnchored(log, { remembered: seen })), 'ok');
    const grown = hostLog(0, host, log);
    assert.equal(problemOf(verifyAnchored(grown, { remembered: seen })), 'ok');
  });

  it('reports a cut tail as truncation', () => {
    const log = hostLog(10);
    const verdict = verifyAnchored(log.slice(0, 5), { remembered: headOf(log) });
    assert.equal(problemOf(verdict), 'truncated@6');
    assert.ok(!verdict.ok);
    assert.match(verdict.reason, /5 entries, fewer than the 11 seen before/);
  });

  it('reports a log cut back and written again past the seen head as replaced', () => {
    const log = hostLog(10);
    const regrown = hostLog(20, host, log.slice(0, 4)).slice(0, 16);
    assert.equal(problemOf(verifyAnchored(regrown, { remembered: headOf(log) })), 'replaced@11');
  });

  it('reports a log rewritten from scratch with a key of its own as replaced, checkpoint by checkpoint', () => {
    const forged = hostLog(20, stranger);
    assert.equal(problemOf(verifyAnchored(forged, { hostKey: host.key.publicKey })), 'foreign-key@1');
    const otherHost = hostLog(2, { hostId: 'hother', key: host.key });
    assert.equal(problemOf(verifyAnchored(otherHost, { hostId: host.hostId })), 'foreign-key@1');
  });

  it('without a key given, trusts the first checkpoint key and refuses a change of key later', () => {
    const mixed = hostLog(3, stranger, hostLog(3));
    assert.equal(problemOf(verifyAnchored(mixed)), 'foreign-key@5');
  });

  it('reports a checkpoint whose signature does not verify', () => {
    const log = hostLog(3);
    const first = log[0];
    assert.ok(first && 'kind' in first && first.kind === 'checkpoint');
    const tampered = { ...first, signature: `${first.signature.slice(0, -2)}AA` };
    const rebuilt = [{ ...tampered, hash: entryHash(tampered) }];
    for (const entry of log.slice(1)) {
      const { hash: _hash, seq: _seq, prev: _prev, ...body } = entry;
      rebuilt.push(placeAfter(rebuilt.at(-1), body) as never);
    }
    assert.equal(problemOf(verifyAnchored(rebuilt)), 'bad-signature@1');
  });

  it('refuses more unsigned entries after a checkpoint than the host ever leaves', () => {
    const log = hostLog(0);
    for (let n = 0; n <= CHECKPOINT_INTERVAL; n += 1) {
      log.push(chainEntry(log.at(-1), { time: n, decision: 'deny', code: 'auth.denied' }));
    }
    assert.equal(problemOf(verifyAnchored(log)), `unanchored@${CHECKPOINT_INTERVAL + 2}`);
  });

  it('refuses a long log with no checkpoint at all, unless told it predates checkpoints', () => {
    const log: AuditEntry[] = [];
    for (let n = 0; n <= CHECKPOINT_INTERVAL; n += 1) {
      log.push(chainEntry(log.at(-1), { time: n, decision: 'allow', code: 'ok' }));
    }
    assert.equal(problemOf(verifyAnchored(log)), `unanchored@${CHECKPOINT_INTERVAL + 1}`);
    assert.equal(problemOf(verifyAnchored(log, { allowUnanchored: true })), 'ok');
    assert.equal(problemOf(verifyAnchored(log.slice(0, 10))), 'ok');
  });

  it('still reports chain damage first', () => {
    const log = hostLog(5);
    assert.equal(problemOf(verifyAnchored([log[0], log[2], log[1], ...log.slice(3)])), 'reordered@2');
  });

  describe('after a reset', () => {
    const old = hostLog(10);
    const archived = {
      file: 'audit.log.archived-x',
      digest: GENESIS_HASH,
      entries: old.length,
      head: old.at(-1)?.hash ?? '',
    };
    const restarted = hostLog(3, host, [resetEntry(archived, 9_000)]);

    it('accepts a new chain whose reset recorded the old head seen before, saying so', () => {
      const verdict = verifyAnchored(restarted, { remembered: headOf(old) });
      assert.ok(verdict.ok);
      assert.equal(verdict.acrossReset, true);
      assert.deepEqual(verdict.reset, { time: 9_000, archived });
      assert.equal(verifyAnchored(restarted, { remembered: headOf(restarted) }).ok, true);
    });

    it('reports an old log cut back, or rewritten, before the reset', () => {
      const cut = hostLog(3, host, [resetEntry({ ...archived, entries: 8 }, 9_000)]);
      assert.equal(problemOf(verifyAnchored(cut, { remembered: headOf(old) })), 'truncated@1');
      const rewritten = hostLog(3, host, [resetEntry({ ...archived, head: GENESIS_HASH }, 9_000)]);
      assert.equal(problemOf(verifyAnchored(rewritten, { remembered: headOf(old) })), 'replaced@1');
    });

    it('judges a head seen since the reset within the new chain', () => {
      const seen = headOf(restarted);
      assert.equal(problemOf(verifyAnchored(restarted.slice(0, 3), { remembered: seen })), 'truncated@4');
    });

    it('refuses a reset anywhere but first', () => {
      const misplaced = [...hostLog(1)];
      const { hash: _h, seq: _s, prev: _p, ...body } = resetEntry(archived, 1);
      misplaced.push(placeAfter(misplaced.at(-1), body) as never);
      assert.equal(problemOf(verifyAnchored(misplaced)), 'misplaced-reset@3');
    });
  });
});
