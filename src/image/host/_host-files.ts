/**
 * @module Finds the host files a micro image copies in, the way dracut does: the programs of a Debian
 * package (from `dpkg -L`) and, for every ELF program, the shared libraries it loads (from `ldd`), each
 * kept at its host path so the dynamic loader finds it in the guest.
 */
import { realpath, stat } from 'node:fs/promises';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';

/** A host file to copy into an image at the same path. */
export interface HostFile {
  readonly path: string;
  readonly source: string;
  readonly mode: number;
}

/** The library paths in `ldd` output (both `name => /path (addr)` and `/path (addr)` lines). */
export function parseLdd(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const match = /=>\s+(\/\S+)\s+\(/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match?.[1]) paths.push(match[1]);
  }
  return paths;
}

/** Package files worth copying: programs, libraries and configuration, not docs, man pages or units. */
export function isImageWorthy(file: string): boolean {
  return /^\/(usr\/)?(s?bin|lib)\//.test(file) || /^\/etc\//.test(file)
    ? !/^\/(usr\/)?lib\/systemd\//.test(file)
    : false;
}

async function isRegularFile(file: string): Promise<{ mode: number } | undefined> {
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? { mode: info.mode & 0o7777 } : undefined;
}

/** The regular files of an installed package that belong in an image. */
export async function packageFiles(pkg: string): Promise<HostFile[]> {
  const listed = await runCommand('dpkg', ['-L', pkg]).catch((cause: unknown) => {
    throw new MvError('image.missing-package', `Package "${pkg}" is not installed on this host`, {
      hint: `Micro images copy programs from the host: apt-get install --no-install-recommends ${pkg}`,
      cause,
    });
  });
  const files: HostFile[] = [];
  for (const file of listed.stdout.toString().split('\n').filter(isImageWorthy)) {
    const info = await isRegularFile(file);
    if (info) files.push({ path: file, source: await realpath(file), mode: info.mode });
  }
  return files;
}

/** The shared libraries of the given programs (statically linked ones have none). */
export async function sharedLibraries(programs: readonly string[]): Promise<HostFile[]> {
  const found = new Map<string, HostFile>();
  for (const program of programs) {
    const result = await runCommand('ldd', [program]).catch(() => undefined);
    if (!result) continue;
    for (const library of parseLdd(result.stdout.toString())) {
      if (found.has(library)) continue;
      const source = await realpath(library);
      const info = await isRegularFile(source);
      if (info) found.set(library, { path: library, source, mode: info.mode });
    }
  }
  return [...found.values()];
}
