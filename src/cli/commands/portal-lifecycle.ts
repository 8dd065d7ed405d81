/**
 * @module `portalgun up | down`: start a portal from a formula (its image built and signed with the
 * user's session first) and wait until it is ready (or the router chain, with --chain), and stop one
 * (gracefully unless --force). `rm` is in portal-remove.ts.
 */
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import type { PortalSummary } from '../../protocol/index.js';
import { writeJson, writeText } from '../output.js';
import { progressPrinter } from '../progress.js';
import { globalOptions } from './global-options.js';

interface UpOptions {
  readonly name?: string;
  readonly chain?: boolean;
  readonly adoptData?: boolean;
}

function report(summary: PortalSummary, json: boolean, verb: string): void {
  if (json) {
    writeJson(summary);
    return;
  }
  writeText(`${summary.name}: ${verb} (${summary.state}, ${summary.node}, pid ${summary.pid ?? '-'})`);
}

/** Registers `up` and `down`. */
export function registerLifecycle(program: Command): void {
  program
    .command('up')
    .description(
      'Start a portal from a formula (after the routers it needs) and wait until it reports ready, or the router chain',
    )
    .argument('[formula]', 'node path (application/console) or portal name')
    .option('--name <name>', 'instance name (default: the formula name, then name-2, name-3, …)')
    .option('--adopt-data', "start it even though the name's share and volumes belong to another formula")
    .option(
      '--chain',
      'start the router chain in order (universe → galaxy → star), each once the one before is ready',
    )
    .action(async (formula: string | undefined, options: UpOptions, command: Command) => {
      const global = globalOptions(command);
      const { upChain, upRoute } = await import('./chain-up.js');
      if (options.chain) {
        if (formula !== undefined || options.name !== undefined) {
          throw new MvError(
            'usage.invalid',
            '--chain starts the routers of the catalogue; it takes no formula or --name',
            {
              hint: 'Run "portalgun up --chain" alone, then "portalgun up <formula>" for the portals behind it.',
            },
          );
        }
        return upChain(global);
      }
      if (formula === undefined) {
        throw new MvError('usage.invalid', 'Which formula should "up" start?', {
          hint: 'portalgun up <formula> (e.g. application/console), or portalgun up --chain for the routers.',
        });
      }
      const onProgress = progressPrinter();
      const { daemonSocketPath } = await import('../daemon-client.js');
      const { upPortal } = await import('../signed-images.js');
      await upRoute(formula, global, onProgress);
      const summary = await upPortal(
        {
          formula,
          ...(options.name ? { name: options.name } : {}),
          ...(options.adoptData ? { adoptData: true } : {}),
        },
        { socketPath: daemonSocketPath(global.run), onProgress },
      );
      report(summary, global.json, 'ready');
    });

  program
    .command('down')
    .description(
      'Stop a portal: agent poweroff, then ACPI powerdown, then quit, then kill; its overlay is removed',
    )
    .argument('<portal>', 'portal name')
    .option('--force', 'skip the graceful steps')
    .action(async (name: string, options: { force?: boolean }, command: Command) => {
      const global = globalOptions(command);
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const summary = await callDaemon(
        'portal.down',
        { name, force: options.force === true },
        {
          socketPath: daemonSocketPath(global.run),
          onProgress: progressPrinter(),
        },
      );
      report(summary, global.json, 'stopped');
    });
}
