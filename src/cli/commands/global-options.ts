/**
 * @module The options every command accepts, read from the root program.
 */
import type { Command } from 'commander';

/** Options given before or after the subcommand: `--json`, `--formulas <dir>`. */
export interface GlobalOptions {
  readonly json: boolean;
  readonly formulas: string | undefined;
}

/** The global options as seen from a subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<{ json?: boolean; formulas?: string }>();
  return { json: all.json === true, formulas: all.formulas };
}
