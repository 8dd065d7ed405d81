/**
 * @module Freeing the image store: `image rm` removes one image that no running portal uses; `image gc`
 * removes every image that is neither the current image of a node of the formula tree (the one it last
 * prepared) nor booted by a running portal. Either way a blob goes only when no remaining record and no
 * installed kernel references it. Versions, boot marks and signature acceptances stay in the state database,
 * so a removed and rebuilt image gets its old version back and cannot slip past rollback protection.
 */
import { MvError } from '../../errors/index.js';
import {
  blobsOf,
  installedKernelBlobs,
  listBlobs,
  removeBlobs,
  removeImageRecord,
} from '../../image/host/index.js';
import type { ImageRecord } from '../../image/index.js';
import type { MethodResult } from '../../protocol/index.js';
import { manifestsByNode } from '../catalogue.js';
import type { ImageState } from '../state/image-state.js';
import type { ImageCatalog } from './image-catalog.js';

const idOf = (record: ImageRecord) => ({ node: record.node, imageKey: record.imageKey });

/**
 * Deletes the blobs among `candidates` that no remaining record or installed kernel references; returns them
 * and the bytes freed.
 */
async function removeUnreferencedBlobs(
  stateRoot: string,
  remaining: readonly ImageRecord[],
  candidates: ReadonlySet<string> | 'all',
): Promise<{ blobs: string[]; freedBytes: number }> {
  const referenced = new Set([...remaining.flatMap(blobsOf), ...(await installedKernelBlobs(stateRoot))]);
  const doomed = (await listBlobs(stateRoot)).filter(
    (blob) => !referenced.has(blob.digest) && (candidates === 'all' || candidates.has(blob.digest)),
  );
  await removeBlobs(
    stateRoot,
    doomed.map((blob) => blob.digest),
  );
  return { blobs: doomed.map((b) => b.digest), freedBytes: doomed.reduce((sum, b) => sum + b.size, 0) };
}

/** `image rm`: removes one image and the blobs only it used. */
export async function removeImage(
  catalog: ImageCatalog,
  options: { stateRoot: string; reference: string },
): Promise<MethodResult<'image.remove'>> {
  const record = await catalog.find(options.reference);
  const users = catalog.inUse().get(record.imageKey);
  if (users) {
    throw new MvError(
      'image.in-use',
      `Image ${record.node} ${record.imageKey} is in use by ${users.join(', ')}`,
      {
        hint: 'Stop those portals first (portalgun down).',
      },
    );
  }
  await removeImageRecord(options.stateRoot, record);
  const remaining = (await catalog.records()).filter((r) => r.imageKey !== record.imageKey);
  const freed = await removeUnreferencedBlobs(
    options.stateRoot,
    [...remaining, ...catalog.runningImages()],
    new Set(blobsOf(record)),
  );
  return { removed: idOf(record), ...freed };
}

/** `image gc`: keeps current and running images, removes the rest and every blob nothing references. */
export async function collectImages(
  catalog: ImageCatalog,
  options: { stateRoot: string; formulasDir: string; state: ImageState },
): Promise<MethodResult<'image.gc'>> {
  // A tree with any problem is refused here, never read as an empty tree (which would free everything).
  const nodes = await manifestsByNode(options.formulasDir);
  const current = new Set(
    [...options.state.currentImages()].filter(([node]) => nodes.has(node)).map(([, key]) => key),
  );
  const inUse = catalog.inUse();
  const kept: MethodResult<'image.gc'>['kept'] = [];
  const removed: ImageRecord[] = [];
  const remaining: ImageRecord[] = [];
  for (const record of await catalog.records()) {
    const why = inUse.has(record.imageKey) ? 'in use' : current.has(record.imageKey) ? 'current' : undefined;
    if (why) {
      kept.push({ ...idOf(record), why });
      remaining.push(record);
    } else {
      removed.push(record);
    }
  }
  for (const record of removed) await removeImageRecord(options.stateRoot, record);
  // A running portal's own record counts too, even if its file in the store were gone.
  const freed = await removeUnreferencedBlobs(
    options.stateRoot,
    [...remaining, ...catalog.runningImages()],
    'all',
  );
  return { removed: removed.map(idOf), kept, ...freed };
}
