/**
 * The universe router's `macvtap` uplink, for real: the "LAN" is a namespace this test creates, holding the
 * NIC (`nic0`, one end of a veth pair) and a web server on the other end (`lan0`). The uplink's device is
 * `<that namespace>/nic0`; the daemon makes a macvtap on it, moves it into the portal namespace and hands
 * QEMU its tap device as a descriptor. Only packets between namespaces the test made.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { namespaceName } from '../../../src/net/index.js';
import { assertNoLeaks, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { portalShell, universeUplink, uplinkTree } from '../../support/uplink-tree.js';

const LAN = `mvt-lan-${process.pid}`;
const LAN_ADDRESS = '192.168.78.1';
const UPLINK_ADDRESS = '192.168.78.2';

function sh(args: string[]): string {
  const result = spawnSync(args[0] ?? '', args.slice(1), { encoding: 'utf8' });
  assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
const inLan = (args: string[]) => sh(['ip', 'netns', 'exec', LAN, ...args]);
const linksIn = (namespace: string | null) =>
  (
    JSON.parse(sh(['ip', ...(namespace ? ['-n', namespace] : []), '-j', 'link', 'show'])) as {
      ifname: string;
      link_type: string;
    }[]
  ).map((link) => link.ifname);

describe('the universe router with a macvtap uplink', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;
  let server: ChildProcess;
  let site: string;
  const rootLinksBefore = linksIn(null);
  const shell = (portal: string, script: string) => portalShell(daemon, portal, script);

  before(async () => {
    tree = uplinkTree({
      mode: 'macvtap',
      device: `${LAN}/nic0`,
      address: `${UPLINK_ADDRESS}/24`,
      gateway: LAN_ADDRESS,
    });
    sh(['ip', 'netns', 'add', LAN]);
    inLan(['ip', 'link', 'set', 'lo', 'up']);
    inLan(['ip', 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'nic0']);
    inLan(['ip', 'addr', 'add', `${LAN_ADDRESS}/24`, 'dev', 'lan0']);
    inLan(['ip', 'link', 'set', 'lan0', 'up']);
    inLan(['ip', 'link', 'set', 'nic0', 'up']);
    site = mkdtempSync('/tmp/mv-lan-site-');
    writeFileSync(path.join(site, 'index.html'), 'hello over macvtap\n');
    server = spawn(
      'ip',
      ['netns', 'exec', LAN, 'busybox', 'httpd', '-f', '-p', `${LAN_ADDRESS}:8080`, '-h', site],
      { stdio: 'ignore' },
    );
    daemon = await startTestDaemon({ formulas: tree });
  });
  after(async () => {
    server.kill();
    await daemon.dispose();
    spawnSync('ip', ['netns', 'del', LAN]);
    rmSync(tree, { recursive: true, force: true });
    rmSync(site, { recursive: true, force: true });
  });

  it('boots universe on a macvtap in the portal namespace with its LAN address, adding nothing to the host namespace', async () => {
    await daemon.call('portal.up', { formula: 'service/router/universe', name: 'universe' });
    const portalLinks = linksIn(namespaceName(daemon.run));
    const macvtaps = (
      JSON.parse(
        sh(['ip', '-n', namespaceName(daemon.run), '-j', '-d', 'link', 'show', 'type', 'macvtap']),
      ) as {
        ifname: string;
        address: string;
      }[]
    ).map((link) => [link.ifname, link.address]);
    assert.equal(macvtaps.length, 1, `one macvtap in the portal namespace: ${portalLinks.join(', ')}`);
    assert.equal(macvtaps[0]?.[1], '00:00:10:ff:ff:01', "it carries the router's uplink MAC");
    assert.deepEqual(
      linksIn(LAN).sort(),
      ['lan0', 'lo', 'nic0'],
      'the LAN namespace keeps only its own links',
    );
    assert.deepEqual(linksIn(null), rootLinksBefore, 'the host namespace gained no interface');
    const uplinks = statSync(path.join(daemon.run, 'uplinks'));
    assert.equal(uplinks.mode & 0o777, 0o700, "the tap's device node sits in a root-only folder");
    assert.equal(uplinks.uid, 0);
    assert.deepEqual(await universeUplink(daemon), { address: `${UPLINK_ADDRESS}/24`, gateway: LAN_ADDRESS });
  });

  it('carries a portal behind universe to the LAN through NAT', async () => {
    await daemon.call('portal.up', { formula: 'application/probe-universe', name: 'onuniverse' });
    const page = await shell('onuniverse', `timeout 10 wget -q -O - http://${LAN_ADDRESS}:8080/`);
    assert.equal(page.exitCode, 0, page.stderr);
    assert.match(page.stdout, /hello over macvtap/);
  });

  it('removes the macvtap and its device node with the router', async () => {
    await daemon.call('portal.down', { name: 'onuniverse', force: true });
    await daemon.call('portal.down', { name: 'universe', force: true });
    assert.ok(!existsSync(path.join(daemon.run, 'uplinks', 'universe.macvtap')), 'its device node is gone');
    assertNoLeaks(daemon.run);
  });
});
