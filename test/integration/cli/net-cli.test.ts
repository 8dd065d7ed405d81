import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/catalogue.js';
import { portalgun } from '../../support/cli.js';
import { testSession } from '../../support/identity.js';

/** A run folder with no daemon in it, so every command sees "not running" whatever runs on this host. */
const run = mkdtempSync(path.join(tmpdir(), 'mv-no-daemon-'));
after(() => rmSync(run, { recursive: true, force: true }));

const cli = (...args: string[]) => portalgun(['--run', run, ...args]);
const json = <T>(...args: string[]): T => {
  const result = cli('--json', ...args);
  assert.equal(result.status, 0, result.stderr || result.stdout);
  return JSON.parse(result.stdout) as T;
};
const golden = (file: string) => readFileSync(path.join(REPO_ROOT, 'src/net/testdata', file), 'utf8');

describe('portalgun net ls without a daemon', () => {
  it('prints every network with its router formula and says the daemon is not running', () => {
    const result = cli('net', 'ls');
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(
      lines[0] ?? '',
      /^NETWORK +CIDR +ROUTER +ROUTER STATE +UPSTREAM +MEMBER FORMULAS +RUNNING MEMBERS$/,
    );
    assert.match(
      lines[1] ?? '',
      /^universe +10\.0\.0\.0\/24 +service\/router\/universe +daemon not running +- +1 +\?$/,
    );
    assert.match(
      lines[3] ?? '',
      /^star +10\.2\.2\.0\/24 +service\/router\/star +daemon not running +galaxy +13 +\?$/,
    );
    assert.equal(lines.length, 5);
    assert.match(
      result.stderr,
      /^note: no daemon answers, so this reads the formula tree .* itself \(the bundled tree\)\nnote: showing the formulas only: Cannot reach the portalgun daemon at /,
    );
  });

  it('prints a JSON document with the daemon state and null for what only the daemon knows', () => {
    const doc = json<{
      daemon: { state: string; socket: string; reason: string };
      networks: { network: string; router: { node: string; portals: null } | null; members: unknown }[];
    }>('net', 'ls');
    assert.equal(doc.daemon.state, 'not-running');
    assert.equal(doc.daemon.socket, path.join(run, 'portalgun.sock'));
    assert.deepEqual(
      doc.networks.map((n) => [n.network, n.router?.node, n.router?.portals]),
      [
        ['universe', 'service/router/universe', null],
        ['galaxy', 'service/router/galaxy', null],
        ['star', 'service/router/star', null],
        ['app', 'controller/user', null],
      ],
    );
    assert.deepEqual(doc.networks[1]?.members, { formulas: 4, running: null });
  });
});

describe('portalgun net show', () => {
  it('shows one network: range, router, upstream, bridge, namespace and member formulas', () => {
    const result = cli('net', 'show', 'galaxy');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^network +galaxy 10\.1\.1\.0\/24$/m);
    assert.match(result.stdout, /^router +service\/router\/galaxy at 10\.1\.1\.1$/m);
    assert.match(result.stdout, /^upstream +universe, where the router is 10\.0\.0\.2$/m);
    assert.match(result.stdout, /^bridge +br-galaxy in the daemon's namespace mvn-[0-9a-f]{8}$/m);
    assert.match(result.stdout, /^ {2}10\.1\.1\.10 +service\/client\/torrent$/m);
    assert.match(result.stdout, /^ {2}dynamic +application\/steam$/m);
    assert.match(result.stdout, /^running on galaxy: unknown \(daemon not running\)$/m);
    const doc = json<{ bridge: string; portals: unknown; uplink: unknown }>('net', 'show', 'universe');
    assert.deepEqual([doc.bridge, doc.portals], ['br-universe', null]);
    assert.deepEqual(doc.uplink, { mode: 'netns', device: 'multiverse-lan' });
  });

  it('refuses an unknown network with exit 2 and the list of valid names', () => {
    const result = cli('net', 'show', 'nebula');
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /No portal network "nebula" \[net\.unknown-network\]\n {2}hint: The portal networks are universe, galaxy, star, app\./,
    );
    const asJson = cli('--json', 'net', 'show', 'nebula');
    assert.equal(asJson.status, 2);
    assert.equal(
      (JSON.parse(asJson.stdout) as { error: { code: string } }).error.code,
      'net.unknown-network',
    );
  });
});

describe('portalgun net graph', () => {
  it('draws the chain as text and DOT, exactly as the renderers do', () => {
    assert.equal(cli('net', 'graph').stdout, golden('chain.txt'));
    assert.equal(cli('net', 'graph', '--format', 'dot').stdout, golden('chain.dot'));
    assert.deepEqual(json('net', 'graph', '--format', 'dot'), { format: 'dot', text: golden('chain.dot') });
  });

  it('draws SVG through Graphviz', () => {
    const result = cli('net', 'graph', '--format', 'svg');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^<\?xml [^\n]*\n[\s\S]*<svg [\s\S]*<\/svg>\n$/);
    assert.match(result.stdout, /<title>net:universe<\/title>/);
    assert.match(result.stdout, /<title>portal:service\/router\/star&#45;&gt;net:galaxy<\/title>/);
  });

  it('says how to install Graphviz when dot is missing (exit 6)', () => {
    const result = portalgun(['net', 'graph', '--format', 'svg'], { env: { PATH: run } });
    assert.equal(result.status, 6, result.stderr);
    assert.match(result.stderr, /needs Graphviz's "dot", which is not installed \[host\.missing-tool\]/);
    assert.match(result.stderr, /hint: Install it: apt-get install graphviz/);
    assert.equal(result.stdout, '');
  });

  it('refuses an unknown format as a usage error (exit 2)', () => {
    assert.equal(cli('net', 'graph', '--format', 'png').status, 2);
  });
});

describe('portalgun route', () => {
  it("prints a formula's exit path hop by hop", () => {
    const result = cli('route', 'application/browser/firefox');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      'application/browser/firefox → star 10.2.2.1 (service/router/star) → galaxy 10.1.1.1 (service/router/galaxy) → universe 10.0.0.1 (service/router/universe) → uplink netns:multiverse-lan\n',
    );
    assert.equal(cli('route', 'application/console').stdout, 'application/console: offline (no network)\n');
  });

  it('prints the hops and the end as JSON', () => {
    const doc = json<{ end: string; hops: { kind: string; node: string }[] }>('route', 'application/steam');
    assert.equal(doc.end, 'uplink');
    assert.deepEqual(
      doc.hops.map((h) => `${h.kind} ${h.node}`),
      ['router service/router/galaxy', 'router service/router/universe', 'uplink service/router/universe'],
    );
  });

  it('refuses abstract layers (2), and names it neither formula nor portal when unknown (3)', () => {
    assert.equal(cli('route', 'application/browser').status, 2);
    const unknown = cli('route', 'nosuch');
    assert.equal(unknown.status, 3);
    assert.match(
      unknown.stderr,
      /No formula or portal "nosuch" \[portal\.not-found\]\n {2}hint: Only formulas were searched/,
    );
  });
});

describe('portalgun up usage', () => {
  it('needs a formula or --chain, not both (exit 2)', () => {
    assert.match(cli('up').stderr, /Which formula should "up" start\? \[usage\.invalid\]/);
    assert.equal(cli('up').status, 2);
    assert.equal(cli('up', '--chain', 'service/router/star').status, 2);
  });

  it('needs the daemon for --chain (exit 6)', async () => {
    await testSession();
    const result = cli('up', '--chain');
    assert.equal(result.status, 6);
    assert.match(result.stderr, /\[daemon\.unreachable\]/);
  });
});
