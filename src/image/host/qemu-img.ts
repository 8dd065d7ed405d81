/**
 * @module qemu-img, with argv arrays and JSON output: throwaway overlays on a read-only base (the backing
 * format is always given with -F, so qemu-img never probes a base), empty qcow2 disks, and image info.
 */
import * as z from 'zod';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';

const INFO = z.object({
  format: z.string(),
  'virtual-size': z.number(),
  'backing-filename': z.string().optional(),
  'backing-filename-format': z.string().optional(),
});

/** What `qemu-img info --output=json` says about an image. */
export type ImageInfo = z.output<typeof INFO>;

/** Creates a qcow2 overlay whose backing file is `base`. */
export async function createOverlay(
  overlay: string,
  base: { path: string; format: 'raw' | 'qcow2' },
): Promise<void> {
  await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base.path, '-F', base.format, overlay]);
}

/** Creates an empty qcow2 disk of `sizeMiB`. */
export async function createDisk(file: string, sizeMiB: number): Promise<void> {
  await runCommand('qemu-img', ['create', '-q', '-f', 'qcow2', file, `${sizeMiB}M`]);
}

/** Reads an image's format, size and backing file. */
export async function readImageInfo(file: string): Promise<ImageInfo> {
  const { stdout } = await runCommand('qemu-img', ['info', '--output=json', '-U', file]);
  const parsed = INFO.safeParse(JSON.parse(stdout.toString()));
  if (!parsed.success)
    throw new MvError('host.command-failed', `qemu-img info gave unexpected output for ${file}`);
  return parsed.data;
}
