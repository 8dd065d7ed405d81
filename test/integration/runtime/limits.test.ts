/**
 * A portal's resource limits for real: its QEMU runs in a control group of its own with the formula's
 * limits in the kernel's files (cgroup v2, or v1 where the host has no v2 controllers, as here), charged
 * for its memory and threads; its disks read no faster than the formula's cap; a guest that writes without end to its console and its status channel fills
 * only its own size-capped log folder, the console log rotating so its latest lines are kept, while QEMU,
 * the daemon and its audit log carry on; stopping it removes the group and the folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostCgroups, portalCgroupOf } from '../../../src/cgroup/host/index.js';
import { runFiles } from '../../../src/instance/index.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { auditEntries } from '../../support/signed-client.js';

const MIB = 1024 * 1024;

const USER_FORMULAS = {
  'application/bounded': `extends: application/console
description: a console held to half a CPU, 128 MiB over its memory and 200 threads
limits: { cpuWeight: 50, cpuMax: 0.5, memoryOverhead: 128, pids: 200 }
`,
  'application/slow-disks': `extends: application/console
description: a console whose disks may read and write 2 MiB a second together
limits: { diskBandwidth: 2 }
`,
  'application/chatty': `extends: application/console
description: a console with a log folder of 1 MiB
limits: { logs: 1 }
`,
};

type RunResult = { exitCode: number; stdout: string; stderr: string };

function shell(daemon: TestDaemon, name: string, script: string): Promise<RunResult> {
  return daemon
    .call('portal.exec', { name, verb: 'run', args: ['/bin/busybox', 'sh', '-c', script] })
    .then((r) => r.result as RunResult);
}

/** Each `controller:path` line of a process's /proc/<pid>/cgroup. */
function groupsOf(pid: number): Map<string, string> {
  const groups = new Map<string, string>();
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
    const [, controllers = '', group = ''] = line.split(':');
    for (const controller of controllers.split(',')) groups.set(controller, group);
  }
  return groups;
}

const read = (file: string) => readFileSync(file, 'utf8').trim();

