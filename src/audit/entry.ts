/**
 * @module One record of the audit log: an authorisation decision, chained to the record before it by hash.
 * Each entry carries `seq` (1, 2, …), `prev` (the previous entry's hash) and `hash` (the digest of its own
 * canonical JSON without `hash`), so editing, deleting or reordering entries breaks the chain.
 * The log holds names and digests, never plaintext: arguments, output and envelopes appear only as
 * `sha256:` digests, and the schema refuses anything else in those fields.
 * Pure: no I/O (hashing through `digest/`).
 */
import { z } from 'zod';
import { digestJson } from '../digest/index.js';
import { MvError } from '../errors/index.js';

/** The `prev` of the first entry: no entry came before it. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;

// Bounds keep one line of the log small even when a caller records a name an attacker chose.
const NAME = z.string().min(1).max(256);
const DIGEST = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256:<64 hex> digest');

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

/** The schema of a stored entry: the fields plus its place in the chain. */
export const AUDIT_ENTRY = AUDIT_FIELDS.extend({
  seq: z.number().int().positive(),
  prev: DIGEST,
  hash: DIGEST,
});

/** One decision to record. */
export type AuditFields = z.output<typeof AUDIT_FIELDS>;

/** One recorded decision with its place in the chain. */
export type AuditEntry = z.output<typeof AUDIT_ENTRY>;

/** The hash an entry must carry: the digest of its canonical JSON without the `hash` field. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> & { readonly hash?: string }): string {
  const { hash: _ignored, ...rest } = entry;
  return digestJson(rest);
}

/** The entry that follows `previous` (or starts the chain) and records `fields`. */
export function chainEntry(previous: AuditEntry | undefined, fields: AuditFields): AuditEntry {
  const checked = AUDIT_FIELDS.safeParse(fields);
  if (!checked.success) {
    // Name the fields only: a value that failed here may be exactly the plaintext that must not be logged.
    const paths = checked.error.issues.map((issue) => issue.path.join('.') || '(entry)').join(', ');
    throw new MvError('internal.bug', `Audit entry refused: invalid ${paths} (please report)`);
  }
  const body = {
    ...checked.data,
    seq: previous === undefined ? 1 : previous.seq + 1,
    prev: previous === undefined ? GENESIS_HASH : previous.hash,
  };
  return { ...body, hash: entryHash(body) };
}
