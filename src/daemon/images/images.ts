/**
 * @module Finds the image a portal boots, building it on first use. Concurrent requests for the same
 * formula share one build. A Debian image is its layers (found or built, shared along the formula tree,
 * from the archive the daemon resolves only when a layer must be built) plus its own initramfs and root
 * image. `refresh` builds the lineage's layers again from today's archive.
 */

import { MvError } from '../../errors/index.js';
import type { ResolvedFormula } from '../../formula/index.js';
import {
  buildMicroImage,
  ensureLayers,
  FileDigests,
  type LayerRecord,
  readBuildInputs,
  readImageRecord,
} from '../../image/host/index.js';
import { type ImageRecord, imageKeyOf, type LayerSpec, planLayers } from '../../image/index.js';
import { manifestsByNode } from '../catalogue.js';
import type { DaemonConfig } from '../config.js';
import { readBuildArchive } from './debian-archive.js';

/** How an image is found or built. */
export interface EnsureOptions {
  /** The owner's Scramble ID (from the request's host trust): the image's agent accepts only their commands. */
  readonly owner: string;
  /** Build the Debian layers of the formula's lineage again from today's archive. */
  readonly refresh?: boolean;
}

/**
 * The daemon's one image builder: it shares a build among concurrent requests for the same image or layer,
 * remembers the digests of host files, and keeps the store to image rm and gc while they run.
 */
export class ImageBuilder {
  private readonly building = new Map<string, Promise<ImageRecord>>();
  private readonly layerBuilds = new Map<string, Promise<LayerRecord>>();
  private readonly digests = new FileDigests();
  /** Requests inside ensure (finding or building), and the image rm or gc running, if any. */
  private activeBuilds = 0;
  private cleaning: Promise<unknown> | undefined;

  constructor(private readonly config: DaemonConfig) {}

  /**
   * Runs `clean` (image rm or gc) with the store to itself: refused while an image is being found or built,
   * and every new request for an image waits until it is done, so no build loses blobs no record names yet.
   */
  async withStoreToItself<T>(clean: () => Promise<T>): Promise<T> {
    if (this.activeBuilds > 0 || this.cleaning) {
      throw new MvError('image.busy', 'An image is being built or the store is being cleaned', {
        hint: 'Run it again once that has finished.',
      });
    }
    const run = clean();
    this.cleaning = run;
    try {
      return await run;
    } finally {
      this.cleaning = undefined;
    }
  }

  /** The image record for a resolved formula, built if missing. */
  async ensure(
    resolved: ResolvedFormula,
    progress: (message: string) => void,
    options: EnsureOptions,
  ): Promise<ImageRecord> {
    while (this.cleaning) await this.cleaning.catch(() => undefined);
    this.activeBuilds += 1;
    try {
      return await this.findOrBuild(resolved, { ...options, progress });
    } finally {
      this.activeBuilds -= 1;
    }
  }

  private async findOrBuild(
    resolved: ResolvedFormula,
    options: EnsureOptions & { readonly progress: (message: string) => void },
  ): Promise<ImageRecord> {
    const { config } = this;
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
      inProgress: this.layerBuilds,
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
      digests: this.digests,
    });
    const key = imageKeyOf(resolved.hash, inputs);
    const existing = await readImageRecord(config.stateRoot, resolved.manifest.node, key);
    if (existing) return existing;
    let build = this.building.get(key);
    if (!build) {
      progress(`building the image of ${resolved.manifest.node}`);
      build = buildMicroImage(resolved.manifest, {
        stateRoot: config.stateRoot,
        formulaHash: resolved.hash,
        owner,
        agentBundle: config.agentBundle,
        layers,
        log,
        digests: this.digests,
      }).finally(() => this.building.delete(key));
      this.building.set(key, build);
    }
    return build;
  }
}
