/**
 * @module Turns a stored portal record into what the API reports (`ps`, `status`): state, uptime, memory,
 * accelerator, addresses and display.
 */

import { runFiles } from '../../instance/index.js';
import { isActivePortal, type PortalSummary } from '../../protocol/index.js';
import type { PortalRecord } from '../state/portal-store.js';
import { residentKiB } from './process-info.js';

/** The API view of a record at time `now` (ms since the epoch). */
export function summarize(record: PortalRecord, now: number): PortalSummary {
  const running = isActivePortal(record.state) && record.state !== 'restarting';
  return {
    name: record.name,
    node: record.node,
    portalName: record.manifest.portalName,
    formulaHash: record.formulaHash,
    state: record.state,
    pid: running ? record.pid : null,
    accel: record.instance.accel,
    vcpus: record.manifest.machine.vcpus,
    memoryMiB: record.manifest.machine.memory,
    rssKiB: running && record.pid !== null ? residentKiB(record.pid) : null,
    startedAt: record.startedAt,
    readyAt: record.readyAt,
    stoppedAt: record.stoppedAt,
    uptimeSeconds:
      running && record.startedAt !== null ? Math.max(0, Math.round((now - record.startedAt) / 1000)) : null,
    exitReason: record.exitReason,
    addresses: record.instance.nics.map((nic) => ({
      network: nic.network,
      address: nic.address,
      mac: nic.mac,
    })),
    display: displayOf(record),
    restart: {
      policy: record.manifest.restart,
      restarts: record.restarts,
      nextAt: record.state === 'restarting' ? record.nextRestartAt : null,
    },
  };
}

/** Where a graphical portal's display listens (the socket exists only while the portal runs). */
function displayOf(record: PortalRecord): PortalSummary['display'] {
  const { display } = record.manifest.devices;
  if (display === 'none') return null;
  return { protocol: display, socket: runFiles(record.instance.runDir)[display] };
}
