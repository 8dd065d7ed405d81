/**
 * @module Replay protection that survives restarts and clock steps: every accepted envelope's nonce is kept
 * (in SQLite) while either of two clocks says its envelope could still be valid, and each signing key's
 * highest sequence number is tracked. A nonce seen before, or a sequence number too far behind the highest
 * seen, is a replay. Requests from one key may arrive out of order within `SEQUENCE_WINDOW` (concurrent CLI
 * calls), never twice.
 *
 * The two clocks: the wall clock (the envelope's own `exp`) and the monotonic clock, which no one can step
 * (a deadline of the longest any envelope can live, from its acceptance). A wall clock stepped forward
 * cannot make the store forget a nonce early, and one stepped back finds the nonce still there. The
 * monotonic clock starts again at each boot, so after a reboot every remembered nonce is held the full
 * span again from the daemon's start.
 */
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { MvError } from '../../errors/index.js';
import { ENVELOPE_DEFAULTS } from '../../scramble/index.js';

/** How far below the highest sequence number a request may be and still be accepted. */
export const SEQUENCE_WINDOW = 60_000_000;

/** How long (monotonic) a nonce is held at least: the longest an envelope lives, plus the clock skew allowed. */
export const NONCE_HOLD_MS = ENVELOPE_DEFAULTS.maxLifetimeMs + ENVELOPE_DEFAULTS.maxSkewMs;

/** A clock no one can step: milliseconds since this boot, and which boot. */
export interface MonotonicClock {
  readonly boot: string;
  now(): number;
}

/** The system's monotonic clock (CLOCK_MONOTONIC, shared by every process of one boot) and its boot id. */
export function systemMonotonicClock(): MonotonicClock {
  return {
    boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
    now: () => Number(process.hrtime.bigint() / 1_000_000n),
  };
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS seen_nonces (kid TEXT NOT NULL, nonce TEXT NOT NULL, expires REAL NOT NULL, PRIMARY KEY (kid, nonce));
  CREATE TABLE IF NOT EXISTS key_sequences (kid TEXT PRIMARY KEY, highest INTEGER NOT NULL);
`;

/** Columns added since the first schema; rows from before count as from another boot (held afresh). */
const HOLD_COLUMNS = {
  boot: "TEXT NOT NULL DEFAULT ''",
  held_until: 'REAL NOT NULL DEFAULT 0',
} as const;

/** What identifies one envelope for replay purposes. */
export interface ReplayClaim {
  readonly kid: string;
  readonly nonce: string;
  readonly seq: number;
  readonly exp: number;
}

/** Nonces and sequence numbers per signing key. */
export class ReplayStore {
  constructor(
    private readonly db: Database.Database,
    private readonly monotonic: MonotonicClock,
  ) {
    db.exec(SCHEMA);
    const columns = new Set(
      (db.prepare('PRAGMA table_info(seen_nonces)').all() as { name: string }[]).map((c) => c.name),
    );
    for (const [name, type] of Object.entries(HOLD_COLUMNS))
      if (!columns.has(name)) db.exec(`ALTER TABLE seen_nonces ADD COLUMN ${name} ${type}`);
    // A deadline on another boot's monotonic clock means nothing here: hold those nonces the full span again.
    db.prepare('UPDATE seen_nonces SET boot = ?, held_until = ? WHERE boot <> ?').run(
      monotonic.boot,
      monotonic.now() + NONCE_HOLD_MS,
      monotonic.boot,
    );
  }

  /** Accepts a claim exactly once (atomically), or throws `scramble.replay`; `now` is the wall clock. */
  accept(claim: ReplayClaim, now: number): void {
    const held = this.monotonic.now();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM seen_nonces WHERE expires < ? AND held_until < ?').run(now, held);
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
      this.db
        .prepare('INSERT INTO seen_nonces (kid, nonce, expires, boot, held_until) VALUES (?, ?, ?, ?, ?)')
        .run(claim.kid, claim.nonce, claim.exp, this.monotonic.boot, held + NONCE_HOLD_MS);
      this.db
        .prepare(
          'INSERT INTO key_sequences VALUES (?, ?) ON CONFLICT(kid) DO UPDATE SET highest = max(highest, excluded.highest)',
        )
        .run(claim.kid, claim.seq);
    })();
  }
}
