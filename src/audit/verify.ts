/**
 * @module Checks a sequence of audit entries: each must be well formed, carry the hash of its own content,
 * have the next `seq`, and name the previous entry's hash as `prev`.
 *
 * What the entries alone cannot show: a log cut short at the end is still a valid chain, and so is a log
 * rewritten from scratch by someone who recomputes every hash (the chain has no key). Both are caught only
 * against a head known elsewhere: pass the last hash recorded outside the log as `expectHead`.
 * Pure: no I/O.
 */
import { AUDIT_ENTRY, type AuditEntry, entryHash, GENESIS_HASH } from './entry.js';

/** What kind of damage `verifyChain` found. */
export type ChainProblem = 'malformed' | 'edited' | 'deleted' | 'reordered' | 'broken-link' | 'head-mismatch';

/** The verdict: the chain holds (with its length and head), or the first position where it breaks. */
export type ChainVerdict =
  | { readonly ok: true; readonly count: number; readonly head: string }
  | {
      readonly ok: false;
      /** The 1-based position (the seq the entry there should have) where the chain first breaks. */
      readonly at: number;
      readonly problem: ChainProblem;
      readonly reason: string;
    };

/** Options of `verifyChain`. */
export interface VerifyChainOptions {
  /** The hash of the last entry as recorded elsewhere; a different head means entries were cut or replaced. */
  readonly expectHead?: string;
}

/** Verifies a chain of entries from seq 1; detects edits, deletions and reordering (and truncation with `expectHead`). */
export function verifyChain(entries: readonly unknown[], options: VerifyChainOptions = {}): ChainVerdict {
  let head = GENESIS_HASH;
  for (const [index, value] of entries.entries()) {
    const at = index + 1;
    const parsed = AUDIT_ENTRY.safeParse(value);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(entry)').join(', ');
      return broken(at, 'malformed', `entry ${at} is not a valid audit entry (${fields})`);
    }
    const entry = parsed.data;
    if (entryHash(entry) !== entry.hash) {
      return broken(at, 'edited', `entry ${at} does not match its hash: its content or hash was changed`);
    }
    if (entry.seq !== at) return sequenceBreak(entries, at, entry);
    if (entry.prev !== head) {
      return broken(
        at,
        'broken-link',
        `entry ${at} does not follow entry ${at - 1}: an entry was altered and rehashed`,
      );
    }
    head = entry.hash;
  }
  const count = entries.length;
  if (options.expectHead !== undefined && options.expectHead !== head) {
    return broken(
      count + 1,
      'head-mismatch',
      `the log ends at seq ${count} but its head is not the expected one: entries were removed from the end, ` +
        'or the log was replaced',
    );
  }
  return { ok: true, count, head };
}

function sequenceBreak(entries: readonly unknown[], at: number, entry: AuditEntry): ChainVerdict {
  // Looking ahead tells a gap (the entry is gone) from a swap (it turns up later).
  const later = entries.slice(at).some((other) => (other as Partial<AuditEntry> | null)?.seq === at);
  if (entry.seq > at && !later) {
    return broken(at, 'deleted', `entry ${at} is missing: found seq ${entry.seq} in its place`);
  }
  return broken(at, 'reordered', `entry ${at} is out of order: found seq ${entry.seq} in its place`);
}

function broken(at: number, problem: ChainProblem, reason: string): ChainVerdict {
  return { ok: false, at, problem, reason };
}
