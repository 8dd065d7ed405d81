import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fakeHost } from '../../../test/support/fake-sysfs.js';
import { readIommuState, readPassthroughFacts } from './read-facts.js';

describe('readPassthroughFacts on a fake sysfs', () => {
  const host = fakeHost();
  const bare = fakeHost({ iommu: false });
  after(() => {
    host.dispose();
    bare.dispose();
  });

  it('reads PCI functions with class, driver and IOMMU group, and USB devices (no hubs, no interfaces)', async () => {
    const facts = await readPassthroughFacts(host.roots);
    assert.deepEqual([facts.iommuGroups, facts.vfioDriver], [4, true]);
    assert.deepEqual(
      facts.pci.find((d) => d.address === '0000:03:00.0'),
      {
        address: '0000:03:00.0',
        classCode: 0x020000,
        driver: 'igb',
        iommuGroup: 3,
        bootVga: false,
      },
    );
    assert.deepEqual(facts.usb, [{ name: '1-2', vendor: '1050', product: '0407', busnum: 1, devnum: 2 }]);
  });

  it('follows the default route through a bridge to its NIC, and / through LVM to its disk controller', async () => {
    const { hostUses } = await readPassthroughFacts(host.roots);
    const byWhat = (what: string) =>
      hostUses.filter((u) => u.what === what).map((u) => u.devicePath.join('/'));
    assert.deepEqual(byWhat('the default route (br0)'), [
      'virtual/net/br0',
      'pci0000:00/0000:00:1f.6/net/eth0',
    ]);
    assert.deepEqual(byWhat('the filesystem mounted on / (/dev/mapper/vg-root)'), [
      'virtual/block/dm-0',
      'pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda3',
    ]);
  });

  it('reports no IOMMU and no vfio-pci on a host without them', async () => {
    assert.deepEqual(await readIommuState(bare.roots.sys), { iommuGroups: 0, vfioDriver: false });
    const facts = await readPassthroughFacts(bare.roots);
    assert.equal(facts.pci.find((d) => d.address === '0000:03:00.0')?.iommuGroup, null);
    assert.deepEqual(await readIommuState('/nonexistent-sysfs'), { iommuGroups: 0, vfioDriver: false });
  });
});
