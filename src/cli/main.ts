/**
 * @module Entry point of the `portalgun` CLI: builds the command tree and runs it (see run-cli.ts for how
 * failures become messages and exit codes).
 */
import { buildProgram } from './program.js';
import { runCli } from './run-cli.js';
import { packageVersion } from './version.js';

process.exitCode = await runCli(buildProgram(packageVersion()), process.argv.slice(2));
