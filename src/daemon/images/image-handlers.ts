/**
 * @module The handlers of the image methods. `image.prepare` builds a formula's image if missing (with
 * progress), records it and returns its manifest and whether the owner's signature is stored; the CLI then
 * signs the manifest with the user's session key and sends it back with `image.sign`. The daemon only ever
 * verifies signatures. `image.sources` and `image.outdated` report the Debian archive and what it has newer.
 */
import { MvError } from '../../errors/index.js';
import { requireStartable } from '../../formula/index.js';
import { readImageRecord } from '../../image/host/index.js';
import { imageManifestDigest } from '../../image/index.js';
import type { MethodName, MethodParams } from '../../protocol/index.js';
import { findResolvedFormula } from '../catalogue.js';
import type { DaemonConfig } from '../config.js';
import { type HandlerContext, requireCaller } from '../door/server.js';
import type { ImageState } from '../state/image-state.js';
import { describeBuildArchive } from './debian-archive.js';
import type { ImageCatalog } from './image-catalog.js';
import { collectImages, removeImage } from './image-cleanup.js';
import { listOutdated } from './image-outdated.js';
import type { ImageTrust } from './image-trust.js';
import type { ImageBuilder } from './images.js';

type ImageMethod = Extract<MethodName, `image.${string}`>;
type Typed<M extends MethodName> = (params: MethodParams<M>, context: HandlerContext) => Promise<unknown>;

/** What the image handlers work with. */
export interface ImageHandlerDeps {
  readonly config: DaemonConfig;
  readonly trust: ImageTrust;
  readonly state: ImageState;
  readonly catalog: ImageCatalog;
  readonly builder: ImageBuilder;
}

/** The handlers of every `image.*` method. */
export function buildImageHandlers(deps: ImageHandlerDeps): { [M in ImageMethod]: Typed<M> } {
  const { config, trust, catalog } = deps;
  return {
    // Builds without recording or signing: for tools that want the artifacts (benchmarks, tests).
    'image.build': async ({ formula }, context) => {
      const image = await deps.builder.ensure(
        await findResolvedFormula(config.formulasDir, formula),
        context.progress,
        { owner: requireCaller(context).trust.owner().scrambleId },
      );
      return {
        node: image.node,
        formulaHash: image.formulaHash,
        kernel: image.kernel.digest,
        initrd: image.initrd.digest,
        base: image.base?.digest ?? null,
      };
    },
    'image.prepare': async ({ formula, refresh }, context) => {
      const resolved = await findResolvedFormula(config.formulasDir, formula);
      requireStartable(resolved.manifest);
      const before = deps.state.currentImages().get(resolved.manifest.node);
      const host = requireCaller(context).trust;
      const image = await deps.builder.ensure(resolved, context.progress, {
        refresh,
        owner: host.owner().scrambleId,
      });
      const manifest = trust.record(image);
      const status = await trust.signatureStatus(image, manifest, host);
      return {
        node: image.node,
        imageKey: image.imageKey,
        version: manifest.version,
        manifest,
        manifestDigest: imageManifestDigest(manifest),
        signed: status.state === 'valid',
        signer: status.state === 'valid' ? status.kid : null,
        wasCurrent: before === image.imageKey,
      };
    },
    'image.sign': async ({ node, imageKey, signature }, context) => {
      const image = await readImageRecord(config.stateRoot, node, imageKey);
      if (!image || image.node !== node || image.imageKey !== imageKey) {
        throw new MvError('image.not-found', `No image ${imageKey} of ${node} in the store`, {
          hint: 'Prepare it first: portalgun image build <formula>.',
        });
      }
      const accepted = await trust.acceptSignature(image, signature, requireCaller(context).trust);
      return { node, imageKey, manifestDigest: accepted.manifestDigest, signer: accepted.kid };
    },
    'image.allow-downgrade': async ({ node, version }, context) => ({
      node,
      version,
      ...trust.allowDowngrade(node, version, requireCaller(context).kid),
    }),
    'image.list': (_params, context) => catalog.list(requireCaller(context).trust),
    'image.show': ({ image }, context) => catalog.show(image, requireCaller(context).trust),
    'image.verify': ({ image }, context) =>
      catalog.verify(image, { trust: requireCaller(context).trust, progress: context.progress }),
    'image.sources': () => describeBuildArchive(config),
    'image.outdated': ({ image, fetch }, context) =>
      listOutdated({ config, catalog, state: deps.state }, { image, fetch, progress: context.progress }),
    'image.remove': ({ image }) =>
      deps.builder.withStoreToItself(() =>
        removeImage(catalog, { stateRoot: config.stateRoot, reference: image }),
      ),
    'image.gc': () =>
      deps.builder.withStoreToItself(() =>
        collectImages(catalog, {
          stateRoot: config.stateRoot,
          formulasDir: config.formulasDir,
          state: deps.state,
        }),
      ),
  };
}
