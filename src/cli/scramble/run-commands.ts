/**
 * @module `scramble run` and `scramble shell`: signed commands to the portalgun daemon. `run` sends one;
 * the shell is a REPL that signs every line, opens the sealed replies, shows stderr visibly apart, names
 * the reason of every refusal, keeps its history (0600) and completes commands, verbs and portal names.
 */
import { appendFileSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { styleText } from 'node:util';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { asMvError } from '../../errors/index.js';
import type { MethodParamsInput, PortalSummary } from '../../protocol/index.js';
import { scrambleHome } from '../../scramble/host/keyring.js';
import { globalOptions } from '../commands/global-options.js';
import { callDaemon, daemonSocketPath } from '../daemon-client.js';
import { writeJson, writeText } from '../output.js';
import { renderPortalTable } from '../render/portal-table.js';
import { upPortal } from '../signed-images.js';
import { completeLine, SHELL_COMMANDS, type ShellCall, shellCall } from './shell-commands.js';
import { tokenize } from './tokenize.js';

async function perform(call: ShellCall, socketPath: string): Promise<unknown> {
  const options = { socketPath, onProgress: (m: string) => process.stderr.write(`${styleText('dim', m)}\n`) };
  // A boot needs its image signed by the owner first, the same way `portalgun up` does it.
  if (call.method === 'portal.up') return upPortal(call.params as MethodParamsInput<'portal.up'>, options);
  return callDaemon(call.method, call.params as never, options);
}

/** Prints a result: run output with stderr in red, everything else as YAML; returns a run's exit status. */
function show(result: unknown): number {
  const inner = (result as { result?: unknown }).result ?? result;
  if (typeof inner === 'object' && inner !== null && 'stdout' in inner && 'stderr' in inner) {
    const run = inner as { stdout: string; stderr: string; exitCode: unknown };
    process.stdout.write(run.stdout);
    if (run.stderr) process.stdout.write(styleText('red', run.stderr));
    if (run.exitCode !== 0) process.stdout.write(styleText('yellow', `[exit ${String(run.exitCode)}]\n`));
    return typeof run.exitCode === 'number' ? run.exitCode : 1;
  }
  const portals = (inner as { portals?: PortalSummary[] }).portals;
  if (portals) {
    writeText(renderPortalTable(portals));
    return 0;
  }
  writeText(typeof inner === 'string' ? inner : stringify(inner));
  return 0;
}

function showError(error: unknown): void {
  const failure = asMvError(error);
  const label = failure.code.startsWith('auth.') ? 'refused' : 'error';
  process.stdout.write(`${styleText('red', `${label}: ${failure.message} [${failure.code}]`)}\n`);
  if (failure.hint) process.stdout.write(`${styleText('dim', `  hint: ${failure.hint}`)}\n`);
}

/** Registers `run` and `shell`. */
export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description(
      'Send one signed command: run <portal> <verb> [args…] (an agent verb), or run ps|up|down|status|logs|rm …',
    )
    .argument('<words...>', 'the command; put -- before arguments that start with -')
    .action(async (words: string[], _options: unknown, command: Command) => {
      const global = globalOptions(command);
      const call = Object.hasOwn(SHELL_COMMANDS, words[0] ?? '')
        ? shellCall(words)
        : shellCall(['exec', ...words]);
      const result = await perform(call, daemonSocketPath(global.run));
      if (global.json) return writeJson(result);
      process.exitCode = show(result);
    });

  program
    .command('shell')
    .description('The Scramble Shell: a REPL that signs every command and decrypts every reply')
    .action(async (_options: unknown, command: Command) => {
      const socketPath = daemonSocketPath(globalOptions(command).run);
      const historyFile = path.join(scrambleHome(), 'history');
      const history = existsSync(historyFile)
        ? readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500)
        : [];
      let portals: string[] = [];
      const rl = createInterface({
        input: process.stdin,
        output: process.stdout,
        history,
        completer: (line: string): [string[], string] => [
          completeLine(line, portals),
          line.split(/\s+/).at(-1) ?? '',
        ],
      });
      process.stdout.write(
        'Scramble Shell: every command is signed, every reply sealed to you. "help" lists commands.\n',
      );
      for (;;) {
        const line = (await rl.question('scramble> ').catch(() => 'exit')).trim();
        if (line === '') continue;
        appendFileSync(historyFile, `${line}\n`, { mode: 0o600 });
        chmodSync(historyFile, 0o600);
        if (line === 'exit' || line === 'quit') break;
        if (line === 'help') {
          writeText(Object.values(SHELL_COMMANDS).join('\n'));
          continue;
        }
        try {
          const result = await perform(shellCall(tokenize(line)), socketPath);
          const listed = (result as { portals?: { name: string }[] }).portals;
          if (listed) portals = listed.map((p) => p.name);
          show(result);
        } catch (error) {
          showError(error);
        }
      }
      rl.close();
    });
}
