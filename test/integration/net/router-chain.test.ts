/**
 * The router chain with real VMs and real packets. The test world is made of namespaces this test creates: a
 * "LAN" namespace holding the universe router's uplink, a web server on the LAN and a WireGuard server
 * (wireguard-go: the host kernel has no WireGuard) with a second web server inside its tunnel. nft counters
 * in the LAN namespace count what arrives there, in clear on the uplink or inside the tunnel.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { namespaceName } from '../../../src/net/index.js';
import { tapName } from '../../../src/qemu/index.js';
import { REPO_ROOT } from '../../support/catalogue.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const LAN = `mvlan-${process.pid}`;
const LAN_ADDRESS = '192.168.77.1';
const UNIVERSE_UPLINK = '192.168.77.2';
const WG_PORT = 51820;
const WG_SWITCHED_PORT = 51821;
const TUNNEL_SERVER = '10.99.0.1';
const TUNNEL_GALAXY = '10.99.0.2';
const OUTSIDE = '198.51.100.7';
// busybox wget's own -T segfaults in Debian's static busybox 1.35: the timeout applet bounds it instead.

function sh(args: readonly string[], input?: string): string {
  const result = spawnSync(args[0] as string, args.slice(1), {
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  assert.equal(result.status, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const inLan = (args: readonly string[], input?: string) => sh(['ip', 'netns', 'exec', LAN, ...args], input);

/** A WireGuard key pair made by `wg`. */
function keyPair(): { privateKey: string; publicKey: string } {
  const privateKey = sh(['wg', 'genkey']).trim();
  return { privateKey, publicKey: sh(['wg', 'pubkey'], privateKey).trim() };
}

const server = keyPair();
const switchedServer = keyPair();
const galaxyKeys = keyPair();

const formula = (text: string) => `description: ${text}\n`;

/** The bundled tree, with the routers pointed at the test world and a few probes. */
function testTree(): string {
  const root = mkdtempSync('/tmp/mv-net-formulas-');
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  const routers: Record<string, string> = {
    universe: `${formula('universe for the router tests')}networks:
  - { network: universe, address: 10.0.0.1, router: true }
uplink: { mode: netns, device: ${LAN}, address: ${UNIVERSE_UPLINK}/24, gateway: ${LAN_ADDRESS} }
startOrder: 20
`,
    galaxy: `${formula('galaxy for the router tests')}networks:
  - { network: universe, address: 10.0.0.2 }
  - { network: galaxy, address: 10.1.1.1, router: true }
packages: [wireguard-tools]
vpn: { endpoint: "${LAN_ADDRESS}:${WG_PORT}", publicKey: "${server.publicKey}", address: ${TUNNEL_GALAXY}/24 }
share:
  subfolders:
    wireguard: { readOnly: true }
agent:
  verbs: [status, reset, switch-endpoint, run]
  run: [/bin/busybox]
startOrder: 30
`,
    star: `${formula('star for the router tests')}machine: { memory: 256 }
networks:
  - { network: galaxy, address: 10.1.1.2 }
  - { network: star, address: 10.2.2.1, router: true }
packages: [tor]
agent:
  verbs: [status, reset, new-identity, run]
  run: [/bin/busybox]
startOrder: 40
`,
  };
  for (const [name, text] of Object.entries(routers)) {
    writeFileSync(path.join(root, 'service/router', name, 'formula.yaml'), text);
  }
  for (const [node, networks] of [
    ['probe', ''],
    ['probe-universe', 'networks:\n  - { network: universe, address: dynamic }\n'],
    ['probe-galaxy', 'networks:\n  - { network: galaxy, address: dynamic }\n'],
  ] as const) {
    mkdirSync(path.join(root, 'application', node));
    writeFileSync(
      path.join(root, 'application', node, 'formula.yaml'),
      `${formula('a network probe')}${networks}agent:\n  verbs: [run]\n  run: [/bin/busybox]\n`,
    );
  }
  return root;
}

/**
 * What the LAN namespace receives, counted by nft: on the uplink in clear (by protocol, WireGuard apart), and
 * inside the tunnel. `other` counts any source on the uplink but the universe router's NAT address.
 */
