/**
 * @module Entry point of the `scramble` CLI: builds the command tree and runs it (see ../run-cli.ts for how
 * failures become messages and exit codes).
 */
import { runCli } from '../run-cli.js';
import { packageVersion } from '../version.js';
import { buildScrambleProgram } from './program.js';

process.exitCode = await runCli(buildScrambleProgram(packageVersion()), process.argv.slice(2));
