/**
 * @module What a CLI shows for a failure: command-line mistakes (commander's) as bad input with a pointer to
 * --help, everything else as the project error it is, or as a bug.
 */
import { CommanderError } from 'commander';
import { asMvError, MvError } from '../errors/index.js';

/** The failure of a run of `cli` (portalgun or scramble) as an MvError. */
export function toCliError(error: unknown, cli: string): MvError {
  if (error instanceof CommanderError) {
    return new MvError('usage.invalid', error.message.replace(/^error: /, ''), {
      hint: `Run "${cli} --help" or "${cli} <command> --help".`,
    });
  }
  return asMvError(error);
}
