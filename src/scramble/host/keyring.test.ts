import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { createIdentity, createSession, loadSession } from './keyring.js';

const home = mkdtempSync(path.join(tmpdir(), 'mv-keyring-'));
after(() => rmSync(home, { recursive: true, force: true }));

const badKeyFile = (error: unknown) => error instanceof MvError && error.code === 'scramble.bad-key-file';

describe('the keyring on disk', () => {
  it('loads the session it stored, and refuses a damaged session file with its own code', async () => {
    const root = await createIdentity({
      name: 'test',
      passphrase: 'unused with a random seed',
      home,
    });
    const session = createSession(root, { now: Date.now(), lifetimeMs: 3_600_000, permissions: ['*'], home });
    assert.equal(loadSession(home).signing.kid, session.signing.kid);
    const file = path.join(home, 'session.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { session: Record<string, unknown> };
    writeFileSync(file, JSON.stringify({ ...stored, session: { certificate: stored.session.certificate } }));
    assert.throws(() => loadSession(home), badKeyFile, 'a missing seed');
    writeFileSync(
      file,
      JSON.stringify({ ...stored, session: { ...stored.session, seed: 'not base64url!' } }),
    );
    assert.throws(() => loadSession(home), badKeyFile, 'a seed that is not base64url');
    writeFileSync(file, '{ not json');
    assert.throws(() => loadSession(home), badKeyFile, 'not JSON');
  });
});
