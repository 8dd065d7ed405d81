/**
 * @module Reads the portal's /etc/fstab for `mount-share`: which lines are shares (9p, or bind mounts of
 * folders inside the share) and the `/bin/mount` argv for each. The options `nofail` and `x-mount.mkdir`
 * are for boot-time mounting by init and are dropped: the agent reports failures itself and creates the
 * target beforehand.
 * Pure: no I/O.
 */
import { unescapeOctal } from './proc.js';

/** One fstab line. */
export interface FstabEntry {
  readonly source: string;
  readonly target: string;
  readonly type: string;
  readonly options: readonly string[];
}

/** The entries of an fstab (comments, blank lines and lines of fewer than three fields are skipped). */
export function parseFstab(text: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  for (const line of text.split('\n')) {
    const [source, target, type, options = 'defaults'] = line.trim().split(/\s+/);
    if (!source || source.startsWith('#') || target === undefined || type === undefined) continue;
    entries.push({
      source: unescapeOctal(source),
      target: normaliseTarget(unescapeOctal(target)),
      type,
      options: options.split(',').filter((option) => option !== ''),
    });
  }
  return entries;
}

/** Whether `mount-share` handles an entry: a 9p share or a bind mount. */
export function isShareEntry(entry: FstabEntry): boolean {
  return entry.type === '9p' || entry.options.includes('bind');
}

/** The `/bin/mount` arguments for an entry: `-t type [-o options] source target`. */
export function renderMountArgs(entry: FstabEntry): string[] {
  const options = entry.options.filter(
    (option) => option !== 'nofail' && option !== 'x-mount.mkdir' && !option.startsWith('x-mount.mkdir='),
  );
  return [
    '-t',
    entry.type,
    ...(options.length > 0 ? ['-o', options.join(',')] : []),
    entry.source,
    entry.target,
  ];
}

function normaliseTarget(target: string): string {
  return target.length > 1 ? target.replace(/\/+$/, '') : target;
}
