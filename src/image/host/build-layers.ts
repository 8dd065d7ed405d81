/**
 * @module Builds the Debian layers an image needs, or finds them built: each layer is built by the rendered
 * script (image/_layer-script.ts) in a private mount namespace, from the sources the daemon resolved (the
 * host's archive, or its override) with the host's proxy in the script's environment, and recorded with
 * what it was built from and when. `refresh` builds every given layer again from today's archive, replacing
 * the record of its key (images already built keep their own layer files).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { type DebianArchive, planDebianSources } from '../../debian/index.js';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import { readCheckedJson, writeFileAtomic } from '../../files/host/index.js';
import { layerUuid, renderLayerScript } from '../_layer-script.js';
import type { LayerSpec } from '../debian-layers.js';
import { DEBIAN_SOURCES_SCHEMA } from '../image-record.js';
import { blobPath, layerRecordPath, storeLayout } from '../layout.js';
import { putBlob } from './store.js';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

/** The record of a built layer. */
const LAYER_RECORD_SCHEMA = z.strictObject({
  key: digest,
  node: z.string(),
  parentKey: digest.nullable(),
  /** What this layer installs itself. */
  adds: z.array(z.string()),
  /** Every package installed once this layer is on, `name=version`: the SBOM up to here. */
  installed: z.array(z.string()),
  digest,
  size: z.number().int().nonnegative(),
  /** What the layer's apt sources said: the archives, the release and the components. */
  sources: DEBIAN_SOURCES_SCHEMA,
  /** When it was built (ms since the epoch): its packages are the archive's of that day. */
  builtAt: z.number(),
});

/** A built layer. */
export type LayerRecord = z.output<typeof LAYER_RECORD_SCHEMA>;

/** The archive a build uses, and `http_proxy`/`https_proxy` for debootstrap and apt (the host's apt proxy). */
export interface LayerArchive {
  readonly archive: DebianArchive;
  readonly proxyEnv: Readonly<Record<string, string>>;
}

/** What building layers needs besides their specs. */
export interface LayerBuildOptions {
  /** The archive to build missing (or refreshed) layers from; asked only when a layer must be built. */
  readonly archive: () => Promise<LayerArchive>;
  /** Build every layer again, found or not. */
  readonly refresh?: boolean;
  readonly now: () => number;
  readonly log: (line: string) => void;
  /**
   * Builds in progress by store and layer key, kept by the caller across calls (the daemon's image builder):
   * two images sharing a missing layer wait for the same build.
   */
  readonly inProgress?: Map<string, Promise<LayerRecord>>;
}

async function readLayerRecord(stateRoot: string, key: string): Promise<LayerRecord | undefined> {
  const record = await readCheckedJson(layerRecordPath(stateRoot, key), LAYER_RECORD_SCHEMA);
  // A damaged record, or one whose blob is gone, is simply built again.
  return record && existsSync(blobPath(stateRoot, record.digest)) ? record : undefined;
}

async function writeLayerRecord(stateRoot: string, record: LayerRecord): Promise<void> {
  const file = layerRecordPath(stateRoot, record.key);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

async function buildLayer(
  stateRoot: string,
  spec: LayerSpec,
  parents: readonly LayerRecord[],
  options: LayerBuildOptions,
): Promise<LayerRecord> {
  const { log } = options;
  const { archive, proxyEnv } = await options.archive();
  const sources = planDebianSources(archive, spec.components, spec.architectures);
  const staging = storeLayout(stateRoot).staging;
  await mkdir(staging, { recursive: true });
  const work = await mkdtemp(path.join(staging, 'layer-'));
  try {
    const output = path.join(work, 'layer.erofs');
    const sbom = path.join(work, 'packages.txt');
    const script = path.join(work, 'build.sh');
    await writeFile(
      script,
      renderLayerScript({
        work,
        output,
        sbom,
        parents: parents.map((parent) => blobPath(stateRoot, parent.digest)),
        packages: spec.packages,
        sources,
        uuid: layerUuid(spec.key),
      }),
    );
    await runCommand('unshare', ['--mount', '--propagation', 'private', '--', 'sh', script], {
      env: { ...process.env, ...proxyEnv },
      onStdoutLine: (line) => {
        if (line.startsWith('step: ')) log(`${spec.node}: ${line.slice('step: '.length)}`);
      },
    }).catch((error: unknown) => {
      if (!(error instanceof MvError) || error.code !== 'host.command-failed') throw error;
      // The script prints the tail of debootstrap's or apt's log: say which layer, and what to check.
      const detail = error.message.replace(/^[^:]*: /, '');
      throw new MvError('image.build-failed', `Building the layer of ${spec.node} failed: ${detail}`, {
        hint: `Check the package names in the formula of ${spec.node} (packages:, image.components) and that the Debian archive ${sources.archive} (or ${sources.security}) is reachable.`,
        cause: error,
      });
    });
    const size = (await stat(output)).size;
    const installed = (await readFile(sbom, 'utf8')).split('\n').filter(Boolean).sort();
    const record: LayerRecord = {
      key: spec.key,
      node: spec.node,
      parentKey: spec.parentKey,
      adds: [...spec.packages],
      installed,
      digest: await putBlob(stateRoot, output),
      size,
      sources,
      builtAt: options.now(),
    };
    await writeLayerRecord(stateRoot, record);
    return record;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The records of every layer, bottom first, building the ones that are missing (all of them on refresh). */
export async function ensureLayers(
  stateRoot: string,
  specs: readonly LayerSpec[],
  options: LayerBuildOptions,
): Promise<LayerRecord[]> {
  const records: LayerRecord[] = [];
  // The archive is resolved once per call, and only if a layer is built: every layer of one build agrees.
  let archive: Promise<LayerArchive> | undefined;
  const once = { ...options, archive: () => (archive ??= options.archive()) };
  const building = options.inProgress ?? new Map<string, Promise<LayerRecord>>();
  for (const spec of specs) {
    const found = options.refresh ? undefined : await readLayerRecord(stateRoot, spec.key);
    if (found) {
      options.log(`${spec.node}: layer already built`);
      records.push(found);
    } else {
      const id = `${stateRoot}\0${spec.key}`;
      let build = building.get(id);
      if (!build) {
        options.log(
          `${spec.node}: building the layer${options.refresh ? " from today's archive (refresh)" : ''}`,
        );
        build = buildLayer(stateRoot, spec, [...records], once).finally(() => building.delete(id));
        building.set(id, build);
      }
      records.push(await build);
    }
  }
  return records;
}
