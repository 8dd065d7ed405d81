/**
 * @module Finds the image a portal boots, building it on first use. Concurrent requests for the same
 * formula share one build.
 */

import type { ResolvedFormula } from '../formula/index.js';
import { readBuildInputs } from '../image/host/build-inputs.js';
import { buildMicroImage } from '../image/host/build-micro.js';
import { readImageRecord } from '../image/host/store.js';
import { type ImageRecord, imageKeyOf } from '../image/index.js';
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
  const inputs = await readBuildInputs({
    stateRoot: config.stateRoot,
    manifest: resolved.manifest,
    formulaHash: resolved.hash,
    owner,
    agentBundle: config.agentBundle,
    node: process.execPath,
    busybox: '/bin/busybox',
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
      log: (line) => progress(`image: ${line}`),
    }).finally(() => building.delete(key));
    building.set(key, build);
  }
  return build;
}
