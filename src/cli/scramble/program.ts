/**
 * @module The `scramble` command tree: the user's Scramble ID and keys, signed commands (`run`), the
 * Scramble Shell, the host's audit log and the pinned host keys. Failures map to exit codes like portalgun's
 * (5 = denied). Command files load their code inside the action (`await import()`), as in ../program.ts.
 */
import { Command } from 'commander';
import { registerCompletion } from '../commands/completion.js';
import { registerAuditCommands } from './audit-commands.js';
import { registerHostCommands } from './host-commands.js';
import { registerIdentityCommands } from './identity-commands.js';
import { registerRunCommands } from './run-commands.js';

/** Builds the program; `exitOverride` makes usage errors throw so runCli maps them to exit code 2. */
export function buildScrambleProgram(version: string): Command {
  const program = new Command('scramble')
    .description('Scramble Suite: your Scramble ID, signed commands and sealed replies')
    .version(version, '-V, --version')
    .option('--json', 'machine-readable output on stdout (errors too)')
    .option('--run <dir>', "the portalgun daemon's run folder (default: $PORTALGUN_RUN or /run/multiverse)")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerIdentityCommands(program);
  registerRunCommands(program);
  registerAuditCommands(program);
  registerHostCommands(program);
  registerCompletion(program);
  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  for (const command of all(program)) command.exitOverride();
  return program;
}
