/**
 * @module Real-time placement of a portal's vCPU threads (`machine.cpuset`, `machine.priority`): once QEMU
 * runs, the daemon asks QMP which host thread runs each vCPU and sets its CPU affinity (taskset) and
 * SCHED_FIFO priority (chrt) from outside, as root; QEMU's own sandbox forbids it to change either
 * (resourcecontrol=deny). `readVcpus` reads back what each thread has, for `status`.
 */
import { readFile } from 'node:fs/promises';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import type { Manifest } from '../../formula/index.js';
import { parseCpuList, type ThreadPlacement, threadPlacement } from '../../probe/index.js';
import { type QmpExecutor, queryCpusFast } from '../../qemu/index.js';

/** One vCPU, its host thread and how that thread is placed. */
export interface VcpuPlacement extends ThreadPlacement {
  readonly index: number;
  readonly thread: number;
}

/** Whether a formula asks for any placement. */
export function wantsPlacement(manifest: Manifest): boolean {
  return manifest.machine.cpuset !== null || manifest.machine.priority !== null;
}

/** Refuses a cpuset naming a CPU this host does not have online, before anything starts. */
export async function requireOnlineCpus(manifest: Manifest): Promise<void> {
  const { cpuset } = manifest.machine;
  if (cpuset === null) return;
  const online = new Set(parseCpuList(await readFile('/sys/devices/system/cpu/online', 'utf8')) ?? []);
  const missing = (parseCpuList(cpuset) ?? []).filter((cpu) => !online.has(cpu));
  if (missing.length > 0) {
    throw new MvError(
      'portal.cpuset-unavailable',
      `${manifest.node} asks for CPUs ${cpuset}, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not online on this host`,
      { hint: 'Name CPUs this host has (see /sys/devices/system/cpu/online) in machine.cpuset.' },
    );
  }
}

/** Pins every vCPU thread of a running QEMU and gives it its real-time priority, as the formula says. */
export async function placeVcpus(qmp: QmpExecutor, manifest: Manifest): Promise<void> {
  const { cpuset, priority } = manifest.machine;
  for (const cpu of await queryCpusFast(qmp, { timeoutMs: 5_000 })) {
    const thread = String(cpu.threadId);
    if (cpuset !== null) await runCommand('taskset', ['--pid', '--cpu-list', cpuset, thread]);
    if (priority !== null) await runCommand('chrt', ['--fifo', '--pid', String(priority), thread]);
  }
}

/** Each vCPU of a running QEMU with its thread's placement (threads that ended meanwhile are left out). */
export async function readVcpus(qmp: QmpExecutor, pid: number): Promise<VcpuPlacement[]> {
  const placed: VcpuPlacement[] = [];
  for (const cpu of await queryCpusFast(qmp, { timeoutMs: 5_000 })) {
    const task = `/proc/${pid}/task/${cpu.threadId}`;
    const [stat, status] = await Promise.all([
      readFile(`${task}/stat`, 'utf8').catch(() => ''),
      readFile(`${task}/status`, 'utf8').catch(() => ''),
    ]);
    const placement = threadPlacement(stat, status);
    if (placement) placed.push({ index: cpu.cpuIndex, thread: cpu.threadId, ...placement });
  }
  return placed;
}
