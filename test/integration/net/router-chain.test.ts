import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/catalogue.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const LAN = `mvlan-${process.pid}`;
const LAN_ADDRESS = '192.168.77.1';
const UNIVERSE_UPLINK = '192.168.77.2';

function sh(args: readonly string[]): string {
  const result = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8' });
  assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** The bundled tree with the universe router's uplink into the test's LAN namespace, plus two probes. */
function testTree(): string {
  const root = mkdtempSync('/tmp/mv-net-formulas-');
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  writeFileSync(
    path.join(root, 'service/router/universe/formula.yaml'),
    `description: universe for the router tests\nnetworks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: netns, device: ${LAN}, address: ${UNIVERSE_UPLINK}/24, gateway: ${LAN_ADDRESS} }\nstartOrder: 20\n`,
  );
  for (const [node, networks] of [
    ['probe', ''],
    ['probe-universe', 'networks:\n  - { network: universe, address: dynamic }\n'],
  ] as const) {
    mkdirSync(path.join(root, 'application', node));
    writeFileSync(
      path.join(root, 'application', node, 'formula.yaml'),
      `description: a network probe\n${networks}agent:\n  verbs: [run]\n  run: [/bin/busybox]\n`,
    );
  }
  return root;
}

/** Packets the LAN received from the universe router's uplink, by protocol (nft counters in the LAN namespace). */
function lanCounters(): Record<string, number> {
  const ruleset = JSON.parse(
    sh(['ip', 'netns', 'exec', LAN, 'nft', '-j', 'list', 'table', 'inet', 'lan']),
  ) as { nftables: { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } }[] };
  const counts: Record<string, number> = {};
  for (const item of ruleset.nftables) {
    const counter = item.rule?.expr.find((e) => e.counter)?.counter;
    if (item.rule?.comment && counter) counts[item.rule.comment] = counter.packets;
  }
  return counts;
}

/** Counter growth since an earlier reading: anonymous rule counters cannot be reset on every nft version. */
function lanCountersSince(before: Record<string, number>): Record<string, number> {
  const now = lanCounters();
  return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}

const LAN_RULES = `table inet lan {
  chain lan_input {
    type filter hook input priority 0; policy accept;
    ip saddr ${UNIVERSE_UPLINK} meta l4proto tcp counter comment "tcp"
    ip saddr ${UNIVERSE_UPLINK} meta l4proto udp counter comment "udp"
    ip saddr ${UNIVERSE_UPLINK} meta l4proto icmp counter comment "icmp"
    ip saddr != ${UNIVERSE_UPLINK} ip saddr != ${LAN_ADDRESS} counter comment "other"
  }
}
`;

