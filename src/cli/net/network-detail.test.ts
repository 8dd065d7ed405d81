import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledCatalogue } from '../../../test/support/catalogue.js';
import { assertGolden } from '../../../test/support/golden.js';
import { portalSummary } from '../../../test/support/portal-summary.js';
import type { NetworkName } from '../../formula/index.js';
import type { LiveState } from './live.js';
import { planNetworkDetail, renderNetworkDetail } from './network-detail.js';
import { planNetworkView } from './network-view.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const PLACE = { runDir: '/run/multiverse', socket: '/run/multiverse/portalgun.sock' };

/** A browser behind the star router (listed before it), and a stopped browser, no longer on the network. */
const RUNNING: LiveState = {
  daemon: 'running',
  portals: [
    portalSummary({
      name: 'firefox',
      node: 'application/browser/firefox',
      addresses: [{ network: 'star', address: '10.2.2.100', mac: '00:00:10:02:02:64' }],
    }),
    portalSummary({
      name: 'firefox-2',
      node: 'application/browser/firefox',
      state: 'stopped',
      addresses: [{ network: 'star', address: '10.2.2.101', mac: '00:00:10:02:02:65' }],
    }),
    portalSummary({
      name: 'star',
      node: 'service/router/star',
      addresses: [
        { network: 'galaxy', address: '10.1.1.2', mac: '00:00:10:01:01:02' },
        { network: 'star', address: '10.2.2.1', mac: '00:00:10:02:02:01' },
      ],
    }),
  ],
};

const UNREACHABLE = 'Cannot reach the portalgun daemon at /run/multiverse/portalgun.sock (ENOENT)';
const NO_DAEMON: LiveState = { daemon: 'not-running', reason: UNREACHABLE };

async function detailOf(network: NetworkName, live: LiveState) {
  const manifests = [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
  return planNetworkDetail(planNetworkView(manifests, network), live, PLACE);
}

describe('planNetworkDetail', () => {
  it("adds the bridge, the daemon's namespace and the live portals with their roles", async () => {
    const star = await detailOf('star', RUNNING);
    assert.equal(star.bridge, 'br-star');
    assert.match(star.namespace, /^mvn-[0-9a-f]{8}$/);
    assert.deepEqual(star.portals, [
      { name: 'star', node: 'service/router/star', state: 'ready', address: '10.2.2.1', role: 'router' },
      {
        name: 'firefox',
        node: 'application/browser/firefox',
        state: 'ready',
        address: '10.2.2.100',
        role: 'member',
      },
    ]);
    const galaxy = await detailOf('galaxy', RUNNING);
    assert.deepEqual(
      galaxy.portals?.map((p) => [p.name, p.address, p.role]),
      [['star', '10.1.1.2', 'member']],
    );
  });

  it('keeps the formula side and leaves the portals unknown without a daemon', async () => {
    const universe = await detailOf('universe', NO_DAEMON);
    assert.equal(universe.portals, null);
    assert.deepEqual(universe.daemon, { state: 'not-running', socket: PLACE.socket, reason: UNREACHABLE });
    assert.deepEqual(universe.members, [{ node: 'service/router/galaxy', address: '10.0.0.2' }]);
  });
});

describe('renderNetworkDetail', () => {
  it('matches its golden files', async () => {
    assertGolden(testdata('net-show-star.txt'), renderNetworkDetail(await detailOf('star', RUNNING)));
    assertGolden(
      testdata('net-show-universe-no-daemon.txt'),
      renderNetworkDetail(await detailOf('universe', NO_DAEMON)),
    );
  });
});
