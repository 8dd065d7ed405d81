/**
 * @module Entry point of the `scramble` CLI: the user's Scramble ID and keys, signed commands (`run`), the
 * Scramble Shell, and the host's audit log. Failures map to exit codes like portalgun's (5 = denied).
 */
import { Command, CommanderError } from 'commander';
import { errorToJson, exitCodeOf, formatErrorText } from '../../errors/index.js';
import { toCliError } from '../cli-error.js';
import { writeJson } from '../output.js';
import { registerAuditCommands } from './audit-commands.js';
import { registerIdentityCommands } from './identity-commands.js';
import { registerRunCommands } from './run-commands.js';

function buildProgram(): Command {
  const program = new Command('scramble')
    .description('Scramble Suite: your Scramble ID, signed commands and sealed replies')
    .option('--json', 'machine-readable output on stdout (errors too)')
    .option('--run <dir>', "the portalgun daemon's run folder (default: $PORTALGUN_RUN or /run/multiverse)")
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerIdentityCommands(program);
  registerRunCommands(program);
  registerAuditCommands(program);
  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  for (const command of all(program)) command.exitOverride();
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (
      error instanceof CommanderError &&
      (error.exitCode === 0 || error.code === 'commander.help' || error.code === 'commander.helpDisplayed')
    )
      return 0;
    const failure = toCliError(error, 'scramble');
    if (json) writeJson(errorToJson(failure));
    else if (!(error instanceof CommanderError)) process.stderr.write(`${formatErrorText(failure)}\n`);
    return exitCodeOf(failure.code);
  }
}

process.exitCode = await main(process.argv.slice(2));
