/**
 * @module Entry point of the `portalgun` CLI: runs the command and maps every failure to one clear message
 * and the exit code of its category (2 = bad input). Stack traces only with PORTALGUN_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CommanderError } from 'commander';
import { errorToJson, exitCodeOf, formatErrorText } from '../errors/index.js';
import { packageRoot } from '../install/host/package-root.js';
import { toCliError } from './cli-error.js';
import { writeJson } from './output.js';
import { buildProgram } from './program.js';

function version(): string {
  const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    await buildProgram(version()).parseAsync([...argv], { from: 'user' });
    // Commands such as exec and doctor set their own exit status.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError && (error.exitCode === 0 || error.code === 'commander.help'))
      return 0;
    const failure = toCliError(error, 'portalgun');
    if (process.env.PORTALGUN_DEBUG === '1') console.error(error);
    if (json) writeJson(errorToJson(failure));
    else if (!(error instanceof CommanderError)) process.stderr.write(`${formatErrorText(failure)}\n`);
    return exitCodeOf(failure.code);
  }
}

process.exitCode = await main(process.argv.slice(2));
