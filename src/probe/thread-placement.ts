/**
 * @module Where a host thread may run and how it is scheduled, read from its /proc texts
 * (`/proc/<pid>/task/<tid>/stat` and `status`, see proc(5)), and CPU lists as the kernel writes them
 * (`0-1`, `0,2-3`), for the real-time placement of vCPU threads (machine.cpuset, machine.priority).
 * Pure: no I/O.
 */

/** The scheduling policies, by the names chrt uses. */
export const SCHEDULING_POLICIES = ['other', 'fifo', 'rr', 'batch', 'idle', 'deadline'] as const;

/** A scheduling policy. */
export type SchedulingPolicy = (typeof SCHEDULING_POLICIES)[number];

/** Where a thread may run and how it is scheduled. */
export interface ThreadPlacement {
  /** Its CPU affinity as a CPU list (`Cpus_allowed_list`). */
  readonly cpus: string;
  readonly policy: SchedulingPolicy;
  /** Its real-time priority (0 outside fifo and rr). */
  readonly priority: number;
}

/** The policies by their number in proc(5)'s `policy` field (4, SCHED_ISO, was never merged). */
const POLICIES: readonly SchedulingPolicy[] = ['other', 'fifo', 'rr', 'batch', 'other', 'idle', 'deadline'];

/** The CPUs of a CPU list; undefined when the text is not one. */
export function parseCpuList(text: string): number[] | undefined {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) return undefined;
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) return undefined;
    for (let cpu = first; cpu <= last; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** A thread's placement from its `stat` and `status` texts; undefined when either is not as proc(5) says. */
export function threadPlacement(stat: string, status: string): ThreadPlacement | undefined {
  // The name in parentheses may hold spaces and parentheses: fields are counted after the last ")".
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  // Fields 40 (rt_priority) and 41 (policy) of proc(5), counted from 3 after the name.
  const priority = Number(fields[40 - 3]);
  const policy = POLICIES[Number(fields[41 - 3])];
  const cpus = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1];
  if (!Number.isInteger(priority) || policy === undefined || cpus === undefined) return undefined;
  return { cpus, policy, priority };
}