describe('resource limits and capped logs', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: USER_FORMULAS });
  });
  after(() => daemon.dispose());

  it("runs QEMU in the portal's own control group under the formula's limits", async () => {
    const up = await daemon.call('portal.up', { formula: 'application/bounded', name: 'bounded' });
    const { resources } = await daemon.call('portal.status', { name: 'bounded' });
    assert.equal(resources?.memoryLimitBytes, (256 + 128) * MIB, 'status shows the memory limit');
    assert.ok((resources?.memoryBytes ?? 0) > 0, 'and what QEMU uses of it');
    assert.deepEqual([resources?.pidsLimit, (resources?.pids ?? 0) > 1], [200, true]);
    assert.equal(resources?.logsLimitBytes, 16 * MIB, 'and its log folder, 16 MiB by default');
    const host = await hostCgroups();
    assert.ok(host, 'this host offers cgroup controllers');
    const group = portalCgroupOf(host, daemon.run, 'bounded');
    const memory = (256 + 128) * MIB;
    if (host.version === 2) {
      const [dir = ''] = group.dirs;
      assert.ok(dir.endsWith(groupsOf(up.pid ?? 0).get('') ?? '-'), `QEMU is in ${dir}`);
      assert.equal(read(`${dir}/memory.max`), `${memory}`);
      assert.equal(read(`${dir}/pids.max`), '200');
      assert.equal(read(`${dir}/cpu.weight`), '50');
      assert.equal(read(`${dir}/cpu.max`), '50000 100000');
      assert.ok(Number(read(`${dir}/memory.current`)) > 0, 'QEMU memory is charged to the group');
      assert.ok(Number(read(`${dir}/pids.current`)) > 1, "QEMU's threads count in the group");
    } else {
      const [cpu = '', memoryDir = '', pids = ''] = group.dirs;
      const groups = groupsOf(up.pid ?? 0);
      for (const [controller, dir] of [
        ['cpu', cpu],
        ['memory', memoryDir],
        ['pids', pids],
      ] as const) {
        assert.ok(dir.endsWith(groups.get(controller) ?? '-'), `QEMU is in ${dir} (${controller})`);
        assert.match(groups.get(controller) ?? '', /\/multiverse-[0-9a-f]{8}\/bounded$/);
      }
      assert.equal(read(`${memoryDir}/memory.limit_in_bytes`), `${memory}`);
      assert.equal(read(`${pids}/pids.max`), '200');
      assert.equal(read(`${cpu}/cpu.shares`), '512');
      assert.equal(read(`${cpu}/cpu.cfs_quota_us`), '50000');
      assert.equal(read(`${cpu}/cpu.cfs_period_us`), '100000');
      assert.ok(
        Number(read(`${memoryDir}/memory.usage_in_bytes`)) > 0,
        'QEMU memory is charged to the group',
      );
      assert.ok(Number(read(`${pids}/pids.current`)) > 1, "QEMU's threads count in the group");
    }
  });

  it("holds the guest's disks to the formula's rate (a QEMU throttle group below the guest)", async () => {
    // 6 MiB read straight from the root disk, the guest's page cache dropped first: at 2 MiB/s that takes
    // about 3 s longer than without a cap, however fast this host is (a slower host only takes longer).
    const timedRead = async (name: string) => {
      const started = performance.now();
      const read = await shell(
        daemon,
        name,
        'echo 3 > /proc/sys/vm/drop_caches; busybox dd if=/dev/vda of=/dev/null bs=1048576 count=6',
      );
      assert.match(read.stderr, /^6\+0 records in/m, `${name} read all 6 MiB`);
      return performance.now() - started;
    };
    const uncappedMs = await timedRead('bounded');
    await daemon.call('portal.down', { name: 'bounded', force: false });
    await daemon.call('portal.up', { formula: 'application/slow-disks', name: 'slow-disks' });
    const cappedMs = await timedRead('slow-disks');
    assert.ok(
      cappedMs - uncappedMs >= 2_000,
      `capped ${Math.round(cappedMs)} ms against ${Math.round(uncappedMs)} ms uncapped: not held to 2 MiB/s`,
    );
    await daemon.call('portal.down', { name: 'slow-disks', force: false });
  });

  it('caps what the guest writes to its console and status channel; everything else carries on', async () => {
    await daemon.call('portal.up', { formula: 'application/chatty', name: 'chatty' });
    const files = runFiles(path.join(daemon.run, 'portals', 'chatty'));
    // 768 KiB through the serial console, 64 KiB a second: three times what the console log holds before it
    // rotates, at a pace the rotation keeps up with.
    const flood = await shell(
      daemon,
      'chatty',
      'i=0; while [ $i -lt 12 ]; do busybox head -c 65536 /dev/zero | busybox tr "\\0" x > /dev/ttyS0; busybox sleep 1; i=$((i+1)); done; echo flood-done > /dev/ttyS0; echo ok',
    );
    assert.equal(flood.stdout.trim(), 'ok');
    await sleep(3_000);
    assert.ok(existsSync(files.consoleLogOld), 'the console log was rotated');
    assert.match(
      read(files.consoleLog) + read(files.consoleLogOld),
      /flood-done/,
      'the latest lines are kept',
    );
    // Then the status channel, without end, until the folder is full.
    const status = await shell(
      daemon,
      'chatty',
      'for p in /sys/class/virtio-ports/*; do [ "$(cat $p/name)" = org.multiverse-os.status ] && port=/dev/$(busybox basename $p); done; busybox timeout 10 busybox yes status-flood > $port; echo ok',
    );
    assert.equal(status.stdout.trim(), 'ok');
    const used = ['consoleLog', 'consoleLogOld', 'status', 'qemuLog'] as const;
    const total = used.reduce(
      (sum, key) => sum + (existsSync(files[key]) ? statSync(files[key]).size : 0),
      0,
    );
    assert.ok(total <= 1 * MIB, `the log folder holds ${total} bytes, at most its 1 MiB`);
    assert.ok(total > 0.75 * MIB, `the guest filled its log folder (${total} bytes)`);
    assert.ok(statSync(files.status).size > 0, 'the guest did write to its status channel');
    // QEMU, the agent, the daemon and its audit log all still work.
    assert.equal((await shell(daemon, 'chatty', 'echo alive')).stdout.trim(), 'alive');
    const { portals } = await daemon.call('portal.list', {});
    assert.equal(portals.find((p) => p.name === 'chatty')?.state, 'ready');
    assert.equal(auditEntries(daemon.state).at(-1)?.verb, 'portal.list');
  });

  it('keeps the console log when the portal stops, and removes its group and log folder', async () => {
    await daemon.call('portal.down', { name: 'chatty', force: false });
    const logs = await daemon.call('portal.logs', { name: 'chatty' });
    assert.match(logs.text, /flood-done/);
    const host = await hostCgroups();
    assert.ok(host);
    for (const dir of portalCgroupOf(host, daemon.run, 'chatty').dirs)
      assert.ok(!existsSync(dir), `${dir} removed`);
  });
});
