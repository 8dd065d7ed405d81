import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue, bundledFormula } from '../../test/support/catalogue.js';

const CATALOGUE = [
  'application/browser/chromium',
  'application/browser/firefox',
  'application/browser/torbrowser',
  'application/console',
  'application/filebrowser',
  'application/media',
  'application/project/audio',
  'application/project/development/hardware/go',
  'application/project/development/software/c',
  'application/project/development/software/cpp',
  'application/project/development/software/ruby',
  'application/project/development/software/rust',
  'application/project/visual',
  'application/steam',
  'controller/router',
  'controller/user',
  'service/client/torrent',
  'service/crypto/wallet/bitcoin',
  'service/crypto/wallet/ethereum-classic',
  'service/router/galaxy',
  'service/router/star',
  'service/router/universe',
  'service/server/web',
];

describe('the bundled catalogue', () => {
  it('resolves without a single diagnostic', async () => {
    assert.deepEqual((await bundledCatalogue()).diagnostics, []);
  });

  it('holds every portal of the original design, each startable, and nothing else startable', async () => {
    const portals = [...(await bundledCatalogue()).formulas.values()].filter((f) => !f.manifest.abstract);
    assert.deepEqual(portals.map((f) => f.manifest.node).sort(), [...CATALOGUE].sort());
  });

  it('puts application portals on star by default', async () => {
    for (const node of [
      'application/browser/firefox',
      'application/browser/chromium',
      'application/project/visual',
    ]) {
      const { manifest } = await bundledFormula(node);
      assert.deepEqual(manifest.networks, [{ network: 'star', address: 'dynamic', router: false }], node);
    }
  });

  it('forms the router chain universe → galaxy → star, started in that order', async () => {
    const universe = (await bundledFormula('service/router/universe')).manifest;
    const galaxy = (await bundledFormula('service/router/galaxy')).manifest;
    const star = (await bundledFormula('service/router/star')).manifest;
    assert.deepEqual(universe.networks, [{ network: 'universe', address: '10.0.0.1', router: true }]);
    assert.notEqual(universe.uplink.mode, 'none');
    assert.deepEqual(galaxy.networks, [
      { network: 'universe', address: '10.0.0.2', router: false },
      { network: 'galaxy', address: '10.1.1.1', router: true },
    ]);
    assert.deepEqual(star.networks, [
      { network: 'galaxy', address: '10.1.1.2', router: false },
      { network: 'star', address: '10.2.2.1', router: true },
    ]);
    assert.ok(universe.startOrder < galaxy.startOrder && galaxy.startOrder < star.startOrder);
    assert.ok(galaxy.uplink.mode === 'none' && star.uplink.mode === 'none');
  });

  it('gives the user controller no uplink and no leg on universe or galaxy', async () => {
    const { manifest } = await bundledFormula('controller/user');
    assert.equal(manifest.uplink.mode, 'none');
    assert.deepEqual(
      manifest.networks.map((n) => n.network),
      ['star', 'app'],
    );
    assert.ok(manifest.startOrder > (await bundledFormula('service/router/star')).manifest.startOrder);
  });

  it('keeps every portal hardened: sandbox on, KVM hidden, no QEMU MAC prefix, no balloon', async () => {
    for (const { manifest } of (await bundledCatalogue()).formulas.values()) {
      assert.deepEqual(
        manifest.hardening,
        { sandbox: true, hideKvm: true, macPrefix: '00:00:10' },
        manifest.node,
      );
      assert.equal(manifest.machine.balloon, false, manifest.node);
    }
  });
});
