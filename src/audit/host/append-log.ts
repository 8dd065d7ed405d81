/**
 * @module The audit log on disk: one canonical-JSON entry per line (JSON lines), hash-chained, appended and
 * fsynced before `append` returns, so a decision is on disk before it takes effect. Appends from one
 * process are serialised through a queue; only one `AuditLog` may hold a file (two writers would fork the
 * chain), which is enforced inside this process and is the daemon's job across processes.
 * After a failed write the log refuses further appends: a caller that cannot record a decision must deny.
 * Host adapter: file I/O only, no decisions.
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../../digest/index.js';
import { MvError } from '../../errors/index.js';
import { AUDIT_ENTRY, type AuditEntry, type AuditFields, chainEntry, entryHash } from '../entry.js';
import { type ChainVerdict, type VerifyChainOptions, verifyChain } from '../verify.js';

/** `verifyChain`'s verdict for a file, with the line of the break and every line that is not an entry. */
export type FileVerdict = ChainVerdict & {
  /** The file line (1-based) of the entry where the chain breaks, when it is in the file. */
  readonly line?: number;
  readonly damagedLines: readonly number[];
};

// Valid entries are under 2 KiB; a last line longer than this is damage, not data.
const TAIL_BYTES = 64 * 1024;
const REPAIR_HINT =
  'Check it with `scramble audit verify`, then move it aside; a new log starts a new chain. ' +
  'Until then no decision can be recorded, so every request must be denied.';
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
    const run = this.#queue.then(async () => parseEntries(await readFile(this.#path, 'utf8'), this.#path));
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
        hint: REPAIR_HINT,
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
        hint: REPAIR_HINT,
      });
    }
    this.#last = entry;
    return entry;
  }
}

function readLog(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((cause: unknown) => {
    throw new MvError('audit.broken', `Cannot read audit log ${file}`, { cause, hint: 'Check the path.' });
  });
}

/** Every entry of the log at `file`, in order; `audit.broken` names the first line that is not one. */
export async function readEntries(file: string): Promise<AuditEntry[]> {
  return parseEntries(await readLog(file), file);
}

/** Reads and verifies the log at `file`, naming the line of the first break and every damaged line. */
export async function verifyFile(file: string, options: VerifyChainOptions = {}): Promise<FileVerdict> {
  const text = await readLog(file);
  const entries: unknown[] = [];
  const lineOf: number[] = [];
  const damagedLines: number[] = [];
  splitLines(text).forEach((line, index) => {
    const value = parseLine(line);
    if (value === undefined) damagedLines.push(index + 1);
    else {
      entries.push(value);
      lineOf.push(index + 1);
    }
  });
  const [firstDamaged] = damagedLines;
  if (firstDamaged !== undefined) {
    const at = lineOf.filter((line) => line < firstDamaged).length + 1;
    const reason = `line ${firstDamaged} is not a complete audit entry`;
    return { ok: false, at, problem: 'malformed', reason, line: firstDamaged, damagedLines };
  }
  const verdict = verifyChain(entries, options);
  const line = verdict.ok ? undefined : lineOf[verdict.at - 1];
  return { ...verdict, ...(line === undefined ? {} : { line }), damagedLines };
}

interface Line {
  readonly text: string;
  /** False for a last line without its newline: a write that never finished, however well it parses. */
  readonly complete: boolean;
}

function splitLines(text: string): Line[] {
  if (text === '') return [];
  const lines = text.split('\n').map((line) => ({ text: line, complete: true }));
  const tail = lines.pop();
  if (tail !== undefined && tail.text !== '') lines.push({ text: tail.text, complete: false });
  return lines;
}

/** A line's entry, or undefined when it is not valid JSON of a well-formed entry. */
function parseLine(line: Line): AuditEntry | undefined {
  if (!line.complete) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return undefined; // The caller records the line number as damaged.
  }
  const parsed = AUDIT_ENTRY.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function parseEntries(text: string, file: string): AuditEntry[] {
  return splitLines(text).map((line, index) => {
    const entry = parseLine(line);
    if (entry === undefined) {
      throw new MvError('audit.broken', `Audit log ${file}:${index + 1} is not a valid entry`, {
        hint: REPAIR_HINT,
      });
    }
    return entry;
  });
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
  const entry = parseLine({ text: text.slice(start, -1), complete });
  if (entry === undefined || entryHash(entry) !== entry.hash) {
    throw new MvError('audit.broken', `Audit log ${at.file} ends in a damaged or incomplete entry`, {
      hint: REPAIR_HINT,
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
