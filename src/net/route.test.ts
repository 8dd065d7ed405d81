import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../test/support/catalogue.js';
import { MINIMAL_TREE, treeOf } from '../../test/support/formula-tree.js';
import { type Manifest, resolveCatalogue } from '../formula/index.js';
import { exitPath, formatExitPath, routersOf } from './index.js';

async function bundled(): Promise<Manifest[]> {
  return [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
}

function manifestsOf(extra: Record<string, string>): Manifest[] {
  return [...resolveCatalogue(treeOf({ ...MINIMAL_TREE, ...extra })).formulas.values()].map(
    (f) => f.manifest,
  );
}

const pathOf = (manifests: readonly Manifest[], node: string) => {
  const manifest = manifests.find((m) => m.node === node);
  assert.ok(manifest, node);
  return exitPath(manifest, manifests);
};

describe('exitPath', () => {
  it('takes an application on star through star, galaxy and universe to the uplink', async () => {
    const manifests = await bundled();
    const path = pathOf(manifests, 'application/browser/firefox');
    assert.equal(path.end, 'uplink');
    assert.deepEqual(path.hops, [
      { kind: 'router', node: 'service/router/star', network: 'star', address: '10.2.2.1' },
      { kind: 'router', node: 'service/router/galaxy', network: 'galaxy', address: '10.1.1.1' },
      { kind: 'router', node: 'service/router/universe', network: 'universe', address: '10.0.0.1' },
      { kind: 'uplink', node: 'service/router/universe', mode: 'netns' },
    ]);
    assert.equal(
      formatExitPath(path),
      'star router 10.2.2.1 → galaxy router 10.1.1.1 → universe router 10.0.0.1 → uplink (netns)',
    );
  });

  it('takes galaxy portals through galaxy and universe, and the routers through the ones above them', async () => {
    const manifests = await bundled();
    const line = (node: string) => formatExitPath(pathOf(manifests, node));
    assert.equal(
      line('application/steam'),
      'galaxy router 10.1.1.1 → universe router 10.0.0.1 → uplink (netns)',
    );
    assert.equal(
      line('service/router/star'),
      'galaxy router 10.1.1.1 → universe router 10.0.0.1 → uplink (netns)',
    );
    assert.equal(line('service/router/galaxy'), 'universe router 10.0.0.1 → uplink (netns)');
    assert.equal(line('service/router/universe'), 'uplink (netns)');
    assert.equal(
      line('controller/user'),
      'star router 10.2.2.1 → galaxy router 10.1.1.1 → universe router 10.0.0.1 → uplink (netns)',
    );
  });

  it('says offline for a portal with no network', async () => {
    const path = pathOf(await bundled(), 'application/console');
    assert.deepEqual(path, { node: 'application/console', hops: [], end: 'offline' });
    assert.equal(formatExitPath(path), 'offline');
  });

  it('ends at a dead end when a router has no uplink or the routers route each other', () => {
    // MINIMAL_TREE's star router routes star but has no way out.
    const noUplink = pathOf(manifestsOf({}), 'application/console');
    assert.equal(noUplink.end, 'no-uplink');
    assert.equal(formatExitPath(noUplink), 'star router 10.2.2.1 → no uplink (dead end)');
    const loop = manifestsOf({
      'service/router/star':
        'networks:\n  - { network: galaxy, address: 10.1.1.2 }\n  - { network: star, address: 10.2.2.1, router: true }\n',
      'service/router/galaxy':
        'networks:\n  - { network: star, address: 10.2.2.10 }\n  - { network: galaxy, address: 10.1.1.1, router: true }\n',
    });
    assert.equal(pathOf(loop, 'application/console').end, 'loop');
  });

  it('ends at no-router when a network on the way has no router', () => {
    const manifests = manifestsOf({}).filter((m) => m.node !== 'service/router/star');
    assert.equal(pathOf(manifests, 'application/console').end, 'no-router');
  });
});

describe('routersOf', () => {
  it('finds one router per network, skipping abstract formulas', async () => {
    const routers = routersOf(await bundled());
    assert.deepEqual(
      [...routers].map(([network, m]) => [network, m.node]),
      [
        ['app', 'controller/user'],
        ['galaxy', 'service/router/galaxy'],
        ['star', 'service/router/star'],
        ['universe', 'service/router/universe'],
      ],
    );
  });
});
