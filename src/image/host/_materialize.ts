/**
 * @module Carries out an image plan on disk: the initramfs as a deterministic cpio, the root image as an
 * ext4 file made by mkfs.ext4 from a staging tree. Every time in the filesystem is the epoch and the UUID
 * and directory hash seed are derived from the formula hash, so rebuilding gives identical bytes.
 */
import { chmod, copyFile, mkdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from '../../exec/host/index.js';
import { type CpioEntry, renderCpio } from '../cpio.js';
import type { ImageFile } from '../micro-plan.js';

/** Writes the initramfs of a plan to `file`. */
export async function writeInitramfs(files: readonly ImageFile[], file: string): Promise<void> {
  const entries: CpioEntry[] = [
    { kind: 'dir', path: 'dev' },
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'chardev', path: 'dev/null', major: 1, minor: 3, mode: 0o666 },
  ];
  for (const f of files) {
    if (f.path === 'dev') continue;
    if (f.kind === 'dir') entries.push({ kind: 'dir', path: f.path, mode: f.mode });
    else if (f.kind === 'symlink') entries.push({ kind: 'symlink', path: f.path, target: f.target });
    else if (f.kind === 'text')
      entries.push({ kind: 'file', path: f.path, data: new TextEncoder().encode(f.text), mode: f.mode });
    else entries.push({ kind: 'file', path: f.path, data: await readFile(f.source), mode: f.mode });
  }
  await writeFile(file, renderCpio(entries));
}

/** Lays out a plan's files under `root` (an empty folder). */
async function stage(files: readonly ImageFile[], root: string): Promise<number> {
  let bytes = 0;
  for (const f of files) {
    const target = path.join(root, f.path);
    if (f.kind === 'dir') {
      await mkdir(target, { recursive: true });
      await chmod(target, f.mode);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await rm(target, { force: true });
    if (f.kind === 'symlink') await symlink(f.target, target);
    else if (f.kind === 'text') await writeFile(target, f.text, { mode: f.mode });
    else await copyFile(f.source, target);
    if (f.kind !== 'symlink') {
      await chmod(target, f.mode);
      bytes += (await stat(target)).size;
    }
  }
  // Deepest first, so setting a file's time does not disturb its folder's afterwards.
  for (const f of [...files].reverse()) {
    if (f.kind !== 'symlink') await utimes(path.join(root, f.path), 0, 0);
  }
  await utimes(root, 0, 0);
  return bytes;
}

/** A UUID-shaped value derived from a digest, for mkfs's UUID and directory hash seed. */
export function uuidFromDigest(digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Builds the root image of a plan as a raw ext4 file. */
export async function writeBaseImage(
  files: readonly ImageFile[],
  options: { file: string; stagingDir: string; seed: string },
): Promise<void> {
  const bytes = await stage(files, options.stagingDir);
  const sizeMiB = Math.ceil((bytes * 1.15) / 2 ** 20) + 32;
  const uuid = uuidFromDigest(options.seed);
  const env = { ...process.env, E2FSPROGS_FAKE_TIME: '1' };
  await runCommand(
    'mkfs.ext4',
    [
      '-q',
      '-F',
      '-L',
      'portal',
      '-U',
      uuid,
      '-E',
      `hash_seed=${uuid},root_owner=0:0`,
      '-d',
      options.stagingDir,
      options.file,
      `${sizeMiB}M`,
    ],
    { env },
  );
  // mkfs copies each file's ctime (which no program can set) and the staging tree's atimes move as mkfs
  // reads them; zeroing every inode's times afterwards makes the image depend on content alone.
  const paths = ['/', '/lost+found', ...files.map((f) => `/${f.path}`)];
  const commands = paths.flatMap((p) => ['ctime', 'atime', 'mtime'].map((field) => `sif ${p} ${field} 0`));
  await runCommand('debugfs', ['-w', '-f', '-', options.file], {
    input: new TextEncoder().encode(`${commands.join('\n')}\n`),
    env,
  });
}
