/**
 * @module The audit log on disk: one canonical-JSON entry per line (JSON lines), hash-chained, appended and
 * fsynced before `append` returns, so a decision is on disk before it takes effect. Appends from one
 * process are serialised through a queue; only one `AuditLog` may hold a file (two writers would fork the
 * chain), which is enforced inside this process and is the daemon's job across processes.
 * After a failed write the log refuses further appends: a caller that cannot record a decision must deny.
 * With a signer, the log signs a checkpoint after every `CHECKPOINT_INTERVAL` entries and when it closes,
 * counting from when it was opened (the daemon signs one as soon as it opens the log, anchored-log.ts).
 * The daemon also reads it back in pages (`readBytes`) for `audit.read`; checking the text is log-text.ts's.
 * Host adapter: file I/O only, no decisions.
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../digest/index.js';
import { MvError } from '../../errors/index.js';
import type { RememberedHead } from '../anchor.js';
import { CHECKPOINT_INTERVAL, type CheckpointSigner, checkpointEntry } from '../checkpoint.js';
import {
  type AuditEntry,
  type AuditFields,
  type CheckpointEntry,
  chainEntry,
  type DecisionEntry,
  entryHash,
} from '../entry.js';
import {
  AUDIT_REPAIR_HINT,
  type LogVerdict,
  parseLogLine,
  parseLogText,
  verifyLogText,
} from '../log-text.js';
import type { VerifyChainOptions } from '../verify.js';

// Valid entries are under 2 KiB; a last line longer than this is damage, not data.
const TAIL_BYTES = 64 * 1024;
const openPaths = new Set<string>();

/** How the log signs its checkpoints. */
export interface Checkpointing {
  readonly signer: CheckpointSigner;
  readonly clock: () => number;
  /** Told of each checkpoint once it is on disk: the anchor to keep outside the log. */
  readonly onCheckpoint: (anchor: RememberedHead) => void;
}

/** An append-only, hash-chained audit log in a JSON-lines file. */
export class AuditLog {
  readonly #path: string;
  readonly #handle: FileHandle;
  readonly #checkpointing: Checkpointing | undefined;
  #first: AuditEntry | undefined;
  #last: AuditEntry | undefined;
  #sinceCheckpoint = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #failed = false;
  #closed = false;

  private constructor(
    file: string,
    handle: FileHandle,
    ends: { first: AuditEntry | undefined; last: AuditEntry | undefined },
    checkpointing: Checkpointing | undefined,
  ) {
    this.#path = file;
    this.#handle = handle;
    this.#first = ends.first;
    this.#last = ends.last;
    this.#checkpointing = checkpointing;
  }

  /**
   * Opens (creating with mode 0600) the log at `file` and continues its chain from the last entry; with
   * `checkpointing`, it signs checkpoints.
   */
  static async open(file: string, checkpointing?: Checkpointing): Promise<AuditLog> {
    const key = path.resolve(file);
    if (openPaths.has(key)) {
      throw new MvError('internal.bug', `Audit log ${file} is already open in this process (please report)`);
    }
    const handle = await open(file, 'a+', 0o600);
    try {
      const info = await handle.stat();
      // The log names who did what; nobody but its owner should read it, whatever the umask or history.
      if ((info.mode & 0o777) !== 0o600) await handle.chmod(0o600);
      if (info.size === 0) await syncDirectory(path.dirname(key));
      const last = await readLastEntry(handle, { file, size: info.size });
      const first = info.size === 0 ? undefined : await readFirstEntry(handle, file);
      openPaths.add(key);
      return new AuditLog(key, handle, { first, last }, checkpointing);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The newest entry, whose hash is the head to keep elsewhere for `expectHead`. */
  get head(): AuditEntry | undefined {
    return this.#last;
  }

  /** Appends one decision and returns its entry once it is durably on disk (with its checkpoint, if due). */
  append(fields: AuditFields): Promise<DecisionEntry> {
    return this.#enqueue(async () => {
      const entry = await this.#write(chainEntry(this.#last, fields));
      this.#sinceCheckpoint += 1;
      if (this.#checkpointing && this.#sinceCheckpoint >= CHECKPOINT_INTERVAL) await this.#checkpoint();
      return entry;
    });
  }

  /** Signs a checkpoint over every entry so far (after the appends queued before this call). */
  checkpoint(): Promise<CheckpointEntry> {
    return this.#enqueue(() => this.#checkpoint());
  }

  #enqueue<T>(write: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new MvError('internal.bug', 'Audit log used after close (please report)'));
    }
    const run = this.#queue.then(write);
    // The queue only orders writes; each caller still gets its own failure through `run`.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Every entry in the file, in order, after the appends queued before this call. */
  readAll(): Promise<AuditEntry[]> {
    const run = this.#queue.then(async () => parseLogText(await readFile(this.#path, 'utf8'), this.#path));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Up to `limit` bytes of the file from `offset`, after the appends queued before this call (so no entry is
   * half written), and the file's size then. The file is opened by its path, as a reader would: a log deleted
   * or replaced behind the daemon shows as such instead of through the daemon's own handle.
   */
  readBytes(offset: number, limit: number): Promise<{ bytes: Buffer; size: number }> {
    const run = this.#queue.then(() => readPage(this.#path, offset, limit));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Refuses new appends, lets the queued ones finish, signs a last checkpoint (when it signs them and
   * anything came after the last one), then closes the file.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    try {
      if (this.#checkpointing && this.#sinceCheckpoint > 0 && !this.#failed) await this.#checkpoint();
    } finally {
      openPaths.delete(this.#path);
      await this.#handle.close();
    }
  }

  async #checkpoint(): Promise<CheckpointEntry> {
    const checkpointing = this.#checkpointing;
    if (checkpointing === undefined) {
      throw new MvError('internal.bug', 'This audit log was opened without a signer (please report)');
    }
    const entry = await this.#write(checkpointEntry(this.#last, checkpointing.signer, checkpointing.clock()));
    this.#sinceCheckpoint = 0;
    checkpointing.onCheckpoint({
      count: entry.seq,
      head: entry.hash,
      first: this.#first?.hash ?? entry.hash,
    });
    return entry;
  }

