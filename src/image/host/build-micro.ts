/**
 * @module Builds a micro image for a resolved formula: gathers the host files (busybox, node, the agent,
 * the formula's package programs and their libraries, kernel modules), plans the image, writes the
 * initramfs and the ext4 root image, moves them into the content-addressed store and writes the image
 * record. Given a Debian image's layers, it builds that image's initramfs and root image instead (the
 * portal runtime only) and records the layers. A failed build leaves nothing behind but its cleaned-up
 * staging folder.
 */
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { MvError } from '../../errors/index.js';
import { runCommand } from '../../exec/host/index.js';
import type { Manifest } from '../../formula/index.js';
import { packageRoot } from '../../install/host/index.js';
import { type ImageRecord, imageKeyOf } from '../image-record.js';
import { storeLayout } from '../layout.js';
import { planMicroImage } from '../micro-plan.js';
import { modulesFor } from '../modules.js';
import { type HostFile, packageFiles, sharedLibraries } from './_host-files.js';
import { writeBaseImage, writeInitramfs } from './_materialize.js';
import { resolveModuleFiles } from './_module-files.js';
import { FileDigests, readBuildInputs } from './build-inputs.js';
import type { LayerRecord } from './build-layers.js';
import { bootKernelDigest, readKernel } from './kernel.js';
import { portalgunFiles } from './portalgun-files.js';
import { putBlob, writeImageRecord } from './store.js';

/** What a build needs besides the manifest. */
export interface MicroBuildOptions {
  readonly stateRoot: string;
  readonly formulaHash: string;
  /** The host owner's Scramble ID, baked into the agent configuration. */
  readonly owner: string;
  /** The bundled guest agent (dist/guest/agent.mjs). */
  readonly agentBundle: string;
  /** The Node.js binary copied into the image (default: the one running portalgun). */
  readonly node?: string;
  readonly busybox?: string;
  readonly log?: (line: string) => void;
  /** Digests of host files already known (the daemon's); a build without one hashes them again. */
  readonly digests?: FileDigests;
  /**
   * A Debian image's layers, bottom first (see build-layers.ts): the root image then carries only the
   * portal's runtime, and the packages are Debian's, installed in the layers.
   */
  readonly layers?: readonly LayerRecord[];
  /** `image.portalgun`: the folder of the portalgun to install (default: the one running). */
  readonly portalgunRoot?: string;
}

async function gatherHostFiles(manifest: Manifest, node: string): Promise<HostFile[]> {
  const files: HostFile[] = [];
  for (const pkg of manifest.packages) files.push(...(await packageFiles(pkg)));
  const programs = [node, ...files.filter((f) => /\/s?bin\//.test(f.path)).map((f) => f.source)];
  return [...(await sharedLibraries(programs)), ...files];
}

/** Builds the micro image of a manifest and returns its record. */
export async function buildMicroImage(manifest: Manifest, options: MicroBuildOptions): Promise<ImageRecord> {
  const layers = options.layers ?? [];
  if ((manifest.image.backend === 'debian') !== layers.length > 0) {
    throw new MvError(
      'internal.bug',
      `${manifest.node} (${manifest.image.backend} backend) was built with ${layers.length} layers (please report)`,
    );
  }
  const log = options.log ?? (() => undefined);
  const kernel = await readKernel(options.stateRoot, manifest.boot.kernel);
  if (!kernel) {
    throw new MvError('image.kernel-missing', `Kernel "${manifest.boot.kernel}" is not in the image store`, {
      hint: 'Install it: portalgun image kernel (scripts/setup.sh does this).',
    });
  }
  const node = options.node ?? process.execPath;
  const portalgunRoot = options.portalgunRoot ?? packageRoot();
  const busybox = options.busybox ?? '/bin/busybox';
  const inputs = await readBuildInputs({
    stateRoot: options.stateRoot,
    manifest,
    formulaHash: options.formulaHash,
    owner: options.owner,
    agentBundle: options.agentBundle,
    node,
    busybox,
    layerDigests: layers.map((layer) => layer.digest),
    portalgunRoot,
    digests: options.digests ?? new FileDigests(),
  });
  log('resolving kernel modules');
  const modules = await resolveModuleFiles(kernel.modules, modulesFor(manifest));
  log('gathering host files');
  // A Debian image's packages and libraries are Debian's own, in its layers.
  const hostFiles = layers.length > 0 ? [] : await gatherHostFiles(manifest, node);
  const portalgun = manifest.image.portalgun ? await portalgunFiles(portalgunRoot) : undefined;
  const applets = (await runCommand(busybox, ['--list-full'])).stdout.toString().split('\n').filter(Boolean);
  const plan = planMicroImage(manifest, {
    formulaHash: options.formulaHash,
    owner: options.owner,
    busybox,
    applets,
    modules,
    node,
    agentBundle: options.agentBundle,
    hostFiles,
    debianLayers: layers.length,
    ...(portalgun ? { portalgun } : {}),
  });

  const staging = storeLayout(options.stateRoot).staging;
  await mkdir(staging, { recursive: true });
  const work = await mkdtemp(path.join(staging, 'build-'));
  try {
    log('writing the initramfs');
    await writeInitramfs(plan.initramfs, path.join(work, 'initrd.cpio'));
    log('writing the root image');
    await writeBaseImage(plan.base, {
      file: path.join(work, 'base.ext4'),
      stagingDir: path.join(work, 'root'),
      seed: options.formulaHash,
    });
    const initrdSize = (await stat(path.join(work, 'initrd.cpio'))).size;
    const baseSize = (await stat(path.join(work, 'base.ext4'))).size;
    const initrd = await putBlob(options.stateRoot, path.join(work, 'initrd.cpio'));
    const base = await putBlob(options.stateRoot, path.join(work, 'base.ext4'));
    const record: ImageRecord = {
      schemaVersion: 1,
      node: manifest.node,
      formulaHash: options.formulaHash,
      imageKey: imageKeyOf(options.formulaHash, inputs),
      inputs,
      backend: manifest.image.backend,
      kernel: { digest: bootKernelDigest(kernel, manifest.boot.firmware), release: kernel.release },
      initrd: { digest: initrd, size: initrdSize },
      base: { digest: base, size: baseSize, format: 'raw' },
      layers: layers.map((layer) => ({ node: layer.node, digest: layer.digest, size: layer.size })),
      // The SBOM: every Debian package with its version, or the micro image's host packages.
      packages: layers.at(-1)?.installed ?? [...manifest.packages],
      modules: modules.map((m) => m.name),
      ...(layers.at(-1) ? { sources: layers.at(-1)?.sources } : {}),
    };
    await writeImageRecord(options.stateRoot, record);
    return record;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
