/**
 * @module The `portalgun` command tree: global options and every command group.
 *
 * Lazy loading (BENCHMARKS.md "CLI start"): every start builds this whole tree, so a command file imports
 * at its top only commander, `./global-options.js`, `../output.js`, `../progress.js` and other cheap
 * definitions. Whatever its action needs (the daemon client, formula/, scramble/, yaml, renderers) it loads
 * inside the action: `const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');`, and a
 * module-level helper that needs them does the same (or moves to a sibling file the action imports).
 * scripts/bundle-cli.mjs makes each such import a chunk of its own and fails the build when the start
 * would load zod, yaml, hash-wasm, hpke or the XML packages.
 */
import { Command, Help } from 'commander';
import { registerCompletion } from './commands/completion.js';
import { registerDoctor } from './commands/doctor.js';
import { registerExport } from './commands/export.js';
import { registerFormulaList } from './commands/formula-list.js';
import { registerFormulaShow } from './commands/formula-show.js';
import { registerFormulaValidate } from './commands/formula-validate.js';
import { registerImageCommands } from './commands/image.js';
import { registerImageDebian } from './commands/image-debian.js';
import { registerImageMaintenance } from './commands/image-maintenance.js';
import { registerInit } from './commands/init.js';
import { registerNet } from './commands/net.js';
import { registerPlan } from './commands/plan.js';
import { registerInspect } from './commands/portal-inspect.js';
import { registerPortalIo } from './commands/portal-io.js';
import { registerLifecycle } from './commands/portal-lifecycle.js';
import { registerRemove } from './commands/portal-remove.js';
import { registerImageKernel, registerPrivileged } from './commands/privileged.js';
import { registerRoute } from './commands/route.js';
import { registerView } from './commands/view.js';

/** The names people type from other tools (systemctl, docker, kubectl), shown in help and completion. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  up: ['start'],
  down: ['stop'],
  ps: ['list', 'ls'],
  rm: ['delete'],
};

const plainHelp = new Help();

/** Commander's help names a command's first alias only (`ps|list`); this names them all (`ps|list|ls`). */
function withEveryAlias(command: Command): string {
  return plainHelp.subcommandTerm(command).replace(/^\S+/, [command.name(), ...command.aliases()].join('|'));
}

/** Builds the program; `exitOverride` makes usage errors throw so main() maps them to exit code 2. */
export function buildProgram(version: string): Command {
  const program = new Command('portalgun')
    .description('Multiverse portal manager: formulas → manifests → QEMU portals')
    .version(version, '-V, --version')
    .option('--json', 'machine-readable output on stdout (errors too)')
    .option('--formulas <dir>', 'formula tree to use (default: $PORTALGUN_FORMULAS or the bundled tree)')
    .option(
      '--run <dir>',
      "the daemon's run folder, where its socket is (default: $PORTALGUN_RUN or /run/multiverse)",
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ subcommandTerm: withEveryAlias })
    .exitOverride();
  const formula = program.command('formula').description('Inspect and check the formula tree').exitOverride();
  registerFormulaList(formula);
  registerFormulaShow(formula);
  registerFormulaValidate(formula);
  registerPlan(program);
  registerExport(program);
  registerLifecycle(program);
  registerRemove(program);
  registerInspect(program);
  registerPortalIo(program);
  registerView(program);
  registerNet(program);
  registerRoute(program);
  registerPrivileged(program);
  const image = program
    .command('image')
    .description('Portal images: the kernel, building and signing, the store')
    .exitOverride();
  registerImageKernel(image);
  registerImageCommands(image);
  registerImageMaintenance(image);
  registerImageDebian(image);
  registerDoctor(program);
  registerInit(program);
  registerCompletion(program);
  for (const command of program.commands) command.aliases(ALIASES[command.name()] ?? []);
  for (const command of [...program.commands, ...formula.commands, ...image.commands]) command.exitOverride();
  return program;
}
