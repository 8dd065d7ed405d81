import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledFormula } from '../../test/support/catalogue.js';
import { cgroupLimitsOf, cgroupV1Writes, cgroupV2Writes, controllersOf } from './limits.js';

describe('cgroup limits', () => {
  it('adds QEMU overhead to the guest memory and leaves the CPU uncapped by default', async () => {
    const manifest = (await bundledFormula('application/console')).manifest;
    assert.deepEqual(cgroupLimitsOf(manifest), {
      cpuWeight: 100,
      cpuMax: null,
      memoryBytes: (256 + 256) * 1024 * 1024,
      pidsMax: 512,
      realtime: false,
    });
  });

  it('turns a CPU cap into a quota per 100 ms period', async () => {
    const manifest = (await bundledFormula('application/console')).manifest;
    const limits = cgroupLimitsOf({ ...manifest, limits: { ...manifest.limits, cpuMax: 1.5 } });
    assert.deepEqual(limits.cpuMax, { quotaMicros: 150_000, periodMicros: 100_000 });
  });

  const limits = {
    cpuWeight: 50,
    cpuMax: { quotaMicros: 50_000, periodMicros: 100_000 },
    memoryBytes: 1024,
    pidsMax: 64,
    realtime: false,
  };

  it("writes v2's unified files, swap held to nothing", () => {
    assert.deepEqual(
      cgroupV2Writes(limits).map((w) => `${w.file}=${w.value}${w.optional ? '?' : ''}`),
      ['cpu.weight=50', 'cpu.max=50000 100000', 'memory.max=1024', 'memory.swap.max=0?', 'pids.max=64'],
    );
    assert.equal(cgroupV2Writes({ ...limits, cpuMax: null })[1]?.value, 'max 100000');
  });

  it("writes v1's files: shares on the 1024 scale, memsw after the limit it may not undercut", () => {
    assert.deepEqual(
      cgroupV1Writes(limits).map((w) => `${w.controller}/${w.file}=${w.value}${w.optional ? '?' : ''}`),
      [
        'cpu/cpu.shares=512',
        'cpu/cpu.cfs_period_us=100000',
        'cpu/cpu.cfs_quota_us=50000',
        'memory/memory.limit_in_bytes=1024',
        'memory/memory.memsw.limit_in_bytes=1024?',
        'pids/pids.max=64',
      ],
    );
    assert.equal(cgroupV1Writes({ ...limits, cpuMax: null })[2]?.value, '-1');
    assert.equal(cgroupV1Writes({ ...limits, cpuWeight: 1 })[0]?.value, '10');
  });

  it("keeps a portal without CPU limits in the daemon's v1 cpu group, where each QEMU thread is one task", () => {
    const plain = { ...limits, cpuWeight: 100, cpuMax: null };
    assert.deepEqual(controllersOf(plain, 1), ['memory', 'pids']);
    assert.deepEqual(controllersOf({ ...plain, cpuWeight: 200 }, 1), ['cpu', 'memory', 'pids']);
    assert.deepEqual(controllersOf(plain, 2), ['cpu', 'memory', 'pids']);
  });

  it("keeps a real-time portal in the daemon's v1 cpu group, where SCHED_FIFO is possible", () => {
    const realtime = { ...limits, realtime: true };
    assert.deepEqual(controllersOf(realtime, 1), ['memory', 'pids']);
    assert.ok(cgroupV1Writes(realtime).every((w) => w.controller !== 'cpu'));
    assert.deepEqual(controllersOf(realtime, 2), ['cpu', 'memory', 'pids']);
  });
});
