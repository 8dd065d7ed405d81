import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '../../test/support/golden.js';
import { renderTorrc, TOR_DNS_PORT, TOR_TRANS_PORT, type TorrcOptions } from './index.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

const STAR: TorrcOptions = {
  listenAddress: '10.2.2.1',
  transPort: TOR_TRANS_PORT,
  dnsPort: TOR_DNS_PORT,
  dataDirectory: '/var/lib/tor',
  user: 'tor',
  controlSocket: '/run/tor/control',
  pidFile: '/run/tor/tor.pid',
  noticeLog: '/run/tor/notices.log',
  includeDir: '/run/tor/torrc.d',
};

/** The torrc's settings (comments and blank lines left out). */
const settings = (text: string) => text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));

describe('renderTorrc', () => {
  it('matches its golden file', () => {
    assertGolden(testdata('star.torrc'), renderTorrc(STAR));
  });

  it('listens only on the star address, with no SOCKS port and names automapped into a private range; boot-time settings come last', () => {
    assert.deepEqual(settings(renderTorrc(STAR)), [
      'SocksPort 0',
      'TransPort 10.2.2.1:9040',
      'DNSPort 10.2.2.1:5353',
      'AutomapHostsOnResolve 1',
      'VirtualAddrNetworkIPv4 10.192.0.0/10',
      'Log notice file /run/tor/notices.log',
      'DataDirectory /var/lib/tor',
      'User tor',
      'ControlSocket /run/tor/control',
      'PidFile /run/tor/tor.pid',
      '%include /run/tor/torrc.d',
    ]);
  });

  it('explains every setting with a comment line above it', () => {
    const lines = renderTorrc(STAR).split('\n');
    lines.forEach((line, i) => {
      if (line !== '' && !line.startsWith('#') && !line.startsWith('VirtualAddrNetworkIPv4')) {
        assert.match(lines[i - 1] ?? '', /^# /, `no comment above ${line}`);
      }
    });
  });

  it('refuses values that would inject lines or run Tor as root', () => {
    for (const bad of [
      { listenAddress: '10.2.2.1\nSocksPort 9050' },
      { transPort: 0 },
      { dnsPort: 70_000 },
      { dnsPort: TOR_TRANS_PORT },
      { dataDirectory: 'var/lib/tor' },
      { dataDirectory: '/var/lib/tor\nExitNodes {us}' },
      { controlSocket: '/run/tor/control 9051' },
      { user: 'root' },
      { user: 'Tor User' },
    ]) {
      assert.throws(
        () => renderTorrc({ ...STAR, ...bad }),
        { code: 'net.invalid-config' },
        JSON.stringify(bad),
      );
    }
  });
});
