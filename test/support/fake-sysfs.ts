/**
 * @module A fake host for the passthrough adapter's unit tests: a sysfs, procfs and /dev tree in a temporary
 * folder, shaped like the kernel's (bus entries are symlinks into /sys/devices, drivers and IOMMU groups are
 * symlinks), and a sysfs writer that records every write and plays the kernel's part: `driver_override`,
 * `unbind`, `bind` and `drivers_probe` move the `driver` link as the kernel would, unless told to refuse.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { type SysfsWriter, writeSysfs } from '../../src/passthrough/host/_sysfs-write.js';
import type { HostRoots } from '../../src/passthrough/host/read-facts.js';

/** A fake host tree and its recording writer. */
export interface FakeHost {
  readonly roots: HostRoots;
  /** Every write, as [file relative to sys, value]. */
  readonly writes: [string, string][];
  readonly write: SysfsWriter;
  /** When true, drivers_probe binds nothing (a device vfio-pci will not take). */
  refuseProbe: boolean;
  dispose(): void;
}

function file(at: string, text = ''): void {
  mkdirSync(path.dirname(at), { recursive: true });
  writeFileSync(at, text);
}

function link(at: string, target: string): void {
  mkdirSync(path.dirname(at), { recursive: true });
  symlinkSync(path.relative(path.dirname(at), target), at);
}

/**
 * A host with an IOMMU and vfio-pci: a NIC 0000:03:00.0 on igb alone in group 3; the host's NIC
 * 0000:00:1f.6 (e1000e) under a bridge carrying the default route; a SATA controller 0000:00:17.0 under
 * LVM holding /; a USB controller with a key 1050:0407 at 1-2 (/dev/bus/usb/001/002) and its root hub.
 */
