/**
 * @module What a Scramble Shell line (or `scramble run`) asks the daemon to do: each word list becomes one
 * daemon method and its parameters, or a refusal naming the right usage. The shell signs every one.
 * Pure: no I/O.
 */
import { MvError } from '../../errors/index.js';
import { AGENT_VERBS } from '../../guest-abi/index.js';
import type { MethodName } from '../../protocol/index.js';

/** One command of the shell, as the daemon will get it. */
export interface ShellCall {
  readonly method: MethodName;
  readonly params: Record<string, unknown>;
}

/** The shell's commands with their usage, for help and completion. */
export const SHELL_COMMANDS: Readonly<Record<string, string>> = {
  ps: 'ps',
  up: 'up <formula> [name]',
  down: 'down <portal> [--force]',
  status: 'status <portal>',
  exec: 'exec <portal> <verb> [args…]',
  logs: 'logs <portal>',
  rm: 'rm <portal> [--yes]',
  help: 'help',
  exit: 'exit',
};

function usage(command: string): MvError {
  return new MvError('usage.invalid', `Usage: ${SHELL_COMMANDS[command] ?? command}`, {
    hint: 'Type "help" for every command.',
  });
}

/** The daemon call for a line's words (without `help`/`exit`, which the shell handles itself). */
export function shellCall(words: readonly string[]): ShellCall {
  const [command = '', ...rest] = words;
  const [first, second] = rest;
  switch (command) {
    case 'ps':
      return { method: 'portal.list', params: {} };
    case 'up':
      if (!first || rest.length > 2) throw usage(command);
      return { method: 'portal.up', params: { formula: first, ...(second ? { name: second } : {}) } };
    case 'down':
      if (!first || rest.length > 2 || (second && second !== '--force')) throw usage(command);
      return { method: 'portal.down', params: { name: first, force: second === '--force' } };
    case 'rm':
      if (!first || rest.length > 2 || (second && second !== '--yes')) throw usage(command);
      // Like portalgun rm: a share that holds files is deleted only when the line says --yes.
      return { method: 'portal.remove', params: { name: first, force: false, ifShareEmpty: !second } };
    case 'status':
    case 'logs':
      if (!first || rest.length > 1) throw usage(command);
      return command === 'status'
        ? { method: 'portal.status', params: { name: first } }
        : { method: 'portal.logs', params: { name: first, tailBytes: 8_192 } };
    case 'exec': {
      if (!first || !second) throw usage(command);
      const args = rest.slice(2);
      return {
        method: 'portal.exec',
        params: { name: first, verb: second, args: args[0] === '--' ? args.slice(1) : args },
      };
    }
    default:
      throw new MvError('usage.invalid', `Unknown command "${command}"`, {
        hint: `Commands: ${Object.keys(SHELL_COMMANDS).join(', ')}.`,
      });
  }
}

/** Completions for a partial line: commands first, then agent verbs after `exec <portal>`, then portal names. */
export function completeLine(line: string, portals: readonly string[]): string[] {
  const words = line.split(/\s+/);
  const current = words.at(-1) ?? '';
  const candidates =
    words.length === 1
      ? Object.keys(SHELL_COMMANDS)
      : words[0] === 'exec' && words.length === 3
        ? [...AGENT_VERBS]
        : words.length === 2 && words[0] !== 'up'
          ? [...portals]
          : [];
  return candidates.filter((c) => c.startsWith(current));
}
