/**
 * @module `portalgun exec | console | shell`: one agent verb in a running portal (the result printed as JSON
 * or YAML); the serial console followed read-only (no image keeps a shell there); and an interactive shell,
 * the agent's `shell` verb, one signed call per keystroke batch (`shell-client.ts`). `exec` shows the
 * guest's answer without control sequences, and a program's output so whenever it goes to a terminal
 * (terminal-text.ts); `console` and `shell` pass the guest's bytes raw, as a terminal there is the point.
 */
import type { Command } from 'commander';
import { forTerminal, terminalSafe } from '../../text/index.js';
import { globalOptions } from './global-options.js';

/** Registers `exec`, `console` and `shell`. */
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
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { writeJson, writeText } = await import('../output.js');
      const { result } = await callDaemon(
        'portal.exec',
        { name, verb, args },
        { socketPath: daemonSocketPath(global.run) },
      );
      if (global.json) return writeJson(result);
      if (isRunResult(result)) {
        process.stdout.write(forTerminal(process.stdout, result.stdout));
        process.stderr.write(forTerminal(process.stderr, result.stderr));
        process.exitCode = typeof result.exitCode === 'number' ? result.exitCode : 1;
        return;
      }
      writeText(
        terminalSafe(
          typeof result === 'string' ? result : (await import('../render/yaml-text.js')).yamlText(result),
        ),
      );
    });

  program
    .command('console')
    .description(
      "Follow a portal's serial console: boot output and the guest's messages, read-only (Ctrl-C leaves)",
    )
    .argument('<portal>', 'portal name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const global = globalOptions(command);
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      await new Promise<void>((resolve, reject) => {
        callDaemon(
          'portal.console',
          { name },
          {
            socketPath: daemonSocketPath(global.run),
            onTakeOver: (socket) => {
              process.stderr.write(
                `following ${name}'s console (output only; Ctrl-C leaves; "portalgun shell ${name}" opens a shell)\n`,
              );
              socket.on('data', (data: Buffer) => process.stdout.write(data));
              socket.on('close', () => resolve());
            },
          },
        ).catch(reject);
      });
    });

  program
    .command('shell')
    .description(
      'Open an interactive shell (root, on a terminal) in a running portal: every keystroke batch is a signed call, every output sealed to you (Ctrl-] leaves)',
    )
    .argument('<portal>', 'portal name')
    .action(async (name: string, _options: unknown, command: Command) => {
      const global = globalOptions(command);
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const { runShellClient } = await import('../shell-client.js');
      const { TERM_NAME } = await import('../../agent/index.js');
      const socketPath = daemonSocketPath(global.run);
      const terminal = process.stdin.isTTY === true;
      if (terminal) {
        process.stderr.write(`shell in ${name}; Ctrl-] leaves\r\n`);
        process.stdin.setRawMode(true);
      }
      try {
        await runShellClient({
          step: (step) => callDaemon('portal.shell', { name, ...step }, { socketPath }),
          input: process.stdin,
          output: (bytes) => process.stdout.write(bytes),
          size: () => ({ cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 }),
          term: shellTerm(process.env.TERM, TERM_NAME),
          escapes: terminal,
          onResize: (callback) => {
            process.stdout.on('resize', callback);
            return () => process.stdout.off('resize', callback);
          },
        });
      } finally {
        if (terminal) process.stdin.setRawMode(false);
        process.stdin.pause();
      }
    });
}

/** The `TERM` the portal's shell gets: the caller's when it is a plain name, else vt100. */
function shellTerm(term: string | undefined, plainName: RegExp): string {
  return term !== undefined && plainName.test(term) ? term : 'vt100';
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