const LAN_RULES = `table inet lan {
  chain lan_input {
    type filter hook input priority 0; policy accept;
    iifname "mv-uplink" meta nfproto ipv6 counter comment "ipv6"
    iifname "mv-uplink" ip saddr != ${UNIVERSE_UPLINK} ip saddr != ${LAN_ADDRESS} counter comment "other"
    iifname "mv-uplink" udp dport { ${WG_PORT}, ${WG_SWITCHED_PORT} } counter accept comment "wireguard"
    iifname "mv-uplink" meta l4proto tcp counter comment "tcp"
    iifname "mv-uplink" meta l4proto udp counter comment "udp"
    iifname "mv-uplink" meta l4proto icmp counter comment "icmp"
    iifname "wg0" counter comment "tunnel"
  }
}
`;

type Counts = Record<string, number>;

function lanCounters(): Counts {
  const ruleset = JSON.parse(inLan(['nft', '-j', 'list', 'table', 'inet', 'lan'])) as {
    nftables: { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } }[];
  };
  const counts: Counts = {};
  for (const item of ruleset.nftables) {
    const counter = item.rule?.expr.find((e) => e.counter)?.counter;
    if (item.rule?.comment && counter) counts[item.rule.comment] = counter.packets;
  }
  return counts;
}

/** Counter growth since an earlier reading (anonymous rule counters cannot be reset on nft 1.0.6). */
function since(before: Counts, keys: readonly string[]): Counts {
  const now = lanCounters();
  return Object.fromEntries(keys.map((key) => [key, (now[key] ?? 0) - (before[key] ?? 0)]));
}

const CLEAR = ['tcp', 'udp', 'icmp', 'ipv6', 'other'] as const;
const NOTHING_CLEAR = { tcp: 0, udp: 0, icmp: 0, ipv6: 0, other: 0 };

/** The LAN's WireGuard server: wireguard-go on wg0, a tunnel address and a web server inside the tunnel. */
function startTunnelServer(): void {
  inLan(['wireguard-go', 'wg0']);
  const key = path.join(mkdtempSync('/tmp/mv-wg-'), 'server.key');
  writeFileSync(key, server.privateKey, { mode: 0o600 });
  inLan(['wg', 'set', 'wg0', 'private-key', key, 'listen-port', String(WG_PORT)]);
  inLan(['wg', 'set', 'wg0', 'peer', galaxyKeys.publicKey, 'allowed-ips', `${TUNNEL_GALAXY}/32`]);
  inLan(['ip', 'addr', 'add', `${TUNNEL_SERVER}/24`, 'dev', 'wg0']);
  inLan(['ip', 'link', 'set', 'wg0', 'up']);
  rmSync(path.dirname(key), { recursive: true });
}

/** Re-keys the LAN's WireGuard server and moves it to another port: the old tunnel stops working. */
function moveTunnelServer(keys: { privateKey: string }, port: number): void {
  const key = path.join(mkdtempSync('/tmp/mv-wg-'), 'server.key');
  writeFileSync(key, keys.privateKey, { mode: 0o600 });
  inLan(['wg', 'set', 'wg0', 'private-key', key, 'listen-port', String(port)]);
  rmSync(path.dirname(key), { recursive: true });
}

function webServer(address: string, port: number, text: string): ChildProcess {
  const site = mkdtempSync('/tmp/mv-lan-site-');
  writeFileSync(path.join(site, 'index.html'), `${text}\n`);
  return spawn(
    'ip',
    ['netns', 'exec', LAN, 'busybox', 'httpd', '-f', '-p', `${address}:${port}`, '-h', site],
    { stdio: 'ignore' },
  );
}

