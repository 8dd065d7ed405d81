/**
 * @module `status`: uptime, load, memory, hostname, processes and mounts, all read from /proc so that it
 * works on a bare busybox guest, and for routers what their hop is doing (router-status.ts).
 */
import { parseLoadAverage, parseMemInfo, parseMounts, parseUptime } from '../proc.js';
import { readRouterStatus } from '../router-status.js';
import type { GuestSystem } from '../system.js';
import { expectAtMost, type VerbHandler } from '../verb-handler.js';
import { HOSTNAME_FILE } from './basic.js';

/** `status` → `{uptimeSeconds, load, memory, hostname, processes, mounts, router}`. */
export const status: VerbHandler = async (args, { system }) => {
  expectAtMost(args, 0, 'status');
  const [uptime, load, memory, name, processes, mounts, router] = await Promise.all([
    system.readFile('/proc/uptime'),
    system.readFile('/proc/loadavg'),
    system.readFile('/proc/meminfo'),
    system.readFile(HOSTNAME_FILE),
    readProcesses(system),
    system.readFile('/proc/mounts'),
    readRouterStatus(system),
  ]);
  return {
    result: {
      uptimeSeconds: parseUptime(uptime),
      load: parseLoadAverage(load),
      memory: parseMemInfo(memory),
      hostname: name.trim(),
      processes,
      mounts: parseMounts(mounts),
      router,
    },
  };
};

async function readProcesses(system: GuestSystem): Promise<{ pid: number; name: string }[]> {
  const pids = (await system.listDir('/proc'))
    .filter((entry) => /^[0-9]+$/.test(entry))
    .map(Number)
    .sort((a, b) => a - b);
  const named = await Promise.all(
    pids.map(async (pid) => {
      try {
        return { pid, name: (await system.readFile(`/proc/${pid}/comm`)).replace(/\n$/, '') };
      } catch {
        // The process exited between listing /proc and reading it: it is simply no longer running.
        return undefined;
      }
    }),
  );
  return named.filter((process) => process !== undefined);
}
