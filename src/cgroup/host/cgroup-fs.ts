/**
 * @module A portal's control group on this host: found, made, joined and removed. The daemon's own group
 * is the parent (so a daemon that is itself confined keeps its portals inside its confinement), then one
 * group per daemon (its run folder's hash, so test daemons never share one) and one per portal. cgroup v2 is
 * used when its hierarchy offers the cpu, memory and pids controllers; otherwise the v1 hierarchies of those
 * controllers; a host with neither cannot cap a portal, and no portal starts there.
 */
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sha256Hex } from '../../digest/index.js';
import { MvError } from '../../errors/index.js';
import { unescapeMountField } from '../../files/index.js';
import {
  CGROUP_CONTROLLERS,
  type CgroupController,
  type CgroupLimits,
  cgroupV1Writes,
  cgroupV2Writes,
  controllersOf,
} from '../limits.js';

/** Where this daemon's own group sits in the cgroup hierarchies it uses. */
export type CgroupHost =
  | { readonly version: 2; readonly parent: string }
  | { readonly version: 1; readonly parents: Readonly<Record<CgroupController, string>> };

/** One portal's group: its folder in each hierarchy (v1: one per controller, in CGROUP_CONTROLLERS order). */
export interface PortalCgroup {
  readonly version: 1 | 2;
  readonly dirs: readonly string[];
}

/** The folders of the hierarchies a portal under `limits` takes (controllersOf). */
function usedDirs(group: PortalCgroup, limits: CgroupLimits): string[] {
  if (group.version === 2) return [...group.dirs];
  return controllersOf(limits, 1).map((c) => group.dirs[CGROUP_CONTROLLERS.indexOf(c)] ?? '');
}

interface CgroupMount {
  readonly point: string;
  readonly v2: boolean;
  readonly controllers: readonly string[];
}

/** The cgroup mounts in a mountinfo text. */
export function cgroupMountsOf(mountinfo: string): CgroupMount[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' '))
    .flatMap((fields) => {
      const dash = fields.indexOf('-');
      const type = fields[dash + 1];
      const point = fields[4];
      if (dash < 0 || !point || (type !== 'cgroup' && type !== 'cgroup2')) return [];
      const options = (fields[dash + 3] ?? '').split(',');
      return [{ point: unescapeMountField(point), v2: type === 'cgroup2', controllers: options }];
    });
}

/** This process's group per hierarchy from /proc/self/cgroup: `""` for v2's, else each v1 controller's. */
export function ownGroupsOf(procCgroup: string): Map<string, string> {
  const groups = new Map<string, string>();
  for (const line of procCgroup.split('\n')) {
    const [, controllers, group] = line.match(/^\d+:([^:]*):(.*)$/) ?? [];
    if (controllers === undefined || group === undefined) continue;
    for (const controller of controllers === '' ? [''] : controllers.split(','))
      groups.set(controller, group);
  }
  return groups;
}

let detected: Promise<CgroupHost | null> | undefined;

/** The hierarchies this host offers the daemon (found once), or null when it can cap no portal. */
export function hostCgroups(): Promise<CgroupHost | null> {
  detected ??= detect();
  return detected;
}

async function detect(): Promise<CgroupHost | null> {
  const mounts = cgroupMountsOf(await readFile('/proc/self/mountinfo', 'utf8'));
  const own = ownGroupsOf(await readFile('/proc/self/cgroup', 'utf8'));
  const unified = mounts.find((m) => m.v2);
  if (unified) {
    const parent = path.join(unified.point, own.get('') ?? '/');
    const offered = await readFile(path.join(parent, 'cgroup.controllers'), 'utf8').catch(() => '');
    if (CGROUP_CONTROLLERS.every((c) => offered.split(/\s+/).includes(c))) return { version: 2, parent };
  }
  const parents: Partial<Record<CgroupController, string>> = {};
  for (const controller of CGROUP_CONTROLLERS) {
    const mount = mounts.find((m) => !m.v2 && m.controllers.includes(controller));
    if (!mount) return null;
    parents[controller] = path.join(mount.point, own.get(controller) ?? '/');
  }
  return { version: 1, parents: parents as Record<CgroupController, string> };
}

/** The group of portal `instance` of the daemon whose run folder is `runRoot`. */
export function portalCgroupOf(host: CgroupHost, runRoot: string, instance: string): PortalCgroup {
  const relative = [`multiverse-${sha256Hex(runRoot).slice(0, 8)}`, instance];
  if (host.version === 2) return { version: 2, dirs: [path.join(host.parent, ...relative)] };
  return { version: 1, dirs: CGROUP_CONTROLLERS.map((c) => path.join(host.parents[c], ...relative)) };
}

