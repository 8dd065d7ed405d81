/**
 * @module Replay protection that survives restarts: every accepted envelope's nonce is kept (in SQLite,
 * until its expiry has passed) and each signing key's highest sequence number is tracked. A nonce seen
 * before, or a sequence number too far behind the highest seen, is a replay. Requests from one key may
 * arrive out of order within `SEQUENCE_WINDOW` (concurrent CLI calls), never twice.
 */
import type Database from 'better-sqlite3';
import { MvError } from '../../errors/index.js';

/** How far below the highest sequence number a request may be and still be accepted. */
export const SEQUENCE_WINDOW = 60_000_000;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS seen_nonces (kid TEXT NOT NULL, nonce TEXT NOT NULL, expires REAL NOT NULL, PRIMARY KEY (kid, nonce));
  CREATE TABLE IF NOT EXISTS key_sequences (kid TEXT PRIMARY KEY, highest INTEGER NOT NULL);
`;

/** What identifies one envelope for replay purposes. */
export interface ReplayClaim {
  readonly kid: string;
  readonly nonce: string;
  readonly seq: number;
  readonly exp: number;
}

/** Nonces and sequence numbers per signing key. */
export class ReplayStore {
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  /** Accepts a claim exactly once (atomically), or throws `scramble.replay`. */
  accept(claim: ReplayClaim, now: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM seen_nonces WHERE expires < ?').run(now);
      const seen = this.db
        .prepare('SELECT 1 FROM seen_nonces WHERE kid = ? AND nonce = ?')
        .get(claim.kid, claim.nonce);
      const row = this.db.prepare('SELECT highest FROM key_sequences WHERE kid = ?').get(claim.kid) as
        | { highest: number }
        | undefined;
      if (seen || (row && claim.seq <= row.highest - SEQUENCE_WINDOW)) {
        throw new MvError(
          'scramble.replay',
          `Envelope from ${claim.kid} was already used or is too old (sequence ${claim.seq})`,
        );
      }
      this.db.prepare('INSERT INTO seen_nonces VALUES (?, ?, ?)').run(claim.kid, claim.nonce, claim.exp);
      this.db
        .prepare(
          'INSERT INTO key_sequences VALUES (?, ?) ON CONFLICT(kid) DO UPDATE SET highest = max(highest, excluded.highest)',
        )
        .run(claim.kid, claim.seq);
    })();
  }
}
