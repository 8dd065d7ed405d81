/**
 * @module `portalgun ps | status | logs`: the portals with state, uptime, memory and accelerator; one
 * portal's details with what its agent reports; its serial console log (`-f` follows it). What the guest
 * wrote (status, console log) is shown without control sequences (terminal-text.ts).
 */

import type { Command } from 'commander';
import { terminalSafe } from '../../text/index.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

/** Registers `ps`, `status` and `logs`. */
export function registerInspect(program: Command): void {
  program
    .command('ps')
    .description('List portals: name, formula, state, uptime, memory, accelerator')
    .action(async (_options: unknown, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { renderPortalTable } = await import('../render/portal-table.js');
      const global = globalOptions(command);
      const { portals } = await callDaemon('portal.list', {}, { socketPath: daemonSocketPath(global.run) });
      if (global.json) return writeJson(portals);
      writeText(terminalSafe(renderPortalTable(portals)));
    });

  program
    .command('status')
    .description('Show one portal and what its agent reports')
    .argument('<portal>', 'portal name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { yamlText } = await import('../render/yaml-text.js');
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const global = globalOptions(command);
      const status = await callDaemon(
        'portal.status',
        { name },
        { socketPath: daemonSocketPath(global.run) },
      );
      if (global.json) return writeJson(status);
      writeText(terminalSafe(yamlText(status)));
    });

  program
    .command('logs')
    .description("Print a portal's serial console log")
    .argument('<portal>', 'portal name')
    .option('-f, --follow', 'keep printing new output until Ctrl-C')
    .action(async (name: string, options: { follow?: boolean }, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const global = globalOptions(command);
      const socketPath = daemonSocketPath(global.run);
      let chunk = await callDaemon('portal.logs', { name, tailBytes: 65_536 }, { socketPath });
      process.stdout.write(terminalSafe(chunk.text));
      while (options.follow && chunk.live) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        chunk = await callDaemon('portal.logs', { name, offset: chunk.offset }, { socketPath });
        process.stdout.write(terminalSafe(chunk.text));
      }
    });
}
