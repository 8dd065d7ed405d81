/**
 * @module A private Tor network for the tests, entirely inside a network namespace the test made: three
 * directory authorities and two relays (each also a guard, exit and HSDir, all on one address with their own
 * ports) run by the host's tor with `TestingTorNetwork` and fast voting. A Tor client that knows the
 * authorities (`clientConfig`, what the owner would put in star's tor/torrc.d) bootstraps against it in
 * seconds, reaches the namespace's own servers through its exits, and reaches onion services. Nothing leaves
 * the namespace. Measured here: a complete consensus ~15–30 s after start, a client at 100 % ~2 s later.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const AUTHORITIES = 3;
const RELAYS = 2;
const NODES = [
  ...Array.from({ length: AUTHORITIES }, (_, i) => `auth${i + 1}`),
  ...Array.from({ length: RELAYS }, (_, i) => `relay${i + 1}`),
];

/** A running private Tor network. */
export interface TorNetwork {
  /** `TestingTorNetwork 1` and the DirAuthority lines: what a client needs to bootstrap against it. */
  readonly clientConfig: string;
  /** Resolves once the consensus lists every relay with the flags a small network needs. */
  ready(timeoutMs?: number): Promise<void>;
  /** Starts a client tor in the namespace with a SOCKS port on 127.0.0.1 and waits for 100 %. */
  startClient(socksPort: number): Promise<void>;
  /** Stops every tor process and removes the network's files. */
  stop(): void;
}