describe('the router chain with real packets', { timeout: 900_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;
  const servers: ChildProcess[] = [];
  const portalNamespace = () => namespaceName(daemon.run);
  const shell = async (portal: string, script: string) =>
    (
      await daemon.call('portal.exec', {
        name: portal,
        verb: 'run',
        args: ['/bin/busybox', 'sh', '-c', script],
      })
    ).result as { exitCode: number; stdout: string; stderr: string };
  const verb = async (
    portal: string,
    name: 'reset' | 'new-identity' | 'switch-endpoint',
    args: string[] = [],
  ) => (await daemon.call('portal.exec', { name: portal, verb: name, args })).result;
  const up = (formula: string, name: string) => daemon.call('portal.up', { formula, name });
  const down = (name: string) => daemon.call('portal.down', { name, force: true });

  before(async () => {
    tree = testTree();
    sh(['ip', 'netns', 'add', LAN]);
    inLan(['ip', 'link', 'set', 'lo', 'up']);
    daemon = await startTestDaemon({ formulas: tree });
    const keyDir = path.join(daemon.state, 'shares', 'galaxy', 'wireguard');
    mkdirSync(path.join(daemon.state, 'shares'), { mode: 0o755 });
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(keyDir, 'private.key'), galaxyKeys.privateKey, { mode: 0o600 });
    const qemu = spawnSync('id', ['-u', 'multiverse-qemu'], { encoding: 'utf8' }).stdout.trim();
    for (const file of [path.dirname(keyDir), keyDir, path.join(keyDir, 'private.key')]) {
      chownSync(file, Number(qemu), Number(qemu));
    }
    await up('service/router/universe', 'universe');
    inLan(['ip', 'addr', 'add', `${LAN_ADDRESS}/24`, 'dev', 'mv-uplink']);
    inLan(['nft', '-f', '-'], LAN_RULES);
    startTunnelServer();
    servers.push(webServer(LAN_ADDRESS, 8080, 'hello from the LAN'));
    servers.push(webServer(TUNNEL_SERVER, 8081, 'hello from inside the tunnel'));
    await up('service/router/galaxy', 'galaxy');
    await up('service/router/star', 'star');
  });

  afterEach(async () => {
    // Leak check: every tap in the portal namespace belongs to a running portal.
    const { portals } = await daemon.call('portal.list', {});
    const running = portals
      .filter((p) => p.state !== 'stopped' && p.state !== 'crashed')
      .map((p) => tapName(p.name, 0).slice(0, 10));
    const links = JSON.parse(sh(['ip', '-n', portalNamespace(), '-j', 'link', 'show'])) as {
      ifname: string;
    }[];
    const taps = links.map((l) => l.ifname).filter((name) => /^mv[0-9a-f]{8}\d$/.test(name));
    for (const tap of taps) assert.ok(running.includes(tap.slice(0, 10)), `tap ${tap} outlived its portal`);
  });

  after(async () => {
    for (const child of servers) child.kill();
    const namespace = portalNamespace();
    await daemon.dispose();
    spawnSync('ip', ['netns', 'exec', LAN, 'pkill', '-f', 'wireguard-go wg0']);
    spawnSync('ip', ['netns', 'del', LAN]);
    rmSync(tree, { recursive: true, force: true });
    assert.ok(
      !sh(['ip', 'netns', 'list']).includes(namespace),
      'the portal namespace is gone with the last portal',
    );
    assert.ok(
      !sh(['ip', '-j', 'link', 'show']).includes('"mv'),
      'no tap, veth or bridge left in the root namespace',
    );
  });

  it('lets a portal on universe reach the LAN through NAT', async () => {
    await up('application/probe-universe', 'onuniverse');
    const before = lanCounters();
    const result = await shell(
      'onuniverse',
      `ping -c 1 -W 3 ${LAN_ADDRESS} && wget -q -O - http://${LAN_ADDRESS}:8080/`,
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /hello from the LAN/);
    const seen = since(before, CLEAR);
    assert.ok((seen.tcp ?? 0) > 0 && (seen.icmp ?? 0) > 0, 'the LAN saw the portal, as the uplink address');
    assert.equal(seen.other, 0, 'no portal address ever reached the LAN');
    await down('onuniverse');
  });

  it('sends a portal on galaxy only through the tunnel: seen inside it, never in clear on the LAN', async () => {
    await up('application/probe-galaxy', 'ongalaxy');
    const before = lanCounters();
    const inside = await shell('ongalaxy', `timeout 10 wget -q -O - http://${TUNNEL_SERVER}:8081/`);
    assert.equal(inside.exitCode, 0, inside.stderr);
    assert.match(inside.stdout, /hello from inside the tunnel/);
    const lan = await shell(
      'ongalaxy',
      `timeout 3 wget -q -O - http://${LAN_ADDRESS}:8080/; ping -c 1 -W 2 ${LAN_ADDRESS}`,
    );
    assert.notEqual(lan.exitCode, 0, 'the LAN is out of reach from galaxy');
    const seen = since(before, [...CLEAR, 'wireguard', 'tunnel']);
    assert.ok((seen.tunnel ?? 0) > 0, 'the web request arrived inside the tunnel');
    assert.ok((seen.wireguard ?? 0) > 0, 'and reached the LAN only as WireGuard');
    assert.deepEqual({ ...seen, tunnel: 0, wireguard: 0 }, { ...NOTHING_CLEAR, tunnel: 0, wireguard: 0 });
  });

  it('lets nothing out of galaxy while its tunnel is down, and reset brings the tunnel back', async () => {
    const wentDown = await shell('galaxy', 'ip link set wg0 down');
    assert.equal(wentDown.exitCode, 0, wentDown.stderr);
    await sleep(500);
    const before = lanCounters();
    const tries = await shell(
      'ongalaxy',
      `timeout 3 wget -q -O - http://${TUNNEL_SERVER}:8081/; echo "tunnel=$?"; ping -c 2 -W 2 ${LAN_ADDRESS}; echo "lan=$?"`,
    );
    assert.match(tries.stdout, /tunnel=[1-9]/);
    assert.match(tries.stdout, /lan=1/);
    assert.deepEqual(since(before, [...CLEAR, 'wireguard', 'tunnel']), {
      ...NOTHING_CLEAR,
      wireguard: 0,
      tunnel: 0,
    });
    assert.deepEqual(await verb('galaxy', 'reset'), { state: 'up' });
    const back = await shell('ongalaxy', `timeout 10 wget -q -O - http://${TUNNEL_SERVER}:8081/`);
    assert.match(back.stdout, /hello from inside the tunnel/, back.stderr);
  });

  it('switch-endpoint moves galaxy to another VPN server; the old one is no longer reachable', async () => {
    moveTunnelServer(switchedServer, WG_SWITCHED_PORT);
    const stale = await shell('ongalaxy', `timeout 3 wget -q -O - http://${TUNNEL_SERVER}:8081/`);
    assert.notEqual(stale.exitCode, 0, 'the old endpoint no longer answers');
    const switched = await verb('galaxy', 'switch-endpoint', [
      `${LAN_ADDRESS}:${WG_SWITCHED_PORT}`,
      switchedServer.publicKey,
    ]);
    assert.deepEqual(switched, { endpoint: `${LAN_ADDRESS}:${WG_SWITCHED_PORT}`, state: 'up' });
    const inside = await shell('ongalaxy', `timeout 10 wget -q -O - http://${TUNNEL_SERVER}:8081/`);
    assert.match(inside.stdout, /hello from inside the tunnel/, inside.stderr);
    const rules = await shell('galaxy', 'nft list chain inet mv_filter mv_endpoint');
    assert.match(rules.stdout, new RegExp(`udp dport ${WG_SWITCHED_PORT} accept`));
    assert.doesNotMatch(rules.stdout, new RegExp(`udp dport ${WG_PORT} `), 'the old endpoint rule is gone');
    moveTunnelServer(server, WG_PORT);
    assert.deepEqual(await verb('galaxy', 'reset'), { state: 'up' }, 'reset returns to the formula endpoint');
    await down('ongalaxy');
  });

  it('keeps a portal on star off the LAN: TCP into Tor, DNS to Tor, UDP, ICMP and IPv6 nowhere', async () => {
    await up('application/probe', 'onstar');
    const before = lanCounters();
    const redirects = async () =>
      JSON.parse((await shell('star', 'nft -j list chain ip mv_nat mv_prerouting')).stdout) as {
        nftables: { rule?: { comment: string; expr: { counter?: { packets: number } }[] } }[];
      };
    const dnsCounter = async () =>
      (await redirects()).nftables
        .find((i) => i.rule?.comment.startsWith('DNS over UDP'))
        ?.rule?.expr.find((e) => e.counter)?.counter?.packets ?? 0;
    const dnsBefore = await dnsCounter();
    const ping = await shell('onstar', `ping -c 2 -W 2 ${LAN_ADDRESS}`);
    assert.notEqual(ping.exitCode, 0, 'ICMP to the LAN fails');
    const web = await shell('onstar', `timeout 5 wget -q -O - http://${LAN_ADDRESS}:8080/`);
    assert.doesNotMatch(web.stdout, /hello from the LAN/, 'the LAN web server is never reached');
    const udp = await shell('onstar', `traceroute -n -q 1 -w 1 -m 3 ${LAN_ADDRESS} 2>&1`);
    assert.doesNotMatch(udp.stdout, new RegExp(`${LAN_ADDRESS.replaceAll('.', '\\.')} +[0-9.]+ ms`));
    await shell('onstar', `(sleep 8 | nc ${OUTSIDE} 80) < /dev/null > /dev/null 2>&1 &`);
    await sleep(1000);
    const onStar = await shell('star', 'netstat -tn');
    assert.match(
      onStar.stdout,
      /10\.2\.2\.1:9040 +10\.2\.2\.\d+:\d+ +ESTABLISHED/,
      'Tor holds the connection',
    );
    const dns = await shell('onstar', 'nslookup example.com 2>&1; true');
    assert.doesNotMatch(dns.stdout, /Address: \d+\.\d+\.\d+\.\d+$/m, 'DNS gets no clear answer');
    assert.ok((await dnsCounter()) > dnsBefore, "the DNS query went to Tor's DNSPort");
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
    assert.deepEqual(await verb('star', 'new-identity'), { newnym: true });
  });

  it('isolates portals on one network from each other and drops spoofed sources', async () => {
    await up('application/probe', 'neighbour');
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
    await down('neighbour');
  });

  it('stops all traffic when star goes down while a portal sends: nothing falls back', async () => {
    const star = (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'star');
    assert.ok(star?.pid);
    const before = lanCounters();
    const sending = shell(
      'onstar',
      `for i in $(seq 1 8); do echo x | nc -w 1 ${OUTSIDE} 80 && echo connected; ping -c 1 -W 1 ${LAN_ADDRESS}; done 2>&1`,
    );
    await sleep(2000);
    process.kill(star.pid, 'SIGKILL');
    const killed = performance.now();
    const stateOf = async () =>
      (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'star')?.state;
    while ((await stateOf()) !== 'crashed') await sleep(50);
    process.stdout.write(
      `# star killed: the daemon reported it crashed after ${Math.round(performance.now() - killed)} ms\n`,
    );
    const sent = (await sending).stdout;
    assert.match(sent, /connected/, 'the portal was sending through Tor before the kill');
    const afterKill = await shell('onstar', `echo x | nc -w 2 ${OUTSIDE} 80; echo "connect=$?"`);
    assert.match(afterKill.stdout, /connect=1/, 'with star gone nothing connects');
    assert.deepEqual(since(before, CLEAR), NOTHING_CLEAR, 'nothing reached the LAN, before or after');
    await down('onstar');
  });

  it('stops all traffic when galaxy goes down while a portal sends: the tunnel counter freezes at once', async () => {
    await up('application/probe-galaxy', 'ongalaxy');
    const galaxy = (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'galaxy');
    assert.ok(galaxy?.pid);
    const before = lanCounters();
    const sending = shell('ongalaxy', `ping -c 60 -i 0.1 -W 1 ${TUNNEL_SERVER} > /dev/null; echo sent`);
    await sleep(2000);
    assert.ok((since(before, ['tunnel']).tunnel ?? 0) > 0, 'the pings flow through the tunnel');
    process.kill(galaxy.pid, 'SIGKILL');
    const killed = performance.now();
    let last = lanCounters().tunnel ?? 0;
    let lastChange = killed;
    while (performance.now() - killed < 3000) {
      await sleep(50);
      const now = lanCounters().tunnel ?? 0;
      if (now !== last) [last, lastChange] = [now, performance.now()];
    }
    process.stdout.write(
      `# galaxy killed: last tunnel packet seen ${Math.round(lastChange - killed)} ms after the kill\n`,
    );
    assert.ok(lastChange - killed < 500, 'packets stop within the polling interval of the kill');
    assert.match((await sending).stdout, /sent/);
    assert.deepEqual(since(before, CLEAR), NOTHING_CLEAR, 'nothing leaked in clear before or after');
    await down('ongalaxy');
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
