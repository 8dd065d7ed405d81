/**
 * @module One record of the audit log, chained to the record before it by hash: an authorisation decision,
 * a checkpoint the host signed (checkpoint.ts), or the reset that starts a new chain after an old log was
 * archived. Each entry carries `seq` (1, 2, …), `prev` (the previous entry's hash) and `hash` (the digest
 * of its own canonical JSON without `hash`), so editing, deleting or reordering entries breaks the chain.
 * The log holds names and digests, never plaintext: arguments, output and envelopes appear only as
 * `sha256:` digests, and the schema refuses anything else in those fields. A name longer than a log line
 * should carry (a caller may choose a target of any length) is recorded as its prefix and its digest,
 * never dropped.
 * Pure: no I/O (hashing through `digest/`).
 */
import * as z from 'zod';
import { digestJson, sha256Hex } from '../digest/index.js';
import { MvError } from '../errors/index.js';

/** The `prev` of the first entry: no entry came before it. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

// Bounds keep one line of the log small even when a caller records a name an attacker chose.
const NAME_MAX = 256;
const NAME = z.string().min(1).max(NAME_MAX);
const DIGEST = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256:<64 hex> digest');
// What a shortened name keeps of its start, in characters (code points, so none is split).
const NAME_PREFIX = 120;

/** The fields of one decision, as the daemon records it. */
export const AUDIT_FIELDS = z.strictObject({
  /** Wall-clock milliseconds since the Unix epoch, from the caller's clock. */
  time: z.number().int().nonnegative(),
  decision: z.enum(['allow', 'deny']),
  /** The exact reason: `ok` for an allow, or an error code such as `scramble.replay` or `policy.no-match`. */
  code: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/, 'must be "ok" or a domain.condition code'),
  scrambleId: NAME.optional(),
  kid: NAME.optional(),
  verb: NAME.optional(),
  target: NAME.optional(),
  envelopeDigest: DIGEST.optional(),
  argsDigest: DIGEST.optional(),
  resultDigest: DIGEST.optional(),
});

const PLACE = { seq: z.number().int().positive(), prev: DIGEST, hash: DIGEST };
const BASE64URL = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');

/** A recorded decision. */
export const DECISION_ENTRY = AUDIT_FIELDS.extend(PLACE);

/**
 * The host's signature over the chain up to here: the entry before it is the head it anchors (`prev`), and
 * `seq - 1` the number of entries it covers. `signature` is the host key's ('audit-checkpoint') over the
 * canonical JSON of the entry without `signature` and `hash`.
 */
export const CHECKPOINT_ENTRY = z.strictObject({
  kind: z.literal('checkpoint'),
  time: z.number().int().nonnegative(),
  hostId: NAME,
  /** The host's Ed25519 public key, base64url. */
  hostKey: BASE64URL(32),
  signature: BASE64URL(64),
  ...PLACE,
});

/** What a reset records of the log it archived. */
export const ARCHIVED_LOG = z.strictObject({
  /** The archive's file name, beside the new log. */
  file: NAME,
  /** The digest of the archived file's bytes, exactly as they were. */
  digest: DIGEST,
  /** The seq and hash of its last well-formed entry (0 and the genesis hash when it had none). */
  entries: z.number().int().nonnegative(),
  head: DIGEST,
});

/** The first entry of a chain started by a reset: which log was archived, and its head. */
export const RESET_ENTRY = z.strictObject({
  kind: z.literal('reset'),
  time: z.number().int().nonnegative(),
  archived: ARCHIVED_LOG,
  ...PLACE,
});

/** The schema of a stored entry: a decision, a checkpoint or a reset, with its place in the chain. */
export const AUDIT_ENTRY = z.union([DECISION_ENTRY, CHECKPOINT_ENTRY, RESET_ENTRY]);

/** One decision to record. */
export type AuditFields = z.output<typeof AUDIT_FIELDS>;

/** One recorded decision with its place in the chain. */
export type DecisionEntry = z.output<typeof DECISION_ENTRY>;

/** One signed checkpoint. */
export type CheckpointEntry = z.output<typeof CHECKPOINT_ENTRY>;

/** What a reset records of the archived log. */
export type ArchivedLog = z.output<typeof ARCHIVED_LOG>;

/** The first entry of a chain after a reset. */
export type ResetEntry = z.output<typeof RESET_ENTRY>;

/** Any entry of the log. */
export type AuditEntry = DecisionEntry | CheckpointEntry | ResetEntry;

/** Whether an entry records a decision (not a checkpoint or a reset). */
export function isDecision(entry: AuditEntry): entry is DecisionEntry {
  return !('kind' in entry);
}

/** The hash an entry must carry: the digest of its canonical JSON without the `hash` field. */
export function entryHash(entry: object): string {
  const { hash: _ignored, ...rest } = entry as { readonly hash?: unknown };
  return digestJson(rest);
}

/** `body` placed after `previous` (or first in the chain), with its hash. */
export function placeAfter<T extends object>(
  previous: AuditEntry | undefined,
  body: T,
): T & { seq: number; prev: string; hash: string } {
  const placed = {
    ...body,
    seq: previous === undefined ? 1 : previous.seq + 1,
    prev: previous === undefined ? GENESIS_HASH : previous.hash,
  };
  return { ...placed, hash: entryHash(placed) };
}

/**
 * A name as the log records it: itself when it fits, else its first characters and the digest of the whole
 * (`<prefix>… sha256:<hex>`), so a long target is still told apart from every other and never dropped.
 */
export function auditName(name: string): string {
  if (name.length <= NAME_MAX) return name;
  const prefix = Array.from(name).slice(0, NAME_PREFIX).join('');
  return `${prefix}… sha256:${sha256Hex(name)}`;
}

const NAMES = ['scrambleId', 'kid', 'verb', 'target'] as const;

function withAuditNames(fields: AuditFields): AuditFields {
  const named: Record<string, unknown> = { ...fields };
  for (const key of NAMES) {
    const value = named[key];
    // A method without target fields has an empty target: recorded as none.
    if (value === '') delete named[key];
    else if (typeof value === 'string') named[key] = auditName(value);
  }
  return named as AuditFields;
}

/** The entry that follows `previous` (or starts the chain) and records `fields`. */
export function chainEntry(previous: AuditEntry | undefined, fields: AuditFields): DecisionEntry {
  const checked = AUDIT_FIELDS.safeParse(withAuditNames(fields));
  if (!checked.success) {
    // Name the fields only: a value that failed here may be exactly the plaintext that must not be logged.
    const paths = checked.error.issues.map((issue) => issue.path.join('.') || '(entry)').join(', ');
    throw new MvError('internal.bug', `Audit entry refused: invalid ${paths} (please report)`);
  }
  return placeAfter(previous, checked.data);
}
