/**
 * @module `scramble id new | show | export-public`, `scramble session new`, `scramble revoke`: the user's
 * Scramble ID and daily keys, and revoking a lost session key on the host. `id backup | restore` are in
 * recovery-commands.ts.
 */
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import type { IdentityInfo } from '../../scramble/host/index.js';
import { globalOptions } from '../commands/global-options.js';
import {
  DEFAULT_SESSION_DAYS,
  ensureIdentityAndSession,
  type IdentityFlags,
  identityOptions,
  withIdentityOptions,
} from '../identity-setup.js';
import { writeJson, writeText } from '../output.js';
import { readPassphrase } from '../passphrase.js';
import { registerRecoveryCommands } from './recovery-commands.js';

/** The identity's public side, or nothing where only the session keys were copied. */
async function publicIdentity(): Promise<Partial<IdentityInfo>> {
  const { readIdentity } = await import('../../scramble/host/index.js');
  try {
    return readIdentity();
  } catch (error) {
    if (error instanceof MvError && error.code === 'scramble.no-identity') return {};
    throw error;
  }
}

/** Registers the identity commands. */
export function registerIdentityCommands(program: Command): void {
  const id = program.command('id').description('Your Scramble ID');
  withIdentityOptions(
    id
      .command('new')
      .description(
        'Create your Scramble ID (a random root key, or one derived from the passphrase) and a first session key',
      ),
  ).action(async (flags: IdentityFlags, command: Command) => {
    const { scrambleHome } = await import('../../scramble/host/index.js');
    const { session } = await ensureIdentityAndSession(identityOptions(flags));
    if (globalOptions(command).json)
      return writeJson({ scrambleId: session.scrambleId, sessionKey: session.signing.kid });
    writeText(`${session.scrambleId}\nsession key ${session.signing.kid}; keys in ${scrambleHome()}`);
  });
  id.command('show')
    .description('Show your Scramble ID and current session key')
    .action(async (_options: unknown, command: Command) => {
      const { loadSession, readIdentity, scrambleHome } = await import('../../scramble/host/index.js');
      const identity = readIdentity();
      const session = loadSession();
      const info = {
        ...identity,
        sessionKey: session.signing.kid,
        sessionExpires: new Date(session.signing.certificate.expires).toISOString(),
        home: scrambleHome(),
      };
      if (globalOptions(command).json) return writeJson(info);
      const salt = info.rootKdf ? `, salt ${info.rootKdf.salt}` : '';
      writeText(
        `${info.scrambleId}\nname ${info.name} (${info.derivation} root${salt})\nsession key ${info.sessionKey}, expires ${info.sessionExpires}`,
      );
    });
  id.command('export-public')
    .description(
      "Print your public identity: Scramble ID, certificates and a derived root's salt (no secrets)",
    )
    .action(async () => {
      const { loadSession } = await import('../../scramble/host/index.js');
      const session = loadSession();
      const { rootKdf } = await publicIdentity();
      writeJson({
        scrambleId: session.scrambleId,
        ...(rootKdf ? { rootKdf } : {}),
        sessionCertificate: session.signing.certificate,
        encryptionCertificate: session.encryption.certificate,
      });
    });
  registerRecoveryCommands(id);
  program
    .command('session')
    .description('Daily keys')
    .command('new')
    .description('Issue a new session signing key and encryption key (needs the passphrase)')
    .option('--days <n>', 'lifetime in days', String(DEFAULT_SESSION_DAYS))
    .option('--passphrase-file <file>', 'read the passphrase from this file')
    .action(async (options: { days: string; passphraseFile?: string }) => {
      const { readIdentity } = await import('../../scramble/host/index.js');
      const { session } = await ensureIdentityAndSession(
        identityOptions({ ...options, name: readIdentity().name }),
      );
      writeText(`session key ${session.signing.kid}, valid ${options.days} days`);
    });
  program
    .command('revoke')
    .description('Revoke a session key on the host (signed by your root key; needs the passphrase)')
    .argument('<kid>', 'key id (see "scramble id show")')
    .option('--reason <text>', 'why', 'revoked by the owner')
    .option('--passphrase-file <file>', 'read the passphrase from this file')
    .action(async (kid: string, options: { reason: string; passphraseFile?: string }, command: Command) => {
      const { unlockRoot } = await import('../../scramble/host/index.js');
      const { signRevocation } = await import('../../scramble/index.js');
      const { callDaemon, daemonSocketPath } = await import('../daemon-client.js');
      const root = await unlockRoot(await readPassphrase({ file: options.passphraseFile }));
      const record = signRevocation(root, { kid, now: Date.now(), reason: options.reason });
      const result = await callDaemon(
        'identity.revoke',
        { record: record as unknown as Record<string, unknown> },
        { socketPath: daemonSocketPath(globalOptions(command).run) },
      );
      writeText(`revoked ${result.revoked}`);
    });
}