/** Makes a portal's group (or takes over the one a crash left) and writes its limits. */
export async function createPortalCgroup(
  host: CgroupHost,
  group: PortalCgroup,
  limits: CgroupLimits,
): Promise<void> {
  try {
    if (host.version === 2) {
      const [dir = ''] = group.dirs;
      // Each level below the daemon's own group hands the controllers down to the next.
      for (const level of [host.parent, path.dirname(dir)]) {
        await mkdir(level, { recursive: true });
        await writeFile(path.join(level, 'cgroup.subtree_control'), '+cpu +memory +pids');
      }
      await mkdir(dir, { recursive: true });
      await writeLimits(() => dir, cgroupV2Writes(limits));
      return;
    }
    const dirOf = (controller: CgroupController) => group.dirs[CGROUP_CONTROLLERS.indexOf(controller)] ?? '';
    for (const dir of usedDirs(group, limits)) await mkdir(dir, { recursive: true });
    await writeLimits(dirOf, cgroupV1Writes(limits));
  } catch (error) {
    throw cgroupError('make', group, error);
  }
}

async function writeLimits(
  dirOf: (controller: CgroupController) => string,
  writes: ReturnType<typeof cgroupV2Writes>,
): Promise<void> {
  for (const write of writes) {
    await writeFile(path.join(dirOf(write.controller), write.file), write.value).catch(
      (error: NodeJS.ErrnoException) => {
        if (!(write.optional && error.code === 'ENOENT')) throw error;
      },
    );
  }
}

/** What a portal's group uses now against its limits (the kernel's own counters). */
export interface CgroupUsage {
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number;
  readonly pids: number;
  readonly pidsLimit: number;
}

/** Reads a portal's memory and thread counts and their limits from its group. */
export async function readCgroupUsage(group: PortalCgroup): Promise<CgroupUsage> {
  const number = async (dir: string | undefined, file: string) =>
    Number((await readFile(path.join(dir ?? '', file), 'utf8')).trim());
  if (group.version === 2) {
    const [dir] = group.dirs;
    return {
      memoryBytes: await number(dir, 'memory.current'),
      memoryLimitBytes: await number(dir, 'memory.max'),
      pids: await number(dir, 'pids.current'),
      pidsLimit: await number(dir, 'pids.max'),
    };
  }
  const dirOf = (controller: CgroupController) => group.dirs[CGROUP_CONTROLLERS.indexOf(controller)];
  return {
    memoryBytes: await number(dirOf('memory'), 'memory.usage_in_bytes'),
    memoryLimitBytes: await number(dirOf('memory'), 'memory.limit_in_bytes'),
    pids: await number(dirOf('pids'), 'pids.current'),
    pidsLimit: await number(dirOf('pids'), 'pids.max'),
  };
}

/** Moves a process (all its threads) into the portal's group, in each hierarchy its limits take. */
export async function joinPortalCgroup(
  group: PortalCgroup,
  limits: CgroupLimits,
  pid: number,
): Promise<void> {
  try {
    for (const dir of usedDirs(group, limits)) await writeFile(path.join(dir, 'cgroup.procs'), `${pid}`);
  } catch (error) {
    throw cgroupError('join', group, error);
  }
}

/**
 * Removes a portal's group once its processes are gone; a group that is already gone (or a hierarchy a
 * real-time portal never took) is fine. The kernel
 * refuses to remove a group while an exiting process still counts in it, so that is waited out briefly.
 */
export async function removePortalCgroup(group: PortalCgroup): Promise<void> {
  for (const dir of group.dirs) {
    for (let attempt = 0; ; attempt++) {
      const error = await rmdir(dir).then(
        () => undefined,
        (e: NodeJS.ErrnoException) => e,
      );
      if (!error || error.code === 'ENOENT') break;
      if (error.code !== 'EBUSY' || attempt >= 50) throw cgroupError('remove', group, error);
      await sleep(100);
    }
  }
}

function cgroupError(what: 'make' | 'join' | 'remove', group: PortalCgroup, cause: unknown): MvError {
  return new MvError(
    'host.cgroup-failed',
    `Cannot ${what} the portal's control group ${group.dirs[0] ?? ''}: ${(cause as Error).message}`,
    {
      cause,
      hint:
        group.version === 2
          ? 'Run the daemon as root in a cgroup it may manage (systemd: Delegate=yes), with the cpu, memory and pids controllers enabled.'
          : 'Run the daemon as root with the cpu, memory and pids cgroup controllers mounted.',
    },
  );
}
