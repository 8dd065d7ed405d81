/**
 * @module Creating the user's Scramble ID and daily keys, shared by `scramble id new`, `scramble session
 * new` and `portalgun init`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  createIdentity,
  createSession,
  type Session,
  scrambleHome,
  unlockRoot,
} from '../scramble/host/keyring.js';
import { readPassphrase } from './passphrase.js';

/** How long a session key lives by default. */
export const DEFAULT_SESSION_DAYS = 30;

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
