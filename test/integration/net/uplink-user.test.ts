/**
 * The universe router's `user` uplink: passt in the host namespace, reached by the router's QEMU over a unix
 * socket. Only loopback traffic: passt maps the gateway address it hands out to the host's own loopback, so
 * a portal behind universe fetches a page from a server on 127.0.0.1 here, and nothing goes anywhere else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { consoleSession } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { portalShell, universeUplink, uplinkTree } from '../../support/uplink-tree.js';

const rootLinks = () =>
  (JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout) as { ifname: string }[])
    .map((link) => link.ifname)
    .sort();

describe('the universe router with a user-mode (passt) uplink', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;
  let server: Server;
  const visitors: string[] = [];
  const linksBefore = rootLinks();
  const shell = (portal: string, script: string) => portalShell(daemon, portal, script);

  before(async () => {
    tree = uplinkTree({ mode: 'user' });
    server = createServer((request, response) => {
      visitors.push(request.socket.remoteAddress ?? '');
      response.end('hello from the host loopback\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    daemon = await startTestDaemon({ formulas: tree });
  });
  after(async () => {
    server.close();
    await daemon.dispose();
    rmSync(tree, { recursive: true, force: true });
  });

  it('boots universe on a passt uplink, configured by DHCP, with no interface in the host namespace', async () => {
    await daemon.call('portal.up', { formula: 'service/router/universe', name: 'universe' });
    const uplink = await universeUplink(daemon);
    assert.match(uplink.gateway ?? '', /^\d+\.\d+\.\d+\.\d+$/, 'DHCP from passt gave a default route');
    assert.match(uplink.address ?? '', /^\d+\.\d+\.\d+\.\d+\/\d+$/, 'and an address');
    assert.deepEqual(rootLinks(), linksBefore, 'passt adds no interface to the host namespace');
    const runDir = path.join(daemon.run, 'portals', 'universe');
    assert.ok(existsSync(path.join(runDir, 'passt.pid')), 'passt runs for this portal');
  });

  it("keeps no shell on the router's console and passes no keystroke to it", async () => {
    const session = await consoleSession(daemon.run, 'universe', 'echo typed-$((40 + 2))\n\n');
    assert.match(session.stderr, /following universe's console \(output only/);
    assert.doesNotMatch(session.stdout, /typed-42|# $/m);
  });

  it('carries a portal behind universe out through passt (to the host loopback only)', async () => {
    await daemon.call('portal.up', { formula: 'application/probe-universe', name: 'onuniverse' });
    const { gateway } = await universeUplink(daemon);
    assert.ok(gateway);
    const { port } = server.address() as AddressInfo;
    const page = await shell('onuniverse', `timeout 10 wget -q -O - http://${gateway}:${port}/`);
    assert.equal(page.exitCode, 0, page.stderr);
    assert.match(page.stdout, /hello from the host loopback/);
    assert.deepEqual(visitors, ['127.0.0.1'], 'the request arrived on loopback, from passt');
  });

  it('stops passt with the router', async () => {
    const pid = Number(
      spawnSync('cat', [path.join(daemon.run, 'portals', 'universe', 'passt.pid')], { encoding: 'utf8' })
        .stdout,
    );
    await daemon.call('portal.down', { name: 'onuniverse', force: true });
    await daemon.call('portal.down', { name: 'universe', force: false });
    for (let i = 0; i < 40 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!existsSync(`/proc/${pid}`), 'passt is gone');
  });
});