describe('the router chain with real packets', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;
  let httpd: ChildProcess;
  const shell = async (portal: string, script: string) =>
    (
      await daemon.call('portal.exec', {
        name: portal,
        verb: 'run',
        args: ['/bin/busybox', 'sh', '-c', script],
      })
    ).result as { exitCode: number; stdout: string; stderr: string };

  before(async () => {
    tree = testTree();
    sh(['ip', 'netns', 'add', LAN]);
    sh(['ip', '-n', LAN, 'link', 'set', 'lo', 'up']);
    daemon = await startTestDaemon({ formulas: tree });
    await daemon.call('portal.up', { formula: 'service/router/universe', name: 'universe' });
    sh(['ip', '-n', LAN, 'addr', 'add', `${LAN_ADDRESS}/24`, 'dev', 'mv-uplink']);
    spawnSync('ip', ['netns', 'exec', LAN, 'nft', '-f', '-'], { input: LAN_RULES });
    const site = mkdtempSync('/tmp/mv-lan-site-');
    writeFileSync(path.join(site, 'index.html'), 'hello from the LAN\n');
    httpd = spawn(
      'ip',
      ['netns', 'exec', LAN, 'busybox', 'httpd', '-f', '-p', `${LAN_ADDRESS}:8080`, '-h', site],
      { stdio: 'ignore' },
    );
  });
  after(async () => {
    httpd.kill();
    await daemon.dispose();
    spawnSync('ip', ['netns', 'del', LAN]);
    rmSync(tree, { recursive: true, force: true });
    assert.ok(
      !sh(['ip', 'netns', 'list']).includes('mvn-'),
      'the portal namespace is gone with the last portal',
    );
  });

  it('lets a portal on universe reach the LAN through NAT', async () => {
    await daemon.call('portal.up', { formula: 'application/probe-universe', name: 'onuniverse' });
    const result = await shell(
      'onuniverse',
      `ping -c 1 -W 3 ${LAN_ADDRESS} && wget -q -O - http://${LAN_ADDRESS}:8080/`,
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /hello from the LAN/);
    const counts = lanCounters();
    assert.ok(
      (counts.tcp ?? 0) > 0 && (counts.icmp ?? 0) > 0,
      'the LAN saw the portal, translated to the uplink address',
    );
    assert.equal(counts.other, 0, 'no portal address ever reached the LAN');
    await daemon.call('portal.down', { name: 'onuniverse', force: true });
  });

  it('keeps a portal on star off the LAN: TCP goes into Tor, DNS to Tor, UDP and ICMP nowhere', async () => {
    await daemon.call('portal.up', { formula: 'service/router/star', name: 'star' });
    await daemon.call('portal.up', { formula: 'application/probe', name: 'onstar' });
    const before = lanCounters();
    const ping = await shell('onstar', `ping -c 2 -W 2 ${LAN_ADDRESS}`);
    assert.notEqual(ping.exitCode, 0, 'ICMP to the LAN fails');
    const web = await shell('onstar', `wget -q -T 5 -O - http://${LAN_ADDRESS}:8080/`);
    assert.doesNotMatch(web.stdout, /hello from the LAN/, 'the LAN web server is never reached');
    const udp = await shell('onstar', `traceroute -n -q 1 -w 1 -m 3 ${LAN_ADDRESS} 2>&1`);
    assert.doesNotMatch(
      udp.stdout,
      new RegExp(`${LAN_ADDRESS.replaceAll('.', '\\.')} +[0-9.]+ ms`),
      'UDP probes get nowhere',
    );
    const outside = await shell('onstar', 'echo x | nc -w 3 198.51.100.7 80; echo "connect=$?"');
    assert.match(
      outside.stdout,
      /connect=0/,
      'a TCP connection to an outside address is accepted by Tor on star',
    );
    const dns = await shell('onstar', 'nslookup example.com 2>&1; true');
    assert.doesNotMatch(dns.stdout, /Address: \d/, 'DNS gets no clear answer');
    assert.deepEqual(
      lanCountersSince(before),
      { tcp: 0, udp: 0, icmp: 0, other: 0 },
      'not one packet from the star portal reached the LAN',
    );
  });

  it('isolates portals on one network from each other and drops spoofed sources', async () => {
    await daemon.call('portal.up', { formula: 'application/probe', name: 'neighbour' });
    const { portals } = await daemon.call('portal.list', {});
    const neighbour = portals.find((p) => p.name === 'neighbour')?.addresses[0]?.address;
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
    await daemon.call('portal.down', { name: 'neighbour', force: true });
  });

  it('stops all traffic when star goes down: nothing falls back to a less private path', async () => {
    const star = (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'star');
    assert.ok(star?.pid);
    const before = lanCounters();
    process.kill(star.pid, 'SIGKILL');
    const killed = performance.now();
    const after = await shell(
      'onstar',
      `echo x | nc -w 2 198.51.100.7 80; echo "connect=$?"; ping -c 1 -W 2 ${LAN_ADDRESS}; echo "ping=$?"`,
    );
    assert.match(after.stdout, /connect=1/);
    assert.match(after.stdout, /ping=1/);
    assert.deepEqual(lanCountersSince(before), { tcp: 0, udp: 0, icmp: 0, other: 0 });
    process.stdout.write(
      `# star killed: next connection attempt failed after ${Math.round(performance.now() - killed)} ms\n`,
    );
  });

  it('gives the host root namespace no address or route on any portal network', () => {
    const addresses = sh(['ip', '-j', 'addr', 'show']);
    const routes = sh(['ip', '-j', 'route', 'show']);
    for (const prefix of ['10.0.0.', '10.1.1.', '10.2.2.', '10.3.3.']) {
      assert.ok(!addresses.includes(`"${prefix}`), `no ${prefix}x address in the root namespace`);
      assert.ok(!routes.includes(`"${prefix}`), `no ${prefix}x route in the root namespace`);
    }
    assert.ok(
      !sh(['ip', '-j', 'link', 'show']).includes('"br-star"'),
      'the bridges live only in the portal namespace',
    );
  });
});
