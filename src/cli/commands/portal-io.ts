/**
 * @module `portalgun exec | console`: one agent verb in a running portal (the result printed as JSON or
 * YAML), and an interactive serial console (Ctrl-] detaches).
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { callDaemon, daemonSocketPath } from '../daemon-client.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

const DETACH = 0x1d;

/** Registers `exec` and `console`. */
export function registerPortalIo(program: Command): void {
  program
    .command('exec')
    .description(
      'Send one agent verb to a running portal (ping, status, hostname, net-config, mount-share, run, poweroff)',
    )
    .argument('<portal>', 'portal name')
    .argument('<verb>', 'agent verb')
    .argument(
      '[args...]',
      'verb arguments (for run: an allowed absolute path, then its arguments); put -- before arguments that start with -',
    )
    .allowUnknownOption(false)
    .action(async (name: string, verb: string, args: string[], _options: unknown, command: Command) => {
      const global = globalOptions(command);
      const { result } = await callDaemon(
        'portal.exec',
        { name, verb, args },
        { socketPath: daemonSocketPath(global.run) },
      );
      if (global.json) return writeJson(result);
      if (isRunResult(result)) {
        process.stdout.write(result.stdout);
        process.stderr.write(result.stderr);
        process.exitCode = typeof result.exitCode === 'number' ? result.exitCode : 1;
        return;
      }
      writeText(typeof result === 'string' ? result : stringify(result));
    });

  program
    .command('console')
    .description("Attach to a portal's serial console (Ctrl-] detaches)")
    .argument('<portal>', 'portal name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const global = globalOptions(command);
      await new Promise<void>((resolve, reject) => {
        callDaemon(
          'portal.console',
          { name },
          {
            socketPath: daemonSocketPath(global.run),
            onTakeOver: (socket) => {
              process.stderr.write(`attached to ${name}; Ctrl-] detaches\n`);
              const raw = process.stdin.isTTY;
              if (raw) process.stdin.setRawMode(true);
              const detach = () => {
                if (raw) process.stdin.setRawMode(false);
                process.stdin.pause();
                socket.destroy();
                resolve();
              };
              process.stdin.on('data', (data: Buffer) =>
                data.includes(DETACH) ? detach() : socket.write(data),
              );
              socket.on('data', (data: Buffer) => process.stdout.write(data));
              socket.on('close', detach);
            },
          },
        )
          .then(({ readOnly }) => {
            if (readOnly) {
              process.stderr.write(
                `${name} is a router: its console shows output only, and keystrokes are not passed on\n`,
              );
            }
          })
          .catch(reject);
      });
    });
}

function isRunResult(value: unknown): value is { stdout: string; stderr: string; exitCode: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'stdout' in value &&
    'stderr' in value &&
    'exitCode' in value
  );
}
