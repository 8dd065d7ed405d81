/**
 * @module What a (re)started daemon does first: every portal the database says is running is checked
 * against /proc. A QEMU that is still the same process (pid and start time) is re-adopted: watched again
 * and reachable through QMP. One that died while the daemon was away is cleaned up and handed to the
 * restart policy (as a failure: nobody saw how it ended); one that was waiting to restart is scheduled again.
 */

import { portsOfInstance } from '../../plan/index.js';
import { isActivePortal } from '../../protocol/index.js';
import type { DaemonConfig } from '../config.js';
import type { PortalStore } from '../state/portal-store.js';
import { PortalMonitor } from './monitor.js';
import { cleanupRunDir } from './portal-files.js';
import type { PortalManager } from './portal-manager.js';
import { isSameProcessAlive } from './process-info.js';

/** Re-adopts or reaps every portal left running by an earlier daemon; returns the names re-adopted. */
export async function adoptPortals(
  config: DaemonConfig,
  store: PortalStore,
  manager: PortalManager,
): Promise<string[]> {
  const adopted: string[] = [];
  for (const record of store.list()) {
    if (!isActivePortal(record.state)) continue;
    if (record.state === 'restarting') {
      manager.resumeRestart(record);
      config.log(`${record.name}: restart pending, resumed`);
      continue;
    }
    const alive = record.pid !== null && isSameProcessAlive(record.pid, record.pidStart);
    if (alive && record.state === 'ready' && record.pid !== null) {
      const monitor = new PortalMonitor({
        pid: record.pid,
        pidStart: record.pidStart,
        qmpSocket: portsOfInstance(record.manifest, record.instance).qmp.path,
      });
      await monitor
        .connect(5_000)
        .catch((error: unknown) =>
          config.log(`${record.name}: QMP not reachable on re-adoption: ${String(error)}`),
        );
      manager.supervise(record.name, monitor);
      adopted.push(record.name);
      config.log(`re-adopted ${record.name} (pid ${record.pid})`);
      continue;
    }
    if (!alive && record.state === 'ready') {
      config.log(`${record.name}: QEMU ended while the daemon was away`);
      await manager.afterExit(record, { clean: false });
      continue;
    }
    if (alive && record.pid !== null) {
      // A start or stop was cut short by the daemon's death: finish it the safe way, by stopping.
      process.kill(record.pid, 'SIGKILL');
    }
    store.update(record.name, {
      state: record.state === 'stopping' ? 'stopped' : 'crashed',
      pid: null,
      stoppedAt: config.clock(),
      exitReason: alive
        ? `interrupted while ${record.state} by a daemon restart`
        : 'QEMU ended while the daemon was away',
    });
    await cleanupRunDir(config, record.name, record.instance.runDir);
    await manager.releaseNetwork(record);
    config.log(`${record.name}: was ${record.state}, now cleaned up`);
  }
  return adopted;
}
