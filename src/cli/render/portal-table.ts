/**
 * @module The portal table of `portalgun ps` and `scramble run ps`: name, formula, state, uptime, memory,
 * resident memory, accelerator and QEMU's pid.
 * Pure: no I/O.
 */
import type { PortalSummary } from '../../protocol/index.js';
import { renderColumns } from './columns.js';
import { formatDuration, formatKiB } from './duration.js';

/** The table text for a list of portals. */
export function renderPortalTable(portals: readonly PortalSummary[]): string {
  const rows = portals.map((p) => [
    p.name,
    p.node,
    p.state,
    formatDuration(p.uptimeSeconds),
    `${p.memoryMiB} MiB`,
    formatKiB(p.rssKiB),
    p.accel,
    p.pid === null ? '-' : String(p.pid),
  ]);
  return renderColumns([['NAME', 'FORMULA', 'STATE', 'UPTIME', 'MEMORY', 'RSS', 'ACCEL', 'PID'], ...rows]);
}
