/**
 * @module `scramble audit verify | show`: the host's hash-chained decision log, read through the daemon
 * when one answers, else from the state folder (audit-source.ts says which, and when a host has no log yet).
 * The chain, the host's signed checkpoints and the head seen before are always verified here, over the
 * log's own bytes (audit-verify.ts); the head verified is remembered. Names in the log are shown as
 * terminal-safe text: a caller chose them.
 */
import type { Command } from 'commander';
import type { AuditEntry, DecisionEntry, ResetEntry } from '../../audit/index.js';
import { MvError } from '../../errors/index.js';
import { terminalSafe } from '../../text/index.js';
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
    .description(
      "Check the hash chain, the host's signed checkpoints, and that no entry seen before is gone: any " +
        'edit, deletion, reordering, truncation or replacement is reported with its place',
    )
    .option('--file <file>', FILE_HELP)
    .option('--state <dir>', STATE_HELP)
    .option(
      '--reanchor',
      "forget the head and host key seen before for this host, and remember this log's (after a reported break is understood)",
    )
    .action(async (options: LogOptions & { reanchor?: boolean }, command: Command) => {
      const { scrambleHome } = await import('../../scramble/host/index.js');
      const { readAuditLog } = await import('./audit-source.js');
      const { describeVerified, headlineOf, resetNote, verifyAuditLog } = await import('./audit-verify.js');
      const global = globalOptions(command);
      const { name, text, hostId } = await readAuditLog(options, global.run);
      if (text === undefined) {
        if (global.json)
          return writeJson({ ok: true, count: 0, head: null, damagedLines: [], exists: false });
        return writeText(
          `ok: 0 entries; no audit log yet at ${name} (the daemon starts it when it first runs)`,
        );
      }
      const outcome = verifyAuditLog({
        text,
        hostId,
        home: scrambleHome(),
        reanchor: options.reanchor === true,
        now: Date.now(),
      });
      const { verdict } = outcome;
      const note = resetNote(outcome);
      if (note !== undefined) process.stderr.write(`${note}\n`);
      if (global.json) writeJson(verdict);
      else if (verdict.ok) writeText(describeVerified(outcome).join('\n'));
      if (!verdict.ok) {
        throw new MvError(
          'audit.broken',
          `${name}: ${headlineOf(verdict.problem)} at entry ${verdict.at} (${verdict.problem}): ${verdict.reason}`,
          {
            hint:
              'The log was edited, truncated, replaced or reordered; treat this host as compromised. Once you ' +
              'know why, "scramble audit verify --reanchor" remembers the log as it is now.',
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
      // The host's checkpoints are for `verify`; a reset is shown, as the start of the chain.
      const shown = text === undefined ? [] : parseLogText(text, name).filter(isShown);
      const entries = shown.slice(-tail);
      if (global.json) return writeJson(entries);
      const rows = entries.map((e) => [String(e.seq), new Date(e.time).toISOString(), ...columnsOf(e)]);
      writeText(renderColumns([['SEQ', 'TIME', 'DECISION', 'REASON', 'VERB', 'TARGET', 'KEY'], ...rows]));
    });
}

// One line per entry: the names a caller chose go through the terminal filter, folded onto the line.
const cell = (text: string | undefined) => terminalSafe(text ?? '-').replace(/[\n\t]/g, ' ');

function columnsOf(entry: DecisionEntry | ResetEntry): string[] {
  if (!('kind' in entry)) {
    return [entry.decision, entry.code, cell(entry.verb), cell(entry.target), cell(entry.kid)];
  }
  return ['reset', 'archived', '-', cell(entry.archived.file), '-'];
}

const isShown = (entry: AuditEntry): entry is DecisionEntry | ResetEntry =>
  !('kind' in entry) || entry.kind === 'reset';
