/**
 * @module The store files one boot opens: those of a built image's record (what the daemon boots, and tells
 * `portalgun plan` in `image.show`), or labelled stand-ins for a formula with no image built yet, so a plan
 * still shows every path a boot would take.
 * Pure: no I/O.
 */
import type { Manifest } from '../formula/index.js';
import { blobPath, type ImageRecord, planLayers } from '../image/index.js';

/** The artifacts of an image, as files of the store under a state folder. */
export interface BootImage {
  readonly kernel: string;
  readonly initrd: string;
  /** Always raw: the only format the builder writes (image/host/build-micro.ts). */
  readonly base: { readonly path: string; readonly format: 'raw' | 'qcow2' } | null;
  /** Debian layers, bottom first. */
  readonly layers: readonly string[];
  /** Set when the paths stand in for an image that is not built: what to tell the reader. */
  readonly standIn?: string;
}

/** The files of a built image. */
export function bootImageOfRecord(stateRoot: string, record: ImageRecord): BootImage {
  const blob = (digest: string) => blobPath(stateRoot, digest);
  return {
    kernel: blob(record.kernel.digest),
    initrd: blob(record.initrd.digest),
    base: record.base ? { path: blob(record.base.digest), format: record.base.format } : null,
    layers: record.layers.map((layer) => blob(layer.digest)),
  };
}

/**
 * Stand-in files for a formula whose image is not known (`why`, by default: not built): store paths named
 * after the artifact they stand for, with the layers a Debian image would have. Every portal has a base
 * (its own root, or the runtime over the layers).
 */
export function standInBootImage(
  stateRoot: string,
  manifest: Manifest,
  manifestOf: (node: string) => Manifest | undefined,
  why = `no image of ${manifest.node} is built here`,
): BootImage {
  const blob = (what: string) => blobPath(stateRoot, `not-built:${what}`);
  const layers =
    manifest.image.backend === 'debian' ? planLayers(manifest.node, manifestOf).map((l) => l.node) : [];
  return {
    kernel: blob(`${manifest.boot.kernel}-${manifest.boot.firmware === 'direct' ? 'vmlinux' : 'bzImage'}`),
    initrd: blob('initrd'),
    base: { path: blob('base'), format: 'raw' },
    layers: layers.map((node) => blob(`layer-${node.replaceAll('/', '-')}`)),
    standIn: `${why}: store paths named not-built:* stand in for it`,
  };
}
