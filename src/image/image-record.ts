/**
 * @module The record of a built image: which formula (by manifest hash) it was built from, and the digest
 * of every artifact it boots. Artifacts live in the content-addressed store under their digests, so a record
 * plus the store is everything a boot needs. No timestamps: the same inputs give the same record.
 * Pure: no I/O.
 */
import { z } from 'zod';

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256:<hex> digest');

/** The schema of an image record file. */
export const IMAGE_RECORD_SCHEMA = z.strictObject({
  schemaVersion: z.literal(1),
  node: z.string(),
  formulaHash: digest,
  backend: z.enum(['micro', 'debian']),
  builder: z.string(),
  kernel: z.strictObject({ digest, release: z.string() }),
  initrd: z.strictObject({ digest, size: z.number().int().nonnegative() }),
  base: z
    .strictObject({ digest, size: z.number().int().nonnegative(), format: z.enum(['raw', 'qcow2']) })
    .nullable(),
  packages: z.array(z.string()),
  modules: z.array(z.string()),
});

/** A built image. */
export type ImageRecord = z.output<typeof IMAGE_RECORD_SCHEMA>;

/** Version of the image builder; part of every record, so a builder change is visible in the digests. */
export const BUILDER_VERSION = 'portalgun-micro/1';
