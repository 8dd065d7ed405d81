/**
 * @module Durations and sizes for tables: `3s`, `4m12s`, `2h05m`, `256 MiB`.
 * Pure: no I/O.
 */

/** A short human duration. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** KiB as MiB, or "-". */
export function formatKiB(kib: number | null): string {
  return kib === null ? '-' : `${Math.round(kib / 1024)} MiB`;
}
