import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledFormula } from '../../test/support/catalogue.js';
import { testInstance } from '../../test/support/instance.js';
import { sha256Hex } from '../digest/index.js';
import { NETWORK_NAMES } from '../formula/index.js';
import { bridgeName, namespaceName, portsOf } from './index.js';

describe('namespaceName and bridgeName', () => {
  it('names the namespace mvn- and 8 hex of the run root digest', () => {
    const name = namespaceName('/run/multiverse/portals');
    assert.equal(name, `mvn-${sha256Hex('/run/multiverse/portals').slice(0, 8)}`);
    assert.match(name, /^mvn-[0-9a-f]{8}$/);
    assert.notEqual(namespaceName('/tmp/other-root'), name);
  });

  it('names each bridge br-<network>, within the 15 characters Linux allows', () => {
    assert.deepEqual(NETWORK_NAMES.map(bridgeName), ['br-universe', 'br-galaxy', 'br-star', 'br-app']);
    assert.ok(NETWORK_NAMES.every((network) => bridgeName(network).length <= 15));
  });
});

describe('portsOf', () => {
  it('gives a router port where the attachment routes, member ports elsewhere', async () => {
    const { manifest } = await bundledFormula('service/router/galaxy');
    const instance = testInstance(manifest);
    const ports = portsOf(instance, manifest);
    assert.deepEqual(
      ports.map(({ bridge, network, mac, address, role }) => ({ bridge, network, mac, address, role })),
      [
        {
          bridge: 'br-universe',
          network: 'universe',
          mac: '00:00:10:00:00:02',
          address: '10.0.0.2',
          role: 'member',
        },
        {
          bridge: 'br-galaxy',
          network: 'galaxy',
          mac: '00:00:10:01:01:01',
          address: '10.1.1.1',
          role: 'router',
        },
      ],
    );
    assert.deepEqual(
      ports.map((p) => p.tap),
      instance.nics.map((nic) => nic.tap),
    );
  });

  it('gives an offline portal no port, and leaves the uplink out (it is not on a bridge)', async () => {
    const consoleFormula = await bundledFormula('application/console');
    assert.deepEqual(portsOf(testInstance(consoleFormula.manifest), consoleFormula.manifest), []);
    const { manifest } = await bundledFormula('service/router/universe');
    const instance = testInstance(manifest);
    assert.ok(instance.uplink);
    assert.deepEqual(
      portsOf(instance, manifest).map((p) => p.network),
      ['universe'],
    );
  });

  it('refuses an instance that does not belong to the manifest', async () => {
    const galaxy = await bundledFormula('service/router/galaxy');
    const firefox = await bundledFormula('application/browser/firefox');
    assert.throws(() => portsOf(testInstance(firefox.manifest), galaxy.manifest), {
      code: 'internal.bug',
    });
  });
});
