/**
 * The router chain as shipped, with real VMs and real packets, under the default policy. The bundled routers
 * are changed only the way an owner would (universe's uplink, galaxy's VPN settings and key, star's
 * tor/torrc.d naming a Tor network) and driven with the README's commands. The outside world is the test's
 * own namespace (test/support/world.ts): a LAN, a WireGuard server, and behind it a private Tor network with
 * a web server and a DNS server only Tor's exits use. nft counters in the LAN count what arrives there, in
 * clear or inside the tunnel. The user's own probe formulas are busybox portals with the run verb.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MvError } from '../../../src/errors/index.js';
import { tapName } from '../../../src/instance/index.js';
import { namespaceName } from '../../../src/net/index.js';
import type { PortalSummary } from '../../../src/protocol/index.js';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, TEST_CACHE, type TestDaemon } from '../../support/daemon.js';
import { decodePng, describePixels } from '../../support/png.js';
import { type Counts, createWorld, keyPair, WORLD, type World } from '../../support/world.js';

const probe = (networks: string) =>
  `description: a network probe\n${networks}agent:\n  verbs: [run]\n  run: [/bin/busybox]\n`;
/** The owner's own probes: on star (the application default), on universe and on galaxy. */
const PROBES = {
  'application/probe': probe(''),
  'application/probe-universe': probe('networks:\n  - { network: universe, address: dynamic }\n'),
  'application/probe-galaxy': probe('networks:\n  - { network: galaxy, address: dynamic }\n'),
};

