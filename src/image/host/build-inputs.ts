/**
 * @module Digests of every file a micro image is made from besides the formula (the agent bundle, the
 * node and busybox binaries, the kernel, an installed portalgun), so an image is rebuilt whenever any of them changes. Large
 * binaries are hashed once per (path, size, mtime) and remembered by a `FileDigests` its owner keeps (the
 * daemon's image builder keeps one for its life).
 */
import { stat } from 'node:fs/promises';
import { digestJson } from '../../digest/index.js';
import { MvError } from '../../errors/index.js';
import type { Manifest } from '../../formula/index.js';
import { packageRoot } from '../../install/host/index.js';
import { BUILDER_VERSION, type BuildInputs } from '../image-record.js';
import { guestFilesDigest } from '../micro-plan.js';
import { bootKernelDigest, readKernel } from './kernel.js';
import { portalgunFiles } from './portalgun-files.js';
import { sha256File } from './store.js';

/** Digests of host files, each computed once per (path, size, mtime). */
export class FileDigests {
  private readonly known = new Map<string, string>();

  async of(file: string): Promise<string> {
    const info = await stat(file);
    const key = `${file}\0${info.size}\0${info.mtimeMs}`;
    const known = this.known.get(key);
    if (known) return known;
    const digest = await sha256File(file);
    this.known.set(key, digest);
    return digest;
  }
}

/** Files a micro build takes from the host. */
export interface BuildSources {
  readonly stateRoot: string;
  readonly manifest: Manifest;
  readonly formulaHash: string;
  /** The owner whose Scramble ID the agent trusts (part of the image, so part of its key). */
  readonly owner: string;
  readonly agentBundle: string;
  readonly node: string;
  readonly busybox: string;
  /** The digests of a Debian image's layer files, bottom first. */
  readonly layerDigests?: readonly string[];
  /** `image.portalgun`: the folder of the portalgun to install (this one unless given). */
  readonly portalgunRoot?: string;
  readonly digests: FileDigests;
}

/** The digests of a build's inputs. */
export async function readBuildInputs(sources: BuildSources): Promise<BuildInputs> {
  const kernelName = sources.manifest.boot.kernel;
  const kernel = await readKernel(sources.stateRoot, kernelName);
  if (!kernel) {
    throw new MvError('image.kernel-missing', `Kernel "${kernelName}" is not in the image store`, {
      hint: 'Install it: portalgun image kernel (scripts/setup.sh does this).',
    });
  }
  return {
    builder: BUILDER_VERSION,
    guest: guestFilesDigest(sources.manifest, {
      formulaHash: sources.formulaHash,
      owner: sources.owner,
      layers: sources.layerDigests?.length ?? 0,
    }),
    kernel: bootKernelDigest(kernel, sources.manifest.boot.firmware),
    agent: await sources.digests.of(sources.agentBundle),
    node: await sources.digests.of(sources.node),
    busybox: await sources.digests.of(sources.busybox),
    layers: [...(sources.layerDigests ?? [])],
    ...(sources.manifest.image.portalgun
      ? { portalgun: await portalgunDigest(sources.portalgunRoot ?? packageRoot(), sources.digests) }
      : {}),
  };
}

/** One digest over the installed portalgun: every file's path, mode and content. */
async function portalgunDigest(root: string, digests: FileDigests): Promise<string> {
  const files = await portalgunFiles(root);
  return digestJson(
    await Promise.all(files.map(async (file) => [file.path, file.mode, await digests.of(file.source)])),
  );
}
