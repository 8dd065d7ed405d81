import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledFormula } from '../../test/support/catalogue.js';
import { MINIMAL_TREE, treeOf } from '../../test/support/formula-tree.js';
import { assertGolden } from '../../test/support/golden.js';
import { testInstance } from '../../test/support/instance.js';
import { NETWORK_NAMES, NETWORKS, resolveCatalogue } from '../formula/index.js';
import {
  formatGuestNetArg,
  GUEST_NETWORK_PREFIXES,
  type GuestNetConfig,
  parseGuestNetArg,
  renderGuestNetArg,
  withGuestNet,
} from './index.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const slug = (node: string) => node.replaceAll('/', '-');

const GOLDEN_NODES = [
  'service/router/universe',
  'service/router/galaxy',
  'service/router/star',
  'controller/user',
  'application/browser/firefox',
];

async function argOf(node: string): Promise<string> {
  const { manifest } = await bundledFormula(node);
  return renderGuestNetArg(manifest, testInstance(manifest));
}

describe('renderGuestNetArg', () => {
  for (const node of GOLDEN_NODES) {
    it(`matches its golden file for ${node}, and parses back`, async () => {
      const text = await argOf(node);
      assertGolden(testdata(`guest-net-${slug(node)}.txt`), `${text}\n`);
      assert.equal(formatGuestNetArg(parseGuestNetArg(text)), text);
    });
  }

  it('routes by the .1 of the first attachment the portal does not route', async () => {
    const gateways = async (node: string) =>
      parseGuestNetArg(await argOf(node)).nics.flatMap((nic) =>
        nic.gateway ? [[nic.network, nic.gateway]] : [],
      );
    assert.deepEqual(await gateways('service/router/universe'), []);
    assert.deepEqual(await gateways('service/router/galaxy'), [['universe', '10.0.0.1']]);
    assert.deepEqual(await gateways('service/router/star'), [['galaxy', '10.1.1.1']]);
    assert.deepEqual(await gateways('controller/user'), [['star', '10.2.2.1']]);
    assert.deepEqual(await gateways('application/browser/firefox'), [['star', '10.2.2.1']]);
  });

  it('gives the universe router a DHCP uplink by default, and a static one when the manifest says so', async () => {
    assert.deepEqual(parseGuestNetArg(await argOf('service/router/universe')).uplink, {
      mac: '00:00:10:ff:ff:01',
      mode: 'dhcp',
    });
    const catalogue = resolveCatalogue(
      treeOf({
        ...MINIMAL_TREE,
        'service/router/universe':
          'networks:\n  - { network: universe, address: 10.0.0.1, router: true }\n' +
          'uplink: { mode: user, address: 192.168.1.50/24, gateway: 192.168.1.1 }\n',
      }),
    );
    assert.deepEqual(catalogue.diagnostics, []);
    const manifest = catalogue.formulas.get('service/router/universe')?.manifest;
    assert.ok(manifest);
    assert.equal(
      renderGuestNetArg(manifest, testInstance(manifest)),
      '00:00:10:00:00:01=universe=10.0.0.1/24,uplink=00:00:10:ff:ff:01=192.168.1.50/24=192.168.1.1',
    );
  });

  it('is empty for a portal with no network', async () => {
    assert.equal(await argOf('application/console'), '');
    assert.deepEqual(parseGuestNetArg(''), { nics: [], uplink: null });
  });
});

