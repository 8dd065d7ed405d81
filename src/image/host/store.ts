/**
 * @module The content-addressed store: blobs named by their SHA-256, read-only once written, and the image
 * records that reference them. Writes go to a temporary name first and are renamed into place, so a crash
 * never leaves a half-written blob or record behind.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { writeFileAtomic } from '../../files/host/index.js';
import { IMAGE_RECORD_SCHEMA, type ImageRecord } from '../image-record.js';
import { blobPath, imageRecordPath, storeLayout } from '../layout.js';

/** `sha256:<hex>` of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

/** Moves a finished file into the store under its digest (kept if already there) and returns the digest. */
export async function putBlob(stateRoot: string, file: string): Promise<string> {
  const digest = await sha256File(file);
  const target = blobPath(stateRoot, digest);
  await mkdir(storeLayout(stateRoot).blobs, { recursive: true, mode: 0o755 });
  if (existsSync(target)) {
    await rm(file, { force: true });
  } else {
    await chmod(file, 0o444);
    await rename(file, target);
  }
  return digest;
}

/** The file of a blob, checked to exist. */
export function blobFile(stateRoot: string, digest: string): string {
  const file = blobPath(stateRoot, digest);
  if (!existsSync(file)) {
    throw new MvError('image.not-found', `Blob ${digest} is missing from the image store`, {
      hint: 'Rebuild the image: portalgun image build <formula>.',
    });
  }
  return file;
}

/** Writes an image record atomically. */
export async function writeImageRecord(stateRoot: string, record: ImageRecord): Promise<void> {
  const file = imageRecordPath(stateRoot, record.node, record.imageKey);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** The record of the image built for a formula hash, or undefined when none was built. */
export async function readImageRecord(
  stateRoot: string,
  node: string,
  formulaHash: string,
): Promise<ImageRecord | undefined> {
  const file = imageRecordPath(stateRoot, node, formulaHash);
  if (!existsSync(file)) return undefined;
  const parsed = IMAGE_RECORD_SCHEMA.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    throw new MvError('image.not-found', `Image record ${file} is damaged`, {
      hint: 'Remove it and rebuild: portalgun image build <formula>.',
    });
  }
  return parsed.data;
}
