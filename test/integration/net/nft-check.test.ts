/**
 * nft itself accepts every ruleset the net domain renders: `nft -c -f` (check only), then a real load, all
 * inside a throwaway network namespace so nothing touches the host's own ruleset. Needs root and nft.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  type BridgePort,
  portsOf,
  renderEndpointSwap,
  renderPortRuleset,
  renderRouterRuleset,
} from '../../../src/net/index.js';
import { bundledCatalogue } from '../../support/catalogue.js';
import { testInstance } from '../../support/instance.js';

const NFT = '/usr/sbin/nft';
const namespace = `mvtest-nft-${process.pid}`;
const skip = !existsSync(NFT)
  ? 'nft is not installed'
  : process.getuid?.() !== 0
    ? 'nft -c needs root'
    : false;

function run(command: string, args: readonly string[], input?: string) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  assert.equal(result.error, undefined, `${command} could not start`);
  return result;
}

function nft(args: readonly string[], input?: string) {
  return run('ip', ['netns', 'exec', namespace, NFT, ...args], input);
}

/** Every port of every bundled portal (routers and members on all four bridges). */
async function allPorts(): Promise<BridgePort[]> {
  const catalogue = await bundledCatalogue();
  return [...catalogue.formulas.values()]
    .filter(({ manifest }) => !manifest.abstract)
    .flatMap(({ manifest }) => portsOf(testInstance(manifest), manifest));
}

const rulesets: [string, () => Promise<string> | string, string[]][] = [
  ['universe router', () => renderRouterRuleset('universe'), ['table inet mv_filter', 'table ip mv_nat']],
  [
    'galaxy router',
    () => renderRouterRuleset('galaxy', { endpoint: { address: '198.51.100.7', port: 51820 } }),
    ['table inet mv_filter', 'table ip mv_nat'],
  ],
  [
    'star router',
    () => renderRouterRuleset('star', { torUid: 101 }),
    ['table inet mv_filter', 'table ip mv_nat'],
  ],
  ['portal bridges', async () => renderPortRuleset(await allPorts()), ['table bridge mv_ports']],
];

describe('nft accepts the rendered rulesets', { skip }, () => {
  before(() => {
    const added = run('ip', ['netns', 'add', namespace]);
    assert.equal(added.status, 0, added.stderr);
  });
  after(() => {
    run('ip', ['netns', 'del', namespace]);
  });

  for (const [what, render, tables] of rulesets) {
    it(`${what}: nft -c -f accepts it, and it loads`, async () => {
      const text = await render();
      const check = nft(['-c', '-f', '-'], text);
      assert.equal(check.status, 0, `nft -c refused the ${what} ruleset:\n${check.stderr}`);
      nft(['flush', 'ruleset']);
      const load = nft(['-f', '-'], text);
      assert.equal(load.status, 0, `nft -f refused the ${what} ruleset:\n${load.stderr}`);
      assert.deepEqual(nft(['list', 'tables']).stdout.trim().split('\n').sort(), [...tables].sort());
    });
  }

  it('galaxy router: the endpoint swap replaces the one endpoint rule', () => {
    nft(['flush', 'ruleset']);
    const galaxy = renderRouterRuleset('galaxy', { endpoint: { address: '198.51.100.7', port: 51820 } });
    assert.equal(nft(['-f', '-'], galaxy).status, 0);
    const swap = nft(['-f', '-'], renderEndpointSwap({ address: '203.0.113.9', port: 443 }));
    assert.equal(swap.status, 0, swap.stderr);
    const chain = nft(['list', 'chain', 'inet', 'mv_filter', 'mv_endpoint']).stdout;
    assert.match(chain, /ip daddr 203\.0\.113\.9 udp dport 443 accept/);
    assert.doesNotMatch(chain, /198\.51\.100\.7/);
  });

  it('portal bridges: re-applying replaces the table in place, with one port gone', async () => {
    const ports = await allPorts();
    nft(['flush', 'ruleset']);
    assert.equal(nft(['-f', '-'], renderPortRuleset(ports)).status, 0);
    const fewer = renderPortRuleset(ports.slice(1));
    const again = nft(['-f', '-'], fewer);
    assert.equal(again.status, 0, again.stderr);
    const listed = nft(['list', 'table', 'bridge', 'mv_ports']).stdout;
    assert.doesNotMatch(listed, new RegExp(`chain port_${ports[0]?.tap} `));
    assert.match(listed, new RegExp(`chain port_${ports[1]?.tap} `));
  });
});
