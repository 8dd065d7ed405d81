/**
 * @module The image store as the owner manages it: `image ls | show | verify | rm | gc`. Images are named by
 * formula (its current image) or by image key (a unique prefix will do). Nothing a running portal booted
 * from is ever removed; `gc` also keeps each node's current image (the one it last prepared).
 */
import { MvError } from '../../errors/index.js';
import { checkArtifacts, listImageRecords } from '../../image/host/index.js';
import { type ImageRecord, imageManifestDigest } from '../../image/index.js';
import { bootImageOfRecord } from '../../plan/index.js';
import { type ImageSummary, isActivePortal, type MethodResult } from '../../protocol/index.js';
import { findResolvedFormula } from '../catalogue.js';
import type { DaemonConfig } from '../config.js';
import type { HostTrust } from '../door/host-trust.js';
import type { ImageState } from '../state/image-state.js';
import type { PortalStore } from '../state/portal-store.js';
import { outdatedCount, type SnapshotCache } from './image-outdated.js';
import type { ImageTrust } from './image-trust.js';

const KEY_PREFIX = /^(?:sha256:)?([0-9a-f]{6,64})$/;

/** What the catalogue works with. */
export interface ImageCatalogDeps {
  readonly config: Pick<DaemonConfig, 'stateRoot' | 'formulasDir' | 'log'>;
  readonly trust: ImageTrust;
  readonly state: ImageState;
  readonly portals: PortalStore;
}

/** Lists, shows and verifies the images of the store. */
export class ImageCatalog {
  constructor(private readonly deps: ImageCatalogDeps) {}

  /** Every record in the store. */
  records(): Promise<ImageRecord[]> {
    return listImageRecords(this.deps.config.stateRoot, (file) =>
      this.deps.config.log(`image store: ${file} is damaged, skipped`),
    );
  }

  /** The images running portals (starting, ready or stopping) were booted from, as their records say. */
  runningImages(): ImageRecord[] {
    return this.deps.portals
      .list()
      .filter((p) => isActivePortal(p.state))
      .map((p) => p.image);
  }

  /** Image key → names of the running portals booted from it. */
  inUse(): Map<string, string[]> {
    const users = new Map<string, string[]>();
    for (const portal of this.deps.portals.list().filter((p) => isActivePortal(p.state))) {
      users.set(portal.image.imageKey, [...(users.get(portal.image.imageKey) ?? []), portal.name]);
    }
    return users;
  }

  /** The image a reference names: a key (or unique prefix of one), else a formula's current image. */
  async find(reference: string): Promise<ImageRecord> {
    const records = await this.records();
    const prefix = KEY_PREFIX.exec(reference)?.[1];
    const byKey = prefix ? records.filter((r) => r.imageKey.slice(7).startsWith(prefix)) : [];
    if (byKey.length > 1) {
      throw new MvError('usage.invalid', `Image key prefix "${reference}" matches ${byKey.length} images`, {
        hint: 'Give more digits of the key (portalgun image ls).',
      });
    }
    if (byKey[0]) return byKey[0];
    const { manifest } = await findResolvedFormula(this.deps.config.formulasDir, reference);
    const current = this.deps.state.currentImages().get(manifest.node);
    const found = records.find((r) => r.imageKey === current);
    if (!found) {
      throw new MvError('image.not-found', `No image of ${manifest.node} has been prepared on this host`, {
        hint: `Build it: portalgun image build ${manifest.node}.`,
      });
    }
    return found;
  }

  /** The version this host gave an image, if it recorded it. */
  versionOf(record: ImageRecord): number | null {
    return this.deps.trust.manifestOf(record)?.version ?? null;
  }

