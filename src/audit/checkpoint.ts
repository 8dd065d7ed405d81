/**
 * @module The entries the host adds to its own log: a signed checkpoint every `CHECKPOINT_INTERVAL`
 * entries (and whenever the daemon starts or stops cleanly), and the reset that begins a new chain after an
 * old log was archived. A checkpoint is signed with the host key (domain 'audit-checkpoint'), so a log cut
 * back, rewritten or replaced by someone without that key no longer carries valid checkpoints where the
 * owner's remembered head says they were (anchor.ts checks).
 * Pure: signing goes through the `HostKey` passed in.
 */
import { canonicalJson } from '../digest/index.js';
import { type HostKey, verifyHostSignature } from '../scramble/index.js';
import {
  type ArchivedLog,
  type AuditEntry,
  type CheckpointEntry,
  entryHash,
  GENESIS_HASH,
  placeAfter,
  type ResetEntry,
} from './entry.js';

/**
 * A checkpoint after this many entries. A checkpoint costs one Ed25519 signature (about 50 µs) and one line
 * (about 300 bytes, under 2 % of 64 decision lines); at most this many entries after the last checkpoint
 * are unsigned, which bounds what can be cut from the tail without a signature going missing, and a daemon
 * making a decision every few seconds still signs one every few minutes.
 */
export const CHECKPOINT_INTERVAL = 64;

/** The host that signs checkpoints. */
export interface CheckpointSigner {
  readonly hostId: string;
  readonly key: Pick<HostKey, 'publicKey' | 'sign'>;
}

const encoder = new TextEncoder();

// The signature covers the entry's own fields and its place: `seq - 1` entries, up to the head `prev`.
function signedBytes(entry: Omit<CheckpointEntry, 'signature' | 'hash'>): Uint8Array {
  const { kind, time, hostId, hostKey, seq, prev } = entry;
  return encoder.encode(canonicalJson({ kind, time, hostId, hostKey, seq, prev }));
}

/** The checkpoint that follows `previous`, signed now (`time`) by the host. */
export function checkpointEntry(
  previous: AuditEntry | undefined,
  signer: CheckpointSigner,
  time: number,
): CheckpointEntry {
  const body = {
    kind: 'checkpoint' as const,
    time,
    hostId: signer.hostId,
    hostKey: Buffer.from(signer.key.publicKey).toString('base64url'),
    seq: previous === undefined ? 1 : previous.seq + 1,
    prev: previous === undefined ? GENESIS_HASH : previous.hash,
  };
  const signature = Buffer.from(signer.key.sign('audit-checkpoint', signedBytes(body))).toString('base64url');
  const entry = { ...body, signature };
  return { ...entry, hash: entryHash(entry) };
}

/** Whether a checkpoint's signature is its own `hostKey`'s (which key that is, the caller judges). */
export function checkpointSignatureValid(entry: CheckpointEntry): boolean {
  return verifyHostSignature(
    Buffer.from(entry.hostKey, 'base64url'),
    'audit-checkpoint',
    signedBytes(entry),
    Buffer.from(entry.signature, 'base64url'),
  );
}

/** The first entry of a new chain: it records the archived log and its head. */
export function resetEntry(archived: ArchivedLog, time: number): ResetEntry {
  return placeAfter(undefined, { kind: 'reset' as const, time, archived });
}
