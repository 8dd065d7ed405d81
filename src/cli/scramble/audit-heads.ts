/**
 * @module The audit heads this user has seen, per host, in `$SCRAMBLE_HOME/audit-heads.json` (mode 0600):
 * how many entries the host's log had, the last one's hash, its first one's (the chain), and the host key
 * its checkpoints were signed with. `scramble audit verify` checks the log against it, so a log cut back
 * or replaced on the host is noticed here, off the host's disk. A damaged file, or one others could change,
 * is refused rather than read as empty: an empty file would accept any log.
 */
import path from 'node:path';
import * as z from 'zod';
import { MvError } from '../../errors/index.js';
import { readPrivateJson, writePrivateJson } from '../../scramble/host/index.js';

const HEAD = z.strictObject({
  count: z.number().int().nonnegative(),
  head: z.string(),
  first: z.string(),
  /** The host key (base64url) its checkpoints were signed with, as first seen (trust on first use). */
  hostKey: z.string().optional(),
  /** When it was seen, ms since the epoch. */
  seenAt: z.number(),
});

const HEADS = z.strictObject({ v: z.literal(1), hosts: z.record(z.string(), HEAD) });

/** What this user last saw of one host's log. */
export type SeenHead = z.output<typeof HEAD>;

const FILE = 'audit-heads.json';

function headsFile(home: string): string {
  return path.join(home, FILE);
}

function readHeads(home: string): z.output<typeof HEADS> {
  const file = headsFile(home);
  const damaged = (cause: unknown) =>
    new MvError('scramble.bad-key-file', `${file} is damaged`, {
      cause,
      hint: 'Restore it from a backup; removing it forgets every audit head seen, so a cut log would pass once.',
    });
  return readPrivateJson(file, HEADS, damaged) ?? { v: 1, hosts: {} };
}

/** The head last seen of `hostId`'s log, if any. */
export function seenHead(home: string, hostId: string): SeenHead | undefined {
  return readHeads(home).hosts[hostId];
}

/** Records the head just verified of `hostId`'s log. */
export function rememberHead(home: string, hostId: string, head: SeenHead): void {
  const heads = readHeads(home);
  const next = { ...heads, hosts: { ...heads.hosts, [hostId]: head } };
  // A user who verifies before making keys still gets a private folder, as the keys would.
  writePrivateJson(headsFile(home), next);
}
