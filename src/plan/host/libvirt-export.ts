/**
 * @module Writes a portal's libvirt export into a folder: copies of the image's boot files, the domain XML
 * rendered from its plan, and the files that plan opens which a daemon would otherwise make at `up` — the
 * run folder, a fresh overlay on the copied base, the share with its subfolders (the read-only ones in a
 * folder of their own, the read-only export; a plain folder, without the daemon's quota image), empty
 * disks. The export stands alone: it boots after the store's garbage collection, and libvirt may re-own its
 * files (as qemu:///system does) without ever touching the store's. Everything belongs to whoever runs the
 * export, so `virsh -c qemu:///session` boots it as that user.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import type { Manifest } from '../../formula/index.js';
import { createDisk, createOverlay } from '../../image/host/index.js';
import { readOnlySubfolders, runFiles } from '../../instance/index.js';
import type { BootImage } from '../boot-image.js';
import type { PortalPlan } from '../plan-portal.js';

/** The export's domain file inside its folder. */
export const DOMAIN_FILE = 'domain.xml';

/** The folder of the export's copies of the boot files (named by digest, as in the store). */
const IMAGE_FOLDER = 'image';

/**
 * Copies an image's boot files into an empty export folder and returns the image as its copies; each copy
 * shares blocks with the store's file where the filesystem can (reflink) and keeps holes.
 */
export async function copyBootImage(dir: string, image: BootImage): Promise<BootImage> {
  await requireEmptyFolder(dir);
  const folder = path.join(dir, IMAGE_FOLDER);
  await mkdir(folder, { recursive: true, mode: 0o755 });
  const copy = async (file: string) => {
    const to = path.join(folder, path.basename(file));
    await runCommand('cp', ['--reflink=auto', '--sparse=always', '--no-preserve=all', '--', file, to]);
    return to;
  };
  return {
    kernel: await copy(image.kernel),
    initrd: await copy(image.initrd),
    base: image.base ? { path: await copy(image.base.path), format: image.base.format } : null,
    layers: await Promise.all(image.layers.map(copy)),
  };
}

/** Refuses a folder that holds anything: an export never writes over files it did not make. */
async function requireEmptyFolder(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) {
    throw new MvError('usage.invalid', `${dir} is not empty`, {
      hint: 'Export into a new or empty folder; a portal exported before keeps its overlay where it is.',
    });
  }
}

/**
 * Makes the plan's files under `dir` (its run and state roots, holding the copies of `copyBootImage`) and
 * writes `xml` as its domain file; returns every path it made, the domain file first.
 */
export async function writeLibvirtExport(
  dir: string,
  plan: PortalPlan,
  manifest: Manifest,
  xml: string,
): Promise<string[]> {
  const { paths, instance } = plan;
  const made: string[] = [];
  const folder = async (at: string) => {
    await mkdir(at, { recursive: true, mode: 0o700 });
    made.push(at);
  };
  await folder(paths.runDir);
  await folder(runFiles(paths.runDir).logs);
  await folder(paths.shareDir);
  for (const sub of Object.keys(manifest.share.subfolders)) await folder(path.join(paths.shareDir, sub));
  if (instance.shareReadOnlyDir) {
    await folder(instance.shareReadOnlyDir);
    for (const sub of readOnlySubfolders(manifest)) await folder(path.join(instance.shareReadOnlyDir, sub));
  }
  const base = instance.artifacts.base;
  if (base) {
    await createOverlay(paths.overlay, base);
    made.push(paths.overlay);
  }
  for (const [disk, file] of Object.entries(paths.disks)) {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await createDisk(file, manifest.disks[disk]?.size ?? 1);
    made.push(file);
  }
  const domain = path.join(dir, DOMAIN_FILE);
  await writeFile(domain, xml, { mode: 0o644, flag: 'wx' });
  return [domain, ...made];
}
