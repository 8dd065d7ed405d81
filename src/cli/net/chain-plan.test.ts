import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../../test/support/catalogue.js';
import { MINIMAL_TREE, treeOf } from '../../../test/support/formula-tree.js';
import { portalSummary } from '../../../test/support/portal-summary.js';
import { MvError } from '../../errors/index.js';
import { type Manifest, resolveCatalogue } from '../../formula/index.js';
import {
  type ChainOutcome,
  chainHopError,
  planChainHops,
  planChainSteps,
  planRouteHops,
  renderChainOutcome,
} from './chain-plan.js';

async function bundled(): Promise<Manifest[]> {
  return [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
}

function manifestsOf(extra: Record<string, string>): Manifest[] {
  return [...resolveCatalogue(treeOf({ ...MINIMAL_TREE, ...extra })).formulas.values()].map(
    (f) => f.manifest,
  );
}

const router = (networks: string, startOrder: number) => `networks:\n${networks}startOrder: ${startOrder}\n`;

/** universe → galaxy → star, with start orders that say the opposite of the chain. */
const BACKWARDS = {
  'service/router/universe': router('  - { network: universe, address: 10.0.0.1, router: true }\n', 90),
  'service/router/galaxy': router(
    '  - { network: universe, address: 10.0.0.2 }\n  - { network: galaxy, address: 10.1.1.1, router: true }\n',
    50,
  ),
  'service/router/star': router(
    '  - { network: galaxy, address: 10.1.1.2 }\n  - { network: star, address: 10.2.2.1, router: true }\n',
    10,
  ),
};

const BUNDLED_HOPS = [
  { network: 'universe', node: 'service/router/universe' },
  { network: 'galaxy', node: 'service/router/galaxy' },
  { network: 'star', node: 'service/router/star' },
] as const;

describe('planChainHops', () => {
  it('starts the bundled chain universe → galaxy → star, leaving out the user controller', async () => {
    assert.deepEqual(planChainHops(await bundled()), BUNDLED_HOPS);
  });

  it('puts each router after the one its packets leave through, whatever startOrder says', () => {
    assert.deepEqual(
      planChainHops(manifestsOf(BACKWARDS)).map((hop) => hop.network),
      ['universe', 'galaxy', 'star'],
    );
  });

  it('orders routers at the same depth by startOrder', () => {
    const twoRoots = manifestsOf({
      'service/router/star': router('  - { network: star, address: 10.2.2.1, router: true }\n', 20),
      'service/router/galaxy': router('  - { network: galaxy, address: 10.1.1.1, router: true }\n', 30),
    });
    assert.deepEqual(
      planChainHops(twoRoots).map((hop) => hop.node),
      ['service/router/star', 'service/router/galaxy'],
    );
  });
});

describe('planRouteHops', () => {
  it('lists the routers on the way out of a formula, upstream first', async () => {
    const all = await bundled();
    const of = (node: string) => {
      const manifest = all.find((m) => m.node === node);
      assert.ok(manifest);
      return planRouteHops(manifest, all).map((hop) => hop.network);
    };
    assert.deepEqual(of('application/browser/firefox'), ['universe', 'galaxy', 'star']);
    assert.deepEqual(of('application/steam'), ['universe', 'galaxy']);
    assert.deepEqual(of('service/router/star'), ['universe', 'galaxy']);
    assert.deepEqual(of('service/router/universe'), []);
    assert.deepEqual(of('application/console'), []);
  });
});

describe('planChainSteps', () => {
  it('starts every router under its network name when none runs', () => {
    assert.deepEqual(
      planChainSteps(BUNDLED_HOPS, []).map((s) => [s.action, s.name]),
      [
        ['start', 'universe'],
        ['start', 'galaxy'],
        ['start', 'star'],
      ],
    );
  });

  it('skips a router whose formula is ready under any name, and ignores stopped namesakes', () => {
    const portals = [
      portalSummary({ name: 'lan-router', node: 'service/router/universe' }),
      portalSummary({ name: 'galaxy', node: 'application/console', state: 'stopped' }),
    ];
    assert.deepEqual(
      planChainSteps(BUNDLED_HOPS, portals).map((s) => [s.action, s.name]),
      [
        ['skip', 'lan-router'],
        ['start', 'galaxy'],
        ['start', 'star'],
      ],
    );
  });

  it('refuses before starting anything when a router is mid-transition or its name is taken', () => {
    const starting = [portalSummary({ name: 'galaxy', node: 'service/router/galaxy', state: 'starting' })];
    const restarting = [
      portalSummary({ name: 'galaxy', node: 'service/router/galaxy', state: 'restarting', pid: null }),
    ];
    assert.throws(() => planChainSteps(BUNDLED_HOPS, restarting), /The galaxy router "galaxy" is restarting/);
    assert.throws(() => planChainSteps(BUNDLED_HOPS, starting), {
      code: 'portal.wrong-state',
      message: 'The galaxy router "galaxy" is starting',
    });
    const squatter = [portalSummary({ name: 'star', node: 'application/console' })];
    assert.throws(
      () => planChainSteps(BUNDLED_HOPS, squatter),
      (error: unknown) => {
        assert.ok(error instanceof MvError);
        assert.equal(error.code, 'portal.exists');
        assert.match(
          error.message,
          /would be named "star", but a application\/console portal of that name is ready/,
        );
        assert.equal(error.hint, 'Stop it first: portalgun down star');
        return true;
      },
    );
  });
});

const OUTCOMES: ChainOutcome[] = [
  {
    network: 'universe',
    node: 'service/router/universe',
    portal: 'universe',
    result: 'started',
    state: 'ready',
    pid: 101,
  },
  {
    network: 'galaxy',
    node: 'service/router/galaxy',
    portal: 'vpn',
    result: 'skipped',
    state: 'ready',
    pid: 99,
  },
];

describe('renderChainOutcome', () => {
  it('shows what was started and what already ran', () => {
    assert.equal(
      renderChainOutcome(OUTCOMES),
      [
        'NETWORK   PORTAL    FORMULA                  RESULT',
        'universe  universe  service/router/universe  started (ready, pid 101)',
        'galaxy    vpn       service/router/galaxy    already running (ready)',
      ].join('\n'),
    );
  });
});

describe('chainHopError', () => {
  const star = { action: 'start', name: 'star', network: 'star', node: 'service/router/star' } as const;
  const cause = new MvError('portal.boot-failed', 'The guest reported a failure: tor', {
    hint: 'The full console log is kept: "portalgun logs <portal>".',
  });

  it("keeps the hop's code and hint and names the routers that stay up", () => {
    const error = chainHopError(star, cause, OUTCOMES);
    assert.equal(error.code, 'portal.boot-failed');
    assert.equal(
      error.message,
      'The star router (service/router/star) did not start: The guest reported a failure: tor',
    );
    assert.equal(
      error.hint,
      'The full console log is kept: "portalgun logs <portal>". The routers before it stay up ("universe", "vpn"); "portalgun down <portal>" stops one.',
    );
    assert.equal(error.cause, cause);
  });

  it('says nothing was started when the first hop fails', () => {
    assert.equal(
      chainHopError(star, new MvError('qemu.exited', 'QEMU exited'), []).hint,
      'No router of the chain was started.',
    );
  });
});
