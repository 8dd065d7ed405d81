/**
 * @module The outside world of the router-chain tests, made of a namespace the test owns (the "LAN", where
 * the universe router's uplink ends): a web server on the LAN, a WireGuard server (wireguard-go: the host kernel has no WireGuard) with a web
 * server inside its tunnel, and behind it an "internet": a private Tor network, a DNS server its exits use
 * and a web server its exits reach. nft counters in the LAN count what arrives there, in clear on the uplink
 * or inside the tunnel. A test changes the bundled formulas only the way an owner would: the universe
 * router's uplink, galaxy's VPN settings and key, and star's tor/torrc.d (the private network's authorities).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { lookupUser, QEMU_USER } from '../../src/probe/host/facts.js';
import { REPO_ROOT } from './catalogue.js';
import { startTorNetwork, type TorNetwork } from './tor-network.js';

/** The world's fixed addresses. */
export const WORLD = {
  lanAddress: '192.168.77.1',
  uplinkAddress: '192.168.77.2',
  tunnelServer: '10.99.0.1',
  tunnelGalaxy: '10.99.0.2',
  wgPort: 51820,
  wgSwitchedPort: 51821,
  /** The "internet" web server, reached from star only through Tor exits, from galaxy through the tunnel. */
  outside: '198.51.100.7',
  outsideName: 'outside.test',
  torAddress: '203.0.113.1',
  dnsAddress: '203.0.113.53',
} as const;

/** What the LAN counted, by the comment of each counting rule. */
export type Counts = Record<string, number>;

/** A WireGuard key pair made by `wg`. */
export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** The running world. */
export interface World {
  readonly lan: string;
  /** The WireGuard server's interface in the LAN. */
  readonly wg: string;
  readonly tor: TorNetwork;
  readonly galaxyKeys: KeyPair;
  readonly serverKeys: KeyPair;
  /** Runs a command inside the LAN namespace and returns its stdout. */
  inLan(args: readonly string[], input?: string): string;
  /** Edits a copy of the bundled tree the way an owner would: universe's uplink, galaxy's VPN. */
  treeFor(extraFormulas?: Readonly<Record<string, string>>): string;
  /** Puts galaxy's private key and star's Tor settings into the daemon's shares, as an owner would. */
  prepareShares(stateRoot: string): Promise<void>;
  /**
   * Plays the owner's LAN setup: whenever the universe router's uplink end (`mv-uplink`) appears in the LAN
   * namespace (at each start of universe), it gets the LAN's address.
   */
  watchUplink(): void;
  /** Re-keys the WireGuard server and moves it to another port (the old tunnel stops working). */
  moveTunnelServer(keys: KeyPair, port: number): void;
  /** The LAN's counters now. */
  counters(): Counts;
  /** Growth of some counters since an earlier reading. */
  since(before: Counts, keys: readonly string[]): Counts;
  dispose(): void;
}

