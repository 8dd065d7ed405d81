/**
 * @module Entry point of the `scramble` CLI: builds the command tree and runs it (see ../start.ts for what is
 * loaded when, ../run-cli.ts for how failures become messages and exit codes).
 */
import { startCli } from '../start.js';

process.exitCode = await startCli('scramble', process.argv.slice(2), async (version) =>
  (await import('./program.js')).buildScrambleProgram(version),
);
