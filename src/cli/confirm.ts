/**
 * @module Asking before a command destroys someone's data: whether to ask, to go ahead, or to refuse, and the
 * question itself on the terminal. `--yes` goes ahead; `--json` never asks (a script reads its stdout); with
 * no terminal to ask on, the command refuses and the error's hint names `--yes`.
 */
import { createInterface } from 'node:readline/promises';

/** What to do when a command would delete data. */
export type Confirmation = 'proceed' | 'ask' | 'refuse';

/** The choice for a command run with these flags, on a terminal or not. */
export function confirmationFor(options: { yes: boolean; json: boolean; terminal: boolean }): Confirmation {
  if (options.yes) return 'proceed';
  if (options.json || !options.terminal) return 'refuse';
  return 'ask';
}

/** Whether a person sits at this process: its input and its stderr (where the question goes) are terminals. */
export function onTerminal(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** Asks a yes/no question on stderr; only "y" or "yes" (any case) is a yes, Ctrl-C or Ctrl-D a no. */
export async function askYesNo(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    const answer = await Promise.race([rl.question(`${question} [y/N] `), closed]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
