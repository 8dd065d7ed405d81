/**
 * @module What a portal's control group holds it to, from its formula's `limits` and `machine.memory`, and
 * the files that say so under each cgroup version: v2's unified files, or the v1 controllers' own files on
 * hosts whose v2 hierarchy has no controllers. Swap counts against the same cap, so the memory limit cannot
 * be dodged by swapping.
 * Pure: no I/O.
 */
import type { Manifest } from '../formula/index.js';

/** The limits of one portal's QEMU. */
export interface CgroupLimits {
  /** Relative CPU share when the host is busy (100 = even). */
  readonly cpuWeight: number;
  /** A hard CPU-time cap per period, or none. */
  readonly cpuMax: { readonly quotaMicros: number; readonly periodMicros: number } | null;
  /** Guest memory plus QEMU's overhead, in bytes. */
  readonly memoryBytes: number;
  /** Processes and threads at once. */
  readonly pidsMax: number;
  /** Its vCPU threads run under SCHED_FIFO (`machine.priority`). */
  readonly realtime: boolean;
}

/** A controller a portal's group uses. */
export type CgroupController = 'cpu' | 'memory' | 'pids';

/** The controllers every portal's group needs. */
export const CGROUP_CONTROLLERS: readonly CgroupController[] = ['cpu', 'memory', 'pids'];

/** One file of a portal's group and what is written to it, in the order written. */
export interface CgroupWrite {
  readonly controller: CgroupController;
  readonly file: string;
  readonly value: string;
  /** A file some kernels lack (no swap accounting, a retired knob): skipped when it is not there. */
  readonly optional?: true;
}

const PERIOD_MICROS = 100_000;
const MIB = 1024 * 1024;

/** A portal's limits from its manifest. */
export function cgroupLimitsOf(manifest: Manifest): CgroupLimits {
  const { limits } = manifest;
  return {
    cpuWeight: limits.cpuWeight,
    cpuMax:
      limits.cpuMax === null
        ? null
        : { quotaMicros: Math.round(limits.cpuMax * PERIOD_MICROS), periodMicros: PERIOD_MICROS },
    memoryBytes: (manifest.machine.memory + limits.memoryOverhead) * MIB,
    pidsMax: limits.pids,
    realtime: manifest.machine.priority !== null,
  };
}

/**
 * The controllers a portal's group takes under each version. Under v1 a portal takes a cpu group of its own
 * only when its formula limits CPU (a weight other than 100, or a cap): v1 weighs a whole group against each
 * single task of its parent, so a portal in a group of its own at the default weight would get less CPU than
 * before, against every busy process of the host (an image build's, say), and its guest would fall behind;
 * in its parent's group each QEMU thread counts as one task, as the default promises. A real-time portal
 * keeps the daemon's cpu group too: real-time group scheduling gives a new cpu group no SCHED_FIFO budget
 * (and weight and quota do not govern SCHED_FIFO threads).
 */
export function controllersOf(limits: CgroupLimits, version: 1 | 2): readonly CgroupController[] {
  const ownCpu = !limits.realtime && (limits.cpuWeight !== 100 || limits.cpuMax !== null);
  return version === 1 && !ownCpu ? CGROUP_CONTROLLERS.filter((c) => c !== 'cpu') : CGROUP_CONTROLLERS;
}

/** The writes that put a fresh group under `limits` with cgroup v2's unified files. */
export function cgroupV2Writes(limits: CgroupLimits): CgroupWrite[] {
  const cpuMax = limits.cpuMax ? `${limits.cpuMax.quotaMicros}` : 'max';
  return [
    { controller: 'cpu', file: 'cpu.weight', value: `${limits.cpuWeight}` },
    { controller: 'cpu', file: 'cpu.max', value: `${cpuMax} ${PERIOD_MICROS}` },
    { controller: 'memory', file: 'memory.max', value: `${limits.memoryBytes}` },
    { controller: 'memory', file: 'memory.swap.max', value: '0', optional: true },
    { controller: 'pids', file: 'pids.max', value: `${limits.pidsMax}` },
  ];
}

/**
 * The same limits in cgroup v1's files: cpu.shares on its 1024-per-even-share scale, CFS quota and period,
 * and memory with swap (memsw, set after the memory limit it may not undercut).
 */
export function cgroupV1Writes(limits: CgroupLimits): CgroupWrite[] {
  const shares = Math.max(2, Math.round((limits.cpuWeight * 1024) / 100));
  const used = controllersOf(limits, 1);
  const writes: CgroupWrite[] = [
    { controller: 'cpu', file: 'cpu.shares', value: `${shares}` },
    { controller: 'cpu', file: 'cpu.cfs_period_us', value: `${PERIOD_MICROS}` },
    { controller: 'cpu', file: 'cpu.cfs_quota_us', value: `${limits.cpuMax?.quotaMicros ?? -1}` },
    { controller: 'memory', file: 'memory.limit_in_bytes', value: `${limits.memoryBytes}` },
    {
      controller: 'memory',
      file: 'memory.memsw.limit_in_bytes',
      value: `${limits.memoryBytes}`,
      optional: true,
    },
    { controller: 'pids', file: 'pids.max', value: `${limits.pidsMax}` },
  ];
  return writes.filter((write) => used.includes(write.controller));
}
