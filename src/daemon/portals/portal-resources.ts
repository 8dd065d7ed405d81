/**
 * @module What a running portal uses of its limits, for `status`: its control group's memory and thread
 * counts against their caps (the kernel's counters), and how full its log folder is.
 */
import { statfs } from 'node:fs/promises';
import { hostCgroups, portalCgroupOf, readCgroupUsage } from '../../cgroup/host/index.js';
import { runFiles } from '../../instance/index.js';
import type { DaemonConfig } from '../config.js';
import type { PortalRecord } from '../state/portal-store.js';

/** A running portal's use of its limits. */
export interface PortalResources {
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number;
  readonly pids: number;
  readonly pidsLimit: number;
  readonly logsBytes: number;
  readonly logsLimitBytes: number;
}

/** Reads a running portal's use of its limits; null on a host without control groups. */
export async function readPortalResources(
  config: DaemonConfig,
  record: PortalRecord,
): Promise<PortalResources | null> {
  const host = await hostCgroups();
  if (!host) return null;
  const usage = await readCgroupUsage(portalCgroupOf(host, config.runRoot, record.name));
  const logs = await statfs(runFiles(record.instance.runDir).logs);
  return {
    ...usage,
    logsBytes: (logs.blocks - logs.bfree) * logs.bsize,
    logsLimitBytes: logs.blocks * logs.bsize,
  };
}
