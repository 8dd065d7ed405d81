/**
 * @module The manifest of a built image: what the owner signs and what the daemon checks before every boot.
 * It names the formula (node and hash), the image key, the builder, a `version` the daemon assigns when it
 * first records the image (monotonic per node: rollback protection), every artifact QEMU is handed with its
 * digest and size, the package list as a small SBOM and, for Debian images, the apt sources (archives,
 * release, components) the packages came from. Its digest is the SHA-256 of its canonical
 * (RFC 8785) JSON, so one manifest has exactly one digest.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { digestJson } from '../digest/index.js';
import { DEBIAN_SOURCES_SCHEMA, type ImageRecord } from './image-record.js';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256:<hex> digest');

/** What an artifact is to the boot: the kernel, the initramfs, the root image, or a read-only root layer. */
const ARTIFACT_ROLES = ['kernel', 'initrd', 'base', 'layer'] as const;

/** One file QEMU opens, by content. */
const IMAGE_ARTIFACT_SCHEMA = z.strictObject({
  role: z.enum(ARTIFACT_ROLES),
  /** Layers only: the formula node whose layer it is. */
  node: z.string().optional(),
  digest,
  size: z.number().int().nonnegative(),
});

/**
 * One SBOM entry. Micro images copy host programs and know only package names (`version: null`); a builder
 * that installs real packages (Debian) records their versions here.
 */
const SBOM_PACKAGE_SCHEMA = z.strictObject({ name: z.string(), version: z.string().nullable() });

/** The schema of an image manifest. */
export const IMAGE_MANIFEST_SCHEMA = z.strictObject({
  schemaVersion: z.literal(1),
  node: z.string(),
  formulaHash: digest,
  imageKey: digest,
  backend: z.enum(['micro', 'debian']),
  builder: z.string(),
  /** Assigned by the daemon on first sight: one more than any version it gave this node before. */
  version: z.number().int().positive(),
  /** Kernel first, then initramfs, root image and layers (bottom first): the order QEMU gets them. */
  artifacts: z.array(IMAGE_ARTIFACT_SCHEMA).min(1),
  packages: z.array(SBOM_PACKAGE_SCHEMA),
  /** Debian images: the archives, release (with its -updates and -security suites) and components. */
  sources: DEBIAN_SOURCES_SCHEMA.optional(),
});

/** An image manifest. */
export type ImageManifest = z.output<typeof IMAGE_MANIFEST_SCHEMA>;

/** One artifact of a manifest. */
export type ImageArtifact = z.output<typeof IMAGE_ARTIFACT_SCHEMA>;

/** What the record does not say: the version the daemon assigned and the kernel's size in the store. */
export interface ManifestFacts {
  readonly version: number;
  readonly kernelSize: number;
}

/** Every artifact of a record, in boot order. */
function artifactsOf(record: ImageRecord, kernelSize: number): ImageArtifact[] {
  const artifacts: ImageArtifact[] = [
    { role: 'kernel', digest: record.kernel.digest, size: kernelSize },
    { role: 'initrd', digest: record.initrd.digest, size: record.initrd.size },
  ];
  if (record.base) artifacts.push({ role: 'base', digest: record.base.digest, size: record.base.size });
  for (const layer of record.layers) {
    artifacts.push({ role: 'layer', node: layer.node, digest: layer.digest, size: layer.size });
  }
  return artifacts;
}

/** The manifest of an image record. */
export function planImageManifest(record: ImageRecord, facts: ManifestFacts): ImageManifest {
  return {
    schemaVersion: 1,
    node: record.node,
    formulaHash: record.formulaHash,
    imageKey: record.imageKey,
    backend: record.backend,
    builder: record.inputs.builder,
    version: facts.version,
    artifacts: artifactsOf(record, facts.kernelSize),
    packages: record.packages.map(sbomEntry),
    // Only when the record has them: manifests of images recorded before keep their digests.
    ...(record.sources ? { sources: record.sources } : {}),
  };
}

/** A record's package entry as the SBOM lists it: Debian's `name=version`, or a bare name (micro). */
function sbomEntry(entry: string): z.output<typeof SBOM_PACKAGE_SCHEMA> {
  const at = entry.indexOf('=');
  return at < 0 ? { name: entry, version: null } : { name: entry.slice(0, at), version: entry.slice(at + 1) };
}

/** `sha256:<hex>` of a manifest's canonical JSON: what a signature covers. */
export function imageManifestDigest(manifest: ImageManifest): string {
  return digestJson(manifest);
}

/**
 * Whether a record still says what its recorded manifest says: same formula, key, builder, packages and
 * artifact digests. A record edited after the daemon first recorded it would point QEMU at other files.
 */
export function recordMatchesManifest(record: ImageRecord, manifest: ImageManifest): boolean {
  const kernelSize = manifest.artifacts.find((a) => a.role === 'kernel')?.size ?? -1;
  const planned = planImageManifest(record, { version: manifest.version, kernelSize });
  return imageManifestDigest(planned) === imageManifestDigest(manifest);
}

/** How messages name an artifact: `kernel`, `base`, `layer application/browser`. */
export function describeArtifact(artifact: Pick<ImageArtifact, 'role' | 'node'>): string {
  return artifact.node === undefined ? artifact.role : `${artifact.role} ${artifact.node}`;
}

/** A digest shortened for messages and tables: `sha256:` and the first 12 hex digits. */
export function shortDigest(value: string): string {
  return value.slice(0, 'sha256:'.length + 12);
}
