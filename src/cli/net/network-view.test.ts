import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../../test/support/catalogue.js';
import { MINIMAL_TREE, treeOf } from '../../../test/support/formula-tree.js';
import { exitCodeOf, MvError } from '../../errors/index.js';
import { type Manifest, resolveCatalogue } from '../../formula/index.js';
import { formatUplink, parseNetworkName, planNetworkView, planNetworkViews } from './network-view.js';

async function bundled(): Promise<Manifest[]> {
  return [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
}

describe('planNetworkViews', () => {
  it('gives every network of the address plan in chain order, with its range and router', async () => {
    const views = planNetworkViews(await bundled());
    assert.deepEqual(
      views.map((v) => [v.network, v.cidr, v.router?.node, v.router?.address, v.upstream?.network]),
      [
        ['universe', '10.0.0.0/24', 'service/router/universe', '10.0.0.1', undefined],
        ['galaxy', '10.1.1.0/24', 'service/router/galaxy', '10.1.1.1', 'universe'],
        ['star', '10.2.2.0/24', 'service/router/star', '10.2.2.1', 'galaxy'],
        ['app', '10.3.3.0/24', 'controller/user', '10.3.3.1', 'star'],
      ],
    );
  });

  it("names the router's leg on the network above, and the uplink only at the root", async () => {
    const manifests = await bundled();
    const star = planNetworkView(manifests, 'star');
    assert.deepEqual(star.upstream, { network: 'galaxy', address: '10.1.1.2' });
    assert.equal(star.uplink, null);
    const universe = planNetworkView(manifests, 'universe');
    assert.equal(universe.upstream, null);
    assert.deepEqual(universe.uplink, { mode: 'netns', device: 'multiverse-lan' });
  });

  it('lists members with fixed addresses first, in host order, then dynamic ones by node', async () => {
    const galaxy = planNetworkView(await bundled(), 'galaxy');
    assert.deepEqual(
      galaxy.members.map((m) => `${m.address} ${m.node}`),
      [
        '10.1.1.2 service/router/star',
        '10.1.1.10 service/client/torrent',
        'dynamic application/browser/torbrowser',
        'dynamic application/steam',
      ],
    );
  });

  it('shows a network nobody routes or joins as empty, and skips abstract layers', () => {
    const manifests = [...resolveCatalogue(treeOf(MINIMAL_TREE)).formulas.values()].map((f) => f.manifest);
    const galaxy = planNetworkView(manifests, 'galaxy');
    assert.deepEqual([galaxy.router, galaxy.upstream, galaxy.uplink, galaxy.members], [null, null, null, []]);
    assert.deepEqual(planNetworkView(manifests, 'star').members, [
      { node: 'application/console', address: 'dynamic' },
    ]);
  });
});

describe('parseNetworkName', () => {
  it('accepts the names of the address plan', () => {
    assert.equal(parseNetworkName('galaxy'), 'galaxy');
  });

  it('refuses any other name as bad input (exit 2), listing the valid ones', () => {
    assert.throws(
      () => parseNetworkName('Star'),
      (error: unknown) => {
        assert.ok(error instanceof MvError);
        assert.equal(error.code, 'net.unknown-network');
        assert.equal(exitCodeOf(error.code), 2);
        assert.equal(error.message, 'No portal network "Star"');
        assert.equal(error.hint, 'The portal networks are universe, galaxy, star, app.');
        return true;
      },
    );
  });
});

describe('formatUplink', () => {
  it('shows the mode and its device, or the mode alone', () => {
    assert.equal(formatUplink({ mode: 'netns', device: 'multiverse-lan' }), 'netns:multiverse-lan');
    assert.equal(formatUplink({ mode: 'pci', device: '0000:03:00.0' }), 'pci:0000:03:00.0');
    assert.equal(formatUplink({ mode: 'user', device: null }), 'user');
  });
});
