/**
 * @module `portalgun up | down | rm`: start a portal from a formula and wait until it is ready, stop one
 * (gracefully unless --force), and forget a stopped one (its share too; persistent volumes are kept).
 */
import type { Command } from 'commander';
import type { PortalSummary } from '../../protocol/index.js';
import { callDaemon, daemonSocketPath } from '../daemon-client.js';
import { writeJson, writeText } from '../output.js';
import { progressPrinter } from '../progress.js';
import { globalOptions } from './global-options.js';

function report(summary: PortalSummary, json: boolean, verb: string): void {
  if (json) {
    writeJson(summary);
    return;
  }
  writeText(`${summary.name}: ${verb} (${summary.state}, ${summary.node}, pid ${summary.pid ?? '-'})`);
}

/** Registers `up`, `down` and `rm`. */
export function registerLifecycle(program: Command): void {
  program
    .command('up')
    .description('Start a portal from a formula and wait until it reports ready')
    .argument('<formula>', 'node path (application/console) or portal name')
    .option('--name <name>', 'instance name (default: the formula name, then name-2, name-3, …)')
    .action(async (formula: string, options: { name?: string }, command: Command) => {
      const global = globalOptions(command);
      const summary = await callDaemon(
        'portal.up',
        { formula, ...(options.name ? { name: options.name } : {}) },
        {
          socketPath: daemonSocketPath(global.run),
          onProgress: progressPrinter(),
        },
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

  program
    .command('rm')
    .description('Forget a stopped portal and delete its share (persistent volumes are kept)')
    .argument('<portal>', 'portal name')
    .option('--force', 'stop it first if it is running')
    .action(async (name: string, options: { force?: boolean }, command: Command) => {
      const global = globalOptions(command);
      const result = await callDaemon(
        'portal.remove',
        { name, force: options.force === true },
        { socketPath: daemonSocketPath(global.run) },
      );
      if (global.json) return writeJson(result);
      writeText(`${result.removed}: removed`);
    });
}
