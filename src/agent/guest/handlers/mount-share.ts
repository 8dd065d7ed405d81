/**
 * @module `mount-share`: mounts every 9p or bind line of /etc/fstab whose target is not mounted yet, in file
 * order (a bind of a folder inside the share needs the share first). One failure does not stop the others;
 * each is reported with its target.
 */
import { isShareEntry, parseFstab, renderMountArgs } from '../fstab.js';
import { parseMounts } from '../proc.js';
import { expectAtMost, runChecked, type VerbHandler } from '../verb-handler.js';

/** `mount-share` → `{mounted: [target], failed: [{target, message}]}`. */
export const mountShare: VerbHandler = async (args, { system }) => {
  expectAtMost(args, 0, 'mount-share');
  const entries = parseFstab(await system.readFile('/etc/fstab')).filter(isShareEntry);
  const active = new Set(parseMounts(await system.readFile('/proc/mounts')).map((mount) => mount.target));
  const mounted: string[] = [];
  const failed: { target: string; message: string }[] = [];
  for (const entry of entries) {
    if (active.has(entry.target)) continue;
    try {
      if (!entry.target.startsWith('/')) throw new Error('target is not an absolute path');
      await system.makeDir(entry.target);
      await runChecked(system, ['/bin/mount', ...renderMountArgs(entry)]);
      active.add(entry.target);
      mounted.push(entry.target);
    } catch (error) {
      failed.push({ target: entry.target, message: (error as Error).message });
    }
  }
  return { result: { mounted, failed } };
};