function run(argv: readonly string[], options: { cwd?: string; input?: string } = {}): string {
  const result = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${argv.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** tor reads no torrc of the host: every option comes from our own file. */
const tor = (namespace: string, args: readonly string[]) => [
  'ip',
  'netns',
  'exec',
  namespace,
  'tor',
  '--defaults-torrc',
  '/dev/null',
  '--ignore-missing-torrc',
  ...args,
];

const orPort = (node: string, base: number) =>
  node.startsWith('auth') ? base + Number(node.slice(4)) : base + 100 + Number(node.slice(5));
const dirPort = (node: string, base: number) => base + 2000 + Number(node.slice(4));

/**
 * Starts the network in `namespace` on `address` (which must be local there), with ports from `basePort`
 * (ORPorts base+1…, DirPorts base+2001…), its files under `dir`, and exits resolving names with the DNS
 * server at `resolver` (an address:port in the namespace, or none).
 */
export function startTorNetwork(options: {
  namespace: string;
  address: string;
  basePort: number;
  dir: string;
  resolver?: string;
}): TorNetwork {
  const { namespace, address, basePort, dir } = options;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const authorities: string[] = [];
  for (const node of NODES) {
    const data = path.join(dir, node);
    mkdirSync(path.join(data, 'keys'), { recursive: true, mode: 0o700 });
    chmodSync(data, 0o700);
    if (node.startsWith('auth')) {
      run(
        [
          'ip',
          'netns',
          'exec',
          namespace,
          'tor-gencert',
          '--create-identity-key',
          '-m',
          '12',
          '-a',
          `${address}:${dirPort(node, basePort)}`,
          '--passphrase-fd',
          '0',
          '-i',
          'authority_identity_key',
          '-s',
          'authority_signing_key',
          '-c',
          'authority_certificate',
        ],
        { cwd: path.join(data, 'keys'), input: '\n' },
      );
    }
    run(
      tor(namespace, [
        '-f',
        '/dev/null',
        '--list-fingerprint',
        '--DataDirectory',
        data,
        '--ORPort',
        '1',
        '--SocksPort',
        '0',
        '--Nickname',
        node,
      ]),
    );
    if (node.startsWith('auth')) {
      const v3 = /^fingerprint (\S+)/m.exec(
        readFileSync(path.join(data, 'keys/authority_certificate'), 'utf8'),
      )?.[1];
      const fingerprint = readFileSync(path.join(data, 'fingerprint'), 'utf8').trim().split(' ')[1];
      authorities.push(
        `DirAuthority ${node} orport=${orPort(node, basePort)} no-v2 v3ident=${v3} ${address}:${dirPort(node, basePort)} ${fingerprint}`,
      );
    }
  }
  const clientConfig = ['TestingTorNetwork 1', ...authorities, ''].join('\n');
  const resolv = path.join(dir, 'resolv.conf');
  writeFileSync(resolv, `nameserver ${options.resolver ?? '127.0.0.1'}\n`);
  const pids: string[] = [];
  const start = (node: string, lines: readonly string[]) => {
    const data = path.join(dir, node);
    mkdirSync(data, { recursive: true, mode: 0o700 });
    chmodSync(data, 0o700);
    const torrc = [
      clientConfig.trimEnd(),
      `DataDirectory ${data}`,
      'RunAsDaemon 1',
      `PidFile ${data}/pid`,
      `Log notice file ${data}/notice.log`,
      ...lines,
    ].join('\n');
    writeFileSync(path.join(data, 'torrc'), `${torrc}\n`);
    run(tor(namespace, ['-f', path.join(data, 'torrc')]));
    pids.push(path.join(data, 'pid'));
  };
  for (const node of NODES) {
    const relay = [
      `Nickname ${node}`,
      'SocksPort 0',
      `Address ${address}`,
      `ORPort ${address}:${orPort(node, basePort)}`,
      // Every relay is an exit to anything: the "internet" here is the namespace's own servers.
      'ExitRelay 1',
      'ExitPolicy accept *:*',
      'AssumeReachable 1',
      `ServerDNSResolvConfFile ${resolv}`,
      'ServerDNSDetectHijacking 0',
      'ServerDNSAllowNonRFC953Hostnames 1',
    ];
    const authority = node.startsWith('auth')
      ? [
          `DirPort ${address}:${dirPort(node, basePort)}`,
          'AuthoritativeDirectory 1',
          'V3AuthoritativeDirectory 1',
          `ContactInfo ${node}@tornet.invalid`,
          // Fast voting (chutney's values): a usable consensus within seconds.
          'TestingV3AuthInitialVotingInterval 10',
          'TestingV3AuthInitialVoteDelay 2',
          'TestingV3AuthInitialDistDelay 2',
          'V3AuthVotingInterval 10',
          'V3AuthVoteDelay 2',
          'V3AuthDistDelay 2',
          'V3AuthNIntervalsValid 2',
          // Every relay gets the flags a small network needs, whatever its uptime or bandwidth.
          'TestingDirAuthVoteExit *',
          'TestingDirAuthVoteGuard *',
          'TestingDirAuthVoteHSDir *',
          'TestingMinExitFlagThreshold 0',
          'AuthDirVoteStableGuaranteeMinUptime 0',
          'AuthDirVoteStableGuaranteeMTBF 0',
        ]
      : [];
    start(node, [...relay, ...authority]);
  }

  const complete = () => {
    const file = path.join(dir, 'auth1/cached-microdesc-consensus');
    if (!existsSync(file)) return false;
    const text = readFileSync(file, 'utf8');
    const routers = (text.match(/^r /gm) ?? []).length;
    const flagged = text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('s ') &&
          ['Running', 'Valid', 'Guard', 'Exit', 'HSDir', 'Stable'].every((f) => l.includes(f)),
      ).length;
    return routers === NODES.length && flagged === NODES.length;
  };
  const bootstrapped = (node: string) =>
    existsSync(path.join(dir, node, 'notice.log')) &&
    readFileSync(path.join(dir, node, 'notice.log'), 'utf8').includes('Bootstrapped 100%');

  return {
    clientConfig,
    async ready(timeoutMs = 180_000) {
      for (
        const deadline = Date.now() + timeoutMs;
        !(complete() && NODES.every(bootstrapped));
        await sleep(250)
      ) {
        if (Date.now() > deadline)
          throw new Error(`the private Tor network did not come up in ${timeoutMs} ms`);
      }
    },
    async startClient(socksPort) {
      start('client', [`SocksPort 127.0.0.1:${socksPort}`]);
      for (const deadline = Date.now() + 120_000; !bootstrapped('client'); await sleep(250)) {
        if (Date.now() > deadline) throw new Error('the test Tor client did not bootstrap');
      }
    },
    stop() {
      for (const file of pids) {
        const pid = Number(existsSync(file) ? readFileSync(file, 'utf8').trim() : '');
        if (pid > 1) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
