/**
 * @module `scramble audit verify | show`: the host's hash-chained decision log, read through the daemon
 * when one answers, else from the state folder (audit-source.ts says which, and when a host has no log yet).
 * The chain is always verified here, over the log's own bytes. Reads only.
 */
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import { globalOptions } from '../commands/global-options.js';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';
import type { LogOptions } from './audit-source.js';

const FILE_HELP = "read this log file, not the daemon's log";
const STATE_HELP =
  "read <dir>/audit.log, not the daemon's log (with no daemon answering: $PORTALGUN_STATE, else /var/lib/multiverse)";

/** Registers the audit commands. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description("The host's audit log of every decision");
  audit
    .command('verify')
    .description('Check the hash chain: any edit, deletion or reordering is reported with its place')
    .option('--file <file>', FILE_HELP)
    .option('--state <dir>', STATE_HELP)
    .action(async (options: LogOptions, command: Command) => {
      const { verifyLogText } = await import('../../audit/index.js');
      const { readAuditLog } = await import('./audit-source.js');
      const global = globalOptions(command);
      const { name, text } = await readAuditLog(options, global.run);
      if (text === undefined) {
        if (global.json)
          return writeJson({ ok: true, count: 0, head: null, damagedLines: [], exists: false });
        return writeText(
          `ok: 0 entries; no audit log yet at ${name} (the daemon starts it when it first runs)`,
        );
      }
      const verdict = verifyLogText(text);
      if (global.json) {
        writeJson(verdict);
      } else if (verdict.ok) {
        writeText(`ok: ${verdict.count} entries, chain intact (head ${verdict.head})`);
      }
      if (!verdict.ok) {
        throw new MvError(
          'audit.broken',
          `${name}: chain broken at entry ${verdict.at} (${verdict.problem}): ${verdict.reason}`,
          {
            hint: 'The log was edited, truncated or reordered; treat this host as compromised.',
          },
        );
      }
    });
  audit
    .command('show')
    .description('Print the latest decisions')
    .option('--file <file>', FILE_HELP)
    .option('--state <dir>', STATE_HELP)
    .option('--tail <n>', 'how many', '20')
    .action(async (options: LogOptions & { tail: string }, command: Command) => {
      const { parseLogText } = await import('../../audit/index.js');
      const { readAuditLog } = await import('./audit-source.js');
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
      const global = globalOptions(command);
      const { name, text } = await readAuditLog(options, global.run);
      if (text === undefined) process.stderr.write(`note: no audit log yet at ${name}\n`);
      const entries = text === undefined ? [] : parseLogText(text, name).slice(-tail);
      if (global.json) return writeJson(entries);
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
