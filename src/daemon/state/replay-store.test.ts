import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MvError } from '../../errors/index.js';
import {
  type MonotonicClock,
  NONCE_HOLD_MS,
  type ReplayClaim,
  ReplayStore,
  SEQUENCE_WINDOW,
} from './replay-store.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-replay-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_700_000_000_000;
const HOUR_MS = 3_600_000;

/** A monotonic clock the test moves by hand (`at` ms since its boot). */
function monotonic(boot = 'boot-1', at = 0): MonotonicClock & { at: number } {
  return {
    boot,
    at,
    now() {
      return this.at;
    },
  };
}

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
    const store = new ReplayStore(new Database(':memory:'), monotonic());
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
    const store = new ReplayStore(new Database(':memory:'), monotonic());
    store.accept(claim({ kid: 'key-a' }), NOW);
    store.accept(claim({ kid: 'key-b' }), NOW);
    assert.throws(() => store.accept(claim({ kid: 'key-b' }), NOW), replay);
  });

  it('accepts requests out of order within the window, and refuses one that far behind the highest', () => {
    const store = new ReplayStore(new Database(':memory:'), monotonic());
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

  it('keeps a nonce until its envelope has expired and its hold has passed, and forgets it after', () => {
    const clock = monotonic();
    const store = new ReplayStore(new Database(':memory:'), clock);
    store.accept(claim({ seq: 1, exp: NOW + 1_000 }), NOW);
    clock.at = 1_000;
    assert.throws(() => store.accept(claim({ seq: 2, exp: NOW + 1_000 }), NOW + 1_000), replay);
    clock.at = NONCE_HOLD_MS + 1;
    store.accept(claim({ seq: 3, exp: NOW + HOUR_MS }), NOW + NONCE_HOLD_MS + 1);
    assert.throws(() => store.accept(claim({ seq: 4 }), NOW + NONCE_HOLD_MS + 2), replay);
  });

  it('refuses a replay after the wall clock stepped forward (a purge ran) and back again', () => {
    const clock = monotonic();
    const store = new ReplayStore(new Database(':memory:'), clock);
    store.accept(claim({ seq: 1, exp: NOW + 60_000 }), NOW);
    clock.at = 1_000;
    // Ten minutes ahead: the envelope looks long expired, and another key's call purges what expired.
    store.accept(claim({ kid: 'key-b', nonce: 'other', seq: 1, exp: NOW + 660_000 }), NOW + 600_000);
    clock.at = 2_000;
    // Back again: by the wall clock the first envelope is valid once more, but its nonce is still held.
    assert.throws(() => store.accept(claim({ seq: 1, exp: NOW + 60_000 }), NOW + 2_000), replay);
  });

  it('holds a nonce while its envelope is valid by the wall clock, however little monotonic time passed', () => {
    const clock = monotonic();
    const store = new ReplayStore(new Database(':memory:'), clock);
    store.accept(claim({ exp: NOW + HOUR_MS }), NOW);
    clock.at = NONCE_HOLD_MS * 10;
    assert.throws(() => store.accept(claim({ seq: 2 }), NOW + 1), replay);
  });

  it('holds every nonce the full span again after a reboot (a new monotonic clock), also from the first schema', () => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE TABLE seen_nonces (kid TEXT NOT NULL, nonce TEXT NOT NULL, expires REAL NOT NULL, PRIMARY KEY (kid, nonce))',
    );
    db.prepare('INSERT INTO seen_nonces VALUES (?, ?, ?)').run('key-a', 'from-before', NOW + 1_000);
    new ReplayStore(db, monotonic('boot-1')).accept(claim({ nonce: 'n-1', exp: NOW + 1_000 }), NOW);
    const clock = monotonic('boot-2', 5);
    const store = new ReplayStore(db, clock);
    // The wall clock says both expired long ago; the new boot holds them for the full span from its start.
    assert.throws(() => store.accept(claim({ nonce: 'from-before', seq: 2 }), NOW + HOUR_MS), replay);
    assert.throws(() => store.accept(claim({ nonce: 'n-1', seq: 2 }), NOW + HOUR_MS), replay);
    clock.at = NONCE_HOLD_MS + 6;
    store.accept(claim({ nonce: 'n-1', seq: 3, exp: NOW + 2 * HOUR_MS }), NOW + HOUR_MS);
  });

  it('remembers nonces and sequence numbers across a restart (a new store on the same database file)', () => {
    const file = path.join(dir, 'state.sqlite');
    const first = new Database(file);
    new ReplayStore(first, monotonic()).accept(claim({ seq: SEQUENCE_WINDOW + 5 }), NOW);
    first.close();
    const second = new Database(file);
    try {
      const store = new ReplayStore(second, monotonic());
      assert.throws(() => store.accept(claim({ seq: SEQUENCE_WINDOW + 6 }), NOW + 1), replay);
      assert.throws(() => store.accept(claim({ nonce: 'fresh', seq: 5 }), NOW + 1), replay);
      store.accept(claim({ nonce: 'fresh', seq: SEQUENCE_WINDOW + 6 }), NOW + 1);
    } finally {
      second.close();
    }
  });

  it('records nothing of a refused claim', () => {
    const db = new Database(':memory:');
    const store = new ReplayStore(db, monotonic());
    store.accept(claim({ nonce: 'n-high', seq: SEQUENCE_WINDOW + 10 }), NOW);
    assert.throws(() => store.accept(claim({ nonce: 'n-too-old', seq: 1 }), NOW), replay);
    const nonces = db.prepare('SELECT nonce FROM seen_nonces ORDER BY nonce').all() as { nonce: string }[];
    assert.deepEqual(
      nonces.map((row) => row.nonce),
      ['n-high'],
    );
  });
});
