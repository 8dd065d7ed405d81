/**
 * @module Runs a CLI's command tree (portalgun's or scramble's) and turns every failure into one clear
 * message and the exit code of its category (2 = bad input). Stack traces only with PORTALGUN_DEBUG=1. A
 * message may quote a guest (an agent error), so it is printed without control sequences.
 */
import { type Command, CommanderError } from 'commander';
import { errorToJson, exitCodeOf, formatErrorText } from '../errors/index.js';
import { terminalSafe } from '../text/index.js';
import { toCliError } from './cli-error.js';
import { writeJson } from './output.js';

/** Whether the user asked for --json: only words before `--` count, the ones after it are a program's own. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/** Parses `argv` with `program`, runs the command, and returns the process exit code. */
export async function runCli(program: Command, argv: readonly string[]): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    // Commands such as exec and doctor set their own exit status.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (
      error instanceof CommanderError &&
      (error.exitCode === 0 || error.code === 'commander.help' || error.code === 'commander.helpDisplayed')
    )
      return 0;
    const failure = toCliError(error, program.name());
    if (process.env.PORTALGUN_DEBUG === '1') console.error(error);
    if (wantsJson(argv)) writeJson(errorToJson(failure));
    else if (!(error instanceof CommanderError))
      process.stderr.write(`${terminalSafe(formatErrorText(failure))}\n`);
    return exitCodeOf(failure.code);
  }
}
