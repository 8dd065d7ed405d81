import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeArtifact,
  IMAGE_MANIFEST_SCHEMA,
  imageManifestDigest,
  planImageManifest,
  recordMatchesManifest,
  shortDigest,
} from './image-manifest.js';
import type { ImageRecord } from './image-record.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

const micro: ImageRecord = {
  schemaVersion: 1,
  node: 'application/console',
  formulaHash: digest('a'),
  imageKey: digest('b'),
  inputs: {
    builder: 'portalgun-micro/2',
    guest: digest('c'),
    kernel: digest('1'),
    agent: digest('d'),
    node: digest('e'),
    busybox: digest('f'),
    layers: [],
  },
  backend: 'micro',
  kernel: { digest: digest('1'), release: '6.1.0-test-amd64' },
  initrd: { digest: digest('2'), size: 1234 },
  base: { digest: digest('3'), size: 56_789, format: 'raw' },
  layers: [],
  packages: ['busybox-static', 'less'],
  modules: ['virtio_blk'],
};

const layered: ImageRecord = {
  ...micro,
  node: 'application/browser/firefox',
  backend: 'debian',
  base: null,
  layers: [
    { node: 'application', digest: digest('4'), size: 100 },
    { node: 'application/browser', digest: digest('5'), size: 200 },
  ],
  packages: ['firefox-esr=140.12.0esr-1~deb12u1', 'libc6=2.36-9+deb12u14'],
};

describe('planImageManifest', () => {
  it("splits a Debian image's name=version entries into the SBOM's names and versions", () => {
    const manifest = planImageManifest(layered, { version: 1, kernelSize: 10 });
    assert.deepEqual(manifest.packages, [
      { name: 'firefox-esr', version: '140.12.0esr-1~deb12u1' },
      { name: 'libc6', version: '2.36-9+deb12u14' },
    ]);
  });

  it('lists kernel, initramfs and base with digests and sizes, and the packages as the SBOM', () => {
    const manifest = planImageManifest(micro, { version: 3, kernelSize: 999 });
    assert.deepEqual(manifest, {
      schemaVersion: 1,
      node: 'application/console',
      formulaHash: digest('a'),
      imageKey: digest('b'),
      backend: 'micro',
      builder: 'portalgun-micro/2',
      version: 3,
      artifacts: [
        { role: 'kernel', digest: digest('1'), size: 999 },
        { role: 'initrd', digest: digest('2'), size: 1234 },
        { role: 'base', digest: digest('3'), size: 56_789 },
      ],
      packages: [
        { name: 'busybox-static', version: null },
        { name: 'less', version: null },
      ],
    });
    assert.ok(IMAGE_MANIFEST_SCHEMA.safeParse(manifest).success);
  });

  it('lists every layer in order, named by its node, and no base when there is none', () => {
    const manifest = planImageManifest(layered, { version: 1, kernelSize: 10 });
    assert.deepEqual(
      manifest.artifacts.map((a) => [a.role, a.node ?? null, a.digest]),
      [
        ['kernel', null, digest('1')],
        ['initrd', null, digest('2')],
        ['layer', 'application', digest('4')],
        ['layer', 'application/browser', digest('5')],
      ],
    );
    assert.ok(IMAGE_MANIFEST_SCHEMA.safeParse(manifest).success);
  });
});

describe('imageManifestDigest', () => {
  const manifest = planImageManifest(micro, { version: 1, kernelSize: 999 });

  it('is the same for the same manifest whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(manifest).reverse()) as typeof manifest;
    assert.equal(imageManifestDigest(reordered), imageManifestDigest(manifest));
  });

  it('changes with the version, any artifact digest or size, and the package list', () => {
    const base = imageManifestDigest(manifest);
    const changed = [
      { ...manifest, version: 2 },
      {
        ...manifest,
        artifacts: manifest.artifacts.map((a, i) => (i === 2 ? { ...a, digest: digest('9') } : a)),
      },
      { ...manifest, artifacts: manifest.artifacts.map((a, i) => (i === 0 ? { ...a, size: 1000 } : a)) },
      { ...manifest, packages: [] },
    ];
    for (const other of changed) assert.notEqual(imageManifestDigest(other), base);
  });
});

describe('recordMatchesManifest', () => {
  const manifest = planImageManifest(micro, { version: 4, kernelSize: 999 });

  it('holds for the record the manifest was made from', () => {
    assert.ok(recordMatchesManifest(micro, manifest));
  });

  it('fails when the record was edited to point at other files or packages', () => {
    assert.ok(!recordMatchesManifest({ ...micro, initrd: { digest: digest('7'), size: 1234 } }, manifest));
    assert.ok(!recordMatchesManifest({ ...micro, base: null }, manifest));
    assert.ok(!recordMatchesManifest({ ...micro, packages: ['busybox-static'] }, manifest));
  });
});

describe('describeArtifact and shortDigest', () => {
  it('name artifacts and shorten digests for messages', () => {
    assert.equal(describeArtifact({ role: 'kernel' }), 'kernel');
    assert.equal(
      describeArtifact({ role: 'layer', node: 'application/browser' }),
      'layer application/browser',
    );
    assert.equal(shortDigest(digest('a')), `sha256:${'a'.repeat(12)}`);
  });
});
