/**
 * @module The daemon's image methods: preparing (building) an image and signing its manifest, the owner's
 * downgrade allowance, and the store's management (list, show, verify, remove, gc). Manifests travel with
 * their schema (`IMAGE_MANIFEST_SCHEMA`, image/image-manifest.ts), so each side checks what the other sent;
 * a signature is a JSON object that scramble/image-signature.ts reads, with its own refusals.
 * Pure: no I/O.
 */
import * as z from 'zod';
import { IMAGE_MANIFEST_SCHEMA } from '../image/index.js';
import {
  FORMULA_TREE_ERRORS,
  HOST_COMMAND_ERRORS,
  IMAGE_BUILD_ERRORS,
  IMAGE_REFERENCE_ERRORS,
  IMAGE_SIGNATURE_ERRORS,
} from './method-errors.js';

const DIGEST = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a sha256:<hex> digest');
const FORMULA = z.string().min(1).max(300);
/** A formula node path (`application/console`): DNS labels only, so it is safe inside a store path. */
const NODE = z
  .string()
  .max(240)
  .regex(/^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)*$/, 'must be a formula node such as application/console');
/** A formula (node path or portal name), or an image key (`sha256:<hex>` or at least 6 of its hex digits). */
const IMAGE_REF = z.string().min(1).max(300);
const JSON_OBJECT = z.record(z.string(), z.unknown());

/** Whether an image carries the owner's signature that this host accepts. */
const SIGNATURE_STATES = ['valid', 'missing', 'invalid'] as const;

/** What `image ls` shows about one image. */
const IMAGE_SUMMARY = z.strictObject({
  node: z.string(),
  imageKey: DIGEST,
  /** Null for an image this host never used (it has no manifest here, so nothing is signed for it). */
  version: z.number().int().positive().nullable(),
  backend: z.string(),
  /** Bytes of the image's own artifacts (initramfs, base, layers; the shared kernel is not counted). */
  sizeBytes: z.number().int().nonnegative(),
  signature: z.enum(SIGNATURE_STATES),
  signer: z.string().nullable(),
  /** The image its node last prepared (what `gc` keeps). */
  current: z.boolean(),
  /** Running portals (starting, ready or stopping) booted from it. */
  inUse: z.array(z.string()),
  /** When this host first recorded it (ms since the epoch); null if it never did. */
  builtAt: z.number().nullable(),
  /**
   * Debian images: how many installed packages the archive has newer versions of, by the package indices
   * last fetched (at `fetchedAt`); null for micro images and before any fetch (`image outdated` fetches).
   */
  outdated: z.strictObject({ count: z.number().int().nonnegative(), fetchedAt: z.number() }).nullable(),
});

/** One image as `image ls` reports it. */
export type ImageSummary = z.output<typeof IMAGE_SUMMARY>;

/** The store files a boot of an image opens (what `portalgun plan` shows). */
const BOOT_FILES = z.strictObject({
  kernel: z.string(),
  initrd: z.string(),
  base: z.strictObject({ path: z.string(), format: z.enum(['raw', 'qcow2']) }).nullable(),
  layers: z.array(z.string()),
});

const IMAGE_ID = z.strictObject({ node: z.string(), imageKey: DIGEST });
const PROBLEM = z.strictObject({ code: z.string(), message: z.string() });

