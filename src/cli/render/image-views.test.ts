import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImageManifest } from '../../image/index.js';
import type { ImageSummary } from '../../protocol/index.js';
import { renderFreed, renderImageDetail, renderImageTable, renderVerifyReport } from './image-views.js';

const key = (c: string) => `sha256:${c.repeat(64)}`;
const summary: ImageSummary = {
  node: 'application/console',
  imageKey: key('a'),
  version: 2,
  backend: 'micro',
  sizeBytes: 3 * 1_048_576,
  signature: 'valid',
  signer: 'kabc',
  current: true,
  inUse: ['console', 'console-2'],
  builtAt: Date.UTC(2026, 11, 3, 9, 30),
  outdated: null,
};
const manifest: ImageManifest = {
  schemaVersion: 1,
  node: 'application/console',
  formulaHash: key('f'),
  imageKey: key('a'),
  backend: 'micro',
  builder: 'portalgun-micro/2',
  version: 2,
  artifacts: [
    { role: 'kernel', digest: key('1'), size: 1_048_576 },
    { role: 'layer', node: 'application', digest: key('2'), size: 2_097_152 },
  ],
  packages: [
    { name: 'less', version: null },
    { name: 'firefox-esr', version: '115.0' },
  ],
};

const BOOT = { kernel: '/s/k', initrd: '/s/i', base: { path: '/s/b', format: 'raw' as const }, layers: [] };

describe('image views', () => {
  it('tables images with version, short key, size, build date, outdated count, signer and users; * marks the current one', () => {
    const now = Date.UTC(2026, 11, 3, 12, 0);
    const table = renderImageTable(
      [
        summary,
        { ...summary, current: false, version: null, signature: 'missing', inUse: [], builtAt: null },
        { ...summary, node: 'application/tools', backend: 'debian', inUse: [], outdated: null },
        {
          ...summary,
          node: 'application/tools',
          backend: 'debian',
          inUse: [],
          outdated: { count: 3, fetchedAt: now - 2 * 3600_000 },
        },
      ],
      now,
    );
    assert.equal(
      table,
      [
        '  NODE                 VERSION  KEY           SIZE     BUILT              OUTDATED  SIGNATURE      IN USE',
        '* application/console  2        aaaaaaaaaaaa  3.0 MiB  2026-12-03 09:30Z  -         signed (kabc)  console,console-2',
        '  application/console  -        aaaaaaaaaaaa  3.0 MiB  -                  -         missing        -',
        '* application/tools    2        aaaaaaaaaaaa  3.0 MiB  2026-12-03 09:30Z  ?         signed (kabc)  -',
        '* application/tools    2        aaaaaaaaaaaa  3.0 MiB  2026-12-03 09:30Z  3         signed (kabc)  -',
        'OUTDATED: by package indices fetched 2h00m ago (portalgun image outdated fetches them again)',
        '?: no package indices fetched for it yet (portalgun image outdated)',
      ].join('\n'),
    );
    assert.equal(renderImageTable([], now), 'No images in the store.');
  });

  it('shows the manifest: artifacts with digests and sizes, packages with versions, and the signer', () => {
    const text = renderImageDetail(
      {
        image: summary,
        manifest,
        manifestDigest: key('d'),
        boot: BOOT,
        signature: { state: 'valid', kid: 'kabc', signedAt: 0, acceptedAt: 1000, problem: null },
      },
      manifest,
    );
    assert.match(text, /signature {2}valid by session key kabc/);
    assert.match(text, /signed 1970-01-01T00:00:00.000Z, accepted 1970-01-01T00:00:01.000Z/);
    assert.match(text, new RegExp(`kernel\\s+${key('1')}\\s+1.0 MiB`));
    assert.match(text, new RegExp(`layer application\\s+${key('2')}\\s+2.0 MiB`));
    assert.match(text, /packages {3}less, firefox-esr 115.0/);
    assert.doesNotMatch(text, /sources/, 'a micro image has no archive');
  });

  it("shows a Debian image's sources and components", () => {
    const debian: ImageManifest = {
      ...manifest,
      backend: 'debian',
      sources: {
        suite: 'bookworm',
        archive: 'http://archive.example/debian',
        security: 'http://security.example/debian-security',
        components: ['main', 'contrib'],
      },
    };
    const text = renderImageDetail(
      {
        image: summary,
        manifest: debian,
        manifestDigest: key('d'),
        boot: BOOT,
        signature: { state: 'valid', kid: 'kabc', signedAt: 0, acceptedAt: 1000, problem: null },
      },
      debian,
    );
    assert.match(text, /sources {4}http:\/\/archive\.example\/debian bookworm bookworm-updates\n/);
    assert.match(text, / {13}http:\/\/security\.example\/debian-security bookworm-security\n/);
    assert.match(text, /components main contrib\n/);
  });

  it('reports verification per image with each problem and its code', () => {
    const text = renderVerifyReport({
      results: [
        { node: 'application/console', imageKey: key('a'), version: 1, ok: true, problems: [] },
        {
          node: 'application/probe',
          imageKey: key('b'),
          version: 3,
          ok: false,
          problems: [
            { code: 'image.tampered', message: 'base sha256:333333333333 does not match its signed digest' },
          ],
        },
      ],
    });
    assert.equal(
      text,
      [
        'ok      application/console v1 aaaaaaaaaaaa',
        'FAILED  application/probe v3 bbbbbbbbbbbb',
        '        base sha256:333333333333 does not match its signed digest [image.tampered]',
      ].join('\n'),
    );
  });

  it('says what was removed and kept, and how much was freed', () => {
    const text = renderFreed(
      {
        removed: [{ node: 'application/console', imageKey: key('a') }],
        blobs: [key('1')],
        freedBytes: 1_572_864,
      },
      [{ node: 'application/probe', imageKey: key('b'), why: 'in use' }],
    );
    assert.equal(
      text,
      [
        'removed  application/console aaaaaaaaaaaa',
        'kept     application/probe bbbbbbbbbbbb (in use)',
        'freed 1.5 MiB in 1 blob: sha256:111111111111',
      ].join('\n'),
    );
  });
});
