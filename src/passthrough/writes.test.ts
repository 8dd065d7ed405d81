import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultRouteInterfaces,
  mountedDevices,
  pciBindWrites,
  pciRestoreWrites,
  swapDevices,
  usbNodeOf,
  usbReprobeWrites,
  vfioGroupNodeOf,
} from './index.js';

describe('sysfs writes', () => {
  it('binds through driver_override, the old driver letting go and drivers_probe; restores the reverse', () => {
    const nic = { address: '0000:03:00.0', iommuGroup: 3, driver: 'igb' };
    assert.deepEqual(pciBindWrites(nic), [
      { file: 'bus/pci/devices/0000:03:00.0/driver_override', value: 'vfio-pci' },
      { file: 'bus/pci/drivers/igb/unbind', value: '0000:03:00.0' },
      { file: 'bus/pci/drivers_probe', value: '0000:03:00.0' },
    ]);
    assert.deepEqual(pciRestoreWrites(nic), [
      { file: 'bus/pci/drivers/vfio-pci/unbind', value: '0000:03:00.0' },
      { file: 'bus/pci/devices/0000:03:00.0/driver_override', value: '\n' },
      { file: 'bus/pci/drivers/igb/bind', value: '0000:03:00.0' },
    ]);
  });

  it('unbinds nothing from a driverless function, and leaves one already on vfio-pci alone', () => {
    const loose = { address: '0000:05:00.0', iommuGroup: 9, driver: null };
    assert.deepEqual(
      pciBindWrites(loose).map((w) => w.file),
      ['bus/pci/devices/0000:05:00.0/driver_override', 'bus/pci/drivers_probe'],
    );
    assert.deepEqual(
      pciRestoreWrites(loose).map((w) => w.file),
      ['bus/pci/drivers/vfio-pci/unbind', 'bus/pci/devices/0000:05:00.0/driver_override'],
    );
    const ready = { ...loose, driver: 'vfio-pci' };
    assert.deepEqual([pciBindWrites(ready), pciRestoreWrites(ready)], [[], []]);
  });

  it('names the device nodes and the USB interface re-probes', () => {
    assert.equal(usbNodeOf({ busnum: 1, devnum: 5 }), 'bus/usb/001/005');
    assert.equal(vfioGroupNodeOf(12), 'vfio/12');
    assert.deepEqual(usbReprobeWrites(['1-2:1.0', '1-2:1.1']), [
      { file: 'bus/usb/drivers_probe', value: '1-2:1.0' },
      { file: 'bus/usb/drivers_probe', value: '1-2:1.1' },
    ]);
  });
});

describe('/proc tables', () => {
  it('finds the interfaces of the IPv4 and IPv6 default routes', () => {
    const route = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'eth0\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0',
      'wg0\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0',
    ].join('\n');
    const ipv6 = [
      `${'0'.repeat(32)} 00 ${'0'.repeat(32)} 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 wlan0`,
      `${'0'.repeat(32)} 00 ${'0'.repeat(32)} 00 ${'0'.repeat(32)} ffffffff 00000001 00000000 00200200 lo`,
      `fe800000000000000000000000000000 40 ${'0'.repeat(32)} 00 ${'0'.repeat(32)} 00000100 00000001 00000000 00000001 eth0`,
    ].join('\n');
    assert.deepEqual(defaultRouteInterfaces(route, ipv6), ['eth0', 'wlan0']);
    assert.deepEqual(defaultRouteInterfaces('Iface\tDestination\n', ''), []);
  });

  it('lists mounted block devices (escapes undone) and swap partitions', () => {
    const mounts = [
      '/dev/sda2 / ext4 rw,relatime 0 0',
      'proc /proc proc rw 0 0',
      '/dev/mapper/vg-home /home\\040dir ext4 rw 0 0',
      'tmpfs /run tmpfs rw 0 0',
    ].join('\n');
    assert.deepEqual(mountedDevices(mounts), [
      { source: '/dev/sda2', mountPoint: '/' },
      { source: '/dev/mapper/vg-home', mountPoint: '/home dir' },
    ]);
    const swaps =
      'Filename\tType\tSize\tUsed\tPriority\n/dev/sdb3 partition 1000 0 -2\n/swapfile file 100 0 -3\n';
    assert.deepEqual(swapDevices(swaps), ['/dev/sdb3']);
  });
});
