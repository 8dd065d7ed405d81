/**
 * @module A Scramble identity for the tests of one process: made once in a temporary SCRAMBLE_HOME (so the
 * CLI children the tests start use it too), and registered as the owner of each test daemon's state folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import {
  readOrCreateHostId,
  readOrCreateHostKey,
  registerOwner,
} from '../../src/daemon/door/host-identity.js';
import { pinHost } from '../../src/scramble/host/index.js';
import { createIdentity, createSession, type Session } from '../../src/scramble/host/keyring.js';
import type { RootKey } from '../../src/scramble/index.js';

/** The passphrase of every test identity (never a real one). */
export const TEST_PASSPHRASE = 'correct horse battery staple, for tests only';

let session: Promise<Session> | undefined;
let root: RootKey | undefined;

/** The test identity's session, created on first use; sets SCRAMBLE_HOME for this process and its children. */
export function testSession(): Promise<Session> {
  session ??= (async () => {
    const home = mkdtempSync('/tmp/mv-scramble-');
    // Its key files go with the process: a test run leaves no keys behind, not even test ones.
    process.once('exit', () => rmSync(home, { recursive: true, force: true }));
    process.env.SCRAMBLE_HOME = home;
    const created = await createIdentity({
      name: 'test-owner',
      passphrase: TEST_PASSPHRASE,
      home,
    });
    root = created;
    return createSession(created, { now: Date.now(), lifetimeMs: 86_400_000, permissions: ['*'], home });
  })();
  return session;
}

/**
 * Registers the test identity as the owner of a daemon state folder and pins the host's key in its
 * SCRAMBLE_HOME, as `portalgun init` does.
 */
export async function registerTestOwner(stateRoot: string): Promise<Session> {
  const current = await testSession();
  registerOwner(
    stateRoot,
    { scrambleId: current.scrambleId, encryptionCertificate: current.encryption.certificate },
    { force: true, now: Date.now() },
  );
  pinHost(
    String(process.env.SCRAMBLE_HOME),
    readOrCreateHostId(stateRoot),
    readOrCreateHostKey(stateRoot).publicKey,
    Date.now(),
  );
  return current;
}

/** The test identity's root key (to issue more session keys, expired ones, revocations). */
export async function testRoot(): Promise<RootKey> {
  await testSession();
  if (!root) throw new Error('test identity not created');
  return root;
}
