/**
 * @module The portal table of `portalgun ps` and `scramble run ps`: name, formula, state (with the daemon's
 * restarts in a row), uptime, memory, resident memory, accelerator and QEMU's pid.
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
    stateCell(p),
    formatDuration(p.uptimeSeconds),
    `${p.memoryMiB} MiB`,
    formatKiB(p.rssKiB),
    p.accel,
    p.pid === null ? '-' : String(p.pid),
  ]);
  return renderColumns([['NAME', 'FORMULA', 'STATE', 'UPTIME', 'MEMORY', 'RSS', 'ACCEL', 'PID'], ...rows]);
}

/** The state, with the restarts in a row when the daemon restarted the portal: `restarting (2)`, `ready (1 restart)`. */
function stateCell(p: PortalSummary): string {
  const { restarts } = p.restart;
  if (p.state === 'restarting') return `restarting (${restarts})`;
  if (restarts === 0 || (p.state !== 'ready' && p.state !== 'crashed')) return p.state;
  return `${p.state} (${restarts} restart${restarts === 1 ? '' : 's'})`;
}
