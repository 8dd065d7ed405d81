/**
 * @module Creating the user's Scramble ID and daily keys, shared by `scramble id new`, `scramble session
 * new` and `portalgun init`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { MvError } from '../errors/index.js';
import type { Session } from '../scramble/host/index.js';
import { readPassphrase } from './passphrase.js';

/** How long a session key lives by default. */
export const DEFAULT_SESSION_DAYS = 30;

/** The command-line options of identity creation as commander hands them over. */
export interface IdentityFlags {
  readonly name: string;
  readonly randomSeed?: boolean;
  readonly passphraseFile?: string;
  readonly days: string;
}

/** Adds --name, --random-seed, --passphrase-file and --days to a command that creates an identity. */
export function withIdentityOptions(command: Command): Command {
  return command
    .option('--name <name>', 'identity name (part of the passphrase derivation)', 'owner')
    .option('--random-seed', 'a random root key instead of one derived from the passphrase')
    .option(
      '--passphrase-file <file>',
      'read the passphrase from this file (else $SCRAMBLE_PASSPHRASE, else ask)',
    )
    .option('--days <n>', 'session key lifetime in days', String(DEFAULT_SESSION_DAYS));
}

/** The identity options of those flags, checked (exit 2 on a bad --days). */
export function identityOptions(flags: IdentityFlags): IdentityOptions {
  const days = Number(flags.days);
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new MvError('usage.invalid', `--days must be a whole number from 1 to 366, not "${flags.days}"`, {
      hint: `Session keys live at most a year; the default is ${DEFAULT_SESSION_DAYS} days.`,
    });
  }
  return {
    name: flags.name,
    randomSeed: flags.randomSeed === true,
    passphraseFile: flags.passphraseFile,
    days,
  };
}

/** Options of identity creation. */
export interface IdentityOptions {
  readonly name: string;
  readonly randomSeed: boolean;
  readonly passphraseFile?: string | undefined;
  readonly days: number;
}

/** Makes the identity if there is none, then a fresh session; returns the session. */
export async function ensureIdentityAndSession(
  options: IdentityOptions,
): Promise<{ session: Session; created: boolean }> {
  // Loaded here, not at the top: commands register these options at every start (see program.ts).
  const { createIdentity, createSession, scrambleHome, unlockRoot } = await import(
    '../scramble/host/index.js'
  );
  const exists = existsSync(path.join(scrambleHome(), 'identity.json'));
  const passphrase = await readPassphrase({ file: options.passphraseFile, confirm: !exists });
  const root = exists
    ? await unlockRoot(passphrase)
    : await createIdentity({ name: options.name, passphrase, random: options.randomSeed });
  const session = createSession(root, {
    now: Date.now(),
    lifetimeMs: options.days * 86_400_000,
    permissions: ['*'],
  });
  return { session, created: !exists };
}
