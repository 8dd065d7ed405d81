/**
 * @module Finds the image a portal boots, building it on first use. Concurrent requests for the same
 * formula share one build. A Debian image is its layers (found or built, shared along the formula tree,
 * from the archive the daemon resolves only when a layer must be built) plus its own initramfs and root
 * image. `refresh` builds the lineage's layers again from today's archive.
 */

import { MvError } from '../errors/index.js';
import type { ResolvedFormula } from '../formula/index.js';
import { readBuildInputs } from '../image/host/build-inputs.js';
import { ensureLayers } from '../image/host/build-layers.js';
import { buildMicroImage } from '../image/host/build-micro.js';
import { readImageRecord } from '../image/host/store.js';
import { type ImageRecord, imageKeyOf, type LayerSpec, planLayers } from '../image/index.js';
import { manifestsByNode } from './catalogue.js';
import type { DaemonConfig } from './config.js';
import { readBuildArchive } from './debian-archive.js';

const building = new Map<string, Promise<ImageRecord>>();
/** Requests inside ensureImage (finding or building), and the image rm or gc running, if any. */
let activeBuilds = 0;
let cleaning: Promise<unknown> | undefined;

/**
 * Runs `clean` (image rm or gc) with the store to itself: refused while an image is being found or built,
 * and every new request for an image waits until it is done, so no build loses blobs that no record names yet.
 */
export async function withStoreToItself<T>(clean: () => Promise<T>): Promise<T> {
  if (activeBuilds > 0 || cleaning) {
    throw new MvError('image.busy', 'An image is being built or the store is being cleaned', {
      hint: 'Run it again once that has finished.',
    });
  }
  const run = clean();
  cleaning = run;
  try {
    return await run;
  } finally {
    cleaning = undefined;
  }
}

/** How an image is found or built. */
export interface EnsureOptions {
  /** The owner's Scramble ID (from the request's host trust): the image's agent accepts only their commands. */
  readonly owner: string;
  /** Build the Debian layers of the formula's lineage again from today's archive. */
  readonly refresh?: boolean;
}

/** The image record for a resolved formula, built if missing. */
export async function ensureImage(
  config: DaemonConfig,
  resolved: ResolvedFormula,
  progress: (message: string) => void,
  options: EnsureOptions,
): Promise<ImageRecord> {
  while (cleaning) await cleaning.catch(() => undefined);
  activeBuilds += 1;
  try {
    return await findOrBuild(config, resolved, { ...options, progress });
  } finally {
    activeBuilds -= 1;
  }
}

async function findOrBuild(
  config: DaemonConfig,
  resolved: ResolvedFormula,
  options: EnsureOptions & { readonly progress: (message: string) => void },
): Promise<ImageRecord> {
  const { progress, owner } = options;
  const { manifest } = resolved;
  const manifests =
    manifest.image.backend === 'debian' ? await manifestsByNode(config.formulasDir) : new Map();
  const specs: LayerSpec[] =
    manifest.image.backend === 'debian' ? planLayers(manifest.node, (node) => manifests.get(node)) : [];
  const log = (line: string) => progress(`image: ${line}`);
  // Layers first: the image key covers their files, which differ when a layer is built again.
  const layers = await ensureLayers(config.stateRoot, specs, {
    archive: () => readBuildArchive(config),
    refresh: options.refresh === true,
    now: config.clock,
    log,
  });
  const inputs = await readBuildInputs({
    stateRoot: config.stateRoot,
    manifest: resolved.manifest,
    formulaHash: resolved.hash,
    owner,
    agentBundle: config.agentBundle,
    node: process.execPath,
    busybox: '/bin/busybox',
    layerDigests: layers.map((layer) => layer.digest),
  });
  const key = imageKeyOf(resolved.hash, inputs);
  const existing = await readImageRecord(config.stateRoot, resolved.manifest.node, key);
  if (existing) return existing;
  let build = building.get(key);
  if (!build) {
    progress(`building the image of ${resolved.manifest.node}`);
    build = buildMicroImage(resolved.manifest, {
      stateRoot: config.stateRoot,
      formulaHash: resolved.hash,
      owner,
      agentBundle: config.agentBundle,
      layers,
      log,
    }).finally(() => building.delete(key));
    building.set(key, build);
  }
  return build;
}
