/**
 * @module Verifies a log against what is known outside it: its checkpoints must be signed by the host's key
 * (given, e.g. the owner's pinned key, or the key its first checkpoint names), no stretch of more than
 * `CHECKPOINT_INTERVAL` entries may go unsigned after the first checkpoint, and a head remembered from an
 * earlier look (the CLI's `audit-heads.json`, or the daemon's last checkpoint in SQLite) must still be in
 * the log, at its place. That is what the chain alone cannot show: a log cut back at its end (truncation)
 * or rewritten from scratch with every hash recomputed (replacement).
 * A chain that starts with a reset continues an archived log: a remembered head from before the reset is
 * judged against what the reset recorded of the old log.
 * Pure: no I/O.
 */
import { hostKeyFingerprint } from '../scramble/index.js';
import { CHECKPOINT_INTERVAL, checkpointSignatureValid } from './checkpoint.js';
import {
  type ArchivedLog,
  type AuditEntry,
  type CheckpointEntry,
  GENESIS_HASH,
  type ResetEntry,
} from './entry.js';
import { type ChainProblem, verifyChain } from './verify.js';

/** An entry seen before: the log had `count` entries, the last one's hash was `head`, the first one's `first`. */
export interface RememberedHead {
  readonly count: number;
  readonly head: string;
  /** The hash of the chain's first entry: tells a later chain (after a reset) from this one. */
  readonly first: string;
}

/** What the log is checked against. */
export interface AnchorOptions {
  /** The host's public key; without it, the key the first checkpoint names (trust on first use). */
  readonly hostKey?: Uint8Array;
  /** The host whose log this must be. */
  readonly hostId?: string;
  readonly remembered?: RememberedHead;
  /** Accepts a log with no checkpoint at all, however long (a log written before checkpoints existed). */
  readonly allowUnanchored?: boolean;
}

/** What kind of damage `verifyAnchored` found. */
export type AnchorProblem =
  | ChainProblem
  | 'bad-signature'
  | 'foreign-key'
  | 'unanchored'
  | 'misplaced-reset'
  | 'truncated'
  | 'replaced';

/** The verdict over the whole log. */
export type AnchorVerdict =
  | {
      readonly ok: true;
      readonly count: number;
      readonly head: string;
      /** The first entry's hash (the genesis hash for an empty log): names this chain. */
      readonly first: string;
      readonly checkpoints: number;
      /** The key every checkpoint was signed with (base64url), when there is one. */
      readonly hostKey?: string;
      readonly hostId?: string;
      /** Entries after the last checkpoint (not yet signed). */
      readonly unsigned: number;
      /** The reset this chain starts with, when it does. */
      readonly reset?: { readonly time: number; readonly archived: ArchivedLog };
      /** The remembered head is from before that reset, so it could be checked only against what it recorded. */
      readonly acrossReset: boolean;
    }
  | {
      readonly ok: false;
      readonly at: number;
      readonly problem: AnchorProblem;
      readonly reason: string;
    };

type Broken = Extract<AnchorVerdict, { ok: false }>;

function broken(at: number, problem: AnchorProblem, reason: string): Broken {
  return { ok: false, at, problem, reason };
}

const fingerprintOf = (base64url: string) => hostKeyFingerprint(Buffer.from(base64url, 'base64url'));

/** Verifies the chain, its checkpoints and the remembered head. */
export function verifyAnchored(values: readonly unknown[], options: AnchorOptions = {}): AnchorVerdict {
  const chain = verifyChain(values);
  if (!chain.ok) return chain;
  // verifyChain parsed every value as an entry.
  const entries = values as readonly AuditEntry[];
  const signed = checkSignatures(entries, options);
  if ('problem' in signed) return signed;
  const reset = entries[0] !== undefined && 'kind' in entries[0] && entries[0].kind === 'reset';
  const first = reset ? (entries[0] as ResetEntry) : undefined;
  let acrossReset = false;
  if (options.remembered !== undefined) {
    const judged = judgeRemembered(entries, options.remembered, first);
    if (judged !== 'same-chain' && judged !== 'across-reset') return judged;
    acrossReset = judged === 'across-reset';
  }
  return {
    ok: true,
    count: chain.count,
    head: chain.head,
    first: entries[0]?.hash ?? GENESIS_HASH,
    checkpoints: signed.checkpoints,
    ...(signed.key === undefined ? {} : { hostKey: signed.key }),
    ...(signed.hostId === undefined ? {} : { hostId: signed.hostId }),
    unsigned: signed.unsigned,
    ...(first === undefined ? {} : { reset: { time: first.time, archived: first.archived } }),
    acrossReset,
  };
}

