import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MvError } from '../../errors/index.js';
import { blobFile, putBlob, writeImageRecord } from '../../image/host/index.js';
import { type ImageManifest, type ImageRecord, imageManifestDigest } from '../../image/index.js';
import { type SessionKey, signImageManifest } from '../../scramble/index.js';
import { memoryHostTrust, type TrustWorld } from '../door/host-trust-memory.js';
import { createTestOwner, TEST_HOST_ID, TEST_NOW } from '../door/test-owner.js';
import { ImageState } from '../state/image-state.js';
import { ImageTrust } from './image-trust.js';

const owner = createTestOwner('image-owner');
const stranger = createTestOwner('image-stranger');
const roots: string[] = [];
after(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/**
 * A store holding one recorded micro image (real blobs, so every artifact re-hashes), and its checks;
 * `recordAnother` records a newer image of the same node, whose root image has other content.
 */
async function recordedImage() {
  const stateRoot = mkdtempSync(path.join(tmpdir(), 'mv-image-trust-'));
  roots.push(stateRoot);
  const blob = async (content: string) => {
    const file = path.join(stateRoot, `${content}.tmp`);
    writeFileSync(file, content);
    return { digest: await putBlob(stateRoot, file), size: content.length };
  };
  const [kernel, initrd] = [await blob('kernel'), await blob('initramfs')];
  const images = new ImageTrust(
    { stateRoot, clock: () => TEST_NOW },
    new ImageState(new Database(':memory:')),
  );
  const recordAnother = async (root: string) => {
    const image = imageRecord({ kernel, initrd, base: await blob(root) });
    await writeImageRecord(stateRoot, image);
    return { image, manifest: images.record(image) };
  };
  return { stateRoot, images, recordAnother, ...(await recordAnother('root image')) };
}

/** A micro image record of these blobs, keyed by its root image. */
function imageRecord(blobs: Record<'kernel' | 'initrd' | 'base', { digest: string; size: number }>) {
  const { kernel, initrd, base } = blobs;
  const image: ImageRecord = {
    schemaVersion: 1,
    node: 'application/console',
    formulaHash: `sha256:${'a'.repeat(64)}`,
    imageKey: `sha256:${base.digest.slice(7)}`,
    inputs: {
      builder: 'portalgun-micro/2',
      guest: `sha256:${'c'.repeat(64)}`,
      kernel: kernel.digest,
      agent: `sha256:${'d'.repeat(64)}`,
      node: `sha256:${'e'.repeat(64)}`,
      busybox: `sha256:${'f'.repeat(64)}`,
      layers: [],
    },
    backend: 'micro',
    kernel: { digest: kernel.digest, release: '6.1.0-test-amd64' },
    initrd,
    base: { ...base, format: 'raw' },
    layers: [],
    packages: ['busybox-static'],
    modules: ['virtio_blk'],
  };
  return image;
}

const trustOf = (world: Partial<TrustWorld> = {}) =>
  memoryHostTrust({ hostId: TEST_HOST_ID, owner: owner.record, ...world });
const signatureBy = (key: SessionKey, manifest: ImageManifest) =>
  signImageManifest(imageManifestDigest(manifest), key, { now: TEST_NOW });
const failsWith = (code: string) => (error: unknown) => error instanceof MvError && error.code === code;
const boot = (
  {
    images,
    image,
    manifest,
  }: Pick<Awaited<ReturnType<typeof recordedImage>>, 'images' | 'image' | 'manifest'>,
  trust = trustOf(),
) => images.verifyForBoot(image, manifest, { trust, progress: () => undefined });

describe('ImageTrust', () => {
  it('accepts a signature by a session key the owner certified, and boots the image it covers', async () => {
    const store = await recordedImage();
    const { images, image, manifest } = store;
    const key = owner.session.signing;
    assert.deepEqual(await images.acceptSignature(image, signatureBy(key, manifest), trustOf()), {
      manifestDigest: imageManifestDigest(manifest),
      kid: key.kid,
    });
    const status = await images.signatureStatus(image, manifest, trustOf());
    assert.deepEqual(status, { state: 'valid', kid: key.kid, signedAt: TEST_NOW, acceptedAt: TEST_NOW });
    await boot(store);
  });

  it('refuses to boot an unsigned image (image.unsigned)', async () => {
    const store = await recordedImage();
    assert.deepEqual(await store.images.signatureStatus(store.image, store.manifest, trustOf()), {
      state: 'missing',
    });
    await assert.rejects(boot(store), failsWith('image.unsigned'));
  });

  it("refuses a stranger's signature, and one by a key of the owner's not permitted to sign images", async () => {
    const { images, image, manifest } = await recordedImage();
    const viewer = owner.sessionKey({ permissions: ['portal.*'] });
    for (const key of [stranger.session.signing, viewer]) {
      await assert.rejects(
        images.acceptSignature(image, signatureBy(key, manifest), trustOf()),
        failsWith('image.untrusted-signer'),
      );
    }
    assert.deepEqual(await images.signatureStatus(image, manifest, trustOf()), { state: 'missing' });
  });

  it('refuses a signature of another manifest (image.signature-invalid)', async () => {
    const { images, image, manifest } = await recordedImage();
    const other = { ...manifest, version: manifest.version + 1 };
    await assert.rejects(
      images.acceptSignature(image, signatureBy(owner.session.signing, other), trustOf()),
      failsWith('image.signature-invalid'),
    );
  });

  it('stops trusting a stored signature once its key is revoked', async () => {
    const store = await recordedImage();
    const key = owner.sessionKey();
    await store.images.acceptSignature(store.image, signatureBy(key, store.manifest), trustOf());
    const revoked = trustOf({ revocations: [owner.revoke(key.kid)] });
    const status = await store.images.signatureStatus(store.image, store.manifest, revoked);
    assert.equal(status.state === 'invalid' && status.error.code, 'image.untrusted-signer');
    await assert.rejects(boot(store, revoked), failsWith('image.untrusted-signer'));
  });

  it('fails closed while the revocation list is damaged or no owner is registered', async () => {
    const store = await recordedImage();
    await store.images.acceptSignature(
      store.image,
      signatureBy(owner.session.signing, store.manifest),
      trustOf(),
    );
    await assert.rejects(boot(store, trustOf({ revocations: 'damaged' })), failsWith('scramble.untrusted'));
    await assert.rejects(
      boot(store, memoryHostTrust({ hostId: TEST_HOST_ID })),
      failsWith('scramble.no-owner'),
    );
    await boot(store);
  });

  it('refuses to boot a signed image whose artifact changed in the store (image.tampered)', async () => {
    const store = await recordedImage();
    await store.images.acceptSignature(
      store.image,
      signatureBy(owner.session.signing, store.manifest),
      trustOf(),
    );
    writeFileSync(blobFile(store.stateRoot, store.image.initrd.digest), 'initramfs, changed');
    await assert.rejects(boot(store), failsWith('image.tampered'));
  });

  it('refuses a record edited since its manifest was recorded (image.tampered)', async () => {
    const store = await recordedImage();
    await store.images.acceptSignature(
      store.image,
      signatureBy(owner.session.signing, store.manifest),
      trustOf(),
    );
    const edited = { ...store.image, packages: ['busybox-static', 'backdoor'] };
    await assert.rejects(boot({ ...store, image: edited }), failsWith('image.tampered'));
  });

  it('refuses to boot a version older than one booted (image.rollback), unless the owner allows it once', async () => {
    const store = await recordedImage();
    const older = { images: store.images, image: store.image, manifest: store.manifest };
    const newer = { images: store.images, ...(await store.recordAnother('newer root image')) };
    for (const { image, manifest } of [older, newer]) {
      await store.images.acceptSignature(image, signatureBy(owner.session.signing, manifest), trustOf());
    }
    assert.deepEqual([older.manifest.version, newer.manifest.version], [1, 2]);
    await boot(newer);
    await assert.rejects(boot(older), failsWith('image.rollback'));
    assert.deepEqual(store.images.allowDowngrade(older.manifest.node, 1, owner.session.signing.kid), {
      newest: 2,
    });
    await boot(older);
    await boot(newer);
    await assert.rejects(boot(older), failsWith('image.rollback'), 'the allowance was used up');
  });
});