  /**
   * What `image ls` shows about a record (outdated counts from the package indices already fetched), its
   * signature judged under `trust`.
   */
  async summarize(
    record: ImageRecord,
    {
      trust,
      inUse = this.inUse(),
      snapshots = new Map(),
    }: { trust: HostTrust; inUse?: Map<string, string[]>; snapshots?: SnapshotCache },
  ): Promise<ImageSummary> {
    const manifest = this.deps.trust.manifestOf(record);
    const status = manifest
      ? await this.deps.trust.signatureStatus(record, manifest, trust)
      : { state: 'missing' as const };
    return {
      node: record.node,
      imageKey: record.imageKey,
      version: manifest?.version ?? null,
      backend: record.backend,
      sizeBytes:
        record.initrd.size +
        (record.base?.size ?? 0) +
        record.layers.reduce((sum, layer) => sum + layer.size, 0),
      signature: status.state,
      signer: status.state === 'valid' ? status.kid : null,
      current: this.deps.state.currentImages().get(record.node) === record.imageKey,
      inUse: inUse.get(record.imageKey) ?? [],
      builtAt: this.deps.state.recordedAt(record.imageKey) ?? null,
      outdated: await outdatedCount(this.deps.config.stateRoot, record, snapshots),
    };
  }

  /** `image ls`. */
  async list(trust: HostTrust): Promise<MethodResult<'image.list'>> {
    const inUse = this.inUse();
    const snapshots: SnapshotCache = new Map();
    const images = [];
    for (const record of await this.records())
      images.push(await this.summarize(record, { trust, inUse, snapshots }));
    return { images };
  }

  /** `image show`: the summary, the manifest and the signature's state. */
  async show(reference: string, trust: HostTrust): Promise<MethodResult<'image.show'>> {
    const record = await this.find(reference);
    const manifest = this.deps.trust.manifestOf(record);
    const boot = bootImageOfRecord(this.deps.config.stateRoot, record);
    const status = manifest
      ? await this.deps.trust.signatureStatus(record, manifest, trust)
      : { state: 'missing' as const };
    return {
      image: await this.summarize(record, { trust }),
      manifest: manifest ?? null,
      manifestDigest: manifest ? imageManifestDigest(manifest) : null,
      boot: { ...boot, layers: [...boot.layers] },
      signature: {
        state: status.state,
        kid: status.state === 'valid' ? status.kid : null,
        signedAt: status.state === 'valid' ? status.signedAt : null,
        acceptedAt: status.state === 'valid' ? status.acceptedAt : null,
        problem: status.state === 'invalid' ? status.error.message : null,
      },
    };
  }

  /** `image verify`: every check a boot makes (rollback aside), on one image or all, reporting every problem. */
  async verify(
    reference: string | undefined,
    check: { trust: HostTrust; progress: (message: string) => void },
  ): Promise<MethodResult<'image.verify'>> {
    const records = reference === undefined ? await this.records() : [await this.find(reference)];
    const results = [];
    for (const record of records) {
      check.progress(`${record.node} ${record.imageKey.slice(0, 19)}`);
      results.push(await this.verifyOne(record, check));
    }
    return { results };
  }

  private async verifyOne(
    record: ImageRecord,
    { trust: host, progress }: { trust: HostTrust; progress: (message: string) => void },
  ) {
    const { trust, config } = this.deps;
    const manifest = trust.manifestOf(record);
    const result = { node: record.node, imageKey: record.imageKey, version: manifest?.version ?? null };
    if (!manifest) {
      const problem = {
        code: 'image.unsigned',
        message: 'this host never used it, so it holds no manifest or signature for it',
      };
      return { ...result, ok: false, problems: [problem] };
    }
    const problems: { code: string; message: string }[] = [];
    const collect = async (check: () => unknown) => {
      try {
        await check();
      } catch (error) {
        if (!(error instanceof MvError)) throw error;
        problems.push({ code: error.code, message: error.message });
      }
    };
    await collect(() => trust.requireRecordMatches(record, manifest));
    await collect(() => trust.requireSignature(record, manifest, host));
    for (const problem of await checkArtifacts(config.stateRoot, manifest.artifacts, {
      progress,
      all: true,
    })) {
      problems.push({ code: 'image.tampered', message: problem.message });
    }
    return { ...result, ok: problems.length === 0, problems };
  }
}
