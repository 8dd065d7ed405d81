/**
 * @module Which installed packages of the store's Debian images the archive has newer versions of: each
 * image's SBOM compared, with Debian's version ordering, against the package indices of the very sources its
 * layers were built from (fetched by apt, cached with the time of the fetch). `image ls` counts from the
 * indices already fetched and never touches the network; `image outdated` fetches them when they are older
 * than an hour (or when asked) and lists each package.
 */
import { fetchIndexSnapshot, type IndexSnapshot, readIndexSnapshot } from '../../debian/host/index.js';
import { type DebianSources, planOutdated } from '../../debian/index.js';
import type { ImageRecord } from '../../image/index.js';
import type { MethodResult } from '../../protocol/index.js';
import type { DaemonConfig } from '../config.js';
import type { ImageState } from '../state/image-state.js';

/** Indices older than this are fetched again by `image outdated`. */
const MAX_INDEX_AGE_MS = 60 * 60 * 1000;

/** Snapshots already read, by sources, for one request (one file read per set of sources). */
export type SnapshotCache = Map<string, Promise<IndexSnapshot | undefined>>;

/** What `image ls` says about a record: outdated packages by the indices last fetched, if any. */
export async function outdatedCount(
  stateRoot: string,
  record: ImageRecord,
  cache: SnapshotCache,
): Promise<{ count: number; fetchedAt: number } | null> {
  const sources = record.sources;
  if (!sources) return null;
  const id = JSON.stringify(sources);
  let snapshot = cache.get(id);
  if (!snapshot) {
    snapshot = readIndexSnapshot(stateRoot, sources);
    cache.set(id, snapshot);
  }
  const found = await snapshot;
  if (!found) return null;
  return { count: planOutdated(record.packages, found.versions).length, fetchedAt: found.fetchedAt };
}

/** What `image outdated` works with. */
export interface OutdatedDeps {
  readonly config: Pick<DaemonConfig, 'stateRoot' | 'clock'>;
  /** The store's images (the image catalogue). */
  readonly catalog: {
    records(): Promise<ImageRecord[]>;
    find(reference: string): Promise<ImageRecord>;
    versionOf(record: ImageRecord): number | null;
  };
  readonly state: ImageState;
}

/** The indices of these sources, fetched now when missing, older than an hour, or `fetch` is set. */
async function freshSnapshot(
  deps: OutdatedDeps,
  sources: DebianSources,
  options: { fetch: boolean; progress: (message: string) => void },
): Promise<IndexSnapshot> {
  const { stateRoot, clock } = deps.config;
  const cached = options.fetch ? undefined : await readIndexSnapshot(stateRoot, sources);
  if (cached && clock() - cached.fetchedAt < MAX_INDEX_AGE_MS) return cached;
  return fetchIndexSnapshot(stateRoot, sources, { now: clock, log: options.progress });
}

/** `image outdated`: one image, or every node's current image, compared with the archive's indices. */
export async function listOutdated(
  deps: OutdatedDeps,
  request: { image?: string | undefined; fetch: boolean; progress: (message: string) => void },
): Promise<MethodResult<'image.outdated'>> {
  const current = deps.state.currentImages();
  // Named, any image is answered for; unnamed, every node's current Debian image (micro ones have no archive).
  const records =
    request.image === undefined
      ? (await deps.catalog.records()).filter(
          (r) => r.backend === 'debian' && current.get(r.node) === r.imageKey,
        )
      : [await deps.catalog.find(request.image)];
  const result: MethodResult<'image.outdated'> = { images: [], skipped: [] };
  const fetched = new Map<string, IndexSnapshot>();
  for (const record of records.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))) {
    const id = { node: record.node, imageKey: record.imageKey };
    if (!record.sources) {
      const reason =
        record.backend === 'debian'
          ? 'built before images recorded their sources: rebuild it with image build --refresh'
          : "a micro image: its programs are the host's own, updated with the host";
      result.skipped.push({ ...id, reason });
      continue;
    }
    const key = JSON.stringify(record.sources);
    let snapshot = fetched.get(key);
    if (!snapshot) {
      snapshot = await freshSnapshot(deps, record.sources, request);
      fetched.set(key, snapshot);
    }
    result.images.push({
      ...id,
      version: deps.catalog.versionOf(record),
      fetchedAt: snapshot.fetchedAt,
      packages: planOutdated(record.packages, snapshot.versions),
    });
  }
  return result;
}
