import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledCatalogue } from '../../../test/support/catalogue.js';
import { MINIMAL_TREE, treeOf } from '../../../test/support/formula-tree.js';
import { assertGolden } from '../../../test/support/golden.js';
import { portalSummary } from '../../../test/support/portal-summary.js';
import { type Manifest, resolveCatalogue } from '../../formula/index.js';
import { planRoute } from './route-view.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

async function bundled(): Promise<Manifest[]> {
  return [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
}

function manifestsOf(extra: Record<string, string>): Manifest[] {
  return [...resolveCatalogue(treeOf({ ...MINIMAL_TREE, ...extra })).formulas.values()].map(
    (f) => f.manifest,
  );
}

function routeOf(manifests: readonly Manifest[], node: string) {
  const manifest = manifests.find((m) => m.node === node);
  assert.ok(manifest, node);
  return planRoute(manifest, manifests);
}

describe('planRoute', () => {
  it('names each router by network, address and formula, and the uplink by mode and device', async () => {
    const route = routeOf(await bundled(), 'application/browser/firefox');
    assert.equal(
      route.text,
      'application/browser/firefox → star 10.2.2.1 (service/router/star) → galaxy 10.1.1.1 (service/router/galaxy) → universe 10.0.0.1 (service/router/universe) → uplink netns:multiverse-lan',
    );
    assert.equal(route.end, 'uplink');
    assert.deepEqual(route.hops.at(-1), {
      kind: 'uplink',
      node: 'service/router/universe',
      mode: 'netns',
      device: 'multiverse-lan',
    });
    assert.deepEqual(route.from, { node: 'application/browser/firefox', portal: null, address: null });
  });

  it("starts at a running portal's name and its address on the network it leaves by", async () => {
    const manifests = await bundled();
    const firefox = manifests.find((m) => m.node === 'application/browser/firefox');
    assert.ok(firefox);
    const portal = portalSummary({
      name: 'firefox',
      node: firefox.node,
      addresses: [{ network: 'star', address: '10.2.2.100', mac: '00:00:10:02:02:64' }],
    });
    const route = planRoute(firefox, manifests, portal);
    assert.deepEqual(route.from, { node: firefox.node, portal: 'firefox', address: '10.2.2.100' });
    assert.match(route.text, /^firefox 10\.2\.2\.100 \(application\/browser\/firefox\) → star 10\.2\.2\.1 /);
  });

  it('says plainly where a path ends that does not reach the outside', () => {
    const offline = routeOf(manifestsOf({ 'application/console': 'networks: []\n' }), 'application/console');
    assert.deepEqual([offline.end, offline.text], ['offline', 'application/console: offline (no network)']);
    const noUplink = routeOf(manifestsOf({}), 'application/console');
    assert.deepEqual(
      [noUplink.end, noUplink.text],
      [
        'no-uplink',
        'application/console → star 10.2.2.1 (service/router/star) → no uplink on service/router/star (dead end)',
      ],
    );
    const noRouter = routeOf(
      manifestsOf({}).filter((m) => m.node !== 'service/router/star'),
      'application/console',
    );
    assert.deepEqual(
      [noRouter.end, noRouter.text],
      ['no-router', 'application/console → star: no router (dead end)'],
    );
  });

  it('names the router a loop returns to', () => {
    const loop = manifestsOf({
      'service/router/star':
        'networks:\n  - { network: galaxy, address: 10.1.1.2 }\n  - { network: star, address: 10.2.2.1, router: true }\n',
      'service/router/galaxy':
        'networks:\n  - { network: star, address: 10.2.2.10 }\n  - { network: galaxy, address: 10.1.1.1, router: true }\n',
    });
    const route = routeOf(loop, 'application/console');
    assert.equal(route.end, 'loop');
    assert.equal(
      route.text,
      'application/console → star 10.2.2.1 (service/router/star) → galaxy 10.1.1.1 (service/router/galaxy) → back to service/router/star (routing loop, dead end)',
    );
  });

  it('matches the golden file of every portal of the bundled catalogue', async () => {
    const manifests = await bundled();
    const lines = manifests.filter((m) => !m.abstract).map((m) => planRoute(m, manifests).text);
    assertGolden(testdata('routes.txt'), `${lines.join('\n')}\n`);
  });
});
