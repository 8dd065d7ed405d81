/**
 * @module `portalgun ps | status | logs`: the portals with state, uptime, memory and accelerator; one
 * portal's details with what its agent reports; its serial console log (`-f` follows it). What the guest
 * wrote (status, console log) is shown without control sequences (terminal-text.ts).
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { callDaemon, daemonSocketPath } from '../daemon-client.js';
import { writeJson, writeText } from '../output.js';
import { renderPortalTable } from '../render/portal-table.js';
import { terminalSafe } from '../terminal-text.js';
import { globalOptions } from './global-options.js';

/** Registers `ps`, `status` and `logs`. */
export function registerInspect(program: Command): void {
  program
    .command('ps')
    .description('List portals: name, formula, state, uptime, memory, accelerator')
    .action(async (_options: unknown, command: Command) => {
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
      const global = globalOptions(command);
      const status = await callDaemon(
        'portal.status',
        { name },
        { socketPath: daemonSocketPath(global.run) },
      );
      if (global.json) return writeJson(status);
      writeText(terminalSafe(stringify(status)));
    });

  program
    .command('logs')
    .description("Print a portal's serial console log")
    .argument('<portal>', 'portal name')
    .option('-f, --follow', 'keep printing new output until Ctrl-C')
    .action(async (name: string, options: { follow?: boolean }, command: Command) => {
      const global = globalOptions(command);
      const socketPath = daemonSocketPath(global.run);
      let chunk = await callDaemon('portal.logs', { name, tailBytes: 65_536 }, { socketPath });
      process.stdout.write(terminalSafe(chunk.text));
      while (options.follow && chunk.live) {
        await sleep(250);
        chunk = await callDaemon('portal.logs', { name, offset: chunk.offset }, { socketPath });
        process.stdout.write(terminalSafe(chunk.text));
      }
    });
}
