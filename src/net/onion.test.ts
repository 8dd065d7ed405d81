import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../test/support/catalogue.js';
import { MINIMAL_TREE, treeOf } from '../../test/support/formula-tree.js';
import { testInstance } from '../../test/support/instance.js';
import { resolveCatalogue } from '../formula/index.js';
import { formatOnionArg, onionServicesOf, withOnionServices } from './onion.js';

async function bundled() {
  return [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
}

describe('onion services', () => {
  it('come from every startable formula that asks for one, at its fixed star address', async () => {
    const services = onionServicesOf(await bundled());
    assert.deepEqual(services, [{ id: 'service-server-web', address: '10.2.2.13', ports: [80] }]);
    assert.equal(formatOnionArg(services), 'service-server-web@10.2.2.13:80');
  });

  it('go on the star router command line only', async () => {
    const all = await bundled();
    const star = all.find((m) => m.node === 'service/router/star');
    const galaxy = all.find((m) => m.node === 'service/router/galaxy');
    assert.ok(star && galaxy);
    const onion = (args: readonly string[] | undefined) =>
      args?.filter((a) => a.startsWith('multiverse.onion='));
    assert.deepEqual(onion(withOnionServices(star, all, testInstance(star)).kernelArgs), [
      'multiverse.onion=service-server-web@10.2.2.13:80',
    ]);
    const plainGalaxy = testInstance(galaxy);
    assert.deepEqual(withOnionServices(galaxy, all, plainGalaxy).kernelArgs, plainGalaxy.kernelArgs);
  });

  it('join several services and ports in node order, and refuse a portal not on star at a fixed address', () => {
    const tree = {
      ...MINIMAL_TREE,
      'service/b': 'networks:\n  - { network: star, address: 10.2.2.21 }\nonion: { ports: [443, 80] }\n',
      'service/a': 'networks:\n  - { network: star, address: 10.2.2.20 }\nonion: { ports: [22] }\n',
    };
    const { formulas, diagnostics } = resolveCatalogue(treeOf(tree));
    assert.deepEqual(diagnostics, []);
    const manifests = [...formulas.values()].map((f) => f.manifest);
    assert.equal(
      formatOnionArg(onionServicesOf(manifests)),
      'service-a@10.2.2.20:22,service-b@10.2.2.21:80+443',
    );
    const dynamic = resolveCatalogue(
      treeOf({ ...MINIMAL_TREE, 'application/x': 'onion: { ports: [80] }\n' }),
    );
    assert.deepEqual(
      dynamic.diagnostics.map((d) => [d.code, d.where?.path]),
      [['formula.conflict', 'onion.ports']],
    );
  });
});
