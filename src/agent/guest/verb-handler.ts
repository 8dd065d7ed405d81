/**
 * @module What a verb handler is: a function of the request's arguments and the agent's context that returns
 * a JSON result (and, for `poweroff`, work to do once the reply is on the wire), or throws an `MvError` with
 * an `agent.*` code. Also the helpers handlers share for checking arguments and running system programs.
 */
import { MvError } from '../../errors/index.js';
import type { JsonValue } from '../protocol.js';
import type { AgentConfig } from './config.js';
import type { ShellSessions } from './shell-sessions.js';
import type { GuestSystem, SpawnResult } from './system.js';

/** What a handler sees. */
export interface AgentContext {
  readonly config: AgentConfig;
  readonly system: GuestSystem;
  /** The open shell sessions (the `shell` verb's). */
  readonly shells: ShellSessions;
}

/** Who signed the request being handled: the session key's id. */
export interface RequestSigner {
  readonly kid: string;
}

/** A handler's result, and optional work that must wait until the reply has been written. */
export interface VerbOutcome {
  readonly result: JsonValue;
  readonly afterReply?: () => Promise<void>;
}

/** One verb's implementation. */
export type VerbHandler = (
  args: readonly string[],
  context: AgentContext,
  signer: RequestSigner,
) => Promise<VerbOutcome>;

/** How long any program the agent starts may run, `run` included. */
export const PROGRAM_TIMEOUT_MS = 30_000;

/** How much of each output stream of a program the agent keeps. */
export const PROGRAM_OUTPUT_BYTES = 65_536;

/** Throws `agent.bad-args` with the usage when there are more than `max` arguments. */
export function expectAtMost(args: readonly string[], max: number, usage: string): void {
  if (args.length > max) throw new MvError('agent.bad-args', `Usage: ${usage}`);
}

/** Runs a system program and throws `agent.command-failed` (or `agent.timeout`) unless it exits with 0. */
export async function runChecked(system: GuestSystem, argv: readonly [string, ...string[]]): Promise<string> {
  const [file, ...args] = argv;
  const result = await spawnOrFail(system, { file, args });
  if (result.exitCode !== 0) {
    const detail = result.stderr.trim().split('\n').at(-1) || `exit ${result.exitCode ?? result.signal}`;
    throw new MvError('agent.command-failed', `${argv.join(' ')} failed: ${detail}`);
  }
  return result.stdout;
}

/** Starts a program with the agent's deadline and caps; throws `agent.command-failed` or `agent.timeout`. */
export async function spawnOrFail(
  system: GuestSystem,
  command: { readonly file: string; readonly args: readonly string[] },
): Promise<SpawnResult> {
  const { file, args } = command;
  let result: SpawnResult;
  try {
    result = await system.spawn({
      file,
      args,
      timeoutMs: PROGRAM_TIMEOUT_MS,
      maxOutputBytes: PROGRAM_OUTPUT_BYTES,
    });
  } catch (error) {
    throw new MvError('agent.command-failed', `Cannot start ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (result.timedOut) {
    throw new MvError(
      'agent.timeout',
      `${file} did not finish within ${PROGRAM_TIMEOUT_MS / 1000} s and was killed`,
    );
  }
  return result;
}
