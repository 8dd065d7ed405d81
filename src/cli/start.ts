/**
 * @module How both CLIs start: a bare `--version`, and `--help` of any command, are answered before
 * anything else is loaded (commander and the command tree are most of a start, BENCHMARKS.md "CLI start"):
 * the version from package.json, the help page from the pages `npm run build` rendered (help-pages.ts).
 * Every other command line builds the tree and runs it (run-cli.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../install/host/index.js';
import { HELP_PAGE_COLUMNS, helpPageKey } from './help-pages.js';
import { packageVersion } from './version.js';

/** The stored page for `argv` of CLI `name`, when there is one and the terminal is wide enough for it. */
function storedHelpPage(name: string, argv: readonly string[]): string | undefined {
  const key = helpPageKey(argv);
  if (key === undefined) return undefined;
  if (process.stdout.isTTY && (process.stdout.columns ?? HELP_PAGE_COLUMNS) < HELP_PAGE_COLUMNS)
    return undefined;
  try {
    const pages = JSON.parse(readFileSync(path.join(packageRoot(), 'dist/cli/help.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    return pages[name]?.[key];
  } catch {
    // Not built (a run from source): commander renders it.
    return undefined;
  }
}

/** Runs the CLI `name`, whose tree `loadProgram` builds, on `argv`; returns the process exit code. */
export async function startCli(
  name: string,
  argv: readonly string[],
  loadProgram: (version: string) => Promise<Command>,
): Promise<number> {
  const version = packageVersion();
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const page = storedHelpPage(name, argv);
  if (page !== undefined) {
    process.stdout.write(page);
    return 0;
  }
  const { runCli } = await import('./run-cli.js');
  return runCli(await loadProgram(version), argv);
}
