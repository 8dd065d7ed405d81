import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledCatalogue } from '../../../test/support/catalogue.js';
import { assertGolden } from '../../../test/support/golden.js';
import { portalSummary } from '../../../test/support/portal-summary.js';
import type { LiveState } from './live.js';
import { planNetworkList, renderNetworkTable } from './network-table.js';
import { planNetworkViews } from './network-view.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

/** universe ready, galaxy still starting, two members on star, and a stopped portal that no longer counts. */
const RUNNING: LiveState = {
  daemon: 'running',
  portals: [
    portalSummary({
      name: 'universe',
      node: 'service/router/universe',
      addresses: [{ network: 'universe', address: '10.0.0.1', mac: '00:00:10:00:00:01' }],
    }),
    portalSummary({
      name: 'galaxy',
      node: 'service/router/galaxy',
      state: 'starting',
      addresses: [
        { network: 'universe', address: '10.0.0.2', mac: '00:00:10:00:00:02' },
        { network: 'galaxy', address: '10.1.1.1', mac: '00:00:10:01:01:01' },
      ],
    }),
    portalSummary({
      name: 'firefox',
      node: 'application/browser/firefox',
      addresses: [{ network: 'star', address: '10.2.2.100', mac: '00:00:10:02:02:64' }],
    }),
    portalSummary({
      name: 'web',
      node: 'service/server/web',
      addresses: [{ network: 'star', address: '10.2.2.13', mac: '00:00:10:02:02:0d' }],
    }),
    portalSummary({
      name: 'chromium',
      node: 'application/browser/chromium',
      state: 'stopped',
      pid: null,
      addresses: [{ network: 'star', address: '10.2.2.101', mac: '00:00:10:02:02:65' }],
    }),
  ],
};

const UNREACHABLE = 'Cannot reach the portalgun daemon at /run/multiverse/portalgun.sock (ENOENT)';
const NO_DAEMON: LiveState = { daemon: 'not-running', reason: UNREACHABLE };

async function listWith(live: LiveState) {
  const views = planNetworkViews([...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest));
  return planNetworkList(views, live, '/run/multiverse/portalgun.sock');
}

describe('planNetworkList', () => {
  it("counts each router's live portals and the live members, not stopped portals", async () => {
    const rows = (await listWith(RUNNING)).networks;
    assert.deepEqual(
      rows.map((r) => [r.network, r.router?.portals, r.members]),
      [
        ['universe', [{ name: 'universe', state: 'ready' }], { formulas: 1, running: 1 }],
        ['galaxy', [{ name: 'galaxy', state: 'starting' }], { formulas: 4, running: 0 }],
        ['star', [], { formulas: 13, running: 2 }],
        ['app', [], { formulas: 0, running: 0 }],
      ],
    );
  });

  it('keeps the formula side and marks the live side unknown (null) without a daemon', async () => {
    const { daemon, networks: rows } = await listWith(NO_DAEMON);
    assert.deepEqual(daemon, {
      state: 'not-running',
      socket: '/run/multiverse/portalgun.sock',
      reason: UNREACHABLE,
    });
    assert.deepEqual(rows[2], {
      network: 'star',
      cidr: '10.2.2.0/24',
      router: { node: 'service/router/star', address: '10.2.2.1', portals: null },
      upstream: 'galaxy',
      members: { formulas: 13, running: null },
    });
  });
});

describe('renderNetworkTable', () => {
  it('matches its golden files with a daemon and without one', async () => {
    assertGolden(testdata('net-ls.txt'), `${renderNetworkTable(await listWith(RUNNING))}\n`);
    assertGolden(testdata('net-ls-no-daemon.txt'), `${renderNetworkTable(await listWith(NO_DAEMON))}\n`);
  });

  it('says "daemon unavailable" when the daemon refused or failed', async () => {
    const refused: LiveState = { daemon: 'unavailable', reason: 'Not allowed [auth.denied]' };
    assert.match(
      renderNetworkTable(await listWith(refused)),
      /service\/router\/star +daemon unavailable +galaxy +13 +\?$/m,
    );
  });
});