export function fakeHost(options: { iommu?: boolean } = {}): FakeHost {
  const root = mkdtempSync('/tmp/mv-fake-host-');
  const sys = path.join(root, 'sys');
  const proc = path.join(root, 'proc');
  const dev = path.join(root, 'dev');
  const devices = path.join(sys, 'devices/pci0000:00');
  const pci = (address: string, classCode: string, driver: string | null, group: number | null) => {
    const dir = path.join(devices, address);
    file(path.join(dir, 'class'), `${classCode}\n`);
    file(path.join(dir, 'driver_override'), '(null)\n');
    if (driver) link(path.join(dir, 'driver'), path.join(sys, 'bus/pci/drivers', driver));
    if (group !== null)
      link(path.join(dir, 'iommu_group'), path.join(sys, 'kernel/iommu_groups', String(group)));
    link(path.join(sys, 'bus/pci/devices', address), dir);
  };
  for (const driver of [
    'igb',
    'e1000e',
    'ahci',
    'xhci_hcd',
    ...(options.iommu === false ? [] : ['vfio-pci']),
  ]) {
    file(path.join(sys, 'bus/pci/drivers', driver, 'bind'));
    file(path.join(sys, 'bus/pci/drivers', driver, 'unbind'));
  }
  file(path.join(sys, 'bus/pci/drivers_probe'));
  file(path.join(sys, 'bus/usb/drivers_probe'));
  if (options.iommu !== false) {
    for (const group of [1, 3, 4, 7])
      mkdirSync(path.join(sys, 'kernel/iommu_groups', String(group), 'devices'), { recursive: true });
  } else {
    mkdirSync(path.join(sys, 'kernel/iommu_groups'), { recursive: true });
  }
  const group = (n: number) => (options.iommu === false ? null : n);
  pci('0000:03:00.0', '0x020000', 'igb', group(3));
  pci('0000:00:1f.6', '0x020000', 'e1000e', group(7));
  pci('0000:00:17.0', '0x010601', 'ahci', group(4));
  pci('0000:00:14.0', '0x0c0330', 'xhci_hcd', group(1));
  const hub = path.join(devices, '0000:00:14.0/usb1');
  const key = path.join(hub, '1-2');
  for (const [name, value] of Object.entries({
    idVendor: '1050',
    idProduct: '0407',
    busnum: '1',
    devnum: '2',
    dev: '0:0',
  })) {
    file(path.join(key, name), `${value}\n`);
  }
  file(path.join(hub, 'idVendor'), '1d6b\n');
  mkdirSync(path.join(key, '1-2:1.0'), { recursive: true });
  link(path.join(sys, 'bus/usb/devices/usb1'), hub);
  link(path.join(sys, 'bus/usb/devices/1-2'), key);
  link(path.join(sys, 'bus/usb/devices/1-2:1.0'), path.join(key, '1-2:1.0'));
  const eth = path.join(devices, '0000:00:1f.6/net/eth0');
  mkdirSync(eth, { recursive: true });
  link(path.join(sys, 'class/net/eth0'), eth);
  const bridge = path.join(sys, 'devices/virtual/net/br0');
  mkdirSync(path.join(bridge, 'brif/eth0'), { recursive: true });
  link(path.join(sys, 'class/net/br0'), bridge);
  const sda3 = path.join(devices, '0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda3');
  mkdirSync(sda3, { recursive: true });
  link(path.join(sys, 'class/block/sda3'), sda3);
  const dm = path.join(sys, 'devices/virtual/block/dm-0');
  mkdirSync(path.join(dm, 'slaves/sda3'), { recursive: true });
  link(path.join(sys, 'class/block/dm-0'), dm);
  file(
    path.join(proc, 'net/route'),
    'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nbr0\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\n',
  );
  file(path.join(proc, 'net/ipv6_route'), '');
  file(path.join(proc, 'self/mounts'), '/dev/mapper/vg-root / ext4 rw 0 0\nproc /proc proc rw 0 0\n');
  file(path.join(proc, 'swaps'), 'Filename\tType\tSize\tUsed\tPriority\n');
  file(path.join(dev, 'dm-0'));
  link(path.join(dev, 'mapper/vg-root'), path.join(dev, 'dm-0'));
  file(path.join(dev, 'vfio/3'));
  file(path.join(dev, 'vfio/vfio'));
  chmodSync(path.join(dev, 'vfio/vfio'), 0o666);
  file(path.join(dev, 'bus/usb/001/002'));

  const host: FakeHost = {
    roots: { sys, proc, dev },
    writes: [],
    refuseProbe: false,
    write: async (at, value) => {
      await writeSysfs(at, value);
      const rel = path.relative(sys, at);
      host.writes.push([rel, value]);
      playKernel(sys, rel, value, host.refuseProbe);
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
  return host;
}

/** What the kernel does on a write to the attributes the adapter uses. */
function playKernel(sys: string, rel: string, value: string, refuseProbe: boolean): void {
  // The device's real folder: a relative link is resolved from where it really lives.
  const driverLink = (address: string) =>
    path.join(realpathSync(path.join(sys, 'bus/pci/devices', address)), 'driver');
  const unbind = rel.match(/^bus\/pci\/drivers\/([^/]+)\/unbind$/);
  if (unbind && existsSync(driverLink(value))) unlinkSync(driverLink(value));
  const bind = rel.match(/^bus\/pci\/drivers\/([^/]+)\/bind$/);
  if (bind?.[1]) link(driverLink(value), path.join(sys, 'bus/pci/drivers', bind[1]));
  if (rel === 'bus/pci/drivers_probe' && !refuseProbe && !existsSync(driverLink(value))) {
    const override = readFileSync(path.join(sys, 'bus/pci/devices', value, 'driver_override'), 'utf8').trim();
    if (override && override !== '(null)')
      link(driverLink(value), path.join(sys, 'bus/pci/drivers', override));
  }
  if (/^bus\/pci\/devices\/[^/]+\/driver_override$/.test(rel)) {
    writeFileSync(path.join(sys, rel), `${value.trim() || '(null)'}\n`);
  }
}
