/**
 * @module `portalgun daemon` and `portalgun image kernel`: privileged work runs in its own process (the
 * daemon entry point), which these commands start and wait for; the CLI never loads that code itself.
 */
import type { Command } from 'commander';
import { privilegedEntryPath } from '../../install/host/index.js';
import { globalOptions } from './global-options.js';

async function runPrivileged(args: readonly string[]): Promise<number> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [privilegedEntryPath(), ...args], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal ? 128 + 2 : 1));
    });
  });
}

function dirArgs(
  options: { state?: string },
  global: { run: string | undefined; formulas?: string | undefined },
): string[] {
  return [
    ...(options.state ? ['--state', options.state] : []),
    ...(global.run ? ['--run', global.run] : []),
    ...(global.formulas ? ['--formulas', global.formulas] : []),
  ];
}

/** Registers `daemon`. */
export function registerPrivileged(program: Command): void {
  program
    .command('daemon')
    .description(
      'Run the portalgun daemon in the foreground (as root): one per host, supervises every portal',
    )
    .option('--state <dir>', 'state folder (default: $PORTALGUN_STATE or /var/lib/multiverse)')
    .option(
      '--reset-audit',
      'archive an audit log that fails its checks (kept beside it) and start a new chain that records it',
    )
    .action(async (options: { state?: string; resetAudit?: boolean }, command: Command) => {
      const reset = options.resetAudit ? ['--reset-audit'] : [];
      process.exitCode = await runPrivileged(['run', ...dirArgs(options, globalOptions(command)), ...reset]);
    });
}

/** Registers `image kernel`. */
export function registerImageKernel(image: Command): void {
  image
    .command('kernel')
    .description('Install the Debian generic kernel (PVH vmlinux + modules) into the image store (as root)')
    .option('--state <dir>', 'state folder (default: $PORTALGUN_STATE or /var/lib/multiverse)')
    .option('--force', 'reinstall even if the current kernel is installed')
    .action(async (options: { state?: string; force?: boolean }) => {
      const args = [
        'install-kernel',
        ...(options.state ? ['--state', options.state] : []),
        ...(options.force ? ['--force'] : []),
      ];
      process.exitCode = await runPrivileged(args);
    });
}
