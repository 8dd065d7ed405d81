/**
 * @module `portalgun init`: creates the user's Scramble ID (if there is none) and a fresh session key and
 * encryption key, then registers the identity as this host's owner (a privileged step, run as its own
 * process). From then on every daemon command is signed with the session key and every reply sealed to the
 * encryption key.
 */
import type { Command } from 'commander';
import { MvError } from '../../errors/index.js';
import { privilegedEntryPath } from '../../install/host/index.js';
import {
  ensureIdentityAndSession,
  type IdentityFlags,
  identityOptions,
  withIdentityOptions,
} from '../identity-setup.js';
import { writeJson, writeText } from '../output.js';
import { globalOptions } from './global-options.js';

interface InitOptions extends IdentityFlags {
  readonly state?: string;
  readonly force?: boolean;
}

async function registerOwner(
  payload: unknown,
  options: { state?: string | undefined; force: boolean },
): Promise<string> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const args = [
      privilegedEntryPath(),
      'register-owner',
      ...(options.state ? ['--state', options.state] : []),
      ...(options.force ? ['--force'] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) =>
      code === 0
        ? resolve(out)
        : reject(
            new MvError('host.not-root', 'Registering the owner failed (see above)', {
              hint: 'Run "portalgun init" as root on the host.',
            }),
          ),
    );
    child.stdin.end(JSON.stringify(payload));
  });
}

/** Registers `init`. */
export function registerInit(program: Command): void {
  withIdentityOptions(
    program
      .command('init')
      .description(
        "Create your Scramble ID and session keys, and register them as this host's owner (as root)",
      ),
  )
    .option('--state <dir>', "the daemon's state folder (default: $PORTALGUN_STATE or /var/lib/multiverse)")
    .option('--force', 'replace a different registered owner')
    .action(async (options: InitOptions, command: Command) => {
      const global = globalOptions(command);
      const identity = identityOptions(options);
      const { session, created } = await ensureIdentityAndSession(identity);
      const registered = JSON.parse(
        await registerOwner(
          { scrambleId: session.scrambleId, encryptionCertificate: session.encryption.certificate },
          { state: options.state, force: options.force === true },
        ),
      ) as { owner: string; hostId: string; hostKey: { publicKey: string; fingerprint: string } };
      // Trust on first use: the key as the privileged step read it on this host, as root.
      const { pinHost, scrambleHome } = await import('../../scramble/host/index.js');
      const { decodeBase64Url } = await import('../../scramble/index.js');
      const hostKey = decodeBase64Url(registered.hostKey.publicKey, 32);
      if (!hostKey) throw new MvError('internal.bug', 'The host key registering gave is not 32 bytes');
      const { previous } = pinHost(scrambleHome(), registered.hostId, hostKey, Date.now());
      const changed =
        previous && previous.fingerprint !== registered.hostKey.fingerprint
          ? `\nnote: host ${registered.hostId} had the key ${previous.fingerprint} pinned; it is replaced`
          : '';
      if (global.json)
        return writeJson({
          scrambleId: session.scrambleId,
          created,
          sessionKey: session.signing.kid,
          hostId: registered.hostId,
          hostKey: registered.hostKey.fingerprint,
        });
      writeText(
        `${created ? 'created' : 'using'} Scramble ID ${session.scrambleId}\nsession key ${session.signing.kid} (valid ${identity.days} days)\nregistered as the owner of host ${registered.hostId}\nhost key ${registered.hostKey.fingerprint} (pinned: every reply must carry its signature)${changed}`,
      );
    });
}
