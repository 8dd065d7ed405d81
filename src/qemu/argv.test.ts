import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINIMAL_TREE, treeOf } from '../../test/support/formula-tree.js';
import { testInstance } from '../../test/support/instance.js';
import { resolveCatalogue } from '../formula/index.js';
import { planInstance } from '../instance/index.js';
import { renderQemuArgs, toArgv } from './index.js';
import { qemuOpts } from './qemu-options.js';

function manifestOf(extra: Record<string, string>, node: string) {
  const catalogue = resolveCatalogue(treeOf({ ...MINIMAL_TREE, ...extra }));
  assert.deepEqual(catalogue.diagnostics, []);
  const resolved = catalogue.formulas.get(node);
  assert.ok(resolved);
  return resolved.manifest;
}

const valuesAfter = (argv: string[], flag: string) => argv.filter((_, i) => argv[i - 1] === flag);

describe('renderQemuArgs', () => {
  it('doubles commas inside option values, as QEMU requires', () => {
    assert.equal(qemuOpts('file', { path: '/a,b', readonly: true }), 'file,path=/a,,b,readonly=on');
  });

  it("puts every guest disk behind one throttle group when the formula caps its disks' rate", () => {
    const manifest = manifestOf({}, 'application/console');
    const capped = { ...manifest, limits: { ...manifest.limits, diskBandwidth: 2, diskIops: 100 } };
    const preview = testInstance(capped);
    const instance = { ...preview, artifacts: { ...preview.artifacts, layers: ['/s/minbase'] } };
    const argv = toArgv(renderQemuArgs(capped, instance));
    assert.deepEqual(
      valuesAfter(argv, '-object').filter((o) => o.startsWith('throttle')),
      ['throttle-group,id=disk-limits,x-bps-total=2097152,x-iops-total=100'],
    );
    const filters = valuesAfter(argv, '-blockdev').filter((b) => b.startsWith('driver=throttle'));
    assert.deepEqual(filters, [
      'driver=throttle,throttle-group=disk-limits,file=root,node-name=root-limited',
      'driver=throttle,throttle-group=disk-limits,file=layer0,node-name=layer0-limited',
    ]);
    const drives = valuesAfter(argv, '-device').filter((d) => d.startsWith('virtio-blk'));
    assert.ok(
      drives.every((d) => /drive=[a-z0-9-]+-limited/.test(d)),
      'no disk bypasses the group',
    );
    const uncapped = toArgv(renderQemuArgs(manifest, testInstance(manifest)));
    assert.ok(!uncapped.some((a) => a.includes('throttle')));
  });

  it('never opens the base image writable', () => {
    const manifest = manifestOf({}, 'application/console');
    const argv = toArgv(renderQemuArgs(manifest, testInstance(manifest)));
    const blockdevs = valuesAfter(argv, '-blockdev');
    const base = blockdevs.filter((b) => b.includes('node-name=base'));
    assert.equal(base.length, 2);
    assert.ok(base.every((b) => b.includes('read-only=on')));
    assert.ok(blockdevs.some((b) => b.includes('backing=base') && b.includes('node-name=root')));
  });

  it('opens every Debian layer read-only at both block layers, found by serial layer<i>', () => {
    const manifest = manifestOf({}, 'application/console');
    const preview = testInstance(manifest);
    const instance = { ...preview, artifacts: { ...preview.artifacts, layers: ['/s/minbase', '/s/tools'] } };
    const argv = toArgv(renderQemuArgs(manifest, instance));
    const layers = valuesAfter(argv, '-blockdev').filter((b) => /node-name=layer\d/.test(b));
    assert.equal(layers.length, 4);
    assert.ok(layers.every((b) => b.includes('read-only=on')));
    const disks = valuesAfter(argv, '-device').filter((d) => d.includes('serial=layer'));
    assert.deepEqual(
      disks.map((d) => /serial=(layer\d)/.exec(d)?.[1]),
      ['layer0', 'layer1'],
    );
  });

  it('uses the TSC rate on microvm under TCG, and host CPU with KVM hidden under KVM', () => {
    const manifest = manifestOf({}, 'application/console');
    const tcg = toArgv(renderQemuArgs(manifest, testInstance(manifest, { tscKhz: 1_234_567 })));
    assert.match(valuesAfter(tcg, '-append')[0] ?? '', /tsc_early_khz=1234567/);
    assert.deepEqual(valuesAfter(tcg, '-accel'), ['tcg']);
    const kvm = toArgv(renderQemuArgs(manifest, testInstance(manifest, { accel: 'kvm' })));
    assert.deepEqual(valuesAfter(kvm, '-cpu'), ['host,kvm=off']);
    assert.doesNotMatch(valuesAfter(kvm, '-append')[0] ?? '', /tsc_early_khz/);
  });

  it('gives application instances the lowest free address and a MAC derived from it', () => {
    const manifest = manifestOf({}, 'application/console');
    const preview = testInstance(manifest);
    const second = planInstance(manifest, {
      ...preview,
      name: 'console-2',
      taken: { star: new Set(['10.2.2.100']) },
    });
    assert.equal(second.nics[0]?.address, '10.2.2.101');
    const argv = toArgv(renderQemuArgs(manifest, second));
    assert.ok(valuesAfter(argv, '-device').some((d) => d.endsWith('mac=00:00:10:02:02:65')));
    assert.ok(!argv.join(' ').includes('52:54:00'));
  });

  it('renders each uplink mode of the universe router', () => {
    const universe = (mode: string) =>
      manifestOf(
        {
          'service/router/universe': `networks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: ${mode}\n`,
        },
        'service/router/universe',
      );
    const netdevs = (mode: string) => {
      const manifest = universe(mode);
      const argv = toArgv(renderQemuArgs(manifest, testInstance(manifest)));
      return [
        ...valuesAfter(argv, '-netdev'),
        ...valuesAfter(argv, '-device').filter((d) => d.startsWith('vfio')),
      ].join(' ');
    };
    assert.match(
      netdevs('{ mode: user }'),
      /stream,id=uplink,server=off,addr.type=unix,addr.path=\/run\/multiverse\/portals\/universe\/passt.sock/,
    );
    assert.match(netdevs('{ mode: netns, device: lan }'), /tap,id=uplink,ifname=mv[0-9a-f]{8}u,/);
    assert.match(netdevs('{ mode: macvtap, device: eth0 }'), /tap,id=uplink,fd=3/);
    assert.match(
      netdevs('{ mode: pci, device: "0000:03:00.0" }\nmachine: { type: q35 }'),
      /vfio-pci,host=0000:03:00.0,id=uplink/,
    );
  });

  it('puts q35 devices on PCI and adds the display on a unix socket, never TCP', () => {
    const manifest = manifestOf(
      { 'application/g': 'machine: { type: q35 }\ndevices: { display: vnc }\n' },
      'application/g',
    );
    const argv = toArgv(renderQemuArgs(manifest, testInstance(manifest)));
    assert.ok(valuesAfter(argv, '-device').includes('virtio-rng-pci,rng=rng'));
    assert.deepEqual(valuesAfter(argv, '-vnc'), ['unix:/run/multiverse/portals/g/vnc.sock']);
  });

  it('passes PCI functions by VFIO, and each USB device as an inherited descriptor after the macvtap', () => {
    const app = manifestOf(
      {
        'application/p':
          'machine: { type: q35 }\ndevices: { pci: ["0000:01:00.0"], usb: ["1050:0407", "046d:c52b@1-1.4"] }\n',
      },
      'application/p',
    );
    const argv = toArgv(renderQemuArgs(app, testInstance(app)));
    assert.deepEqual(valuesAfter(argv, '-add-fd'), ['fd=3,set=3', 'fd=4,set=4']);
    assert.deepEqual(
      valuesAfter(argv, '-device').filter((d) => /^(vfio|usb|qemu-xhci)/.test(d)),
      [
        'vfio-pci,host=0000:01:00.0,id=pci0',
        'qemu-xhci,id=usb',
        'usb-host,bus=usb.0,hostdevice=/dev/fdset/3,id=usb0',
        'usb-host,bus=usb.0,hostdevice=/dev/fdset/4,id=usb1',
      ],
    );
    const router = manifestOf(
      {
        'service/router/universe':
          'machine: { type: q35 }\nnetworks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: macvtap, device: eth0 }\ndevices: { usb: ["1050:0407"] }\n',
      },
      'service/router/universe',
    );
    const routerArgv = toArgv(renderQemuArgs(router, testInstance(router)));
    assert.deepEqual(valuesAfter(routerArgv, '-add-fd'), ['fd=4,set=4']);
    assert.ok(valuesAfter(routerArgv, '-netdev').includes('tap,id=uplink,fd=3'));
  });

  it('leaves out the sandbox only when the formula turns it off', () => {
    const manifest = manifestOf({ 'application/x': 'hardening: { sandbox: false }\n' }, 'application/x');
    assert.ok(!toArgv(renderQemuArgs(manifest, testInstance(manifest))).includes('-sandbox'));
  });
});
