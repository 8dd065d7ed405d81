import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type FakeHost, fakeHost } from '../../../test/support/fake-sysfs.js';
import { planPassthrough } from '../index.js';
import { giveBack, handOver } from './handover.js';
import { readPassthroughFacts } from './read-facts.js';

const QEMU = { uid: 64_000, gid: 64_001 };

/** The daemon's Reverter in miniature: undos run newest first, failures collected. */
function undoList() {
  const undos: { what: string; undo: () => unknown }[] = [];
  return {
    undos,
    add: (what: string, undo: () => unknown) => undos.push({ what, undo }),
    async fail() {
      for (const { undo } of undos.reverse()) await Promise.resolve(undo()).catch(() => undefined);
    },
  };
}

async function planFor(host: FakeHost, pci: string[], usb: string[] = []) {
  const facts = await readPassthroughFacts(host.roots);
  const selectors = usb.map((id) => ({ vendor: id.slice(0, 4), product: id.slice(5, 9), port: null }));
  return planPassthrough({ pci, usb: selectors }, facts, { node: 'application/x', held: new Map() });
}

describe('handOver and giveBack on a fake sysfs that records the writes', () => {
  let host: FakeHost;
  beforeEach(() => {
    host = fakeHost();
  });
  afterEach(() => host.dispose());
  const driverOf = (address: string) =>
    path.basename(readlinkSync(path.join(host.roots.sys, 'bus/pci/devices', address, 'driver')));
  const group3 = () => statSync(path.join(host.roots.dev, 'vfio/3'));

  it('binds the NIC to vfio-pci, gives its group node to QEMU, opens the USB node; gives all back', async () => {
    const before = group3();
    const plan = await planFor(host, ['0000:03:00.0'], ['1050:0407']);
    const undo = undoList();
    const { claim, passed } = await handOver('router', plan, {
      roots: host.roots,
      owner: QEMU,
      write: host.write,
      undo,
    });
    assert.deepEqual(host.writes, [
      ['bus/pci/devices/0000:03:00.0/driver_override', 'vfio-pci'],
      ['bus/pci/drivers/igb/unbind', '0000:03:00.0'],
      ['bus/pci/drivers_probe', '0000:03:00.0'],
    ]);
    assert.equal(driverOf('0000:03:00.0'), 'vfio-pci');
    assert.deepEqual([group3().uid, group3().gid, group3().mode & 0o777], [QEMU.uid, QEMU.gid, 0o600]);
    assert.equal(passed.fds.length, 1);
    assert.deepEqual(claim, {
      portal: 'router',
      pci: [{ address: '0000:03:00.0', iommuGroup: 3, driver: 'igb' }],
      groups: [{ group: 3, uid: before.uid, gid: before.gid, mode: before.mode & 0o7777 }],
      usb: ['1-2'],
    });
    passed.close();
    passed.close();
    host.writes.length = 0;
    assert.deepEqual(await giveBack(claim, { roots: host.roots, write: host.write }), []);
    assert.deepEqual(host.writes, [
      ['bus/pci/drivers/vfio-pci/unbind', '0000:03:00.0'],
      ['bus/pci/devices/0000:03:00.0/driver_override', '\n'],
      ['bus/pci/drivers/igb/bind', '0000:03:00.0'],
      ['bus/usb/drivers_probe', '1-2:1.0'],
    ]);
    assert.equal(driverOf('0000:03:00.0'), 'igb');
    assert.equal(
      readFileSync(path.join(host.roots.sys, 'bus/pci/devices/0000:03:00.0/driver_override'), 'utf8'),
      '(null)\n',
    );
    assert.deepEqual(
      [group3().uid, group3().gid, group3().mode & 0o7777],
      [before.uid, before.gid, before.mode & 0o7777],
    );
  });

  it('undoes a handover vfio-pci refused: the NIC goes back to igb and the override is cleared', async () => {
    host.refuseProbe = true;
    const plan = await planFor(host, ['0000:03:00.0']);
    const undo = undoList();
    await assert.rejects(
      handOver('router', plan, { roots: host.roots, owner: QEMU, write: host.write, undo }),
      {
        code: 'passthrough.bind-failed',
        message: /PCI 0000:03:00\.0 is bound to no driver after the handover, not vfio-pci/,
      },
    );
    await undo.fail();
    assert.equal(driverOf('0000:03:00.0'), 'igb');
    assert.deepEqual(
      host.writes.slice(3).map(([file]) => file),
      [
        'bus/pci/drivers/vfio-pci/unbind',
        'bus/pci/devices/0000:03:00.0/driver_override',
        'bus/pci/drivers/igb/bind',
      ],
    );
  });

  it('refuses when the QEMU account could not open /dev/vfio/vfio, and the undo gives the NIC back', async () => {
    chmodSync(path.join(host.roots.dev, 'vfio/vfio'), 0o600);
    const plan = await planFor(host, ['0000:03:00.0']);
    const undo = undoList();
    await assert.rejects(
      handOver('router', plan, { roots: host.roots, owner: QEMU, write: host.write, undo }),
      {
        code: 'passthrough.bind-failed',
        message: /vfio\/vfio is not open to every account/,
      },
    );
    await undo.fail();
    assert.equal(driverOf('0000:03:00.0'), 'igb');
  });

  it('refuses a USB node that is no longer the device sysfs names, and keeps no descriptor', async () => {
    writeFileSync(path.join(host.roots.sys, 'bus/usb/devices/1-2/dev'), '189:1\n');
    const plan = await planFor(host, [], ['1050:0407']);
    const open = readdirSync('/proc/self/fd').length;
    await assert.rejects(
      handOver('x', plan, { roots: host.roots, owner: QEMU, write: host.write, undo: undoList() }),
      {
        code: 'passthrough.bind-failed',
        message: /is device 0:0, but USB 1-2 is 189:1: it was unplugged or replugged/,
      },
    );
    assert.equal(readdirSync('/proc/self/fd').length, open);
    assert.deepEqual(host.writes, []);
  });

  it('writes nothing for a function already on vfio-pci, and refuses an attribute that does not exist', async () => {
    await host.write(path.join(host.roots.sys, 'bus/pci/drivers/igb/unbind'), '0000:03:00.0');
    await host.write(path.join(host.roots.sys, 'bus/pci/drivers/vfio-pci/bind'), '0000:03:00.0');
    host.writes.length = 0;
    const plan = await planFor(host, ['0000:03:00.0']);
    const { claim } = await handOver('x', plan, {
      roots: host.roots,
      owner: QEMU,
      write: host.write,
      undo: undoList(),
    });
    assert.deepEqual(host.writes, []);
    assert.deepEqual(await giveBack(claim, { roots: host.roots, write: host.write }), []);
    assert.equal(driverOf('0000:03:00.0'), 'vfio-pci');
    const problems = await giveBack(
      { portal: 'x', pci: [{ address: '0000:0f:00.0', iommuGroup: 9, driver: 'gone' }], groups: [], usb: [] },
      { roots: host.roots, write: host.write },
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /\/sys\/bus\/pci\/drivers\/vfio-pci\/unbind.*ENOENT|ENOENT/);
  });
});