describe('parseGuestNetArg', () => {
  it('keeps its network prefixes equal to the address plan', () => {
    for (const network of NETWORK_NAMES) {
      assert.equal(GUEST_NETWORK_PREFIXES[network], NETWORKS[network].prefix.join('.'));
    }
  });

  it('reads NICs and the uplink', () => {
    const config: GuestNetConfig = {
      nics: [
        { mac: '00:00:10:01:01:02', network: 'galaxy', address: '10.1.1.2', gateway: '10.1.1.1' },
        { mac: '00:00:10:02:02:01', network: 'star', address: '10.2.2.1' },
      ],
      uplink: null,
    };
    assert.deepEqual(
      parseGuestNetArg('00:00:10:01:01:02=galaxy=10.1.1.2/24=10.1.1.1,00:00:10:02:02:01=star=10.2.2.1/24'),
      config,
    );
    assert.deepEqual(parseGuestNetArg('uplink=00:00:10:ff:ff:01=10.9.0.2/16'), {
      nics: [],
      uplink: { mac: '00:00:10:ff:ff:01', mode: 'static', cidr: '10.9.0.2/16' },
    });
  });

  const refused: [string, string][] = [
    ['upper-case MAC', '00:00:10:02:02:0A=star=10.2.2.10/24'],
    ['short MAC', '00:00:10:02:02=star=10.2.2.10/24'],
    ['unknown network', '00:00:10:02:02:0a=lan=10.2.2.10/24'],
    ['missing prefix', '00:00:10:02:02:0a=star=10.2.2.10'],
    ['prefix other than /24', '00:00:10:02:02:0a=star=10.2.2.10/16'],
    ['address off its network', '00:00:10:02:02:0a=star=10.1.1.10/24'],
    ['network address', '00:00:10:02:02:00=star=10.2.2.0/24'],
    ['broadcast address', '00:00:10:02:02:ff=star=10.2.2.255/24'],
    ['leading zero', '00:00:10:02:02:0a=star=10.2.2.010/24'],
    ['gateway off the network', '00:00:10:02:02:0a=star=10.2.2.10/24=10.1.1.1'],
    ['gateway is itself', '00:00:10:02:02:0a=star=10.2.2.10/24=10.2.2.10'],
    ['extra field', '00:00:10:02:02:0a=star=10.2.2.10/24=10.2.2.1=x'],
    ['empty entry', '00:00:10:02:02:0a=star=10.2.2.10/24,'],
    ['space', '00:00:10:02:02:0a=star=10.2.2.10/24 '],
    ['same MAC twice', '00:00:10:02:02:0a=star=10.2.2.10/24,00:00:10:02:02:0a=app=10.3.3.10/24'],
    ['same network twice', '00:00:10:02:02:0a=star=10.2.2.10/24,00:00:10:02:02:0b=star=10.2.2.11/24'],
    [
      'two gateways',
      '00:00:10:02:02:0a=star=10.2.2.10/24=10.2.2.1,00:00:10:03:03:0a=app=10.3.3.10/24=10.3.3.1',
    ],
    ['two uplinks', 'uplink=00:00:10:ff:ff:01=dhcp,uplink=00:00:10:ff:ff:02=dhcp'],
    ['DHCP uplink with a gateway', 'uplink=00:00:10:ff:ff:01=dhcp=192.168.1.1'],
    ['uplink gateway off its subnet', 'uplink=00:00:10:ff:ff:01=192.168.1.5/24=192.168.2.1'],
    ['uplink /0', 'uplink=00:00:10:ff:ff:01=192.168.1.5/0'],
    ['uplink without address', 'uplink=00:00:10:ff:ff:01'],
    [
      'uplink gateway and NIC gateway',
      '00:00:10:02:02:0a=star=10.2.2.10/24=10.2.2.1,uplink=00:00:10:ff:ff:01=10.9.0.2/16=10.9.0.1',
    ],
  ];
  for (const [what, text] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseGuestNetArg(text), { code: 'net.bad-guest-arg' });
    });
  }

  it('never formats what it would refuse', () => {
    assert.throws(
      () =>
        formatGuestNetArg({
          nics: [{ mac: '00:00:10:02:02:0a', network: 'star', address: '10.1.1.10' }],
          uplink: null,
        }),
      { code: 'net.bad-guest-arg' },
    );
  });
});

describe('withGuestNet', () => {
  it('puts multiverse.net= on the kernel command line of a networked instance, and leaves an offline one', async () => {
    const star = await bundledFormula('service/router/star');
    const instance = withGuestNet(star.manifest, testInstance(star.manifest));
    assert.deepEqual(instance.kernelArgs, [
      `multiverse.net=${renderGuestNetArg(star.manifest, testInstance(star.manifest))}`,
    ]);
    const offline = await bundledFormula('application/console');
    const plain = testInstance(offline.manifest);
    assert.equal(withGuestNet(offline.manifest, plain), plain);
  });
});
