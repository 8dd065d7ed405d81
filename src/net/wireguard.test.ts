import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '../../test/support/golden.js';
import {
  checkWireguardConfig,
  isWireguardKey,
  parseWireguardEndpoint,
  renderWireguardConfig,
  type WireguardConfig,
} from './index.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

/** Test keys only (bytes 1..32 and 0xa0..0xbf): never use them for a real tunnel. */
const PRIVATE = 'AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=';
const PEER = 'oKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr8=';

const CONFIG: WireguardConfig = {
  privateKey: PRIVATE,
  address: '10.64.0.2/32',
  peerPublicKey: PEER,
  endpoint: '198.51.100.7:51820',
  allowedIps: ['0.0.0.0/0'],
};

describe('renderWireguardConfig', () => {
  it('matches its golden file', () => {
    assertGolden(testdata('galaxy-wg0.conf'), renderWireguardConfig(CONFIG));
  });

  it('has no Address key, which wg setconf would refuse', () => {
    const text = renderWireguardConfig(CONFIG);
    assert.doesNotMatch(text, /^Address\s*=/m);
    assert.match(text, /^# The tunnel address 10\.64\.0\.2\/32 is set with ip addr/m);
  });

  it('lists every problem and never repeats a key in the message', () => {
    const bad = { ...CONFIG, privateKey: `${PRIVATE.slice(0, 40)}xyz=`, endpoint: 'vpn.example:51820' };
    assert.deepEqual(checkWireguardConfig(bad), [
      'privateKey is not a WireGuard key',
      'endpoint "vpn.example:51820" is not an IPv4 address and port (a.b.c.d:port)',
    ]);
    assert.throws(
      () => renderWireguardConfig(bad),
      (error: Error & { code?: string }) =>
        error.code === 'net.invalid-config' && !error.message.includes(PRIVATE.slice(0, 20)),
    );
  });

  it('refuses empty or malformed allowed IPs, an address without prefix and equal keys', () => {
    assert.equal(checkWireguardConfig({ ...CONFIG, allowedIps: [] }).length, 1);
    assert.equal(checkWireguardConfig({ ...CONFIG, allowedIps: ['0.0.0.0'] }).length, 1);
    assert.equal(checkWireguardConfig({ ...CONFIG, address: '10.64.0.2' }).length, 1);
    assert.equal(checkWireguardConfig({ ...CONFIG, peerPublicKey: PRIVATE }).length, 1);
    assert.equal(checkWireguardConfig({ ...CONFIG, persistentKeepalive: -1 }).length, 1);
  });
});

describe('isWireguardKey', () => {
  it('accepts exactly 44 base64 characters that encode 32 bytes', () => {
    assert.ok(isWireguardKey(PRIVATE));
    assert.ok(isWireguardKey(PEER));
    assert.ok(isWireguardKey(Buffer.alloc(32, 0xff).toString('base64')));
    for (const bad of [
      '',
      PRIVATE.slice(0, 43),
      `${PRIVATE}=`,
      PRIVATE.replace('=', 'A'),
      Buffer.alloc(31).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      PRIVATE.replace('A', '-'),
      `${PRIVATE.slice(0, 42)}B=`, // nonzero padding bits: not a canonical encoding of 32 bytes
    ]) {
      assert.equal(isWireguardKey(bad), false, bad);
    }
  });
});

describe('parseWireguardEndpoint', () => {
  it('reads ipv4:port and nothing else', () => {
    assert.deepEqual(parseWireguardEndpoint('198.51.100.7:51820'), { address: '198.51.100.7', port: 51820 });
    for (const bad of [
      '198.51.100.7',
      '198.51.100.7:0',
      '198.51.100.7:65536',
      '[::1]:51820',
      'vpn:1',
      '1.2.3.4:08',
    ]) {
      assert.equal(parseWireguardEndpoint(bad), undefined, bad);
    }
  });
});
