import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import {
  createIdentity,
  createSession,
  loadSession,
  readIdentity,
  restoreIdentity,
  unlockRoot,
} from './keyring.js';

const home = mkdtempSync(path.join(tmpdir(), 'mv-keyring-'));
after(() => rmSync(home, { recursive: true, force: true }));

const PASSPHRASE = 'kettle sunrise obelisk marmalade';
const code = (expected: string) => (error: unknown) => error instanceof MvError && error.code === expected;
const freshHome = (name: string) => mkdtempSync(path.join(home, `${name}-`));

describe('the keyring on disk', () => {
  it('loads the session it stored, and refuses a damaged session file with its own code', async () => {
    const keys = freshHome('damaged');
    const root = await createIdentity({ name: 'test', passphrase: PASSPHRASE, home: keys });
    const session = createSession(root, {
      now: Date.now(),
      lifetimeMs: 3_600_000,
      permissions: ['*'],
      home: keys,
    });
    assert.equal(loadSession(keys).signing.kid, session.signing.kid);
    const file = path.join(keys, 'session.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { session: Record<string, unknown> };
    writeFileSync(file, JSON.stringify({ ...stored, session: { certificate: stored.session.certificate } }));
    assert.throws(() => loadSession(keys), code('scramble.bad-key-file'), 'a missing seed');
    writeFileSync(
      file,
      JSON.stringify({ ...stored, session: { ...stored.session, seed: 'not base64url!' } }),
    );
    assert.throws(() => loadSession(keys), code('scramble.bad-key-file'), 'a seed that is not base64url');
    writeFileSync(file, '{ not json');
    assert.throws(() => loadSession(keys), code('scramble.bad-key-file'), 'not JSON');
  });

  it('makes a random root by default: the same passphrase twice gives two identities', async () => {
    const [a, b] = [freshHome('random-a'), freshHome('random-b')];
    const first = await createIdentity({ name: 'owner', passphrase: PASSPHRASE, home: a });
    const second = await createIdentity({ name: 'owner', passphrase: PASSPHRASE, home: b });
    assert.notEqual(first.scrambleId, second.scrambleId);
    assert.deepEqual(readIdentity(a), { name: 'owner', scrambleId: first.scrambleId, derivation: 'random' });
    assert.equal((await unlockRoot(PASSPHRASE, a)).scrambleId, first.scrambleId);
    await assert.rejects(
      createIdentity({ name: 'owner', passphrase: PASSPHRASE, home: a }),
      code('scramble.exists'),
    );
  });

  it('refuses a weak passphrase before writing anything', async () => {
    const keys = freshHome('weak');
    await assert.rejects(
      createIdentity({ name: 'owner', passphrase: 'password1234', home: keys }),
      code('scramble.weak-passphrase'),
    );
    assert.throws(() => readIdentity(keys), code('scramble.no-identity'));
  });

  it('restores an identity from its seed under a new passphrase', async () => {
    const original = await createIdentity({ name: 'owner', passphrase: PASSPHRASE, home: freshHome('orig') });
    const keys = freshHome('restored');
    const restored = await restoreIdentity({
      seed: original.exportSeed(),
      name: 'owner',
      passphrase: 'another passphrase, quite unlike the first',
      home: keys,
    });
    assert.equal(restored.scrambleId, original.scrambleId);
    assert.equal(readIdentity(keys).derivation, 'restored');
    await assert.rejects(unlockRoot(PASSPHRASE, keys), code('scramble.bad-passphrase'));
  });

  it('refuses key files its folder or itself lets group or others read, naming the chmod', async () => {
    const keys = freshHome('loose');
    const root = await createIdentity({ name: 'owner', passphrase: PASSPHRASE, home: keys });
    createSession(root, { now: Date.now(), lifetimeMs: 3_600_000, permissions: ['*'], home: keys });
    const session = path.join(keys, 'session.json');
    const loose = (pattern: RegExp) => (error: unknown) => {
      assert.ok(code('scramble.loose-permissions')(error));
      assert.match((error as MvError).message, pattern);
      assert.equal((error as MvError).hint?.startsWith(`chmod 700 ${keys} && chmod 600 ${session}`), true);
      return true;
    };
    chmodSync(session, 0o644);
    assert.throws(() => loadSession(keys), loose(/session\.json is open to group or others \(mode 644\)/));
    chmodSync(session, 0o600);
    chmodSync(keys, 0o750);
    assert.throws(() => loadSession(keys), loose(/is open to group or others \(mode 750\)/));
    chmodSync(keys, 0o700);
    assert.equal(loadSession(keys).scrambleId, root.scrambleId);
    chmodSync(path.join(keys, 'identity.json'), 0o640);
    assert.throws(() => readIdentity(keys), code('scramble.loose-permissions'));
  });

  it("refuses key files that are not the user's own", {
    skip: process.getuid?.() !== 0 && 'needs root to give a file away',
  }, async () => {
    const keys = freshHome('foreign');
    await createIdentity({ name: 'owner', passphrase: PASSPHRASE, home: keys });
    chownSync(path.join(keys, 'identity.json'), 65_534, 65_534);
    assert.throws(
      () => readIdentity(keys),
      (error: unknown) => {
        assert.ok(code('scramble.loose-permissions')(error));
        assert.match((error as MvError).message, /identity\.json belongs to uid 65534, not to you \(uid 0\)/);
        return true;
      },
    );
  });
});
