/**
 * @module Where `scramble audit` gets the log: from the daemon that writes it, when one answers
 * (`audit.read`, page by page, the bytes exactly as the file holds them, so the chain is checked here and
 * never taken on the daemon's word); from the file `--file` or `--state` names; or, when no daemon answers,
 * from the default state folder's file, saying so. Read that way, a host whose daemon never ran has no log
 * yet, and a log missing from a state folder the daemon has used was deleted. A host's own log (the
 * daemon's, or a state folder's) comes with the host's id, so its head can be compared with the one seen
 * before; a file named with --file is a copy or an archive, checked on its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readLogText } from '../../audit/host/index.js';
import { MvError } from '../../errors/index.js';
import { DEFAULT_DIRS } from '../../instance/index.js';
import type { MethodResult } from '../../protocol/index.js';
import { callDaemon, daemonSocketPath, probeDaemon } from '../daemon-client.js';

/** Which log the command was told to read. */
export interface LogOptions {
  readonly file?: string;
  readonly state?: string;
}

/** The log's text and its name for messages; `text` undefined: the host has no log yet (at `name`). */
export interface AuditLogText {
  readonly name: string;
  readonly text: string | undefined;
  /** The host whose own current log this is; undefined for a file named with --file. */
  readonly hostId?: string;
}

/** What the daemon's log is called in messages. */
const DAEMONS_LOG = "the daemon's audit log";

// The daemon opens its state database before it creates the log: a database without a log is a deletion.
const STATE_DATABASE = 'portalgun.db';

function logFile(options: LogOptions): string {
  return options.file ?? path.join(stateFolder(options), 'audit.log');
}

function stateFolder(options: LogOptions): string {
  return options.state ?? process.env.PORTALGUN_STATE ?? DEFAULT_DIRS.stateRoot;
}

/**
 * Whether the log file can be read: true when it exists; false when the host has none yet (its daemon never
 * ran); an error when it was deleted, or when a file named with --file is not there.
 */
function logExists(options: LogOptions): boolean {
  const file = logFile(options);
  if (existsSync(file)) return true;
  if (options.file !== undefined) {
    throw new MvError('audit.no-log', `There is no audit log at ${file}`, {
      hint: 'Check the path, or leave out --file to read <state>/audit.log.',
    });
  }
  if (existsSync(path.join(stateFolder(options), STATE_DATABASE))) {
    throw new MvError(
      'audit.broken',
      `${file} is missing, yet the daemon has run on ${stateFolder(options)}: the log was deleted`,
      { hint: 'Treat this host as compromised; restore the log from a backup to check it.' },
    );
  }
  return false;
}

/**
 * The whole log, page by page from its start, until a page reaches the size the log had when it was read.
 * Each read is itself audited, so the log grows while it is read: by one entry per page, far less than a page.
 */
export async function readAllPages(
  readPage: (offset: number) => Promise<MethodResult<'audit.read'>>,
): Promise<Buffer> {
  const pages: Buffer[] = [];
  for (let offset = 0; ; ) {
    const page = await readPage(offset);
    const bytes = Buffer.from(page.data, 'base64');
    pages.push(bytes);
    offset += bytes.length;
    if (bytes.length === 0 || offset >= page.size) break;
  }
  // Decoded once, whole: a character split between two pages comes out whole, as from the file.
  return Buffer.concat(pages);
}

/** Reads the log the options name, else the daemon's, else (saying so) the default state folder's file. */
export async function readAuditLog(options: LogOptions, run: string | undefined): Promise<AuditLogText> {
  if (options.file === undefined && options.state === undefined) {
    const daemon = await probeDaemon(run);
    if (daemon) {
      const socketPath = daemonSocketPath(run);
      const bytes = await readAllPages((offset) => callDaemon('audit.read', { offset }, { socketPath }));
      return { name: DAEMONS_LOG, text: bytes.toString('utf8'), hostId: daemon.hostId };
    }
    process.stderr.write(`note: no daemon answers, so this reads ${logFile(options)} itself\n`);
  }
  const file = logFile(options);
  const text = logExists(options) ? await readLogText(file) : undefined;
  const hostId = options.file === undefined ? stateHostId(options) : undefined;
  return { name: file, text, ...(hostId === undefined ? {} : { hostId }) };
}

// The daemon writes its host id beside the log, readable by all (daemon/door/host-identity.ts).
function stateHostId(options: LogOptions): string | undefined {
  const file = path.join(stateFolder(options), 'host-id');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
