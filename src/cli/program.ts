/**
 * @module The `portalgun` command tree: global options and every command group.
 */
import { Command } from 'commander';
import { registerFormulaList } from './commands/formula-list.js';
import { registerFormulaShow } from './commands/formula-show.js';
import { registerFormulaValidate } from './commands/formula-validate.js';
import { registerPlan } from './commands/plan.js';

/** Builds the program; `exitOverride` makes usage errors throw so main() maps them to exit code 2. */
export function buildProgram(version: string): Command {
  const program = new Command('portalgun')
    .description('Multiverse portal manager: formulas → manifests → QEMU portals')
    .version(version, '-V, --version')
    .option('--json', 'machine-readable output on stdout (errors too)')
    .option('--formulas <dir>', 'formula tree to use (default: $PORTALGUN_FORMULAS or the bundled tree)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const formula = program.command('formula').description('Inspect and check the formula tree').exitOverride();
  registerFormulaList(formula);
  registerFormulaShow(formula);
  registerFormulaValidate(formula);
  registerPlan(program);
  for (const command of [...program.commands, ...formula.commands]) command.exitOverride();
  return program;
}
