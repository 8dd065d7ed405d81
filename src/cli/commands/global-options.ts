/**
 * @module The options every command accepts, read from the root program.
 */
import type { Command } from 'commander';

/** Options given before or after the subcommand: `--json`, `--formulas <dir>`, `--run <dir>`. */
export interface GlobalOptions {
  readonly json: boolean;
  readonly formulas: string | undefined;
  /** The daemon's run folder (its socket lives there). */
  readonly run: string | undefined;
}

/** The global options as seen from a subcommand. */
export function globalOptions(command: Command): GlobalOptions {
  const all = command.optsWithGlobals<{ json?: boolean; formulas?: string; run?: string }>();
  return { json: all.json === true, formulas: all.formulas, run: all.run };
}
