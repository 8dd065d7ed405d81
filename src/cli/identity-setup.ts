/**
 * @module Creating the user's Scramble ID and daily keys, shared by `scramble id new`, `scramble session
 * new` and `portalgun init`. The root key is random unless `--derive-from-passphrase` asks for a "brain"
 * key (Argon2id over the passphrase and a random salt of this identity's, or `--salt` to make one again).
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
  readonly deriveFromPassphrase?: boolean;
  readonly salt?: string;
  readonly passphraseFile?: string;
  readonly days: string;
}

/** Adds --name, --derive-from-passphrase, --salt, --passphrase-file and --days to a command that creates an identity. */
export function withIdentityOptions(command: Command): Command {
  return command
    .option('--name <name>', 'a name for the identity (a label, shown by "scramble id show")', 'owner')
    .option(
      '--derive-from-passphrase',
      'derive the root key from the passphrase (Argon2id, 2 GiB, random salt) instead of a random one',
    )
    .option(
      '--salt <base64url>',
      'with --derive-from-passphrase: the salt of an existing identity, to make it again',
    )
    .option(
      '--passphrase-file <file>',
      'read the passphrase from this file (else $SCRAMBLE_PASSPHRASE, else ask)',
    )
    .option('--days <n>', 'session key lifetime in days', String(DEFAULT_SESSION_DAYS));
}

/** The identity options of those flags, checked (exit 2 on a bad --days or --salt). */
export function identityOptions(flags: IdentityFlags): IdentityOptions {
  const days = Number(flags.days);
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new MvError('usage.invalid', `--days must be a whole number from 1 to 366, not "${flags.days}"`, {
      hint: `Session keys live at most a year; the default is ${DEFAULT_SESSION_DAYS} days.`,
    });
  }
  if (flags.salt !== undefined && flags.deriveFromPassphrase !== true) {
    throw new MvError('usage.invalid', '--salt goes only with --derive-from-passphrase', {
      hint: 'A random root key has no salt; to make a passphrase-derived one again, give both.',
    });
  }
  return {
    name: flags.name,
    derive: flags.deriveFromPassphrase === true ? { salt: flags.salt } : undefined,
    passphraseFile: flags.passphraseFile,
    days,
  };
}

/** Options of identity creation; `derive` asks for a passphrase-derived root (under `salt`, base64url, or a new one). */
export interface IdentityOptions {
  readonly name: string;
  readonly derive?: { readonly salt?: string | undefined } | undefined;
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
  const { parseRootSalt } = await import('../scramble/index.js');
  // Checked before any prompt, so a bad --salt is bad input (exit 2) without asking for a passphrase.
  const salt = options.derive?.salt === undefined ? undefined : parseRootSalt(options.derive.salt);
  const exists = existsSync(path.join(scrambleHome(), 'identity.json'));
  if (exists && options.derive) {
    throw new MvError('scramble.exists', `An identity already exists in ${scrambleHome()}`, {
      hint: '--derive-from-passphrase makes a new identity: point SCRAMBLE_HOME at an empty folder for it.',
    });
  }
  const fresh = { purpose: options.derive ? 'derived-root' : 'key-file', context: [options.name] } as const;
  const passphrase = await readPassphrase({
    file: options.passphraseFile,
    fresh: exists ? undefined : fresh,
  });
  if (options.derive)
    process.stderr.write(
      'note: deriving the root key from the passphrase (Argon2id, 2 GiB of memory): a few seconds\n',
    );
  const root = exists
    ? await unlockRoot(passphrase)
    : await createIdentity({ name: options.name, passphrase, derive: options.derive ? { salt } : undefined });
  const session = createSession(root, {
    now: Date.now(),
    lifetimeMs: options.days * 86_400_000,
    permissions: ['*'],
  });
  return { session, created: !exists };
}
