import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { writeFileAtomic } from '../../files/host/index.js';
import { IMAGE_RECORD_SCHEMA, type ImageRecord } from '../image-record.js';
import { blobPath, imageRecordPath, imageSignaturePath, storeLayout } from '../layout.js';

const RECORD_FILE = /^[0-9a-f]{64}\.json$/;

/** Every readable image record in the store; `onDamaged` hears of files that do not parse. */
export async function listImageRecords(
  stateRoot: string,
  onDamaged: (file: string) => void,
): Promise<ImageRecord[]> {
  const root = storeLayout(stateRoot).images;
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const records: ImageRecord[] = [];
  for (const entry of entries.filter((e) => e.isFile() && RECORD_FILE.test(e.name))) {
    const file = path.join(entry.parentPath, entry.name);
    const parsed = IMAGE_RECORD_SCHEMA.safeParse(await readFile(file, 'utf8').then(JSON.parse, () => null));
    if (parsed.success) records.push(parsed.data);
    else onDamaged(file);
  }
  return records.sort((a, b) => a.node.localeCompare(b.node) || a.imageKey.localeCompare(b.imageKey));
}

/** The stored signature of an image (unparsed: the caller verifies it), or undefined if there is none. */
export async function readImageSignature(stateRoot: string, record: ImageRecord): Promise<unknown> {
  const file = imageSignaturePath(stateRoot, record.node, record.imageKey);
  if (!existsSync(file)) return undefined;
  // A file that is not JSON is as good as no signature, and is reported as an invalid one.
  return readFile(file, 'utf8').then(JSON.parse, () => ({ unreadable: file }));
}

/** Stores an image's signature atomically, replacing any earlier one. */
export async function writeImageSignature(
  stateRoot: string,
  record: ImageRecord,
  signature: unknown,
): Promise<void> {
  const file = imageSignaturePath(stateRoot, record.node, record.imageKey);
  await writeFileAtomic(file, `${JSON.stringify(signature, null, 2)}\n`);
}

/** Removes an image's record and signature (its blobs stay until nothing references them). */
export async function removeImageRecord(stateRoot: string, record: ImageRecord): Promise<void> {
  await rm(imageSignaturePath(stateRoot, record.node, record.imageKey), { force: true });
  await rm(imageRecordPath(stateRoot, record.node, record.imageKey), { force: true });
}

/** Every blob digest a record references. */
export function blobsOf(record: ImageRecord): string[] {
  return [
    record.kernel.digest,
    record.initrd.digest,
    ...(record.base ? [record.base.digest] : []),
    ...record.layers.map((layer) => layer.digest),
  ];
}

/** The vmlinux and bzImage blobs of the installed kernels (they are kept whatever the images say). */
export async function installedKernelBlobs(stateRoot: string): Promise<string[]> {
  const root = storeLayout(stateRoot).kernels;
  if (!existsSync(root)) return [];
  const digests: string[] = [];
  for (const name of await readdir(root)) {
    const file = path.join(root, name, 'kernel.json');
    if (!existsSync(file)) continue;
    let info: { vmlinuxDigest?: unknown; bzImageDigest?: unknown };
    try {
      info = JSON.parse(await readFile(file, 'utf8')) as { vmlinuxDigest?: unknown; bzImageDigest?: unknown };
    } catch {
      // Refused rather than read as "no kernel": gc would otherwise delete the kernel's blob.
      throw new MvError('image.kernel-missing', `The kernel record ${file} is damaged`, {
        hint: 'Install the kernel again: portalgun image kernel.',
      });
    }
    if (typeof info.vmlinuxDigest === 'string') digests.push(info.vmlinuxDigest);
    if (typeof info.bzImageDigest === 'string') digests.push(info.bzImageDigest);
  }
  return digests;
}

/** Every blob in the store with its size. */
export async function listBlobs(stateRoot: string): Promise<{ digest: string; size: number }[]> {
  const root = storeLayout(stateRoot).blobs;
  if (!existsSync(root)) return [];
  const names = (await readdir(root)).filter((name) => /^[0-9a-f]{64}$/.test(name));
  return Promise.all(
    names.map(async (name) => ({ digest: `sha256:${name}`, size: (await stat(path.join(root, name))).size })),
  );
}

/** Deletes blobs by digest. */
export async function removeBlobs(stateRoot: string, digests: readonly string[]): Promise<void> {
  for (const digest of digests) await rm(blobPath(stateRoot, digest), { force: true });
}
