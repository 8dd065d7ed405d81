/**
 * @module What the door judges a request against, as data: the host's id (the target an envelope must
 * name), its registered owner, the owner's revocations and the policy. One snapshot is read per request
 * (host-trust-files.ts) and handed to the signed-call gate, the authorizer and the image checks, the way
 * qrexec passes `system_info` into every policy match; so the decisions themselves read nothing and can be
 * tested over an in-memory world (host-trust-memory.ts).
 *
 * A part of the world that could not be read is kept as its error and thrown where that part is used, so
 * each failure surfaces exactly where reading it used to: a missing owner before any reply can be sealed, a
 * damaged revocation list as a refusal of the envelope, an unparsable policy as a denial of everything.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { loadPolicy, type PolicyFile, type PolicyRule } from '../../policy/index.js';
import { verifyRevocation } from '../../scramble/index.js';

/** The registered owner as stored in `owner.json`. */
export const OWNER_SCHEMA = z.strictObject({
  v: z.literal(1),
  scrambleId: z.string(),
  encryptionCertificate: z.unknown(),
});

/** The host's registered owner. */
export type OwnerRecord = z.output<typeof OWNER_SCHEMA>;

/** The host's trust at one moment: every method returns the same answer for the snapshot's life. */
export interface HostTrust {
  /** This host's id: the target every envelope for this daemon must name. */
  readonly hostId: string;
  /** The registered owner; throws `scramble.no-owner` when none is (the host then accepts nothing). */
  owner(): OwnerRecord;
  /** The session keys the owner revoked; throws while the owner or the revocation list is unreadable. */
  revokedKids(): ReadonlySet<string>;
  /** The policy's rules in evaluation order; throws (`policy.syntax`) while it cannot be loaded. */
  policy(): readonly PolicyRule[];
}

/** One part of the world as read: its value, or the error reading it gave. */
export type Settled<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/** The world as a reader found it, before anything is judged. */
export interface TrustSources {
  readonly hostId: string;
  readonly owner: Settled<OwnerRecord>;
  /** The revocation records as stored (each still to be verified against the owner). */
  readonly revocations: Settled<readonly unknown[]>;
  readonly policyFiles: Settled<readonly PolicyFile[]>;
}

/** Runs `produce`, keeping a failure as data (it is thrown again where the part is used). */
export function settle<T>(produce: () => T): Settled<T> {
  try {
    return { ok: true, value: produce() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The value of a part, or its error thrown. */
function unwrap<T>(part: Settled<T>): T {
  if (part.ok) return part.value;
  throw part.error;
}

/** The snapshot over a world already read; each answer (or failure) is worked out once, on first use. */
export function hostTrustFrom(sources: TrustSources): HostTrust {
  let revoked: Settled<ReadonlySet<string>> | undefined;
  let rules: Settled<readonly PolicyRule[]> | undefined;
  const owner = () => unwrap(sources.owner);
  return {
    hostId: sources.hostId,
    owner,
    revokedKids: () => {
      revoked ??= settle(() => revokedKidsIn(unwrap(sources.revocations), owner().scrambleId));
      return unwrap(revoked);
    },
    policy: () => {
      rules ??= settle(() => loadPolicy(unwrap(sources.policyFiles)));
      return unwrap(rules);
    },
  };
}

/**
 * The key ids `owner` revoked among stored records. Records issued by an earlier owner (before
 * `portalgun init --force`) revoke nothing of this one's and are skipped; a record claiming this owner must
 * verify, or nothing passes (fail closed).
 */
export function revokedKidsIn(records: readonly unknown[], owner: string): Set<string> {
  const kids = new Set<string>();
  for (const record of records) {
    if ((record as { issuer?: unknown } | null)?.issuer !== owner) continue;
    kids.add(verifyRevocation(record, { owner }).kid);
  }
  return kids;
}
