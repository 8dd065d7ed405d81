/**
 * @module The record of a built image: which formula (by manifest hash) and which other inputs (builder,
 * kernel, agent, node, busybox) it was built from, and the digest of every artifact it boots. Artifacts live in the content-addressed store under their digests, so a record
 * plus the store is everything a boot needs. No timestamps: the same inputs give the same record.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { DEBIAN_COMPONENTS } from '../debian/index.js';
import { digestJson } from '../digest/index.js';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256:<hex> digest');

/** The apt sources a Debian layer was built from: the archives, the release and the components. */
export const DEBIAN_SOURCES_SCHEMA = z.strictObject({
  suite: z.string(),
  archive: z.string(),
  security: z.string(),
  components: z.array(z.enum(DEBIAN_COMPONENTS)),
  /** Foreign architectures dpkg accepts (multiarch); absent when there are none. */
  architectures: z.array(z.literal('i386')).optional(),
});

/** Everything besides the formula that goes into a micro image, each by digest. */
export const BUILD_INPUTS_SCHEMA = z.strictObject({
  builder: z.string(),
  /** The generated boot scripts and agent configuration (see `guestFilesDigest`). */
  guest: digest,
  kernel: digest,
  agent: digest,
  node: digest,
  busybox: digest,
  /**
   * The digests of a Debian image's layer files, bottom first (empty for micro images): the files, not the
   * layer keys, because a layer built again another day differs and must make a new image.
   */
  layers: z.array(digest),
  /** The installed portalgun's files (`image.portalgun`), each path with its mode and digest. */
  portalgun: digest.optional(),
});

/** The inputs of a build besides the formula. */
export type BuildInputs = z.output<typeof BUILD_INPUTS_SCHEMA>;

/** The schema of an image record file. */
export const IMAGE_RECORD_SCHEMA = z.strictObject({
  schemaVersion: z.literal(1),
  node: z.string(),
  formulaHash: digest,
  /** Digest of the formula hash plus every other build input: the image's identity in the store. */
  imageKey: digest,
  inputs: BUILD_INPUTS_SCHEMA,
  backend: z.enum(['micro', 'debian']),
  kernel: z.strictObject({ digest, release: z.string() }),
  initrd: z.strictObject({ digest, size: z.number().int().nonnegative() }),
  base: z
    .strictObject({ digest, size: z.number().int().nonnegative(), format: z.enum(['raw', 'qcow2']) })
    .nullable(),
  /**
   * The read-only layers of a Debian image, bottom first, one per formula of the lineage that adds to the
   * root (each shared by every image above it); empty for micro images, whose root is `base`.
   */
  layers: z.array(z.strictObject({ node: z.string(), digest, size: z.number().int().nonnegative() })),
  packages: z.array(z.string()),
  modules: z.array(z.string()),
  /**
   * A Debian image's sources, as its top layer's say: what its packages came from and what `image outdated`
   * compares them with. Absent for micro images (and Debian images recorded before sources were kept).
   */
  sources: DEBIAN_SOURCES_SCHEMA.optional(),
});

/** A built image. */
export type ImageRecord = z.output<typeof IMAGE_RECORD_SCHEMA>;

/** Version of the image builder; part of every image key, so a builder change means a rebuild. */
export const BUILDER_VERSION = 'portalgun-micro/2';

/** The store key of an image: changes when the formula or any build input changes. */
export function imageKeyOf(formulaHash: string, inputs: BuildInputs): string {
  return digestJson({ formulaHash, inputs });
}
