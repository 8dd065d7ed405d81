import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { isIpv4 } from '../../net/ipv4.js';
import { parseIpAddrShow, parseNetSettings, renderNetCommands } from './net.js';

// busybox 1.36 `ip addr show`, trimmed.
const BUSYBOX = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever
    inet6 ::1/128 scope host 
       valid_lft forever preferred_lft forever
2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1400 qdisc pfifo_fast qlen 1000
    link/ether 00:00:10:02:02:0a brd ff:ff:ff:ff:ff:ff
    inet 10.2.2.10/24 brd 10.2.2.255 scope global eth0
       valid_lft forever preferred_lft forever
3: eth1: <BROADCAST,MULTICAST> mtu 1500 qdisc noop qlen 1000
    link/ether 00:00:10:03:03:01 brd ff:ff:ff:ff:ff:ff
`;

// iproute2 prints the same layout, with `state` and peer names such as `veth0@if5`.
const IPROUTE2 = `5: veth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000
    link/ether 9a:1b:2c:3d:4e:5f brd ff:ff:ff:ff:ff:ff link-netnsid 0
    inet6 fe80::981b:2cff:fe3d:4e5f/64 scope link 
       valid_lft forever preferred_lft forever
6: tun0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN group default qlen 500
    link/none 
    inet 10.8.0.2/24 scope global tun0
`;

const refused = (e: unknown) => e instanceof MvError && e.code === 'agent.bad-args';

describe('net-config parsing', () => {
  it('reads interfaces from busybox ip addr show', () => {
    assert.deepEqual(parseIpAddrShow(BUSYBOX), [
      { name: 'lo', mac: '00:00:00:00:00:00', up: true, addresses: ['127.0.0.1/8', '::1/128'] },
      { name: 'eth0', mac: '00:00:10:02:02:0a', up: true, addresses: ['10.2.2.10/24'] },
      { name: 'eth1', mac: '00:00:10:03:03:01', up: false, addresses: [] },
    ]);
  });

  it('reads iproute2 output, peer names and links without a MAC', () => {
    assert.deepEqual(parseIpAddrShow(IPROUTE2), [
      { name: 'veth0', mac: '9a:1b:2c:3d:4e:5f', up: true, addresses: ['fe80::981b:2cff:fe3d:4e5f/64'] },
      { name: 'tun0', mac: null, up: true, addresses: ['10.8.0.2/24'] },
    ]);
    assert.deepEqual(parseIpAddrShow(''), []);
  });
});

describe('net-config set', () => {
  it('accepts an interface, a CIDR and an optional gateway, and renders the ip argv', () => {
    const settings = parseNetSettings(['eth0', '10.2.2.10/24', '10.2.2.1']);
    assert.deepEqual(settings, { iface: 'eth0', cidr: '10.2.2.10/24', gateway: '10.2.2.1' });
    assert.deepEqual(renderNetCommands(settings), [
      ['link', 'set', 'eth0', 'up'],
      ['addr', 'replace', '10.2.2.10/24', 'dev', 'eth0'],
      ['route', 'replace', 'default', 'via', '10.2.2.1'],
    ]);
    assert.deepEqual(renderNetCommands(parseNetSettings(['eth12', '0.0.0.0/0'])).length, 2);
  });

  it('refuses everything else with agent.bad-args', () => {
    const cases = [
      [],
      ['eth0'],
      ['eth100', '10.0.0.1/24'],
      ['wlan0', '10.0.0.1/24'],
      ['eth0;reboot', '10.0.0.1/24'],
      ['eth0', '10.0.0.1'],
      ['eth0', '10.0.0.1/33'],
      ['eth0', '10.0.0.1/024'],
      ['eth0', '10.0.0.1/24/1'],
      ['eth0', '010.0.0.1/24'],
      ['eth0', '10.0.0.256/24'],
      ['eth0', '10.0.0.1/24', '10.0.0'],
      ['eth0', '10.0.0.1/24', '10.0.0.1', 'extra'],
    ];
    for (const args of cases) assert.throws(() => parseNetSettings(args), refused, args.join(' '));
  });

  it('validates IPv4 strictly', () => {
    for (const good of ['0.0.0.0', '255.255.255.255', '10.2.2.10']) assert.equal(isIpv4(good), true, good);
    for (const bad of ['1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', ' 1.2.3.4', '1.2.3.4\n', '1e2.0.0.1']) {
      assert.equal(isIpv4(bad), false, bad);
    }
  });
});
