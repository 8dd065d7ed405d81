/**
 * @module Parsers for the /proc files behind `status` and `mount-share`: uptime, load average, memory and
 * the mount table. Each takes the file's text and returns plain data; a file that does not look as the
 * kernel writes it is an error rather than a guess.
 * Pure: no I/O.
 */
import { MvError } from '../../errors/index.js';

/** One mounted file system, as /proc/mounts lists it (octal escapes such as `\040` decoded). */
export type MountEntry = { readonly source: string; readonly target: string; readonly type: string };

/** Whole seconds since boot, from /proc/uptime. */
export function parseUptime(text: string): number {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(seconds)) throw unreadable('/proc/uptime');
  return Math.floor(seconds);
}

/** The 1, 5 and 15 minute load averages, from /proc/loadavg. */
export function parseLoadAverage(text: string): [number, number, number] {
  const [one, five, fifteen] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (
    one === undefined ||
    five === undefined ||
    fifteen === undefined ||
    [one, five, fifteen].some(Number.isNaN)
  ) {
    throw unreadable('/proc/loadavg');
  }
  return [one, five, fifteen];
}

/** Total and available memory in KiB, from /proc/meminfo. */
export function parseMemInfo(text: string): { totalKiB: number; availableKiB: number } {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match) throw unreadable('/proc/meminfo');
    return Number(match[1]);
  };
  return { totalKiB: field('MemTotal'), availableKiB: field('MemAvailable') };
}

/** The mount table, from /proc/mounts (lines it cannot read are skipped). */
export function parseMounts(text: string): MountEntry[] {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3)
    .map(([source = '', target = '', type = '']) => ({
      source: unescapeOctal(source),
      target: unescapeOctal(target),
      type,
    }));
}

/** Decodes the `\ooo` escapes the kernel and fstab use for spaces, tabs and backslashes. */
export function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function unreadable(file: string): MvError {
  return new MvError('agent.command-failed', `Cannot read ${file}: unexpected format`);
}
