/**
 * @module Finds the image a portal boots, building it on first use. Concurrent requests for the same
 * formula share one build. A Debian image is its layers (found or built, shared along the formula tree)
 * plus its own initramfs and root image.
 */

import { existsSync } from 'node:fs';
import type { ResolvedFormula } from '../formula/index.js';
import { readBuildInputs } from '../image/host/build-inputs.js';
import { ensureLayers } from '../image/host/build-layers.js';
import { buildMicroImage } from '../image/host/build-micro.js';
import { readImageRecord } from '../image/host/store.js';
import { blobPath, type ImageRecord, imageKeyOf, type LayerSpec, planLayers } from '../image/index.js';
import { manifestsByNode } from './catalogue.js';
import type { DaemonConfig } from './config.js';
import { readOwner } from './host-identity.js';

const building = new Map<string, Promise<ImageRecord>>();

/** The image record for a resolved formula, built if missing. */
export async function ensureImage(
  config: DaemonConfig,
  resolved: ResolvedFormula,
  progress: (message: string) => void,
): Promise<ImageRecord> {
  // The image carries the owner's Scramble ID: its agent accepts only commands they signed.
  const owner = readOwner(config.stateRoot).scrambleId;
  const { manifest } = resolved;
  const manifests =
    manifest.image.backend === 'debian' ? await manifestsByNode(config.formulasDir) : new Map();
  const layers: LayerSpec[] =
    manifest.image.backend === 'debian' ? planLayers(manifest.node, (node) => manifests.get(node)) : [];
  const inputs = await readBuildInputs({
    stateRoot: config.stateRoot,
    manifest: resolved.manifest,
    formulaHash: resolved.hash,
    owner,
    agentBundle: config.agentBundle,
    node: process.execPath,
    busybox: '/bin/busybox',
    layerKeys: layers.map((layer) => layer.key),
  });
  const key = imageKeyOf(resolved.hash, inputs);
  const existing = await readImageRecord(config.stateRoot, resolved.manifest.node, key);
  if (existing?.layers.every((layer) => existsSync(blobPath(config.stateRoot, layer.digest)))) {
    return existing;
  }
  let build = building.get(key);
  if (!build) {
    progress(`building the image of ${resolved.manifest.node}`);
    const log = (line: string) => progress(`image: ${line}`);
    build = ensureLayers(config.stateRoot, layers, log)
      .then((built) =>
        buildMicroImage(resolved.manifest, {
          stateRoot: config.stateRoot,
          formulaHash: resolved.hash,
          owner,
          agentBundle: config.agentBundle,
          layers: built,
          log,
        }),
      )
      .finally(() => building.delete(key));
    building.set(key, build);
  }
  return build;
}

/** How many image builds this daemon is running: `image gc` refuses to run beside one. */
export function imageBuildsInProgress(): number {
  return building.size;
}
