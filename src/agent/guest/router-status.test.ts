import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROUTER_PATHS, TOR_DATA, TOR_RUN } from '../../net/router-paths.js';
import { createFakeSystem, FAKE_NOW } from './fake-system.js';
import { parseBootstrap, readRouterStatus } from './router-status.js';

describe('the router part of status', () => {
  it('is null on a portal that routes nothing', async () => {
    assert.equal(await readRouterStatus(createFakeSystem({ '/etc/hostname': 'x\n' })), null);
  });

  it("reports star's bootstrap and the .onion name of each service it publishes, never a key", async () => {
    const system = createFakeSystem({
      [ROUTER_PATHS.torrc]: 'SocksPort 0\n',
      [TOR_RUN.notices]:
        '[notice] Bootstrapped 45% (requesting_descriptors): Asking\n[notice] Bootstrapped 100% (done): Done\n',
      [`${TOR_DATA.onionDir}/service-server-web/hostname`]: `${'a'.repeat(56)}.onion\n`,
      [`${TOR_DATA.onionDir}/service-server-web/hs_ed25519_secret_key`]: 'secret',
      [`${TOR_DATA.onionDir}/service-other/hs_ed25519_secret_key`]: 'secret',
    });
    assert.deepEqual(await readRouterStatus(system), {
      role: 'star',
      bootstrap: 100,
      onion: [
        { service: 'service-other', hostname: null },
        { service: 'service-server-web', hostname: `${'a'.repeat(56)}.onion` },
      ],
    });
  });

  it("reports galaxy's endpoint and the age of its last handshake, null before the first", async () => {
    const files = { [ROUTER_PATHS.switchEndpoint]: '#!/bin/sh\n', [ROUTER_PATHS.endpoint]: '198.51.100.7\n' };
    const at = Math.round(FAKE_NOW / 1000) - 12;
    const shaken = createFakeSystem(files, {
      '/usr/bin/wg': () => ({ exitCode: 0, stdout: `key=\t${at}\n` }),
    });
    assert.deepEqual(await readRouterStatus(shaken), {
      role: 'galaxy',
      endpoint: '198.51.100.7',
      handshakeAgeSeconds: 12,
    });
    const never = createFakeSystem(files, { '/usr/bin/wg': () => ({ exitCode: 0, stdout: 'key=\t0\n' }) });
    assert.deepEqual(await readRouterStatus(never), {
      role: 'galaxy',
      endpoint: '198.51.100.7',
      handshakeAgeSeconds: null,
    });
  });

  it('reads the last bootstrap percentage of Tor notices', () => {
    assert.equal(parseBootstrap(''), null);
    assert.equal(parseBootstrap('Bootstrapped 5% (conn): x\nBootstrapped 50% (loading): y\n'), 50);
  });
});
