import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROUTER_PATHS, TOR_DATA, TOR_RUN } from '../../guest-abi/index.js';
import { createFakeSystem, FAKE_NOW } from './fake-system.js';
import { parseBootstrap, readRouterStatus } from './router-status.js';

const UPLINK_ADDR = JSON.stringify([
  { ifname: 'uplink', addr_info: [{ local: '192.168.77.2', prefixlen: 24 }] },
]);
const UPLINK_ROUTE = JSON.stringify([{ dst: 'default', gateway: '192.168.77.1', dev: 'uplink' }]);

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

  it("reports universe's uplink address and the LAN gateway it leaves by, null before DHCP answered", async () => {
    const files = { '/sys/class/net/uplink/address': '00:00:10:ff:ff:01\n' };
    const ip = (addr: string, route: string) => ({
      '/bin/ip': (args: readonly string[]) => ({ exitCode: 0, stdout: args.includes('addr') ? addr : route }),
    });
    assert.deepEqual(await readRouterStatus(createFakeSystem(files, ip(UPLINK_ADDR, UPLINK_ROUTE))), {
      role: 'universe',
      uplink: { address: '192.168.77.2/24', gateway: '192.168.77.1' },
    });
    assert.deepEqual(await readRouterStatus(createFakeSystem(files, ip('[]', ''))), {
      role: 'universe',
      uplink: { address: null, gateway: null },
    });
  });

  it('reads the last bootstrap percentage of Tor notices', () => {
    assert.equal(parseBootstrap(''), null);
    assert.equal(parseBootstrap('Bootstrapped 5% (conn): x\nBootstrapped 50% (loading): y\n'), 50);
  });
});