/** Screenshots are kept here, for a person to look at after a run. */
const ARTIFACTS = path.join(TEST_CACHE, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const CLEAR = ['tcp', 'udp', 'icmp', 'ipv6', 'other'] as const;
const NOTHING_CLEAR = { tcp: 0, udp: 0, icmp: 0, ipv6: 0, other: 0 };
type Run = { exitCode: number; stdout: string; stderr: string };

describe('the router chain as shipped, with real packets', { timeout: 1_500_000 }, () => {
  let world: World;
  let daemon: TestDaemon;
  let tree: string;
  let chainStderr = '';
  const cli = (...args: string[]) => portalgun(['--run', daemon.run, ...args]);
  const since = (before: Counts, keys: readonly string[]) => world.since(before, keys);
  /** A call as a polite client makes it under the default policy: told to wait, it waits and asks again. */
  async function politely<T>(call: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof MvError && error.code === 'auth.rate-limited')) throw error;
        await sleep(1_000);
      }
    }
  }
  const call: TestDaemon['call'] = (method, params) => politely(() => daemon.call(method, params));
  const portal = async (name: string): Promise<PortalSummary | undefined> =>
    (await politely(() => daemon.call('portal.list', {}))).portals.find((p) => p.name === name);

  /** Runs a busybox script in a portal. */
  async function shell(name: string, script: string): Promise<Run> {
    const { result } = await politely(() =>
      daemon.call('portal.exec', { name, verb: 'run', args: ['/bin/busybox', 'sh', '-c', script] }),
    );
    return result as Run;
  }

  /** The README's `portalgun exec <router> <verb>`, as JSON. */
  function routerVerb(name: string, ...args: string[]): unknown {
    const result = cli('--json', 'exec', name, ...args);
    assert.equal(result.status, 0, result.stderr || result.stdout);
    return JSON.parse(result.stdout);
  }

  async function waitUntil(name: string, wanted: (p: PortalSummary | undefined) => boolean, ms = 180_000) {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(250)) {
      if (wanted(await portal(name))) return;
    }
    assert.fail(`${name} never reached the wanted state (now ${(await portal(name))?.state})`);
  }

  before(async () => {
    world = createWorld();
    tree = world.treeFor(PROBES);
    daemon = await startTestDaemon({ formulas: tree, policy: null });
    await world.prepareShares(daemon.state);
    world.watchUplink();
    await world.tor.ready();
    const chain = cli('up', '--chain');
    chainStderr = chain.stderr;
    assert.equal(chain.status, 0, `${chain.stderr}\n${chain.stdout}`);
  });

  afterEach(async () => {
    // Leak check: every tap in the portal namespace belongs to a portal that holds its place.
    const { portals } = await call('portal.list', {});
    const running = portals
      .filter((p) => p.state !== 'stopped' && p.state !== 'crashed')
      .map((p) => tapName(p.name, 0).slice(0, 10));
    const links = JSON.parse(
      spawnSync('ip', ['-n', namespaceName(daemon.run), '-j', 'link', 'show'], { encoding: 'utf8' }).stdout ||
        '[]',
    ) as { ifname: string }[];
    const taps = links.map((l) => l.ifname).filter((name) => /^mv[0-9a-f]{8}\d$/.test(name));
    for (const tap of taps) assert.ok(running.includes(tap.slice(0, 10)), `tap ${tap} outlived its portal`);
  });

  after(async () => {
    const namespace = namespaceName(daemon.run);
    await daemon.dispose();
    world.dispose();
    rmSync(tree, { recursive: true, force: true });
    const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    assert.ok(!namespaces.includes(namespace), 'the portal namespace is gone with the last portal');
    const links = spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout;
    assert.ok(!links.includes('"mv'), 'no tap, veth or bridge left in the root namespace');
  });

  it('brings the chain up with progress: the WireGuard handshake, then Tor bootstrapping to 100 %', async () => {
    assert.match(chainStderr, /galaxy: guest: waiting for a WireGuard handshake with 192\.168\.77\.1:51820/);
    assert.match(chainStderr, /star: guest: tor: Bootstrapped \d+%/);
    assert.match(chainStderr, /star: guest: tor: bootstrapped 100%/);
    const star = JSON.parse(cli('--json', 'status', 'star').stdout) as { agent: { router: unknown } };
    assert.deepEqual((star.agent.router as { bootstrap: number }).bootstrap, 100);
    const galaxy = JSON.parse(cli('--json', 'status', 'galaxy').stdout) as {
      agent: { router: { endpoint: string; handshakeAgeSeconds: number | null } };
    };
    assert.equal(galaxy.agent.router.endpoint, WORLD.lanAddress);
    assert.ok((galaxy.agent.router.handshakeAgeSeconds ?? -1) >= 0, 'galaxy has made a handshake');
  });

  it('lets a portal on universe reach the LAN through NAT', async () => {
    await call('portal.up', { formula: 'application/probe-universe', name: 'onuniverse' });
    const before = world.counters();
    const result = await shell(
      'onuniverse',
      `ping -c 1 -W 3 ${WORLD.lanAddress} && wget -q -O - http://${WORLD.lanAddress}:8080/`,
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /hello from the LAN/);
    const seen = since(before, CLEAR);
    assert.ok((seen.tcp ?? 0) > 0 && (seen.icmp ?? 0) > 0, 'the LAN saw the portal, as the uplink address');
    assert.equal(seen.other, 0, 'no portal address ever reached the LAN');
    await call('portal.down', { name: 'onuniverse', force: true });
  });

  it('sends a portal on galaxy only through the tunnel: seen inside it, never in clear on the LAN', async () => {
    await call('portal.up', { formula: 'application/probe-galaxy', name: 'ongalaxy' });
    const before = world.counters();
    const inside = await shell('ongalaxy', `timeout 10 wget -q -O - http://${WORLD.tunnelServer}:8081/`);
    assert.equal(inside.exitCode, 0, inside.stderr);
    assert.match(inside.stdout, /hello from inside the tunnel/);
    const lan = await shell(
      'ongalaxy',
      `timeout 3 wget -q -O - http://${WORLD.lanAddress}:8080/; ping -c 1 -W 2 ${WORLD.lanAddress}`,
    );
    assert.notEqual(lan.exitCode, 0, 'the LAN is out of reach from galaxy');
    const seen = since(before, [...CLEAR, 'wireguard', 'tunnel']);
    assert.ok((seen.tunnel ?? 0) > 0, 'the web request arrived inside the tunnel');
    assert.ok((seen.wireguard ?? 0) > 0, 'and reached the LAN only as WireGuard');
    assert.deepEqual({ ...seen, tunnel: 0, wireguard: 0 }, { ...NOTHING_CLEAR, tunnel: 0, wireguard: 0 });
  });

  it('lets nothing out of galaxy while the VPN server is down; reset (README) brings the tunnel back', async () => {
    world.inLan(['ip', 'link', 'set', world.wg, 'down']);
    await sleep(500);
    const before = world.counters();
    const tries = await shell(
      'ongalaxy',
      `timeout 3 wget -q -O - http://${WORLD.tunnelServer}:8081/; echo "tunnel=$?"; ping -c 2 -W 2 ${WORLD.lanAddress}; echo "lan=$?"`,
    );
    assert.match(tries.stdout, /tunnel=[1-9]/);
    assert.match(tries.stdout, /lan=1/);
    assert.deepEqual(since(before, [...CLEAR, 'tunnel']), { ...NOTHING_CLEAR, tunnel: 0 });
    world.inLan(['ip', 'link', 'set', world.wg, 'up']);
    assert.deepEqual(routerVerb('galaxy', 'reset'), { state: 'up' });
    const back = await shell('ongalaxy', `timeout 10 wget -q -O - http://${WORLD.tunnelServer}:8081/`);
    assert.match(back.stdout, /hello from inside the tunnel/, back.stderr);
  });

  it('switch-endpoint (README) moves galaxy to another VPN server; the old one is no longer used', async () => {
    const switched = keyPair();
    world.moveTunnelServer(switched, WORLD.wgSwitchedPort);
    const stale = await shell('ongalaxy', `timeout 3 wget -q -O - http://${WORLD.tunnelServer}:8081/`);
    assert.notEqual(stale.exitCode, 0, 'the old endpoint no longer answers');
    const endpoint = `${WORLD.lanAddress}:${WORLD.wgSwitchedPort}`;
    assert.deepEqual(routerVerb('galaxy', 'switch-endpoint', endpoint, switched.publicKey), {
      endpoint,
      state: 'up',
    });
    const before = world.counters();
    const inside = await shell('ongalaxy', `timeout 10 wget -q -O - http://${WORLD.tunnelServer}:8081/`);
    assert.match(inside.stdout, /hello from inside the tunnel/, inside.stderr);
    const seen = since(before, ['wireguard', 'wireguard-switched']);
    assert.ok((seen['wireguard-switched'] ?? 0) > 0, 'the tunnel runs to the new endpoint');
    assert.equal(seen.wireguard, 0, 'and not to the old one');
    world.moveTunnelServer(world.serverKeys, WORLD.wgPort);
    assert.deepEqual(routerVerb('galaxy', 'reset'), { state: 'up' }, 'back to the formula endpoint');
    await call('portal.down', { name: 'ongalaxy', force: true });
  });

  it('carries a portal on star only through Tor: TCP and DNS work through exits, nothing else, nothing in clear', async () => {
    await call('portal.up', { formula: 'application/probe', name: 'onstar' });
    const before = world.counters();
    const web = await shell('onstar', `timeout 60 wget -q -O - http://${WORLD.outside}/`);
    assert.match(web.stdout, /hello from outside/, `TCP reaches the internet through Tor: ${web.stderr}`);
    // A resolver retries: the first lookup may wait on a fresh circuit longer than nslookup does (the agent
    // gives a program 30 s, so three tries of at most 7 s).
    const dns = await shell(
      'onstar',
      `for try in 1 2 3; do out=$(timeout 7 nslookup ${WORLD.outsideName} 2>&1); echo "$out" | grep -q '^Address: ${WORLD.outside}' && break; sleep 1; done; echo "$out"`,
    );
    assert.match(
      dns.stdout,
      new RegExp(`Address: ${WORLD.outside.replaceAll('.', '\\.')}`),
      'resolved by an exit',
    );
    const ping = await shell('onstar', `ping -c 2 -W 2 ${WORLD.outside}`);
    assert.notEqual(ping.exitCode, 0, 'ICMP goes nowhere');
    const udp = await shell('onstar', `traceroute -n -q 1 -w 1 -m 3 ${WORLD.lanAddress} 2>&1`);
    assert.doesNotMatch(udp.stdout, new RegExp(`${WORLD.lanAddress.replaceAll('.', '\\.')} +[0-9.]+ ms`));
    const ipv6 = await shell(
      'onstar',
      'echo 0 > /proc/sys/net/ipv6/conf/star/disable_ipv6; sleep 2; ping6 -c 2 -W 2 -I star ff02::1 2>&1',
    );
    assert.match(ipv6.stdout, /PING ff02::1/, 'the probe really sent IPv6');
    assert.doesNotMatch(ipv6.stdout, /bytes from/, 'no IPv6 answer from anywhere');
    assert.deepEqual(
      since(before, CLEAR),
      NOTHING_CLEAR,
      'not one packet from star reached the LAN in clear',
    );
    assert.ok((since(before, ['tunnel']).tunnel ?? 0) > 0, "Tor's own traffic went through galaxy's tunnel");
    assert.deepEqual(routerVerb('star', 'new-identity'), { newnym: true });
  });

  it('isolates portals on one network from each other and drops spoofed sources', async () => {
    await call('portal.up', { formula: 'application/probe', name: 'neighbour' });
    const neighbour = (await portal('neighbour'))?.addresses[0]?.address;
    assert.ok(neighbour);
    const toNeighbour = await shell('onstar', `ping -c 2 -W 2 ${neighbour}`);
    assert.notEqual(toNeighbour.exitCode, 0, 'members of star cannot reach each other');
    const honest = await shell('onstar', 'ping -c 1 -W 3 10.2.2.1');
    assert.equal(honest.exitCode, 0, 'the router answers the real address');
    const spoofed = await shell(
      'onstar',
      'ip addr add 10.2.2.150/24 dev star && ping -c 2 -W 2 -I 10.2.2.150 10.2.2.1',
    );
    assert.notEqual(spoofed.exitCode, 0, 'a spoofed source address is dropped at the bridge');
    await call('portal.down', { name: 'neighbour', force: true });
  });

  it('stops all traffic while star is down, and star (restart: always) comes back and carries it again', async () => {
    // A second probe checks the gap: the first one's agent is busy with its sending loop.
    await call('portal.up', { formula: 'application/probe', name: 'watcher' });
    const star = await portal('star');
    assert.ok(star?.pid);
    const before = world.counters();
    const sending = shell(
      'onstar',
      `for i in $(seq 1 8); do echo x | nc -w 1 ${WORLD.outside} 80 && echo connected; ping -c 1 -W 1 ${WORLD.lanAddress}; done 2>&1`,
    );
    await sleep(2000);
    process.kill(star.pid, 'SIGKILL');
    const killed = performance.now();
    await waitUntil('star', (p) => p?.state !== 'ready');
    process.stdout.write(`# star killed: noticed after ${Math.round(performance.now() - killed)} ms\n`);
    const afterKill = await shell('watcher', `echo x | nc -w 2 ${WORLD.outside} 80; echo "connect=$?"`);
    assert.match(afterKill.stdout, /connect=1/, 'with star gone nothing connects');
    assert.match((await sending).stdout, /connected/, 'the portal was sending through Tor before the kill');
    assert.deepEqual(since(before, CLEAR), NOTHING_CLEAR, 'nothing reached the LAN, before, during or after');
    await waitUntil('star', (p) => p?.state === 'ready' && p.pid !== star.pid);
    const back = await shell('onstar', `timeout 60 wget -q -O - http://${WORLD.outside}/`);
    assert.match(back.stdout, /hello from outside/, 'star is back, with its Tor state, and carries traffic');
    for (const name of ['onstar', 'watcher']) await call('portal.down', { name, force: true });
  });

  it('stops the tunnel at once when galaxy goes down while a portal sends; galaxy comes back', async () => {
    await call('portal.up', { formula: 'application/probe-galaxy', name: 'ongalaxy' });
    const galaxy = await portal('galaxy');
    assert.ok(galaxy?.pid);
    const before = world.counters();
    const sending = shell('ongalaxy', `ping -c 60 -i 0.1 -W 1 ${WORLD.tunnelServer} > /dev/null; echo sent`);
    await sleep(2000);
    assert.ok((since(before, ['tunnel']).tunnel ?? 0) > 0, 'the pings flow through the tunnel');
    process.kill(galaxy.pid, 'SIGKILL');
    const killed = performance.now();
    let last = world.counters().tunnel ?? 0;
    let lastChange = killed;
    while (performance.now() - killed < 3000) {
      await sleep(50);
      const now = world.counters().tunnel ?? 0;
      if (now !== last) [last, lastChange] = [now, performance.now()];
    }
    process.stdout.write(`# galaxy killed: last tunnel packet ${Math.round(lastChange - killed)} ms after\n`);
    assert.ok(lastChange - killed < 500, 'packets stop within the polling interval of the kill');
    assert.match((await sending).stdout, /sent/);
    assert.deepEqual(since(before, CLEAR), NOTHING_CLEAR, 'nothing leaked in clear before or after');
    await waitUntil('galaxy', (p) => p?.state === 'ready' && p.pid !== galaxy.pid);
    await call('portal.down', { name: 'ongalaxy', force: true });
  });

  it('publishes the bundled web server as an onion service: named in star status, reached through Tor', async () => {
    const site = path.join(daemon.state, 'shares', 'web', 'site');
    mkdirSync(site, { recursive: true, mode: 0o755 });
    writeFileSync(path.join(site, 'index.html'), 'hello from the onion site\n', { mode: 0o644 });
    const up = cli('up', 'service/server/web');
    assert.equal(up.status, 0, up.stderr);
    const star = JSON.parse(cli('--json', 'status', 'star').stdout) as {
      agent: { router: { onion: { service: string; hostname: string | null }[] } };
    };
    const [web] = star.agent.router.onion;
    assert.equal(web?.service, 'service-server-web');
    assert.match(web?.hostname ?? '', /^[a-z2-7]{56}\.onion$/, 'the key and the name stay on star');
    await world.tor.startClient(9050);
    let page = '';
    for (
      const deadline = Date.now() + 180_000;
      !page.includes('hello') && Date.now() < deadline;
      await sleep(2_000)
    ) {
      page = spawnSync(
        'ip',
        [
          'netns',
          'exec',
          world.lan,
          'curl',
          '-sf',
          '--max-time',
          '30',
          '--socks5-hostname',
          '127.0.0.1:9050',
          `http://${web?.hostname}/`,
        ],
        { encoding: 'utf8' },
      ).stdout;
    }
    assert.equal(page, 'hello from the onion site\n', 'a Tor user reaches the site by its .onion name');
    assert.equal(cli('down', 'web').status, 0);
  });

  it('boots the bundled firefox behind star, and Firefox opens on its display', async () => {
    const up = cli('up', 'application/browser/firefox');
    assert.equal(up.status, 0, up.stderr);
    const shot = path.join(ARTIFACTS, 'firefox.png');
    let seen = { lit: 0, colours: 0 };
    for (const deadline = Date.now() + 300_000; seen.lit < 0.3 && Date.now() < deadline; await sleep(5_000)) {
      const taken = cli('screenshot', 'firefox', '-o', shot);
      assert.equal(taken.status, 0, taken.stderr);
      seen = describePixels(decodePng(readFileSync(shot)));
    }
    assert.ok(
      seen.lit >= 0.3 && seen.colours > 50,
      `Firefox's window on the display (${JSON.stringify(seen)}, ${shot})`,
    );
    const status = JSON.parse(cli('--json', 'status', 'firefox').stdout) as {
      agent: { processes: { name: string }[] };
    };
    assert.ok(
      status.agent.processes.some((p) => /^(firefox|GeckoMain)/.test(p.name)),
      'the program is Firefox',
    );
    assert.equal(cli('down', 'firefox').status, 0);
  });

  it('gives the host root namespace no address or route on any portal network', () => {
    const addresses = spawnSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8' }).stdout;
    const routes = spawnSync('ip', ['-j', 'route', 'show'], { encoding: 'utf8' }).stdout;
    for (const prefix of ['10.0.0.', '10.1.1.', '10.2.2.', '10.3.3.']) {
      assert.ok(!addresses.includes(`"${prefix}`), `no ${prefix}x address in the root namespace`);
      assert.ok(!routes.includes(`"${prefix}`), `no ${prefix}x route in the root namespace`);
    }
    const links = spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout;
    assert.ok(!links.includes('"br-star"'), 'the bridges live only in the portal namespace');
  });
});
