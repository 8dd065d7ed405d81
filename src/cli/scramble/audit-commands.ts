import path from 'node:path';
import type { Command } from 'commander';
import { readEntries, verifyFile } from '../../audit/host/append-log.js';
import { MvError } from '../../errors/index.js';
import { globalOptions } from '../commands/global-options.js';
import { writeJson, writeText } from '../output.js';
import { renderColumns } from '../render/columns.js';

function logFile(options: { file?: string; state?: string }): string {
  return (
    options.file ??
    path.join(options.state ?? process.env.PORTALGUN_STATE ?? '/var/lib/multiverse', 'audit.log')
  );
}

/** Registers the audit commands. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description("The host's audit log of every decision");
  audit
    .command('verify')
    .description('Check the hash chain: any edit, deletion or reordering is reported with its place')
    .option('--file <file>', 'audit log (default: <state>/audit.log)')
    .option('--state <dir>', 'state folder (default: $PORTALGUN_STATE or /var/lib/multiverse)')
    .action(async (options: { file?: string; state?: string }, command: Command) => {
      const file = logFile(options);
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
    .action(async (options: { file?: string; state?: string; tail: string }, command: Command) => {
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
      const entries = (await readEntries(logFile(options))).slice(-tail);
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