/** The image methods of the daemon API. */
export const IMAGE_METHODS = {
  'image.prepare': {
    target: ['formula'],
    /** `refresh`: build the lineage's Debian layers again from today's archive, found or not. */
    params: z.strictObject({ formula: FORMULA, refresh: z.boolean().default(false) }),
    result: z.strictObject({
      node: z.string(),
      imageKey: DIGEST,
      version: z.number().int().positive(),
      manifest: IMAGE_MANIFEST_SCHEMA,
      manifestDigest: DIGEST,
      /** Whether the store holds a signature of this manifest by the owner that the host accepts. */
      signed: z.boolean(),
      signer: z.string().nullable(),
      /** Whether this image already was its node's current one (a refresh that found nothing newer). */
      wasCurrent: z.boolean(),
    }),
    errors: [...FORMULA_TREE_ERRORS, 'formula.not-found', ...IMAGE_BUILD_ERRORS],
  },
  'image.sign': {
    target: ['node'],
    params: z.strictObject({ node: NODE, imageKey: DIGEST, signature: JSON_OBJECT }),
    result: z.strictObject({
      node: z.string(),
      imageKey: DIGEST,
      manifestDigest: DIGEST,
      signer: z.string(),
    }),
    errors: ['image.not-found', ...IMAGE_SIGNATURE_ERRORS],
  },
  'image.allow-downgrade': {
    target: ['node'],
    params: z.strictObject({ node: NODE, version: z.number().int().positive() }),
    result: z.strictObject({ node: z.string(), version: z.number().int(), newest: z.number().int() }),
    /** `usage.invalid`: the version is not older than the newest booted, so there is nothing to allow. */
    errors: ['usage.invalid', 'image.not-found'],
  },
  'image.list': {
    target: [],
    params: z.strictObject({}),
    result: z.strictObject({ images: z.array(IMAGE_SUMMARY) }),
    errors: [],
  },
  'image.show': {
    target: ['image'],
    params: z.strictObject({ image: IMAGE_REF }),
    result: z.strictObject({
      image: IMAGE_SUMMARY,
      manifest: IMAGE_MANIFEST_SCHEMA.nullable(),
      manifestDigest: DIGEST.nullable(),
      boot: BOOT_FILES,
      signature: z.strictObject({
        state: z.enum(SIGNATURE_STATES),
        kid: z.string().nullable(),
        signedAt: z.number().nullable(),
        acceptedAt: z.number().nullable(),
        problem: z.string().nullable(),
      }),
    }),
    errors: IMAGE_REFERENCE_ERRORS,
  },
  'image.verify': {
    target: ['image'],
    params: z.strictObject({ image: IMAGE_REF.optional() }),
    result: z.strictObject({
      results: z.array(
        z.strictObject({
          node: z.string(),
          imageKey: DIGEST,
          version: z.number().int().nullable(),
          ok: z.boolean(),
          problems: z.array(PROBLEM),
        }),
      ),
    }),
    /** What the checks find is reported in `problems`, not thrown. */
    errors: IMAGE_REFERENCE_ERRORS,
  },
  'image.remove': {
    target: ['image'],
    params: z.strictObject({ image: IMAGE_REF }),
    result: z.strictObject({
      removed: IMAGE_ID,
      blobs: z.array(DIGEST),
      freedBytes: z.number().int().nonnegative(),
    }),
    errors: ['image.busy', ...IMAGE_REFERENCE_ERRORS, 'image.in-use', 'image.kernel-missing'],
  },
  'image.sources': {
    target: [],
    params: z.strictObject({}),
    /** The archive the daemon builds Debian layers from, and where each URL comes from; or why it has none. */
    result: z.strictObject({
      suite: z.string(),
      archive: z.string().nullable(),
      security: z.string().nullable(),
      archiveFrom: z.string().nullable(),
      securityFrom: z.string().nullable(),
      /** The host's apt proxy for the archive, user and password redacted. */
      proxy: z.string().nullable(),
      problem: z
        .strictObject({ code: z.string(), message: z.string(), hint: z.string().nullable() })
        .nullable(),
    }),
    /** The archive's own problems (`debian.*`) are reported in `problem`, not thrown. */
    errors: HOST_COMMAND_ERRORS,
  },
  'image.outdated': {
    target: ['image'],
    /** `fetch`: fetch the package indices now even if the last fetch is recent. */
    params: z.strictObject({ image: IMAGE_REF.optional(), fetch: z.boolean().default(false) }),
    result: z.strictObject({
      images: z.array(
        z.strictObject({
          node: z.string(),
          imageKey: DIGEST,
          version: z.number().int().nullable(),
          /** When the indices compared against were fetched (ms since the epoch). */
          fetchedAt: z.number(),
          packages: z.array(
            z.strictObject({ name: z.string(), installed: z.string(), available: z.string() }),
          ),
        }),
      ),
      /** Images that cannot be compared (micro images, Debian images recorded without their sources). */
      skipped: z.array(IMAGE_ID.extend({ reason: z.string() })),
    }),
    errors: [...IMAGE_REFERENCE_ERRORS, 'debian.index-failed', ...HOST_COMMAND_ERRORS],
  },
  'image.gc': {
    target: [],
    params: z.strictObject({}),
    result: z.strictObject({
      removed: z.array(IMAGE_ID),
      kept: z.array(IMAGE_ID.extend({ why: z.enum(['current', 'in use']) })),
      blobs: z.array(DIGEST),
      freedBytes: z.number().int().nonnegative(),
    }),
    /** `image.kernel-missing`: a damaged kernel record is refused rather than read as no kernel. */
    errors: ['image.busy', ...FORMULA_TREE_ERRORS, 'image.kernel-missing'],
  },
} as const;
