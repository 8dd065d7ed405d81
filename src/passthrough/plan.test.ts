import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINIMAL_TREE, treeOf } from '../../test/support/formula-tree.js';
import { parseUsbSelector, resolveCatalogue } from '../formula/index.js';
import {
  memlockBytesFor,
  type PassthroughFacts,
  type PciDeviceFacts,
  passthroughRequestOf,
  planPassthrough,
} from './index.js';

const NIC = 0x020000;
const BRIDGE = 0x060400;
const AUDIO = 0x040300;

function pci(address: string, iommuGroup: number | null, more: Partial<PciDeviceFacts> = {}): PciDeviceFacts {
  return { address, classCode: NIC, driver: 'igb', iommuGroup, bootVga: false, ...more };
}

/** A host with an IOMMU: a NIC alone in group 3, a GPU and its audio function in 5 behind a bridge. */
const HOST: PassthroughFacts = {
  iommuGroups: 12,
  vfioDriver: true,
  pci: [
    pci('0000:03:00.0', 3),
    pci('0000:00:01.0', 5, { classCode: BRIDGE, driver: 'pcieport' }),
    pci('0000:01:00.0', 5, { classCode: 0x030000, driver: 'amdgpu' }),
    pci('0000:01:00.1', 5, { classCode: AUDIO, driver: 'snd_hda_intel' }),
    pci('0000:00:02.0', 1, { classCode: 0x030000, driver: 'i915', bootVga: true }),
    pci('0000:00:1f.6', 7, { driver: 'e1000e' }),
    pci('0000:00:17.0', 8, { classCode: 0x010601, driver: 'ahci' }),
  ],
  usb: [
    { name: '1-1.4', vendor: '046d', product: 'c52b', busnum: 1, devnum: 5 },
    { name: '3-2', vendor: '046d', product: 'c52b', busnum: 3, devnum: 2 },
    { name: '1-2', vendor: '1050', product: '0407', busnum: 1, devnum: 7 },
    { name: '2-1', vendor: '0781', product: '5581', busnum: 2, devnum: 3 },
  ],
  hostUses: [
    { what: 'the default route (eno1)', devicePath: ['pci0000:00', '0000:00:1f.6', 'net', 'eno1'] },
    {
      what: 'the filesystem mounted on / (/dev/sda2)',
      devicePath: ['pci0000:00', '0000:00:17.0', 'ata1', 'host0', 'target0:0:0', '0:0:0:0', 'block', 'sda'],
    },
    {
      what: 'the filesystem mounted on /srv (/dev/sdb1)',
      devicePath: ['pci0000:00', '0000:00:14.0', 'usb2', '2-1', '2-1:1.0', 'host6', 'block', 'sdb'],
    },
  ],
};

const options = { node: 'application/x', held: new Map<string, string>() };
const request = (pciList: string[], usb: string[] = []) => ({ pci: pciList, usb: usb.map(parseUsbSelector) });