interface Signed {
  readonly checkpoints: number;
  readonly key: string | undefined;
  readonly hostId: string | undefined;
  readonly unsigned: number;
}

function checkSignatures(entries: readonly AuditEntry[], options: AnchorOptions): Signed | Broken {
  const expected =
    options.hostKey === undefined ? undefined : Buffer.from(options.hostKey).toString('base64url');
  let key = expected;
  let hostId = options.hostId;
  let checkpoints = 0;
  let sinceCheckpoint = 0;
  for (const entry of entries) {
    if ('kind' in entry && entry.kind === 'reset' && entry.seq !== 1) {
      return broken(entry.seq, 'misplaced-reset', `entry ${entry.seq} is a reset, which only starts a chain`);
    }
    if (!('kind' in entry) || entry.kind !== 'checkpoint') {
      sinceCheckpoint += 1;
      if (checkpoints > 0 && sinceCheckpoint > CHECKPOINT_INTERVAL) {
        return broken(
          entry.seq,
          'unanchored',
          `${sinceCheckpoint} entries follow the checkpoint before entry ${entry.seq}, more than the host ` +
            `ever leaves unsigned (${CHECKPOINT_INTERVAL}): entries were added without the host key`,
        );
      }
      continue;
    }
    const problem = checkpointProblem(entry, { key, hostId });
    if (problem !== undefined) return problem;
    key = entry.hostKey;
    hostId = entry.hostId;
    checkpoints += 1;
    sinceCheckpoint = 0;
  }
  if (checkpoints === 0 && entries.length > CHECKPOINT_INTERVAL && options.allowUnanchored !== true) {
    return broken(
      entries.length,
      'unanchored',
      `none of its ${entries.length} entries is a checkpoint signed by the host: it cannot be told from a ` +
        'log written by someone else',
    );
  }
  return { checkpoints, key, hostId, unsigned: sinceCheckpoint };
}

function checkpointProblem(
  entry: CheckpointEntry,
  expected: { key: string | undefined; hostId: string | undefined },
): Broken | undefined {
  if (expected.key !== undefined && entry.hostKey !== expected.key) {
    return broken(
      entry.seq,
      'foreign-key',
      `the checkpoint at entry ${entry.seq} names host key ${fingerprintOf(entry.hostKey)}, not this host's ` +
        `${fingerprintOf(expected.key)}: the log was replaced`,
    );
  }
  if (expected.hostId !== undefined && entry.hostId !== expected.hostId) {
    return broken(
      entry.seq,
      'foreign-key',
      `the checkpoint at entry ${entry.seq} is host ${entry.hostId}'s, not ${expected.hostId}'s: the log was replaced`,
    );
  }
  if (!checkpointSignatureValid(entry)) {
    return broken(
      entry.seq,
      'bad-signature',
      `the checkpoint at entry ${entry.seq} does not carry a valid signature of its host key: it was forged or edited`,
    );
  }
  return undefined;
}

function judgeRemembered(
  entries: readonly AuditEntry[],
  remembered: RememberedHead,
  reset: ResetEntry | undefined,
): 'same-chain' | 'across-reset' | Broken {
  const count = entries.length;
  if (remembered.count === 0) return 'same-chain';
  if (reset !== undefined && reset.hash !== remembered.first) return judgeAcrossReset(reset, remembered);
  if (count < remembered.count) {
    return broken(
      count + 1,
      'truncated',
      `the log has ${count} entries, fewer than the ${remembered.count} seen before: entries were cut from its end`,
    );
  }
  if (entries[remembered.count - 1]?.hash === remembered.head) return 'same-chain';
  return broken(
    remembered.count,
    'replaced',
    `entry ${remembered.count} is not the one seen before (${remembered.head}): the log was cut back and ` +
      'written again, or replaced',
  );
}

function judgeAcrossReset(reset: ResetEntry, remembered: RememberedHead): 'across-reset' | Broken {
  const old = reset.archived;
  if (remembered.count > old.entries) {
    return broken(
      1,
      'truncated',
      `the log was reset (the old one archived as ${old.file}) when it had ${old.entries} entries, fewer ` +
        `than the ${remembered.count} seen before: it was cut back before the reset`,
    );
  }
  if (remembered.count === old.entries && remembered.head !== old.head) {
    return broken(
      1,
      'replaced',
      `the log was reset (the old one archived as ${old.file}), and the old log's head is not the one seen ` +
        'before: it was rewritten before the reset',
    );
  }
  return 'across-reset';
}
