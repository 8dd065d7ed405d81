import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type FakeHost, fakeHost } from '../../../test/support/fake-sysfs.js';
import { MINIMAL_TREE, treeOf } from '../../../test/support/formula-tree.js';
import { resolveCatalogue } from '../../formula/index.js';
import { claimHostDevices, releaseHostDevices, releaseOrphanDevices } from './host-devices.js';
import { Reverter } from './reverter.js';

const QEMU = { uid: 64_000, gid: 64_001 };

function manifestOf(devices: string) {
  const node = 'application/p';
  const tree = treeOf({
    ...MINIMAL_TREE,
    [node]: `machine: { type: q35, memory: 512 }\ndevices: ${devices}\n`,
  });
  const manifest = resolveCatalogue(tree).formulas.get(node)?.manifest;
  assert.ok(manifest);
  return manifest;
}

describe('claimHostDevices and releaseHostDevices on a fake host', () => {
  let host: FakeHost;
  let run: string;
  let logged: string[];
  const config = () => ({ runRoot: run, owner: QEMU, log: (line: string) => logged.push(line) });
  const claimFile = (portal: string) => path.join(run, 'passthrough', `${portal}.json`);
  const group3 = () => statSync(path.join(host.roots.dev, 'vfio/3'));
  beforeEach(async () => {
    host = fakeHost();
    run = mkdtempSync('/tmp/mv-run-');
    logged = [];
    // The NIC is on vfio-pci already (as a host that binds it at boot would have it): no driver moves.
    await host.write(path.join(host.roots.sys, 'bus/pci/drivers/igb/unbind'), '0000:03:00.0');
    await host.write(path.join(host.roots.sys, 'bus/pci/drivers/vfio-pci/bind'), '0000:03:00.0');
  });
  afterEach(() => {
    host.dispose();
    rmSync(run, { recursive: true, force: true });
  });

  it('claims, refuses the same device to a second portal, and gives everything back on release', async () => {
    const owner = [group3().uid, group3().gid];
    const manifest = manifestOf('{ pci: ["0000:03:00.0"], usb: ["1050:0407"] }');
    const reverter = new Reverter((line) => logged.push(line));
    const devices = await claimHostDevices(config(), {
      owner: QEMU,
      name: 'p',
      manifest,
      reverter,
      roots: host.roots,
    });
    reverter.success();
    assert.equal(devices.fds.length, 1);
    assert.deepEqual(devices.launch, { memlockBytes: (512 + 1024) * 2 ** 20 });
    assert.deepEqual([group3().uid, group3().gid], [QEMU.uid, QEMU.gid]);
    assert.equal(statSync(claimFile('p')).mode & 0o777, 0o600);
    devices.close();
    const second = manifestOf('{ usb: ["1050:0407"] }');
    await assert.rejects(
      claimHostDevices(config(), {
        owner: QEMU,
        name: 'q',
        manifest: second,
        reverter: new Reverter(() => {}),
        roots: host.roots,
      }),
      { code: 'passthrough.busy', message: /USB 1050:0407 is passed through to the running portal "p"/ },
    );
    await releaseHostDevices(config(), 'p', { roots: host.roots });
    assert.equal(existsSync(claimFile('p')), false);
    assert.deepEqual([group3().uid, group3().gid], owner);
    assert.equal(readFileSync(path.join(host.roots.sys, 'bus/usb/drivers_probe'), 'utf8'), '1-2:1.0');
    assert.deepEqual(logged, []);
  });

  it('undoes the whole claim when the start fails later, and reaps the claim of a portal that is not running', async () => {
    const owner = [group3().uid, group3().gid];
    const manifest = manifestOf('{ pci: ["0000:03:00.0"] }');
    const failed = new Reverter((line) => logged.push(line));
    await claimHostDevices(config(), {
      owner: QEMU,
      name: 'p',
      manifest,
      reverter: failed,
      roots: host.roots,
    });
    await failed.fail();
    assert.equal(existsSync(claimFile('p')), false);
    assert.deepEqual([group3().uid, group3().gid], owner);
    await claimHostDevices(config(), {
      owner: QEMU,
      name: 'ghost',
      manifest,
      reverter: new Reverter(() => {}),
      roots: host.roots,
    });
    await releaseOrphanDevices(config(), { list: () => [] }, { roots: host.roots });
    assert.equal(existsSync(claimFile('ghost')), false);
    assert.deepEqual([group3().uid, group3().gid], owner);
    assert.deepEqual(logged, ['ghost: not running, giving back its devices']);
  });

  it('reads and writes nothing for a portal that asks for no device', async () => {
    const devices = await claimHostDevices(config(), {
      owner: QEMU,
      name: 'plain',
      manifest: manifestOf('{ rng: true }'),
      reverter: new Reverter(() => {}),
      roots: { sys: '/nonexistent', proc: '/nonexistent', dev: '/nonexistent' },
    });
    assert.deepEqual([devices.fds, devices.launch], [[], {}]);
    assert.equal(existsSync(path.join(run, 'passthrough')), false);
  });
});
