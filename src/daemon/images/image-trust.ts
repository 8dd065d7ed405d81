/**
 * @module The daemon's side of trusted images. It records each image it is about to use (assigning its
 * version and fixing its manifest), accepts the owner's signatures of manifests (it never holds a key that
 * could make one: the CLI signs with the user's session key), and checks an image right before QEMU gets it:
 * the record against its manifest, the owner's signature, rollback, and every artifact re-hashed. No option
 * skips a check. Whose signatures count (the owner, minus revoked keys) is the host trust each check is
 * given; nothing here reads the owner or the revocations itself.
 */

import { statSync } from 'node:fs';
import { MvError } from '../../errors/index.js';
import { blobFile, checkArtifacts, readImageSignature, writeImageSignature } from '../../image/host/index.js';
import {
  type ImageManifest,
  type ImageRecord,
  imageManifestDigest,
  planImageManifest,
  recordMatchesManifest,
} from '../../image/index.js';
import { imageSignatureDigest, parseImageSignature, verifyImageSignature } from '../../scramble/index.js';
import type { DaemonConfig } from '../config.js';
import type { HostTrust } from '../door/host-trust.js';
import type { ImageState } from '../state/image-state.js';

/** Whether an image carries a signature of the owner that this host accepts, and if not, why. */
export type SignatureStatus =
  | { readonly state: 'valid'; readonly kid: string; readonly signedAt: number; readonly acceptedAt: number }
  | { readonly state: 'missing' }
  | { readonly state: 'invalid'; readonly error: MvError };

const SIGN_AGAIN = 'Sign it with your session: portalgun image build <formula> (portalgun up does it too).';

/** Records, accepts signatures for and verifies images. */
export class ImageTrust {
  constructor(
    private readonly config: Pick<DaemonConfig, 'stateRoot' | 'clock'>,
    private readonly state: ImageState,
  ) {}

  /**
   * The manifest of an image this daemon is about to use, recorded on first sight (version = the node's
   * highest so far + 1); the image becomes its node's current one.
   */
  record(image: ImageRecord): ImageManifest {
    const manifest = this.state.record(
      image,
      (version) =>
        planImageManifest(image, {
          version,
          kernelSize: statSync(blobFile(this.config.stateRoot, image.kernel.digest)).size,
        }),
      this.config.clock(),
    );
    this.state.setCurrent(image.node, image.imageKey);
    return manifest;
  }

  /** The recorded manifest of an image, or undefined if this host never used it. */
  manifestOf(image: ImageRecord): ImageManifest | undefined {
    return this.state.manifestOf(image.imageKey);
  }

  /** Checks the stored signature of an image against its manifest; a first valid sight is remembered. */
  async signatureStatus(
    image: ImageRecord,
    manifest: ImageManifest,
    trust: HostTrust,
  ): Promise<SignatureStatus> {
    const stored = await readImageSignature(this.config.stateRoot, image);
    if (stored === undefined) return { state: 'missing' };
    try {
      const signature = parseImageSignature(stored);
      const digest = imageSignatureDigest(signature);
      const now = this.config.clock();
      const known = this.state.acceptedAt(digest);
      const verified = this.verify(signature, { manifest, acceptedAt: known ?? now, trust });
      const acceptedAt =
        known ?? this.state.acceptSignature({ digest, imageKey: image.imageKey, kid: verified.kid }, now);
      return { state: 'valid', ...verified, acceptedAt };
    } catch (error) {
      if (error instanceof MvError) return { state: 'invalid', error };
      throw error;
    }
  }

  /** Verifies a signature presented by the owner now (`image.sign`) and stores it beside the record. */
  async acceptSignature(
    image: ImageRecord,
    value: unknown,
    trust: HostTrust,
  ): Promise<{ manifestDigest: string; kid: string }> {
    const manifest = this.state.manifestOf(image.imageKey);
    if (!manifest) {
      throw new MvError(
        'image.not-found',
        `This host has not recorded image ${image.imageKey} of ${image.node}`,
        {
          hint: 'Prepare it first: portalgun image build <formula>.',
        },
      );
    }
    const signature = parseImageSignature(value);
    const now = this.config.clock();
    const { kid } = this.verify(signature, { manifest, acceptedAt: now, trust });
    await writeImageSignature(this.config.stateRoot, image, signature);
    this.state.acceptSignature(
      { digest: imageSignatureDigest(signature), imageKey: image.imageKey, kid },
      now,
    );
    return { manifestDigest: imageManifestDigest(manifest), kid };
  }