function sh(args: readonly string[], input?: string): string {
  const result = spawnSync(args[0] as string, args.slice(1), {
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** A new WireGuard key pair. */
export function keyPair(): KeyPair {
  const privateKey = sh(['wg', 'genkey']).trim();
  return { privateKey, publicKey: sh(['wg', 'pubkey'], privateKey).trim() };
}

/** The LAN's counters; `tunnel` is the WireGuard server's interface. */
const lanRules = (tunnel: string) => `table inet lan {
  chain lan_input {
    type filter hook input priority 0; policy accept;
    iifname "mv-uplink" meta nfproto ipv6 counter comment "ipv6"
    iifname "mv-uplink" ip saddr != ${WORLD.uplinkAddress} ip saddr != ${WORLD.lanAddress} counter comment "other"
    iifname "mv-uplink" udp dport ${WORLD.wgPort} counter accept comment "wireguard"
    iifname "mv-uplink" udp dport ${WORLD.wgSwitchedPort} counter accept comment "wireguard-switched"
    iifname "mv-uplink" meta l4proto tcp counter comment "tcp"
    iifname "mv-uplink" meta l4proto udp counter comment "udp"
    iifname "mv-uplink" meta l4proto icmp counter comment "icmp"
    iifname "${tunnel}" counter comment "tunnel"
  }
}
`;

/** Sets one top-level field of a formula file, keeping the rest as it is. */
function setField(file: string, field: string, value: unknown): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.set(field, doc.createNode(value, { flow: true }));
  writeFileSync(file, doc.toString());
}

/** Creates the world; the Tor network starts voting at once (await `tor.ready()` before star boots). */
export function createWorld(): World {
  const lan = `mvlan-${process.pid}`;
  // wireguard-go's control socket is named after the interface in one folder for all namespaces: unique.
  const wg = `mvwg${process.pid}`;
  spawnSync('ip', ['netns', 'del', lan]);
  sh(['ip', 'netns', 'add', lan]);
  const inLan = (args: readonly string[], input?: string) => sh(['ip', 'netns', 'exec', lan, ...args], input);
  inLan(['ip', 'link', 'set', 'lo', 'up']);
  for (const address of [WORLD.outside, WORLD.torAddress, WORLD.dnsAddress]) {
    inLan(['ip', 'addr', 'add', `${address}/32`, 'dev', 'lo']);
  }
  const scratch = mkdtempSync('/tmp/mv-world-');
  const children: ChildProcess[] = [];
  const background = (args: readonly string[]) =>
    children.push(spawn('ip', ['netns', 'exec', lan, ...args], { stdio: 'ignore' }));
  const site = (name: string, text: string) => {
    const dir = path.join(scratch, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'index.html'), `${text}\n`);
    return dir;
  };
  const webServer = (address: string, port: number, text: string) =>
    background([
      'busybox',
      'httpd',
      '-f',
      '-p',
      `${address}:${port}`,
      '-h',
      site(`${address}-${port}`, text),
    ]);

  const serverKeys = keyPair();
  const galaxyKeys = keyPair();
  const setServerKey = (keys: KeyPair, port: number) => {
    const key = path.join(scratch, 'server.key');
    writeFileSync(key, keys.privateKey, { mode: 0o600 });
    inLan(['wg', 'set', wg, 'private-key', key, 'listen-port', String(port)]);
    rmSync(key);
  };
  inLan(['wireguard-go', wg]);
  setServerKey(serverKeys, WORLD.wgPort);
  inLan(['wg', 'set', wg, 'peer', galaxyKeys.publicKey, 'allowed-ips', `${WORLD.tunnelGalaxy}/32`]);
  inLan(['ip', 'addr', 'add', `${WORLD.tunnelServer}/24`, 'dev', wg]);
  inLan(['ip', 'link', 'set', wg, 'up']);
  inLan(['nft', '-f', '-'], lanRules(wg));
  // On every address of the LAN: its own one exists only while the universe router's uplink does.
  webServer('0.0.0.0', 8080, 'hello from the LAN');
  webServer(WORLD.tunnelServer, 8081, 'hello from inside the tunnel');
  webServer(WORLD.outside, 80, 'hello from outside');
  background([
    process.execPath,
    path.join(REPO_ROOT, 'test/support/dns-server.mjs'),
    WORLD.dnsAddress,
    '53',
    `${WORLD.outsideName}=${WORLD.outside}`,
  ]);
  const tor = startTorNetwork({
    namespace: lan,
    address: WORLD.torAddress,
    basePort: 5000,
    dir: path.join(scratch, 'tor'),
    resolver: WORLD.dnsAddress,
  });

  const counters = (): Counts => {
    const ruleset = JSON.parse(inLan(['nft', '-j', 'list', 'table', 'inet', 'lan'])) as {
      nftables: { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } }[];
    };
    const counts: Counts = {};
    for (const item of ruleset.nftables) {
      const counter = item.rule?.expr.find((e) => e.counter)?.counter;
      if (item.rule?.comment && counter) counts[item.rule.comment] = counter.packets;
    }
    return counts;
  };

  return {
    lan,
    wg,
    tor,
    galaxyKeys,
    serverKeys,
    inLan,
    treeFor(extraFormulas = {}) {
      const root = mkdtempSync('/tmp/mv-world-formulas-');
      sh(['cp', '-r', `${path.join(REPO_ROOT, 'formulas')}/.`, root]);
      setField(path.join(root, 'service/router/universe/formula.yaml'), 'uplink', {
        mode: 'netns',
        device: lan,
        address: `${WORLD.uplinkAddress}/24`,
        gateway: WORLD.lanAddress,
      });
      setField(path.join(root, 'service/router/galaxy/formula.yaml'), 'vpn', {
        endpoint: `${WORLD.lanAddress}:${WORLD.wgPort}`,
        publicKey: serverKeys.publicKey,
        address: `${WORLD.tunnelGalaxy}/24`,
      });
      for (const [node, text] of Object.entries(extraFormulas)) {
        mkdirSync(path.join(root, node), { recursive: true });
        writeFileSync(path.join(root, node, 'formula.yaml'), text);
      }
      return root;
    },
    async prepareShares(stateRoot) {
      const qemu = await lookupUser(QEMU_USER);
      if (!qemu) throw new Error(`no ${QEMU_USER} account`);
      const shares = path.join(stateRoot, 'shares');
      mkdirSync(shares, { recursive: true, mode: 0o755 });
      const keyDir = path.join(shares, 'galaxy', 'wireguard');
      mkdirSync(keyDir, { recursive: true, mode: 0o700 });
      writeFileSync(path.join(keyDir, 'private.key'), galaxyKeys.privateKey, { mode: 0o600 });
      for (const file of [path.dirname(keyDir), keyDir, path.join(keyDir, 'private.key')]) {
        chownSync(file, qemu.uid, qemu.gid);
      }
      const torDir = path.join(shares, 'star', 'tor', 'torrc.d');
      mkdirSync(torDir, { recursive: true, mode: 0o755 });
      chownSync(path.join(shares, 'star'), qemu.uid, qemu.gid);
      writeFileSync(path.join(torDir, 'test-network.conf'), tor.clientConfig, { mode: 0o644 });
    },
    watchUplink() {
      // A process of its own: the tests block their event loop while a CLI command runs.
      background([
        'sh',
        '-c',
        `while :; do
  if ip link show mv-uplink > /dev/null 2>&1 && ! ip -4 addr show dev mv-uplink | grep -q '${WORLD.lanAddress}/'; then
    ip addr add ${WORLD.lanAddress}/24 dev mv-uplink
  fi
  sleep 0.05
done`,
      ]);
    },
    moveTunnelServer: setServerKey,
    counters,
    since(before, keys) {
      const now = counters();
      return Object.fromEntries(keys.map((key) => [key, (now[key] ?? 0) - (before[key] ?? 0)]));
    },
    dispose() {
      for (const child of children) child.kill('SIGKILL');
      tor.stop();
      spawnSync('ip', ['netns', 'exec', lan, 'pkill', '-f', `wireguard-go ${wg}`]);
      spawnSync('ip', ['netns', 'del', lan]);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
