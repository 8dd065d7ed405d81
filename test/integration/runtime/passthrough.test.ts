import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { portalgun, writeTree } from '../../support/cli.js';
import { assertNoLeaks, startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const IOMMU_GROUPS = '/sys/kernel/iommu_groups';
const hasIommu = existsSync(IOMMU_GROUPS) && readdirSync(IOMMU_GROUPS).length > 0;

/** Addresses no machine has, so this test can never take a real device even where an IOMMU exists. */
const NO_SUCH_PCI = '0000:ff:1f.7';
const NO_SUCH_USB = 'dead:beef';

const offline =
  'image: { backend: micro }\npackages: [busybox-static]\nnetworks: []\nmachine: { type: q35, memory: 256 }\n';

/** Every PCI function's driver and driver_override: the refusal must leave them as they were. */
function pciState(): string[] {
  const base = '/sys/bus/pci/devices';
  return readdirSync(base).map((address) => {
    const link = path.join(base, address, 'driver');
    const driver = existsSync(link) ? path.basename(readlinkSync(link)) : '-';
    return `${address} ${driver} ${readFileSync(path.join(base, address, 'driver_override'), 'utf8').trim()}`;
  });
}

describe('passthrough on a host without an IOMMU', {
  timeout: 300_000,
  skip: hasIommu && 'this host has an IOMMU',
}, () => {
  let daemon: TestDaemon;
  let tree: string;
  const cli = (...args: string[]) => portalgun(['--run', daemon.run, ...args]);
  before(async () => {
    tree = writeTree({
      application: 'class: application\nabstract: true\n',
      'application/gpu': `description: asks for a PCI device\n${offline}devices: { pci: ["${NO_SUCH_PCI}"] }\n`,
      'application/key': `description: asks for a USB device\n${offline}devices: { usb: ["${NO_SUCH_USB}"] }\n`,
      service: 'class: service\nabstract: true\n',
      'service/router': 'abstract: true\n',
      'service/router/universe': `description: a VFIO uplink\n${offline.replace('networks: []\n', '')}networks:\n  - { network: universe, address: 10.0.0.1, router: true }\nuplink: { mode: pci, device: "${NO_SUCH_PCI}" }\n`,
      controller: 'class: controller\nabstract: true\n',
    });
    daemon = await startTestDaemon({ formulas: tree });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(tree, { recursive: true, force: true });
  });

  const refusedCleanly = (name: string) => {
    assertNoLeaks(daemon.run);
    const claims = path.join(daemon.run, 'passthrough');
    assert.deepEqual(existsSync(claims) ? readdirSync(claims) : [], [], 'passthrough claims left behind');
    const ps = JSON.parse(cli('--json', 'ps').stdout) as { name: string }[];
    assert.deepEqual(
      ps.filter((p) => p.name === name),
      [],
      `a record of ${name} was kept`,
    );
  };

  it('refuses devices.pci with host.iommu-missing (6) before QEMU starts, and changes nothing', () => {
    const before = pciState();
    const result = cli('up', 'application/gpu');
    assert.equal(result.status, 6, result.stderr);
    assert.match(
      result.stderr,
      /application\/gpu passes through PCI 0000:ff:1f\.7, but this host has no IOMMU \(\/sys\/kernel\/iommu_groups is empty\) \[host\.iommu-missing\]\n {2}hint: Turn on VT-d \(Intel\) or AMD-Vi in the firmware and boot with intel_iommu=on or amd_iommu=on; "portalgun doctor" shows the IOMMU state/,
    );
    assert.doesNotMatch(result.stderr, /starting QEMU/);
    const json = JSON.parse(cli('--json', 'up', 'application/gpu').stdout) as {
      error: { code: string; hint: string };
    };
    assert.equal(json.error.code, 'host.iommu-missing');
    assert.deepEqual(pciState(), before);
    refusedCleanly('gpu');
  });

  it('refuses the universe router with a pci uplink the same way, before joining any network', () => {
    const result = cli('up', 'service/router/universe');
    assert.equal(result.status, 6, result.stderr);
    assert.match(
      result.stderr,
      /service\/router\/universe passes through PCI 0000:ff:1f\.7, but this host has no IOMMU/,
    );
    assert.doesNotMatch(result.stderr, /joining the portal networks/);
    refusedCleanly('universe');
  });

  it('refuses a USB device that is not plugged in with passthrough.not-found (3)', () => {
    const result = cli('up', 'application/key');
    assert.equal(result.status, 3, result.stderr);
    assert.match(
      result.stderr,
      /application\/key asks for USB dead:beef, which is not plugged in \[passthrough\.not-found\]/,
    );
    refusedCleanly('key');
  });

  it('warns in doctor that PCI passthrough needs an IOMMU, without failing on it', () => {
    const result = cli('--json', 'doctor', '--state', daemon.state);
    const { checks } = JSON.parse(result.stdout) as {
      checks: { name: string; ok: boolean; warn?: boolean; detail: string }[];
    };
    const iommu = checks.find((c) => c.name === 'iommu');
    assert.deepEqual([iommu?.ok, iommu?.warn], [false, true]);
    assert.match(iommu?.detail ?? '', /no IOMMU groups, .*: devices\.pci and uplink mode pci are refused/);
  });
});
