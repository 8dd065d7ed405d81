import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MvError } from '../../errors/index.js';
import { type ReplayClaim, ReplayStore, SEQUENCE_WINDOW } from './replay-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-replay-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_700_000_000_000;
const HOUR_MS = 3_600_000;

const claim = (fields: Partial<ReplayClaim> = {}): ReplayClaim => ({
  kid: 'key-a',
  nonce: 'nonce-1',
  seq: 1,
  exp: NOW + HOUR_MS,
  ...fields,
});

const replay = (error: unknown) => {
  assert.ok(error instanceof MvError, `an MvError, not ${String(error)}`);
  assert.equal(error.code, 'scramble.replay');
  return true;
};

describe('ReplayStore', () => {
  it('accepts an envelope once and refuses its nonce again, also with another sequence number', () => {
    const store = new ReplayStore(new Database(':memory:'));
    store.accept(claim(), NOW);
    assert.throws(() => store.accept(claim(), NOW + 1), replay);
    assert.throws(
      () => store.accept(claim({ seq: 2 }), NOW + 1),
      (error: unknown) => {
        replay(error);
        assert.equal(
          (error as MvError).message,
          'Envelope from key-a was already used or is too old (sequence 2)',
        );
        return true;
      },
    );
  });

  it('keeps each signing key’s nonces apart', () => {
    const store = new ReplayStore(new Database(':memory:'));
    store.accept(claim({ kid: 'key-a' }), NOW);
    store.accept(claim({ kid: 'key-b' }), NOW);
    assert.throws(() => store.accept(claim({ kid: 'key-b' }), NOW), replay);
  });

  it('accepts requests out of order within the window, and refuses one that far behind the highest', () => {
    const store = new ReplayStore(new Database(':memory:'));
    const highest = SEQUENCE_WINDOW + 1_000;
    store.accept(claim({ nonce: 'n-high', seq: highest }), NOW);
    store.accept(claim({ nonce: 'n-late', seq: highest - 10 }), NOW);
    store.accept(claim({ nonce: 'n-edge', seq: highest - SEQUENCE_WINDOW + 1 }), NOW);
    assert.throws(() => store.accept(claim({ nonce: 'n-old', seq: highest - SEQUENCE_WINDOW }), NOW), replay);
    // An accepted late request does not lower the highest sequence number.
    assert.throws(() => store.accept(claim({ nonce: 'n-old2', seq: 1_000 }), NOW), replay);
    // Other keys have sequences of their own.
    store.accept(claim({ kid: 'key-b', nonce: 'n-b', seq: 1 }), NOW);
  });

  it('keeps a nonce until its envelope has expired, and forgets it after (the envelope is refused by then)', () => {
    const store = new ReplayStore(new Database(':memory:'));
    store.accept(claim({ seq: 1, exp: NOW + 1_000 }), NOW);
    assert.throws(() => store.accept(claim({ seq: 2, exp: NOW + 1_000 }), NOW + 1_000), replay);
    store.accept(claim({ seq: 3, exp: NOW + HOUR_MS }), NOW + 1_001);
    assert.throws(() => store.accept(claim({ seq: 4 }), NOW + 2_000), replay);
  });

  it('remembers nonces and sequence numbers across a restart (a new store on the same database file)', () => {
    const file = path.join(dir, 'state.sqlite');
    const first = new Database(file);
    new ReplayStore(first).accept(claim({ seq: SEQUENCE_WINDOW + 5 }), NOW);
    first.close();
    const second = new Database(file);
    try {
      const store = new ReplayStore(second);
      assert.throws(() => store.accept(claim({ seq: SEQUENCE_WINDOW + 6 }), NOW + 1), replay);
      assert.throws(() => store.accept(claim({ nonce: 'fresh', seq: 5 }), NOW + 1), replay);
      store.accept(claim({ nonce: 'fresh', seq: SEQUENCE_WINDOW + 6 }), NOW + 1);
    } finally {
      second.close();
    }
  });

  it('records nothing of a refused claim', () => {
    const db = new Database(':memory:');
    const store = new ReplayStore(db);
    store.accept(claim({ nonce: 'n-high', seq: SEQUENCE_WINDOW + 10 }), NOW);
    assert.throws(() => store.accept(claim({ nonce: 'n-too-old', seq: 1 }), NOW), replay);
    const nonces = db.prepare('SELECT nonce FROM seen_nonces ORDER BY nonce').all() as { nonce: string }[];
    assert.deepEqual(
      nonces.map((row) => row.nonce),
      ['n-high'],
    );
  });
});
