/**
 * @module A Scramble identity for the tests of one process: made once in a temporary SCRAMBLE_HOME (so the
 * CLI children the tests start use it too), and registered as the owner of each test daemon's state folder.
 */
import { mkdtempSync } from 'node:fs';
import { registerOwner } from '../../src/daemon/host-identity.js';
import { createIdentity, createSession, type Session } from '../../src/scramble/host/keyring.js';

/** The passphrase of every test identity (never a real one). */
export const TEST_PASSPHRASE = 'correct horse battery staple, for tests only';

let session: Promise<Session> | undefined;

/** The test identity's session, created on first use; sets SCRAMBLE_HOME for this process and its children. */
export function testSession(): Promise<Session> {
  session ??= (async () => {
    const home = mkdtempSync('/tmp/mv-scramble-');
    process.env.SCRAMBLE_HOME = home;
    const root = await createIdentity({
      name: 'test-owner',
      passphrase: TEST_PASSPHRASE,
      random: true,
      home,
    });
    return createSession(root, { now: Date.now(), lifetimeMs: 86_400_000, permissions: ['*'], home });
  })();
  return session;
}

/** Registers the test identity as the owner of a daemon state folder. */
export async function registerTestOwner(stateRoot: string): Promise<Session> {
  const current = await testSession();
  registerOwner(
    stateRoot,
    { scrambleId: current.scrambleId, encryptionCertificate: current.encryption.certificate },
    { force: true, now: Date.now() },
  );
  return current;
}