describe('planPassthrough: PCI', () => {
  it('binds a NIC alone in its group, remembering its driver, and opens its group', () => {
    const plan = planPassthrough(request(['0000:03:00.0']), HOST, options);
    assert.deepEqual(plan, {
      pci: [{ address: '0000:03:00.0', iommuGroup: 3, driver: 'igb' }],
      groups: [3],
      usb: [],
    });
  });

  it('takes a whole group when every endpoint in it is asked for; the bridge may stay on its driver', () => {
    const plan = planPassthrough(request(['0000:01:00.0', '0000:01:00.1']), HOST, options);
    assert.deepEqual(
      plan.pci.map((b) => [b.address, b.driver]),
      [
        ['0000:01:00.0', 'amdgpu'],
        ['0000:01:00.1', 'snd_hda_intel'],
      ],
    );
    assert.deepEqual(plan.groups, [5]);
  });

  it('refuses a group shared with a device left on a host driver, naming it', () => {
    assert.throws(() => planPassthrough(request(['0000:01:00.0']), HOST, options), {
      code: 'passthrough.group-not-viable',
      message: /shares IOMMU group 5 with 0000:01:00\.1 \(snd_hda_intel\)/,
    });
  });

  it('accepts group members with no driver, or on pci-stub or vfio-pci', () => {
    for (const driver of [null, 'pci-stub', 'vfio-pci']) {
      const facts = {
        ...HOST,
        pci: HOST.pci.map((d) => (d.address === '0000:01:00.1' ? { ...d, driver } : d)),
      };
      assert.deepEqual(
        planPassthrough(request(['0000:01:00.0']), facts, options).groups,
        [5],
        String(driver),
      );
    }
  });

  it('refuses on a host without IOMMU groups, before anything else, with the fix', () => {
    const none = { ...HOST, iommuGroups: 0, vfioDriver: false, pci: [] };
    assert.throws(
      () => planPassthrough(request(['0000:03:00.0']), none, options),
      (error: unknown) => {
        const e = error as { code: string; message: string; hint: string };
        assert.equal(e.code, 'host.iommu-missing');
        assert.match(
          e.message,
          /application\/x passes through PCI 0000:03:00\.0, but this host has no IOMMU/,
        );
        assert.match(e.hint, /intel_iommu=on or amd_iommu=on/);
        assert.match(e.hint, /portalgun doctor/);
        return true;
      },
    );
  });

  it('refuses without the vfio-pci driver, loading nothing', () => {
    assert.throws(() => planPassthrough(request(['0000:03:00.0']), { ...HOST, vfioDriver: false }, options), {
      code: 'host.vfio-missing',
      message: /\/sys\/bus\/pci\/drivers\/vfio-pci is missing/,
    });
  });

  it('refuses a missing device and one outside every group', () => {
    assert.throws(() => planPassthrough(request(['0000:09:00.0']), HOST, options), {
      code: 'passthrough.not-found',
    });
    const ungrouped = { ...HOST, pci: [...HOST.pci, pci('0000:04:00.0', null)] };
    assert.throws(() => planPassthrough(request(['0000:04:00.0']), ungrouped, options), {
      code: 'host.iommu-missing',
      message: /0000:04:00\.0 is in no IOMMU group/,
    });
  });

  it("refuses what the host stands on: its boot display, its default route's NIC, its root disk's controller", () => {
    const cases: [string, RegExp][] = [
      ['0000:00:02.0', /the host's boot display/],
      ['0000:00:1f.6', /the default route \(eno1\)/],
      ['0000:00:17.0', /the filesystem mounted on \/ \(\/dev\/sda2\)/],
    ];
    for (const [address, message] of cases) {
      assert.throws(() => planPassthrough(request([address]), HOST, options), {
        code: 'passthrough.host-owned',
        message,
      });
    }
  });

  it('refuses a device, or a member of its group, that another portal holds', () => {
    const held = new Map([['0000:01:00.1', 'steam']]);
    assert.throws(
      () => planPassthrough(request(['0000:01:00.0', '0000:01:00.1']), HOST, { ...options, held }),
      {
        code: 'passthrough.busy',
        message: /PCI 0000:01:00\.1 is passed through to the running portal "steam"/,
      },
    );
  });
});

describe('planPassthrough: USB', () => {
  it('finds a unique device by vendor:product, and needs no IOMMU for it', () => {
    const plan = planPassthrough(request([], ['1050:0407']), { ...HOST, iommuGroups: 0 }, options);
    assert.deepEqual(plan.usb, [{ selector: '1050:0407', name: '1-2', busnum: 1, devnum: 7 }]);
  });

  it('refuses two alike, naming each port, and takes the one a port names', () => {
    assert.throws(
      () => planPassthrough(request([], ['046d:c52b']), HOST, options),
      (error: unknown) => {
        const e = error as { code: string; message: string; hint: string };
        assert.equal(e.code, 'passthrough.ambiguous');
        assert.match(
          e.message,
          /2 USB devices match 046d:c52b: 1-1\.4 \(bus 1, device 5\), 3-2 \(bus 3, device 2\)/,
        );
        assert.match(e.hint, /write 046d:c52b@1-1\.4/);
        return true;
      },
    );
    const plan = planPassthrough(request([], ['046d:c52b@3-2']), HOST, options);
    assert.deepEqual(plan.usb, [{ selector: '046d:c52b@3-2', name: '3-2', busnum: 3, devnum: 2 }]);
  });

  it('refuses a device that is absent, one named twice, the disk of a host mount, and a held one', () => {
    assert.throws(() => planPassthrough(request([], ['dead:beef']), HOST, options), {
      code: 'passthrough.not-found',
    });
    assert.throws(() => planPassthrough(request([], ['046d:c52b@1-1.4', '046d:c52b@1-1.4']), HOST, options), {
      code: 'passthrough.ambiguous',
      message: /names the USB device at 1-1\.4 twice/,
    });
    assert.throws(() => planPassthrough(request([], ['0781:5581']), HOST, options), {
      code: 'passthrough.host-owned',
      message: /mounted on \/srv/,
    });
    const held = new Map([['1-2', 'vault']]);
    assert.throws(() => planPassthrough(request([], ['1050:0407']), HOST, { ...options, held }), {
      code: 'passthrough.busy',
    });
  });
});

describe('passthroughRequestOf and memlockBytesFor', () => {
  const manifestOf = (node: string, text: string) => {
    const catalogue = resolveCatalogue(treeOf({ ...MINIMAL_TREE, [node]: text }));
    const manifest = catalogue.formulas.get(node)?.manifest;
    assert.ok(manifest, JSON.stringify(catalogue.diagnostics));
    return manifest;
  };

  it("asks for devices.pci, the pci uplink's NIC and devices.usb; QEMU may lock guest RAM + 1 GiB", () => {
    const router = manifestOf(
      'service/router/universe',
      'machine: { type: q35, memory: 512 }\nnetworks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: pci, device: "0000:03:00.0" }\ndevices: { usb: ["1050:0407@1-2"] }\n',
    );
    const wanted = passthroughRequestOf(router);
    assert.deepEqual(wanted, {
      pci: ['0000:03:00.0'],
      usb: [{ vendor: '1050', product: '0407', port: '1-2' }],
    });
    assert.equal(memlockBytesFor(router, wanted), (512 + 1024) * 2 ** 20);
    const plain = manifestOf('application/console', 'description: a shell\n');
    assert.deepEqual(passthroughRequestOf(plain), { pci: [], usb: [] });
    assert.equal(memlockBytesFor(plain, passthroughRequestOf(plain)), undefined);
  });
});
