/**
 * Real-time placement for real: a console a user pinned to host CPU 1 with SCHED_FIFO priority 10 has each
 * vCPU thread there, as `/proc/<pid>/task/<tid>/status` and `chrt -p` show and `status` reports; a cpuset
 * naming a CPU the host lacks is refused before anything starts; a portal without placement runs its vCPU
 * under the normal scheduler.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { MvError } from '../../../src/errors/index.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const USER_FORMULAS = {
  'application/steady': `extends: application/console
description: a console pinned to host CPU 1 under SCHED_FIFO
machine: { cpuset: "1", priority: 10 }
`,
  'application/elsewhere': `extends: application/console
description: a console asking for a CPU no host here has
machine: { cpuset: "4000" }
`,
};

describe('real-time placement of vCPU threads', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: USER_FORMULAS });
  });
  after(() => daemon.dispose());

  it('pins each vCPU thread and gives it its SCHED_FIFO priority, shown in status', async () => {
    const up = await daemon.call('portal.up', { formula: 'application/steady', name: 'steady' });
    const status = await daemon.call('portal.status', { name: 'steady' });
    assert.equal(status.vcpus.length, 1);
    const [vcpu] = status.vcpus;
    assert.ok(vcpu);
    assert.deepEqual([vcpu.index, vcpu.cpus, vcpu.policy, vcpu.priority], [0, '1', 'fifo', 10]);
    const task = readFileSync(`/proc/${up.pid}/task/${vcpu.thread}/status`, 'utf8');
    assert.match(task, /^Cpus_allowed_list:\s+1$/m);
    const chrt = spawnSync('chrt', ['-p', String(vcpu.thread)], { encoding: 'utf8' });
    assert.match(chrt.stdout, /scheduling policy: SCHED_FIFO/);
    assert.match(chrt.stdout, /scheduling priority: 10/);
    await daemon.call('portal.down', { name: 'steady', force: false });
  });

  it('refuses a cpuset naming a CPU the host does not have, before anything starts', async () => {
    await assert.rejects(
      daemon.call('portal.up', { formula: 'application/elsewhere', name: 'elsewhere' }),
      (error: unknown) => error instanceof MvError && error.code === 'portal.cpuset-unavailable',
    );
    const { portals } = await daemon.call('portal.list', {});
    assert.ok(!portals.some((p) => p.name === 'elsewhere' && p.pid !== null));
  });

  it('leaves a portal without placement under the normal scheduler', async () => {
    await daemon.call('portal.up', { formula: 'application/console', name: 'plain' });
    const [vcpu] = (await daemon.call('portal.status', { name: 'plain' })).vcpus;
    assert.equal(vcpu?.policy, 'other');
    assert.equal(vcpu?.priority, 0);
  });
});