  async #write<T extends AuditEntry>(entry: T): Promise<T> {
    if (this.#failed) {
      throw new MvError('audit.broken', `Audit log ${this.#path} failed earlier and takes no more entries`, {
        hint: AUDIT_REPAIR_HINT,
      });
    }
    try {
      await writeAll(this.#handle, Buffer.from(`${canonicalJson(entry)}\n`));
      await this.#handle.sync();
    } catch (cause) {
      // A write that may be partial leaves the file's tail unknown; appending after it would hide that.
      this.#failed = true;
      throw new MvError('audit.broken', `Cannot append to audit log ${this.#path}`, {
        cause,
        hint: AUDIT_REPAIR_HINT,
      });
    }
    this.#last = entry;
    this.#first ??= entry;
    return entry;
  }
}

/** The text of the log at `file` (check it with `verifyLogText`, read it with `parseLogText`). */
export function readLogText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((cause: unknown) => {
    throw new MvError('audit.broken', `Cannot read audit log ${file}`, { cause, hint: 'Check the path.' });
  });
}

/** Reads and verifies the log at `file`, naming the line of the first break and every damaged line. */
export async function verifyFile(file: string, options: VerifyChainOptions = {}): Promise<LogVerdict> {
  return verifyLogText(await readLogText(file), options);
}

async function readPage(
  file: string,
  offset: number,
  limit: number,
): Promise<{ bytes: Buffer; size: number }> {
  const handle = await open(file, 'r').catch((cause: unknown) => {
    throw new MvError('audit.broken', `Audit log ${file} cannot be read while the daemon writes it`, {
      cause,
      hint: 'It was deleted or made unreadable: treat this host as compromised, and restore the log from a backup to check it.',
    });
  });
  try {
    const { size } = await handle.stat();
    const length = Math.max(0, Math.min(size - offset, limit));
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    return { bytes: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

async function readLastEntry(
  handle: FileHandle,
  at: { file: string; size: number },
): Promise<AuditEntry | undefined> {
  if (at.size === 0) return undefined;
  const length = Math.min(at.size, TAIL_BYTES);
  const buffer = Buffer.alloc(length);
  await handle.read(buffer, 0, length, at.size - length);
  const text = buffer.toString('utf8');
  const start = text.lastIndexOf('\n', text.length - 2) + 1;
  const complete = text.endsWith('\n') && (start > 0 || length === at.size);
  const entry = parseLogLine({ text: text.slice(start, -1), complete });
  if (entry === undefined || entryHash(entry) !== entry.hash) {
    throw new MvError('audit.broken', `Audit log ${at.file} ends in a damaged or incomplete entry`, {
      hint: AUDIT_REPAIR_HINT,
    });
  }
  return entry;
}

async function readFirstEntry(handle: FileHandle, file: string): Promise<AuditEntry> {
  const buffer = Buffer.alloc(TAIL_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, TAIL_BYTES, 0);
  const text = buffer.subarray(0, bytesRead).toString('utf8');
  const end = text.indexOf('\n');
  const entry = end < 0 ? undefined : parseLogLine({ text: text.slice(0, end), complete: true });
  if (entry === undefined) {
    throw new MvError('audit.broken', `Audit log ${file} starts with a damaged entry`, {
      hint: AUDIT_REPAIR_HINT,
    });
  }
  return entry;
}

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/** Makes a file's creation or renaming durable: a name lives in its directory, which a crash could lose. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
