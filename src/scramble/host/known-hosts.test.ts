import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { hostKeyFromSeed } from '../index.js';
import { forgetHost, knownHosts, pinHost, pinnedHost } from './known-hosts.js';

const root = mkdtempSync(path.join(tmpdir(), 'mv-known-hosts-'));
after(() => rmSync(root, { recursive: true, force: true }));

const first = hostKeyFromSeed(new Uint8Array(32).fill(1));
const second = hostKeyFromSeed(new Uint8Array(32).fill(2));

describe('known hosts', () => {
  it('pins a host key in a 0600 file and finds it by host id, with its fingerprint', () => {
    const home = path.join(root, 'pin');
    assert.equal(pinnedHost(home, 'ha'), undefined);
    assert.deepEqual(pinHost(home, 'ha', first.publicKey, 1000), { previous: undefined });
    const pinned = pinnedHost(home, 'ha');
    assert.deepEqual(
      { ...pinned, publicKey: Buffer.from(pinned?.publicKey ?? []) },
      { publicKey: Buffer.from(first.publicKey), fingerprint: first.fingerprint, pinnedAt: 1000 },
    );
    assert.equal(statSync(path.join(home, 'known-hosts.json')).mode & 0o777, 0o600);
    assert.equal(pinnedHost(home, 'hb'), undefined);
  });

  it('keeps the first pin time when the same key is pinned again, and says what a new key replaced', () => {
    const home = path.join(root, 'again');
    pinHost(home, 'ha', first.publicKey, 1000);
    assert.equal(pinHost(home, 'ha', first.publicKey, 2000).previous?.pinnedAt, 1000);
    assert.equal(pinnedHost(home, 'ha')?.pinnedAt, 1000);
    assert.equal(pinHost(home, 'ha', second.publicKey, 3000).previous?.fingerprint, first.fingerprint);
    assert.equal(pinnedHost(home, 'ha')?.fingerprint, second.fingerprint);
  });

  it('lists and forgets hosts; forgetting one never pinned is not-found', () => {
    const home = path.join(root, 'forget');
    pinHost(home, 'hb', second.publicKey, 1);
    pinHost(home, 'ha', first.publicKey, 2);
    assert.deepEqual(
      knownHosts(home).map((h) => [h.hostId, h.fingerprint]),
      [
        ['ha', first.fingerprint],
        ['hb', second.fingerprint],
      ],
    );
    assert.equal(forgetHost(home, 'ha').fingerprint, first.fingerprint);
    assert.deepEqual(
      knownHosts(home).map((h) => h.hostId),
      ['hb'],
    );
    assert.throws(() => forgetHost(home, 'ha'), { code: 'scramble.no-identity' });
  });

  it('refuses a damaged list, a key that is not 32 bytes, and a list others may write', () => {
    const home = path.join(root, 'damaged');
    pinHost(home, 'ha', first.publicKey, 1);
    const file = path.join(home, 'known-hosts.json');
    chmodSync(file, 0o620);
    assert.throws(() => pinnedHost(home, 'ha'), { code: 'scramble.loose-permissions' });
    chmodSync(file, 0o600);
    writeFileSync(file, '{"v":1,"hosts":{"ha":{"publicKey":"AAAA","pinnedAt":1}}}');
    assert.throws(() => pinnedHost(home, 'ha'), { code: 'scramble.bad-key-file' });
    writeFileSync(file, 'not json');
    assert.throws(() => knownHosts(home), { code: 'scramble.bad-key-file' });
  });
});