  private verify(
    signature: unknown,
    { manifest, acceptedAt, trust }: { manifest: ImageManifest; acceptedAt: number; trust: HostTrust },
  ) {
    const owner = trust.owner().scrambleId;
    const revoked = trust.revokedKids();
    return verifyImageSignature(signature, {
      owner,
      manifestDigest: imageManifestDigest(manifest),
      isRevoked: (kid) => revoked.has(kid),
      acceptedAt,
    });
  }

  /** Throws unless the image carries a valid owner signature. */
  async requireSignature(image: ImageRecord, manifest: ImageManifest, trust: HostTrust): Promise<void> {
    const status = await this.signatureStatus(image, manifest, trust);
    if (status.state === 'valid') return;
    if (status.state === 'invalid') {
      const { error } = status;
      throw new MvError(error.code, `Image ${image.node} (version ${manifest.version}): ${error.message}`, {
        hint: error.hint ?? SIGN_AGAIN,
      });
    }
    throw new MvError(
      'image.unsigned',
      `Image ${image.node} (version ${manifest.version}) has no signature of the owner`,
      { hint: SIGN_AGAIN },
    );
  }

  /** Throws `image.tampered` if the record was edited since its manifest was recorded. */
  requireRecordMatches(image: ImageRecord, manifest: ImageManifest): void {
    if (recordMatchesManifest(image, manifest)) return;
    throw new MvError(
      'image.tampered',
      `The image record of ${image.node} (version ${manifest.version}) no longer matches the manifest this host recorded for it`,
      {
        hint: `Someone edited the record in the image store. Remove it (portalgun image rm ${image.imageKey.slice(7, 19)}) and build it again.`,
      },
    );
  }

  /** Whether booting this manifest would be a rollback, and if so whether the owner allowed it. */
  rollbackOf(manifest: ImageManifest): { downgrade: boolean } {
    const mark = this.state.bootMark(manifest.node);
    if (!mark || manifest.version >= mark.version) return { downgrade: false };
    if (this.state.isDowngradeAllowed(manifest.node, manifest.version)) return { downgrade: true };
    throw new MvError(
      'image.rollback',
      `Image ${manifest.node} version ${manifest.version} is older than version ${mark.version}, which this host has already booted`,
      {
        hint: `If you mean to go back, allow it once: portalgun image allow-downgrade ${manifest.node} ${manifest.version}`,
      },
    );
  }

  /**
   * Everything checked right before QEMU is spawned, cheapest first: record against manifest, signature,
   * rollback, then every artifact re-hashed from the store. On success the boot is recorded (raising the
   * node's version mark, or using up the owner's downgrade allowance).
   *
   * TOCTOU: QEMU opens the files by path after this returns, so a process that can write the store (root)
   * could change a blob in between. Blobs are root-owned and read-only (0444). Handing QEMU the hashed
   * descriptors would not stop an in-place write; dm-verity checked by the guest would (not built).
   */
  async verifyForBoot(
    image: ImageRecord,
    manifest: ImageManifest,
    { trust, progress }: { trust: HostTrust; progress: (message: string) => void },
  ): Promise<void> {
    this.requireRecordMatches(image, manifest);
    await this.requireSignature(image, manifest, trust);
    const { downgrade } = this.rollbackOf(manifest);
    const [problem] = await checkArtifacts(this.config.stateRoot, manifest.artifacts, { progress });
    if (problem) {
      throw new MvError(
        'image.tampered',
        `Image ${image.node} (version ${manifest.version}): ${problem.message}`,
        {
          hint: `The image store was changed after the owner signed this image. Find out how; then remove the image (portalgun image rm ${image.imageKey.slice(7, 19)}) and build it again.`,
        },
      );
    }
    this.state.markBooted(manifest, { now: this.config.clock(), downgrade });
  }

  /** Records the owner's permission to boot an older, recorded version of a node once. */
  allowDowngrade(node: string, version: number, kid: string): { newest: number } {
    const mark = this.state.bootMark(node);
    if (!mark || version >= mark.version) {
      throw new MvError(
        'usage.invalid',
        `Version ${version} of ${node} is not older than the newest booted (${mark?.version ?? 'none'}): there is nothing to allow`,
        { hint: 'portalgun image ls shows the versions of each node; only older ones need allowing.' },
      );
    }
    if (!this.state.manifestOfVersion(node, version)) {
      throw new MvError('image.not-found', `This host never recorded version ${version} of ${node}`, {
        hint: 'portalgun image ls shows the versions of each node.',
      });
    }
    this.state.allowDowngrade(node, version, kid, this.config.clock());
    return { newest: mark.version };
  }
}
