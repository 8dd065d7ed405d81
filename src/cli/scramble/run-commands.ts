/**
 * @module `scramble run` and `scramble shell`: signed commands to the portalgun daemon. `run` sends one;
 * the shell is a REPL that signs every line, opens the sealed replies, shows stderr visibly apart, names
 * the reason of every refusal, keeps its history (0600) and completes commands, verbs and portal names.
 * What the guest wrote is shown without control sequences (a program's output so when it goes to a
 * terminal): terminal-text.ts.
 */
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { styleText } from 'node:util';
import type { Command } from 'commander';
import { asMvError } from '../../errors/index.js';
import type { MethodParamsInput, PortalSummary } from '../../protocol/index.js';
import { forTerminal, terminalSafe } from '../../text/index.js';
import { globalOptions } from '../commands/global-options.js';
import { writeJson, writeText } from '../output.js';
import { completeLine, SHELL_COMMANDS, type ShellCall, shellCall } from './shell-commands.js';
import { tokenize } from './tokenize.js';

async function perform(call: ShellCall, socketPath: string): Promise<unknown> {
  const { callDaemon } = await import('../daemon-client.js');
  const { upPortal } = await import('../signed-images.js');
  const options = {
    socketPath,
    onProgress: (m: string) => process.stderr.write(`${styleText('dim', terminalSafe(m))}\n`),
  };
  // A boot needs its image signed by the owner first, the same way `portalgun up` does it.
  if (call.method === 'portal.up') return upPortal(call.params as MethodParamsInput<'portal.up'>, options);
  return callDaemon(call.method, call.params as never, options);
}

/** Prints a result: run output with stderr in red, everything else as YAML; returns a run's exit status. */
async function show(result: unknown): Promise<number> {
  const inner = (result as { result?: unknown }).result ?? result;
  if (typeof inner === 'object' && inner !== null && 'stdout' in inner && 'stderr' in inner) {
    const run = inner as { stdout: string; stderr: string; exitCode: unknown };
    process.stdout.write(forTerminal(process.stdout, run.stdout));
    if (run.stderr) process.stdout.write(styleText('red', forTerminal(process.stdout, run.stderr)));
    if (run.exitCode !== 0) process.stdout.write(styleText('yellow', `[exit ${String(run.exitCode)}]\n`));
    return typeof run.exitCode === 'number' ? run.exitCode : 1;
  }
  const portals = (inner as { portals?: PortalSummary[] }).portals;
  if (portals) {
    const { renderPortalTable } = await import('../render/portal-table.js');
    writeText(terminalSafe(renderPortalTable(portals)));
    return 0;
  }
  writeText(
    terminalSafe(
      typeof inner === 'string' ? inner : (await import('../render/yaml-text.js')).yamlText(inner),
    ),
  );
  return 0;
}

function showError(error: unknown): void {
  const failure = asMvError(error);
  const label = failure.code.startsWith('auth.') ? 'refused' : 'error';
  const message = terminalSafe(`${label}: ${failure.message} [${failure.code}]`);
  process.stdout.write(`${styleText('red', message)}\n`);
  if (failure.hint) process.stdout.write(`${styleText('dim', `  hint: ${terminalSafe(failure.hint)}`)}\n`);
}

/** Runs one shell line and prints its outcome; returns the portal names when the reply listed them. */
async function runLine(line: string, socketPath: string): Promise<string[] | undefined> {
  try {
    const result = await perform(shellCall(tokenize(line)), socketPath);
    await show(result);
    return (result as { portals?: { name: string }[] }).portals?.map((p) => p.name);
  } catch (error) {
    showError(error);
    return undefined;
  }
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
      const { daemonSocketPath } = await import('../daemon-client.js');
      const global = globalOptions(command);
      const call = Object.hasOwn(SHELL_COMMANDS, words[0] ?? '')
        ? shellCall(words)
        : shellCall(['exec', ...words]);
      const result = await perform(call, daemonSocketPath(global.run));
      if (global.json) return writeJson(result);
      process.exitCode = await show(result);
    });

  program
    .command('shell')
    .description('The Scramble Shell: a REPL that signs every command and decrypts every reply')
    .action(async (_options: unknown, command: Command) => {
      const { scrambleHome } = await import('../../scramble/host/index.js');
      const { daemonSocketPath } = await import('../daemon-client.js');
      const socketPath = daemonSocketPath(globalOptions(command).run);
      // The history sits beside the keys; a user without keys yet still gets a private folder for it.
      mkdirSync(scrambleHome(), { recursive: true, mode: 0o700 });
      const historyFile = path.join(scrambleHome(), 'history');
      const history = existsSync(historyFile)
        ? readFileSync(historyFile, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 500)
        : [];
      let portals: string[] = [];
      const interactive = process.stdin.isTTY === true;
      const rl = createInterface({
        input: process.stdin,
        output: process.stdout,
        terminal: interactive,
        history,
        completer: (line: string): [string[], string] => [
          completeLine(line, portals),
          line.split(/\s+/).at(-1) ?? '',
        ],
      });
      rl.setPrompt('scramble> ');
      // Piped input gets neither banner nor prompts: its output is the replies alone.
      if (interactive) {
        process.stdout.write(
          'Scramble Shell: every command is signed, every reply sealed to you. "help" lists commands.\n',
        );
        rl.prompt();
      }
      // The loop ends at "exit", at end of input (Ctrl-D, or the end of a pipe) and at Ctrl-C.
      for await (const raw of rl) {
        const line = raw.trim();
        if (line === 'exit' || line === 'quit') break;
        if (line !== '') {
          appendFileSync(historyFile, `${line}\n`, { mode: 0o600 });
          chmodSync(historyFile, 0o600);
          if (line === 'help') writeText(Object.values(SHELL_COMMANDS).join('\n'));
          else portals = (await runLine(line, socketPath)) ?? portals;
        }
        if (interactive) rl.prompt();
      }
      rl.close();
    });
}
