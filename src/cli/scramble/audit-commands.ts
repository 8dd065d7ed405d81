/**
 * @module `scramble audit verify | show`: the host's hash-chained decision log, read from the daemon's state
 * folder. A host whose daemon never ran has no log yet, which is said plainly (0 entries); a log missing from
 * a state folder the daemon has used was deleted, which is reported as a broken chain. Reads only.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readEntries, verifyFile } from '../../audit/host/index.js';
import { MvError } from '../../errors/index.js';
import { DEFAULT_DIRS } from '../../instance/index.js';
import { globalOptions } from '../commands/global-options.js';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';

interface LogOptions {
  readonly file?: string;
  readonly state?: string;
}

// The daemon opens its state database before it creates the log: a database without a log is a deletion.
const STATE_DATABASE = 'portalgun.db';

function logFile(options: LogOptions): string {
  return options.file ?? path.join(stateFolder(options), 'audit.log');
}

function stateFolder(options: LogOptions): string {
  return options.state ?? process.env.PORTALGUN_STATE ?? DEFAULT_DIRS.stateRoot;
}

/**
 * Whether the log can be read: true when it exists; false when the host has none yet (its daemon never
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

/** Registers the audit commands. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description("The host's audit log of every decision");
  audit
    .command('verify')
    .description('Check the hash chain: any edit, deletion or reordering is reported with its place')
    .option('--file <file>', 'audit log (default: <state>/audit.log)')
    .option('--state <dir>', 'state folder (default: $PORTALGUN_STATE or /var/lib/multiverse)')
    .action(async (options: LogOptions, command: Command) => {
      const file = logFile(options);
      if (!logExists(options)) {
        if (globalOptions(command).json)
          return writeJson({ ok: true, count: 0, head: null, damagedLines: [], exists: false });
        return writeText(
          `ok: 0 entries; no audit log yet at ${file} (the daemon starts it when it first runs)`,
        );
      }
      const verdict = await verifyFile(file);
      if (globalOptions(command).json) {
        writeJson(verdict);
      } else if (verdict.ok) {
        writeText(`ok: ${verdict.count} entries, chain intact (head ${verdict.head})`);
      }
      if (!verdict.ok) {
        throw new MvError(
          'audit.broken',
          `${file}: chain broken at entry ${verdict.at} (${verdict.problem}): ${verdict.reason}`,
          {
            hint: 'The log was edited, truncated or reordered; treat this host as compromised.',
          },
        );
      }
    });
  audit
    .command('show')
    .description('Print the latest decisions')
    .option('--file <file>', 'audit log (default: <state>/audit.log)')
    .option('--state <dir>', 'state folder')
    .option('--tail <n>', 'how many', '20')
    .action(async (options: LogOptions & { tail: string }, command: Command) => {
      const tail = Number(options.tail);
      if (!Number.isInteger(tail) || tail < 1) {
        throw new MvError(
          'usage.invalid',
          `--tail must be a whole number of entries, not "${options.tail}"`,
          {
            hint: 'For example --tail 50.',
          },
        );
      }
      const exists = logExists(options);
      if (!exists) process.stderr.write(`note: no audit log yet at ${logFile(options)}\n`);
      const entries = exists ? (await readEntries(logFile(options))).slice(-tail) : [];
      if (globalOptions(command).json) return writeJson(entries);
      const rows = entries.map((e) => [
        String(e.seq),
        new Date(Number(e.time)).toISOString(),
        String(e.decision),
        String(e.code),
        String(e.verb ?? '-'),
        String(e.target ?? '-'),
        String(e.kid ?? '-'),
      ]);
      writeText(renderColumns([['SEQ', 'TIME', 'DECISION', 'REASON', 'VERB', 'TARGET', 'KEY'], ...rows]));
    });
}
