/**
 * @module `portalgun rm <portal>`: forget a stopped portal and delete its share (persistent volumes are
 * kept). A share that holds files is only deleted after a yes at the terminal or with `--yes`; `--json` and
 * runs without a terminal refuse instead (exit 2, the hint names `--yes`).
 */
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

interface RemoveOptions {
  readonly force?: boolean;
  readonly yes?: boolean;
}

/** Registers `rm`. */
export function registerRemove(program: Command): void {
  program
    .command('rm')
    .description('Forget a stopped portal and delete its share (asks first when the share holds files)')
    .argument('<portal>', 'portal name')
    .option('--force', 'stop it first if it is running')
    .option('-y, --yes', 'delete the share without asking, even when it holds files')
    .action(async (name: string, options: RemoveOptions, command: Command) => {
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const global = globalOptions(command);
      const socketPath = daemonSocketPath(global.run);
      const force = options.force === true;
      const { askYesNo, confirmationFor, onTerminal } = await import('../confirm.js');
      const mode = confirmationFor({ yes: options.yes === true, json: global.json, terminal: onTerminal() });
      const remove = (ifShareEmpty: boolean) =>
        callDaemon('portal.remove', { name, force, ifShareEmpty }, { socketPath });
      let result: { removed: string };
      try {
        result = await remove(mode !== 'proceed');
      } catch (error) {
        if (!(mode === 'ask' && error instanceof MvError && error.code === 'portal.share-not-empty'))
          throw error;
        if (!(await askYesNo(`${error.message}. Delete them?`))) {
          process.stderr.write(`${name}: kept; nothing was removed\n`);
          return;
        }
        result = await remove(false);
      }
      if (global.json) return writeJson(result);
      writeText(`${result.removed}: removed`);
    });
}
