/**
 * @module What the archive offers today, fetched by apt itself: `apt-get update` into a private folder per
 * set of sources (`<state>/debian-indices/<id>/`: its own sources file, lists and cache, never the host's),
 * so the Release signatures are checked by apt with Debian's keyring, and the host's proxy and other apt
 * settings apply. The `Packages` indices are read back through apt (`indextargets`, `apt-helper cat-file`,
 * whatever compression the host keeps them in) and reduced to each package's highest version, kept with the
 * time of the fetch in `available.json` so `image ls` can answer without the network and say how old it is.
 * No HTTP client of our own.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { digestJson } from '../../digest/index.js';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import { readCheckedJson, writeFileAtomic } from '../../files/host/index.js';
import {
  type AvailableVersions,
  addPackagesIndex,
  type DebianSources,
  renderDebianSources,
} from '../index.js';

/** What the archive offered at one time, for one set of sources. */
export interface IndexSnapshot {
  /** When apt fetched the indices (ms since the epoch). */
  readonly fetchedAt: number;
  readonly architecture: string;
  readonly versions: AvailableVersions;
}

const SNAPSHOT_FILE = z.strictObject({
  fetchedAt: z.number(),
  sources: z.unknown(),
  architecture: z.string(),
  versions: z.record(z.string(), z.string()),
});

/** The private apt folder of one set of sources. */
function folderOf(stateRoot: string, sources: DebianSources): string {
  return path.join(
    stateRoot,
    'debian-indices',
    digestJson(sources).slice('sha256:'.length, 'sha256:'.length + 16),
  );
}

/** apt's options that keep it to the private folder: its sources, lists and cache, nothing of the host's. */
function aptOptions(folder: string): string[] {
  return [
    ['Dir::Etc::SourceList', '/dev/null'],
    ['Dir::Etc::SourceParts', path.join(folder, 'sources.list.d')],
    ['Dir::State::Lists', path.join(folder, 'lists')],
    ['Dir::Cache', path.join(folder, 'cache')],
    ['Acquire::Languages', 'none'],
  ].flatMap(([name, value]) => ['-o', `${name}=${value}`]);
}

/** The indices last fetched for these sources, if any (no network). */
export async function readIndexSnapshot(
  stateRoot: string,
  sources: DebianSources,
): Promise<IndexSnapshot | undefined> {
  // A damaged snapshot is as good as none: the next `image outdated` fetches it again.
  const snapshot = await readCheckedJson(
    path.join(folderOf(stateRoot, sources), 'available.json'),
    SNAPSHOT_FILE,
  );
  if (!snapshot) return undefined;
  const { fetchedAt, architecture, versions } = snapshot;
  return { fetchedAt, architecture, versions: new Map(Object.entries(versions)) };
}

async function fetchIndices(folder: string, sources: DebianSources): Promise<void> {
  await mkdir(path.join(folder, 'sources.list.d'), { recursive: true, mode: 0o755 });
  await mkdir(path.join(folder, 'lists', 'partial'), { recursive: true, mode: 0o755 });
  await mkdir(path.join(folder, 'cache', 'archives', 'partial'), { recursive: true, mode: 0o755 });
  await writeFile(path.join(folder, 'sources.list.d', 'debian.sources'), renderDebianSources(sources));
  await runCommand('apt-get', ['update', '-q', '--error-on=any', ...aptOptions(folder)]).catch(
    (error: unknown) => {
      if (!(error instanceof MvError) || error.code !== 'host.command-failed') throw error;
      throw new MvError(
        'debian.index-failed',
        `Fetching the package indices of ${sources.archive} failed: ${error.message}`,
        {
          hint: `Check that ${sources.archive} and ${sources.security} are reachable (the host's apt proxy applies) and signed by Debian's keys.`,
          cause: error,
        },
      );
    },
  );
}

/** The `Packages` files apt fetched for the private folder. */
async function packagesFiles(folder: string): Promise<string[]> {
  const { stdout } = await runCommand('apt-get', [
    'indextargets',
    ...aptOptions(folder),
    '--format',
    '$(FILENAME)',
    'Created-By: Packages',
  ]);
  return stdout
    .toString('utf8')
    .split('\n')
    .filter((file) => file !== '' && existsSync(file));
}

/** In-flight fetches by folder: two callers wanting the same indices share one apt run. */
const fetching = new Map<string, Promise<IndexSnapshot>>();

/** Fetches the indices of these sources now (apt checks their signatures) and records what they offer. */
export function fetchIndexSnapshot(
  stateRoot: string,
  sources: DebianSources,
  options: { now: () => number; log: (line: string) => void },
): Promise<IndexSnapshot> {
  const folder = folderOf(stateRoot, sources);
  const running = fetching.get(folder);
  if (running) return running;
  const run = (async () => {
    options.log(`fetching the package indices of ${sources.archive} and ${sources.security}`);
    await fetchIndices(folder, sources);
    const architecture = (await runCommand('dpkg', ['--print-architecture'])).stdout.toString('utf8').trim();
    const versions: AvailableVersions = new Map();
    for (const file of await packagesFiles(folder)) {
      const { stdout } = await runCommand('/usr/lib/apt/apt-helper', ['cat-file', file]);
      addPackagesIndex(versions, stdout.toString('utf8'), architecture);
    }
    const snapshot: IndexSnapshot = { fetchedAt: options.now(), architecture, versions };
    await writeFileAtomic(
      path.join(folder, 'available.json'),
      `${JSON.stringify({ fetchedAt: snapshot.fetchedAt, sources, architecture, versions: Object.fromEntries(versions) })}\n`,
    );
    return snapshot;
  })().finally(() => fetching.delete(folder));
  fetching.set(folder, run);
  return run;
}
