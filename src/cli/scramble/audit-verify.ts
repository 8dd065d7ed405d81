/**
 * @module `scramble audit verify` over a log's text: the chain, every checkpoint against the host's key,
 * and, for a host's own current log, the head this user saw before (audit-heads.json), which must still be
 * there at its place. The host key is the one `portalgun init` pinned for that host (known-hosts.json);
 * for a host never pinned, the one first seen signing its checkpoints, remembered with the head (trust on
 * first use). A verified head is remembered for the next look; a break is never.
 */
import { type AnchoredLogVerdict, type AnchorProblem, verifyAnchoredText } from '../../audit/index.js';
import { pinnedHost } from '../../scramble/host/index.js';
import { hostKeyFingerprint } from '../../scramble/index.js';
import { rememberHead, type SeenHead, seenHead } from './audit-heads.js';

/** What to verify. */
export interface VerifyRequest {
  readonly text: string;
  /** The host whose current log this is (its head is compared and remembered); undefined for a copy. */
  readonly hostId: string | undefined;
  /** Where the seen heads are kept ($SCRAMBLE_HOME). */
  readonly home: string;
  /** Forget the head (and key) seen before, and remember this log's. */
  readonly reanchor: boolean;
  readonly now: number;
}

/** The verdict, and what it was judged against. */
export interface VerifyOutcome {
  readonly verdict: AnchoredLogVerdict;
  /** The head seen before, when the log was compared with one. */
  readonly seen: SeenHead | undefined;
  /** Whose log it is: the host named, or the one its checkpoints name. */
  readonly hostId: string | undefined;
}

const keyBytes = (base64url: string | undefined) =>
  base64url === undefined ? undefined : Buffer.from(base64url, 'base64url');

/** Verifies a log, and remembers its head when it holds and is a host's current log. */
export function verifyAuditLog(request: VerifyRequest): VerifyOutcome {
  // A copy names its host only in its checkpoints: read them first to find the key seen for that host.
  const peeked = verifyAnchoredText(request.text);
  const hostId = request.hostId ?? (peeked.ok ? peeked.hostId : undefined);
  const known = hostId === undefined || request.reanchor ? undefined : seenHead(request.home, hostId);
  const seen = request.hostId === undefined ? undefined : known;
  // A pinned key wins over what a log's checkpoints say: --reanchor forgets heads, never the pin.
  const pinned = hostId === undefined ? undefined : pinnedHost(request.home, hostId);
  const hostKey = pinned?.publicKey ?? keyBytes(known?.hostKey);
  const verdict = verifyAnchoredText(request.text, {
    ...(hostKey === undefined ? {} : { hostKey }),
    ...(hostId === undefined ? {} : { hostId }),
    ...(seen === undefined ? {} : { remembered: seen }),
  });
  if (verdict.ok && request.hostId !== undefined) {
    const key = verdict.hostKey ?? known?.hostKey;
    rememberHead(request.home, request.hostId, {
      count: verdict.count,
      head: verdict.head,
      first: verdict.first,
      ...(key === undefined ? {} : { hostKey: key }),
      seenAt: request.now,
    });
  }
  return { verdict, seen, hostId };
}

/** The lines that say what an intact log was checked against. */
export function describeVerified(outcome: VerifyOutcome): string[] {
  const { verdict, seen } = outcome;
  if (!verdict.ok) return [];
  const lines = [`ok: ${verdict.count} entries, chain intact (head ${verdict.head})`];
  if (verdict.hostKey === undefined) {
    lines.push('no checkpoint signed by the host yet: nothing ties this log to its host');
  } else {
    const fingerprint = hostKeyFingerprint(Buffer.from(verdict.hostKey, 'base64url'));
    lines.push(
      `${verdict.checkpoints} checkpoints signed by host ${verdict.hostId} (key ${fingerprint}); ` +
        `${verdict.unsigned} entries since the last`,
    );
  }
  if (seen !== undefined && !verdict.acrossReset) {
    lines.push(`holds the head seen ${new Date(seen.seenAt).toISOString()} (entry ${seen.count})`);
  } else if (outcome.hostId !== undefined && seen === undefined) {
    lines.push(`its head is remembered from now on (${outcome.hostId})`);
  }
  return lines;
}

/** A note for a log that was reset since the head seen before, naming the archive to check. */
export function resetNote(outcome: VerifyOutcome): string | undefined {
  const { verdict, seen } = outcome;
  if (!verdict.ok || !verdict.acrossReset || verdict.reset === undefined || seen === undefined)
    return undefined;
  const { archived, time } = verdict.reset;
  return (
    `note: the log was reset ${new Date(time).toISOString()} since you last verified it (entry ${seen.count}); ` +
    `the old log, archived as ${archived.file} in the state folder, ended at entry ${archived.entries} ` +
    `(head ${archived.head}): check it with "scramble audit verify --file <state>/${archived.file}"`
  );
}

const HEADLINES: Partial<Record<AnchorProblem, string>> = {
  truncated: 'log truncated',
  replaced: 'log replaced',
  'foreign-key': 'log replaced',
  'bad-signature': 'forged checkpoint',
  unanchored: 'unsigned entries',
};

/** How a break is named in the error message. */
export function headlineOf(problem: AnchorProblem): string {
  return HEADLINES[problem] ?? 'chain broken';
}
