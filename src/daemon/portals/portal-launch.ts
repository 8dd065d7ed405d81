/**
 * @module Starts one portal's QEMU from its planned instance: the descriptors it inherits (the macvtap
 * uplink's, opened without following links from a root-only folder, then the passed-through devices'), the
 * unprivileged account and the portal namespace, its control group with the plan's limits, and the monitor
 * that watches the process; the stop is registered for undo before anything waits on the guest.
 *
 * QEMU joins its group right after it is spawned, while the launcher chain (namespace, setpriv) is still
 * exec'ing its way to QEMU: a process joins with all its threads and every process it starts later, so the
 * limits hold for all QEMU does; only the launcher's own first page or so stays charged to the daemon.
 */
import { closeSync, constants, openSync } from 'node:fs';
import {
  createPortalCgroup,
  hostCgroups,
  joinPortalCgroup,
  type PortalCgroup,
  portalCgroupOf,
  removePortalCgroup,
} from '../../cgroup/host/index.js';
import { MvError } from '../../errors/index.js';
import { macvtapNodeOf, runFiles } from '../../instance/index.js';
import type { PortalPlan } from '../../plan/index.js';
import { spawnQemu } from '../../qemu/host/index.js';
import type { DaemonConfig } from '../config.js';
import { accountOf } from './account.js';
import type { HostDevices } from './host-devices.js';
import { PortalMonitor } from './monitor.js';
import { processStartTime } from './process-info.js';
import type { Reverter } from './reverter.js';
import { stopQemu } from './stop-portal.js';

/** A started QEMU: its pid, start time and monitor. */
export interface LaunchedPortal {
  readonly pid: number;
  readonly pidStart: string | null;
  readonly monitor: PortalMonitor;
}

/** Spawns the portal's QEMU with its planned argv and watches it; its forced stop is registered for undo. */
export async function launchPortalQemu(
  config: DaemonConfig,
  portal: {
    readonly plan: PortalPlan;
    readonly namespace: string | undefined;
    readonly devices: HostDevices;
    readonly reverter: Reverter;
  },
): Promise<LaunchedPortal> {
  const { plan, devices } = portal;
  const { instance, ports } = plan;
  const cgroup = await portalCgroup(config, instance.name);
  await createPortalCgroup(cgroup.host, cgroup.group, plan.limits);
  portal.reverter.add(`remove control group of ${instance.name}`, () => removePortalCgroup(cgroup.group));
  const passed =
    instance.uplink?.kind === 'fd'
      ? [openSync(macvtapNodeOf(config.runRoot, instance.name), constants.O_RDWR | constants.O_NOFOLLOW)]
      : [];
  const launched = await spawnQemu({
    binary: config.qemuBinary,
    argv: [...plan.argv],
    ...accountOf(config, instance),
    cwd: instance.runDir,
    chroot: runFiles(instance.runDir).jail,
    logFile: runFiles(instance.runDir).qemuLog,
    passFds: [...passed, ...devices.fds],
    ...devices.launch,
    ...(portal.namespace ? { namespace: portal.namespace } : {}),
  }).finally(() => {
    for (const fd of passed) closeSync(fd);
    devices.close();
  });
  const pidStart = processStartTime(launched.pid) ?? null;
  const monitor = new PortalMonitor({
    pid: launched.pid,
    pidStart,
    qmpSocket: ports.qmp.path,
    exited: launched.exited,
  });
  portal.reverter.add(`stop QEMU ${launched.pid}`, async () => {
    monitor.detach();
    await stopQemu(monitor, {
      pid: launched.pid,
      agentSocket: ports.agent.path,
      force: true,
      log: config.log,
    });
  });
  await joinPortalCgroup(cgroup.group, plan.limits, launched.pid);
  return { pid: launched.pid, pidStart, monitor };
}

/** Where a portal's control group is on this host; a host that offers no controllers starts no portal. */
export async function portalCgroup(
  config: DaemonConfig,
  instance: string,
): Promise<{ host: NonNullable<Awaited<ReturnType<typeof hostCgroups>>>; group: PortalCgroup }> {
  const host = await hostCgroups();
  if (!host)
    throw new MvError('host.no-cgroups', 'This host offers no cpu, memory and pids cgroup controllers', {
      hint: 'Portals start only with their limits in force: mount cgroup v2 with those controllers (or the v1 ones).',
    });
  return { host, group: portalCgroupOf(host, config.runRoot, instance) };
}
