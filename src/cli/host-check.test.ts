import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pinHost } from '../scramble/host/index.js';
import { hostKeyFromSeed } from '../scramble/index.js';
import { trustedHost, unsignedAnswer } from './host-check.js';

const home = mkdtempSync(path.join(tmpdir(), 'mv-host-check-'));
process.env.SCRAMBLE_HOME = home;
after(() => rmSync(home, { recursive: true, force: true }));

const pinned = hostKeyFromSeed(new Uint8Array(32).fill(3));
const impostor = hostKeyFromSeed(new Uint8Array(32).fill(4));
const claim = (hostId: string, key = pinned) => ({
  hostId,
  hostKey: { publicKey: Buffer.from(key.publicKey).toString('base64url'), fingerprint: key.fingerprint },
});
pinHost(home, 'hpinned', pinned.publicKey, 1);

describe('which host answers', () => {
  it('trusts the pinned host answering with its pinned key', () => {
    assert.equal(trustedHost('/s', claim('hpinned')).fingerprint, pinned.fingerprint);
  });

  it('refuses an unpinned host and another key, naming both fingerprints and the way out', () => {
    assert.throws(() => trustedHost('/s', claim('hother')), {
      code: 'scramble.host-mismatch',
      message: /host hother .* which you have not pinned/,
    });
    assert.throws(
      () => trustedHost('/s', claim('hpinned', impostor)),
      (error: { code: string; message: string; hint: string }) =>
        error.code === 'scramble.host-mismatch' &&
        error.message.includes(impostor.fingerprint) &&
        error.message.includes(pinned.fingerprint) &&
        error.hint.includes('scramble host forget hpinned'),
    );
  });

  it('names the pinned key when an answer is not signed by it', () => {
    const host = trustedHost('/s', claim('hpinned'));
    assert.match(unsignedAnswer('/s', host, 'reply').message, /reply from \/s is not signed by host hpinned/);
  });
});
