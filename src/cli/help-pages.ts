/**
 * @module Every `--help` page of a CLI, rendered once at build time (scripts/generate-man.mjs writes them to
 * dist/cli/help.json): `portalgun --help` then prints a stored page instead of loading commander and building
 * the whole tree, a third of a start (BENCHMARKS.md "CLI start"). Pages are rendered at 80 columns, without
 * colours, exactly as commander prints them on a pipe. Reads the Command objects only: no I/O.
 */
import type { Command } from 'commander';

/** The width pages are rendered at; a narrower terminal gets commander's own rendering. */
export const HELP_PAGE_COLUMNS = 80;

/** The help pages of `program` and every command below it, keyed by the words that name the command
 * (`''` for the program, `'image build'`; an alias names the same page: `'start'` as `'up'`). */
export function renderHelpPages(program: Command): Record<string, string> {
  const pages: Record<string, string> = {};
  const visit = (command: Command, paths: readonly string[]) => {
    let text = '';
    command.configureOutput({
      writeOut: (chunk) => {
        text += chunk;
      },
      getOutHelpWidth: () => HELP_PAGE_COLUMNS,
      getOutHasColors: () => false,
    });
    command.outputHelp();
    for (const key of paths) pages[key] = text;
    for (const child of command.commands) {
      const names = [child.name(), ...child.aliases()];
      visit(
        child,
        paths.flatMap((prefix) => names.map((name) => (prefix === '' ? name : `${prefix} ${name}`))),
      );
    }
  };
  visit(program, ['']);
  return pages;
}

/** The key of the page `argv` asks for (`up --help` → `'up'`), or undefined when argv is anything else. */
export function helpPageKey(argv: readonly string[]): string | undefined {
  const last = argv.at(-1);
  if (last !== '--help' && last !== '-h') return undefined;
  const words = argv.slice(0, -1);
  return words.every((word) => /^[a-z][a-z0-9-]*$/.test(word)) ? words.join(' ') : undefined;
}
