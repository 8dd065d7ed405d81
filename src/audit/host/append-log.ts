/**
 * @module The audit log on disk: one canonical-JSON entry per line (JSON lines), hash-chained, appended and
 * fsynced before `append` returns, so a decision is on disk before it takes effect. Appends from one
 * process are serialised through a queue; only one `AuditLog` may hold a file (two writers would fork the
 * chain), which is enforced inside this process and is the daemon's job across processes.
 * After a failed write the log refuses further appends: a caller that cannot record a decision must deny.
 * The daemon also reads it back in pages (`readBytes`) for `audit.read`; checking the text is log-text.ts's.
 * Host adapter: file I/O only, no decisions.
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../digest/index.js';
import { MvError } from '../../errors/index.js';
import { type AuditEntry, type AuditFields, chainEntry, entryHash } from '../entry.js';
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

/** An append-only, hash-chained audit log in a JSON-lines file. */
export class AuditLog {
  readonly #path: string;
  readonly #handle: FileHandle;
  #last: AuditEntry | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #failed = false;
  #closed = false;

  private constructor(file: string, handle: FileHandle, last: AuditEntry | undefined) {
    this.#path = file;
    this.#handle = handle;
    this.#last = last;
  }

  /** Opens (creating with mode 0600) the log at `file` and continues its chain from the last entry. */
  static async open(file: string): Promise<AuditLog> {
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
      openPaths.add(key);
      return new AuditLog(key, handle, last);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The newest entry, whose hash is the head to keep elsewhere for `expectHead`. */
  get head(): AuditEntry | undefined {
    return this.#last;
  }

  /** Appends one decision and returns its entry once it is durably on disk. */
  append(fields: AuditFields): Promise<AuditEntry> {
    if (this.#closed) {
      return Promise.reject(new MvError('internal.bug', 'Audit log used after close (please report)'));
    }
    const run = this.#queue.then(() => this.#write(fields));
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

  /** Refuses new appends, lets the queued ones finish, then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    openPaths.delete(this.#path);
    await this.#handle.close();
  }

  async #write(fields: AuditFields): Promise<AuditEntry> {
    if (this.#failed) {
      throw new MvError('audit.broken', `Audit log ${this.#path} failed earlier and takes no more entries`, {
        hint: AUDIT_REPAIR_HINT,
      });
    }
    const entry = chainEntry(this.#last, fields);
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

async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

// A new file's name lives in its directory; without this fsync a crash could lose the file itself.
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
