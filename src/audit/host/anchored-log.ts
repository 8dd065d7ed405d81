/**
 * @module The daemon's audit log as it opens it: verified whole before anything is appended (the chain, every
 * checkpoint signed by this host's key, and the last checkpoint recorded outside the log still at its
 * place), then continued with a checkpoint signed at once, one every `CHECKPOINT_INTERVAL` entries and one
 * at close. A log that fails is refused with `audit.broken`: the daemon does not start over it.
 * The recovery (`portalgun daemon --reset-audit`) archives the old log under a name with the time, keeps
 * it, and starts a new chain whose first entry records the archive's digest and head.
 * Host adapter: file I/O; the checks are the pure anchor.ts's.
 */
import { existsSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson, sha256Hex } from '../../digest/index.js';
import { MvError } from '../../errors/index.js';
import type { RememberedHead } from '../anchor.js';
import { type CheckpointSigner, resetEntry } from '../checkpoint.js';
import { type ArchivedLog, entryHash, GENESIS_HASH } from '../entry.js';
import { parseLogLine, splitLogLines, verifyAnchoredText } from '../log-text.js';
import { AuditLog, syncDirectory } from './append-log.js';

/** Where the daemon keeps its last checkpoint outside the log. */
export interface AnchorRecord {
  read(): RememberedHead | undefined;
  save(anchor: RememberedHead): void;
}

/** What opening the daemon's log needs. */
export interface AnchoredLogOptions {
  readonly signer: CheckpointSigner;
  readonly clock: () => number;
  readonly anchor: AnchorRecord;
  /** Archive the log first and start a new chain (the recovery): the old anchor then no longer applies. */
  readonly reset?: boolean;
}

/** The log opened, and what a reset archived. */
export interface OpenedLog {
  readonly log: AuditLog;
  readonly archived?: ArchivedLog;
}

/** The command that archives a broken log and starts a new chain. */
export const AUDIT_RESET_COMMAND = 'portalgun daemon --reset-audit';

const BROKEN_HINT =
  'Keep a copy of the log and check it with "scramble audit verify --file <copy>"; treat this host as ' +
  `compromised until you know why. Then "${AUDIT_RESET_COMMAND}" (as root) archives it and starts a new ` +
  'chain, recorded in the new log.';

/**
 * Verifies the log at `file` against this host's key and its recorded anchor, and continues it (after
 * archiving it and starting a new chain, with `reset`).
 */
export async function openAnchoredLog(file: string, options: AnchoredLogOptions): Promise<OpenedLog> {
  const archived = options.reset === true ? await resetAuditLog(file, options) : undefined;
  const anchor = archived === undefined ? options.anchor.read() : undefined;
  if (!existsSync(file) && anchor !== undefined) {
    throw new MvError(
      'audit.broken',
      `The audit log ${file} is missing, yet this host signed a checkpoint at entry ${anchor.count}: it was deleted`,
      { hint: BROKEN_HINT },
    );
  }
  if (existsSync(file)) {
    const text = await readFile(file, 'utf8');
    const verdict = verifyAnchoredText(text, {
      hostKey: options.signer.key.publicKey,
      hostId: options.signer.hostId,
      ...(anchor === undefined ? {} : { remembered: anchor }),
      // A log from before checkpoints existed is anchored from now on.
      allowUnanchored: true,
    });
    if (!verdict.ok) {
      const where = verdict.line === undefined ? '' : ` (line ${verdict.line})`;
      throw new MvError(
        'audit.broken',
        `The audit log ${file} does not match its checkpoints: ${verdict.reason}${where}`,
        { hint: BROKEN_HINT },
      );
    }
  }
  const log = await AuditLog.open(file, {
    signer: options.signer,
    clock: options.clock,
    onCheckpoint: (next) => options.anchor.save(next),
  });
  try {
    await log.checkpoint();
  } catch (error) {
    await log.close();
    throw error;
  }
  return archived === undefined ? { log } : { log, archived };
}

// Archives the log at `file` (renamed to `<file>.archived-<time>`, kept) and starts a new chain there whose
// first entry records the archive.
async function resetAuditLog(file: string, options: { clock: () => number }): Promise<ArchivedLog> {
  const time = options.clock();
  const archived = existsSync(file)
    ? await archive(file, time)
    : {
        file: 'none (the log was missing)',
        digest: `sha256:${sha256Hex('')}`,
        entries: 0,
        head: GENESIS_HASH,
      };
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(`${canonicalJson(resetEntry(archived, time))}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(path.dirname(file));
  return archived;
}

async function archive(file: string, time: number): Promise<ArchivedLog> {
  const bytes = await readFile(file);
  const stamp = new Date(time).toISOString().replace(/[:.]/g, '-');
  const target = `${file}.archived-${stamp}`;
  await rename(file, target);
  await syncDirectory(path.dirname(file));
  return { file: path.basename(target), digest: `sha256:${sha256Hex(bytes)}`, ...lastGoodEntry(bytes) };
}

// The head of a log that may be damaged: its last line that is an entry with its own hash.
function lastGoodEntry(bytes: Buffer): { entries: number; head: string } {
  const lines = splitLogLines(bytes.toString('utf8'));
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index];
    const entry = line === undefined ? undefined : parseLogLine(line);
    if (entry !== undefined && entryHash(entry) === entry.hash)
      return { entries: entry.seq, head: entry.hash };
  }
  return { entries: 0, head: GENESIS_HASH };
}
