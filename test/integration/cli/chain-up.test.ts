import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDocument } from 'yaml';
import { namespaceName } from '../../../src/net/index.js';
import { REPO_ROOT } from '../../support/catalogue.js';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { createWorld, type World } from '../../support/world.js';

const STAR = 'service/router/star/formula.yaml';

function ip(args: readonly string[]): string {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `ip ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/**
 * The bundled tree with the owner's chain settings (test/support/world.ts), a probe behind galaxy, and a star
 * that asks for a kernel the store does not have, so its hop fails at once until the test restores it.
 */
function chainTree(world: World): string {
  const root = world.treeFor({
    'application/probe-galaxy':
      'description: a probe behind galaxy\nnetworks:\n  - { network: galaxy, address: dynamic }\n',
  });
  const star = path.join(root, STAR);
  const doc = parseDocument(readFileSync(star, 'utf8'));
  doc.setIn(['boot', 'kernel'], 'missing-kernel');
  writeFileSync(star, doc.toString());
  return root;
}

interface Outcome {
  network: string;
  portal: string;
  result: string;
  state: string;
}

describe('portalgun up --chain against a real daemon', { timeout: 900_000 }, () => {
  let daemon: TestDaemon | undefined;
  let tree: string;
  let world: World;
  const cli = (...args: string[]) => {
    assert.ok(daemon);
    return portalgun(['--run', daemon.run, '--formulas', tree, ...args]);
  };

  before(async () => {
    world = createWorld();
    tree = chainTree(world);
    daemon = await startTestDaemon({ formulas: tree });
    await world.prepareShares(daemon.state);
    world.watchUplink();
  });
  after(async () => {
    const run = daemon?.run;
    await daemon?.dispose();
    world.dispose();
    rmSync(tree, { recursive: true, force: true });
    if (run) assert.ok(!ip(['netns', 'list']).includes(namespaceName(run)), 'the portal namespace is gone');
  });

  it('starts the routers in order and stops at the first failing hop, leaving the ones before it up', () => {
    const result = cli('up', '--chain');
    assert.equal(result.status, 6, result.stderr);
    assert.match(
      result.stderr,
      /The star router \(service\/router\/star\) did not start: Kernel "missing-kernel" is not in the image store \[image\.kernel-missing\]/,
    );
    assert.match(result.stderr, /The routers before it stay up \("universe", "galaxy"\)/);
    const at = (pattern: RegExp) => result.stderr.split('\n').findIndex((line) => pattern.test(line));
    const order = [
      at(/universe \(1\/3\): starting service\/router\/universe as "universe"$/),
      at(/universe \(1\/3\): ready \(pid \d+\)$/),
      at(/galaxy \(2\/3\): starting service\/router\/galaxy as "galaxy"$/),
      at(/galaxy \(2\/3\): ready \(pid \d+\)$/),
      at(/star \(3\/3\): starting service\/router\/star as "star"$/),
    ];
    assert.ok(
      order.every((line, i) => line >= 0 && (i === 0 || line > (order[i - 1] ?? 0))),
      result.stderr,
    );
    const ps = JSON.parse(cli('--json', 'ps').stdout) as { name: string; state: string }[];
    assert.deepEqual(
      ps.map((p) => [p.name, p.state]),
      [
        ['galaxy', 'ready'],
        ['universe', 'ready'],
      ],
    );
  });

  it('starts only what is missing when run again, and lists what it started and skipped', async () => {
    await world.tor.ready();
    const bundledStar = readFileSync(path.join(REPO_ROOT, 'formulas', STAR), 'utf8');
    writeFileSync(path.join(tree, STAR), bundledStar);
    const result = cli('--json', 'up', '--chain');
    assert.equal(result.status, 0, result.stderr);
    const { chain } = JSON.parse(result.stdout) as { chain: Outcome[] };
    assert.deepEqual(
      chain.map((o) => [o.network, o.portal, o.result, o.state]),
      [
        ['universe', 'universe', 'skipped', 'ready'],
        ['galaxy', 'galaxy', 'skipped', 'ready'],
        ['star', 'star', 'started', 'ready'],
      ],
    );
  });

  it('shows the running chain in net ls, net show and route', () => {
    const { daemon: state, networks } = JSON.parse(cli('--json', 'net', 'ls').stdout) as {
      daemon: { state: string };
      networks: { network: string; router: { portals: unknown } | null; members: { running: number } }[];
    };
    assert.equal(state.state, 'running');
    assert.deepEqual(
      networks.map((n) => [n.network, n.router?.portals, n.members.running]),
      [
        ['universe', [{ name: 'universe', state: 'ready' }], 1],
        ['galaxy', [{ name: 'galaxy', state: 'ready' }], 1],
        ['star', [{ name: 'star', state: 'ready' }], 0],
        ['app', [], 0],
      ],
    );
    assert.ok(daemon);
    const show = cli('net', 'show', 'galaxy');
    assert.match(show.stdout, /^ {2}star +service\/router\/star +10\.1\.1\.2 +ready +member$/m);
    assert.match(show.stdout, /^ {2}galaxy +service\/router\/galaxy +10\.1\.1\.1 +ready +router$/m);
    const namespace = namespaceName(daemon.run);
    assert.match(show.stdout, new RegExp(`^bridge +br-galaxy in the daemon's namespace ${namespace}$`, 'm'));
    assert.ok(ip(['netns', 'list']).includes(namespace), 'net show names the namespace the daemon uses');
    assert.equal(
      cli('route', 'star').stdout,
      `star 10.1.1.2 (service/router/star) → galaxy 10.1.1.1 (service/router/galaxy) → universe 10.0.0.1 (service/router/universe) → uplink netns:${world.lan}\n`,
    );
  });

  it('starts the routers a portal needs before it; the daemon refuses a portal whose router is down', async () => {
    assert.ok(daemon);
    for (const name of ['star', 'galaxy', 'universe']) assert.equal(cli('down', name).status, 0);
    await assert.rejects(daemon.callDirect('portal.up', { formula: 'application/probe-galaxy' }), {
      code: 'portal.router-down',
      message:
        'application/probe-galaxy sends its packets through the galaxy router (service/router/galaxy), which is not running',
    });
    const result = cli('up', 'application/probe-galaxy');
    assert.equal(result.status, 0, result.stderr);
    const at = (pattern: RegExp) => result.stderr.split('\n').findIndex((line) => pattern.test(line));
    const order = [
      at(/needs the universe router: starting service\/router\/universe as "universe"$/),
      at(/needs the galaxy router: starting service\/router\/galaxy as "galaxy"$/),
      at(/needs the galaxy router: ready \(pid \d+\)$/),
    ];
    assert.ok(
      order.every((line, i) => line >= 0 && (i === 0 || line > (order[i - 1] ?? 0))),
      result.stderr,
    );
    const ps = JSON.parse(cli('--json', 'ps').stdout) as { name: string; state: string }[];
    assert.deepEqual(
      ps.filter((p) => p.state === 'ready').map((p) => p.name),
      ['galaxy', 'probe-galaxy', 'universe'],
    );
  });
});
