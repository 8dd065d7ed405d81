/**
 * @module What a portal's share holds, so `rm` can ask before deleting someone's files: the number and total
 * size of everything in it that is not a folder (the empty folders a formula's `share.subfolders` creates are
 * not data). Never follows a symbolic link: the guest writes the share and may point links anywhere. Reads only.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Files (and links, sockets, …) below a share and their total size in bytes. */
export interface ShareUsage {
  readonly files: number;
  readonly bytes: number;
}

/** What `dir` holds; a share that does not exist holds nothing. */
export async function readShareUsage(dir: string): Promise<ShareUsage> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  let files = 0;
  let bytes = 0;
  for (const entry of entries) {
    if (entry.isDirectory()) continue;
    files += 1;
    const info = await lstat(path.join(entry.parentPath, entry.name)).catch(() => undefined);
    bytes += info?.size ?? 0;
  }
  return { files, bytes };
}

/** "3 files (12.0 KiB)" */
export function describeUsage(usage: ShareUsage): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let size = usage.bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  const amount = unit === 0 ? `${size} bytes` : `${size.toFixed(1)} ${units[unit]}`;
  return `${usage.files} ${usage.files === 1 ? 'file' : 'files'} (${amount})`;
}
