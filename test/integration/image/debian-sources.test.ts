/**
 * Debian layers come from the host's apt configuration, never from a mirror named in the code: a real daemon
 * with a store of its own builds minbase and a one-package layer (from contrib, which the formula asks for)
 * from the archive the host's /etc/apt lists, with the release's -updates and -security suites; `image
 * outdated` fetches the archive's package indices with apt into a private folder and compares an image's
 * SBOM with them (nothing for a fresh image, a faked old version listed with the archive's); `image build
 * --refresh` builds the lineage again; the daemon's PORTALGUN_DEBIAN_MIRROR decides and is reported, and a
 * CLI whose own setting differs is refused before anything is built.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readHostApt } from '../../../src/debian/host/read-host-apt.js';
import { type DebianArchive, resolveDebianArchive } from '../../../src/debian/index.js';
import { blobPath, type ImageRecord, imageRecordPath } from '../../../src/image/index.js';
import { layerRecordPath } from '../../../src/image/layout.js';
import { REPO_ROOT } from '../../support/catalogue.js';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const NODE = 'application/tiny';

/** The bundled tree plus one Debian formula with one small contrib package (no dependencies). */
function testTree(): string {
  const root = mkdtempSync('/tmp/mv-debian-sources-');
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  mkdirSync(path.join(root, NODE), { recursive: true });
  writeFileSync(
    path.join(root, NODE, 'formula.yaml'),
    `description: one small package from contrib
machine: { type: microvm, memory: 512 }
image: { backend: debian, components: [contrib] }
networks: []
packages: [crafty-bitmaps]
agent:
  verbs: [run, status]
  run: [/bin/cat]
`,
  );
  return root;
}

/** The same archive written another way (its default port spelled out): another mirror to the daemon. */
function otherSpelling(uri: string): string {
  const url = new URL(uri);
  assert.equal(url.port, '', `the host's archive ${uri} names a port; this test needs one without`);
  return `${url.protocol}//${url.hostname}:${url.protocol === 'https:' ? 443 : 80}${url.pathname.replace(/\/$/, '')}`;
}

/** One file of an erofs layer, read by extracting the layer (fsck.erofs --extract). */
function fileInLayer(blob: string, file: string): string | undefined {
  const dir = mkdtempSync('/tmp/mv-layer-extract-');
  try {
    const extracted = spawnSync('fsck.erofs', [`--extract=${dir}/root`, blob], { encoding: 'utf8' });
    assert.equal(extracted.status, 0, extracted.stderr);
    const target = path.join(dir, 'root', file);
    return existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Debian layers from the host apt sources', { timeout: 1_800_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;
  let host: DebianArchive;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    portalgun(['--run', daemon.run, '--formulas', tree, ...args], { env });
  const current = async (): Promise<ImageRecord> => {
    const shown = await daemon.call('image.show', { image: NODE });
    const file = imageRecordPath(daemon.state, NODE, shown.image.imageKey);
    return JSON.parse(readFileSync(file, 'utf8')) as ImageRecord;
  };
  const layerRecord = (key: string) =>
    JSON.parse(readFileSync(layerRecordPath(daemon.state, key), 'utf8')) as {
      key: string;
      digest: string;
      builtAt: number;
      sources: { archive: string; components: string[] };
    };
  /** The layer records of an image, bottom first (found by their layer files' digests). */
  const layersOf = (record: ImageRecord) => {
    const dir = path.join(daemon.state, 'store', 'layers');
    const all = spawnSync('ls', [dir], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map((name) => layerRecord(name.replace(/\.json$/, '')));
    return record.layers.map((layer) => {
      const found = all.find((r) => r.digest === layer.digest);
      assert.ok(found, `a layer record for ${layer.node}`);
      return found;
    });
  };

  before(async () => {
    host = resolveDebianArchive(await readHostApt());
    tree = testTree();
    daemon = await startTestDaemon({ formulas: tree, store: 'private' });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(tree, { recursive: true, force: true });
  });

  it("builds minbase and a layer from the host's archive, with its -updates and -security suites and the formula's components", async () => {
    const sources = await daemon.call('image.sources', {});
    assert.equal(sources.archive, host.archive, "the daemon's archive is the host's");
    assert.equal(sources.security, host.security);
    assert.match(sources.archiveFrom ?? '', /^\/etc\/apt\/sources\.list(\.d\/.+)?:\d+$/);
    const built = cli(['image', 'build', NODE]);
    assert.equal(built.status, 0, built.stderr);
    const record = await current();
    assert.deepEqual(
      record.layers.map((l) => l.node),
      ['debian/bookworm-minbase', NODE],
    );
    const [minbase, tiny] = record.layers.map((l) =>
      fileInLayer(blobPath(daemon.state, l.digest), 'etc/apt/sources.list.d/debian.sources'),
    );
    for (const [text, components] of [
      [minbase, 'main'],
      [tiny, 'main contrib'],
    ] as const) {
      assert.ok(text, 'the layer carries its sources');
      assert.ok(
        text.includes(
          `URIs: ${host.archive}\nSuites: bookworm bookworm-updates\nComponents: ${components}\n`,
        ),
        text,
      );
      assert.ok(
        text.includes(`URIs: ${host.security}\nSuites: bookworm-security\nComponents: ${components}\n`),
        text,
      );
    }
    assert.equal(
      fileInLayer(blobPath(daemon.state, record.layers[0]?.digest ?? ''), 'etc/apt/sources.list'),
      undefined,
      "debootstrap's one-line list is gone",
    );
    assert.ok(
      record.packages.some((p) => p.startsWith('crafty-bitmaps=')),
      'the contrib package is in the SBOM',
    );
    const shown = await daemon.call('image.show', { image: NODE });
    assert.deepEqual((shown.manifest as { sources?: { components: string[] } }).sources?.components, [
      'main',
      'contrib',
    ]);
    const text = cli(['image', 'show', NODE]);
    assert.match(text.stdout, /components main contrib/);
  });

  it('image outdated: nothing for a fresh image; a faked old installed version is listed with the archive version', async () => {
    const before = Date.now();
    const fresh = await daemon.call('image.outdated', { image: NODE });
    assert.equal(fresh.images.length, 1);
    assert.deepEqual(fresh.images[0]?.packages, [], 'built from the newest of all three suites');
    const fetchedAt = fresh.images[0]?.fetchedAt ?? 0;
    assert.ok(fetchedAt >= before, 'the indices were fetched now');
    const listed = cli(['image', 'ls']);
    assert.match(listed.stdout, /BUILT +OUTDATED/);
    assert.match(
      listed.stdout,
      new RegExp(`\\* ${NODE} +1 +\\S+ +\\S+ MiB +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ +0 `),
    );
    assert.match(listed.stdout, /OUTDATED: by package indices fetched \d+s ago/);

    const record = await current();
    const file = imageRecordPath(daemon.state, NODE, record.imageKey);
    const original = readFileSync(file, 'utf8');
    const [name, version] = (record.packages.find((p) => p.startsWith('base-files=')) ?? '').split('=');
    assert.ok(name && version, 'base-files is installed');
    try {
      const faked = {
        ...record,
        packages: record.packages.map((p) => (p.startsWith('base-files=') ? 'base-files=12.0' : p)),
      };
      writeFileSync(file, `${JSON.stringify(faked, null, 2)}\n`);
      const stale = await daemon.call('image.outdated', { image: NODE });
      assert.deepEqual(stale.images[0]?.packages, [
        { name: 'base-files', installed: '12.0', available: version },
      ]);
      assert.equal(
        stale.images[0]?.fetchedAt,
        fetchedAt,
        'indices younger than an hour are not fetched again',
      );
      const shown = cli(['image', 'outdated', NODE]);
      assert.equal(shown.status, 0, shown.stderr);
      assert.match(
        shown.stdout,
        new RegExp(`${NODE} v1: 1 package outdated \\(package indices fetched \\d+s ago\\)`),
      );
      assert.match(shown.stdout, new RegExp(`base-files +12\\.0 +${version.replaceAll('+', '\\+')}`));
      assert.match(cli(['image', 'ls']).stdout, new RegExp(`\\* ${NODE} .*Z +1 `));
    } finally {
      writeFileSync(file, original);
    }
  });

  it('image build --refresh builds every layer of the lineage again from the archive', async (t) => {
    const before = await current();
    const layersBefore = layersOf(before);
    const version = (await daemon.call('image.show', { image: NODE })).image.version;
    const refreshed = cli(['image', 'build', NODE, '--refresh']);
    assert.equal(refreshed.status, 0, refreshed.stderr);
    assert.match(
      refreshed.stderr,
      /debian\/bookworm-minbase: building the layer from today's archive \(refresh\)/,
    );
    assert.match(
      refreshed.stderr,
      new RegExp(`${NODE}: building the layer from today's archive \\(refresh\\)`),
    );
    const shownVersion = Number(/: version (\d+),/.exec(refreshed.stdout)?.[1]);
    const after = await current();
    const layersAfter = layersOf(after);
    for (const [i, layer] of layersAfter.entries()) {
      assert.equal(layer.key, layersBefore[i]?.key, 'the same layer keys');
      assert.ok(layer.builtAt > (layersBefore[i]?.builtAt ?? 0), 'built again');
    }
    const same = after.layers.every((l, i) => l.digest === before.layers[i]?.digest);
    const samePackages = after.packages.join('\n') === before.packages.join('\n');
    t.diagnostic(`refreshed layers ${same ? 'identical to' : 'differ from'} the first build's`);
    // Layers are reproducible: they differ exactly when the archive had something newer meanwhile.
    assert.equal(same, samePackages, 'the same packages give the same layers');
    assert.equal(shownVersion, same ? version : (version ?? 0) + 1);
    const unchanged = /identical to the current image, nothing in it has a newer version/;
    if (same) assert.match(refreshed.stdout, unchanged);
    else assert.doesNotMatch(refreshed.stdout, unchanged);
  });

  it("PORTALGUN_DEBIAN_MIRROR: the daemon's decides and is reported; a CLI saying otherwise is refused; refresh builds from it, a new version", async () => {
    const mirror = otherSpelling(host.archive);
    await daemon.kill9();
    await daemon.restart({ env: { PORTALGUN_DEBIAN_MIRROR: mirror } });
    const sources = await daemon.call('image.sources', {});
    assert.equal(sources.archive, mirror);
    assert.equal(sources.archiveFrom, 'PORTALGUN_DEBIAN_MIRROR');
    assert.equal(sources.security, host.security, 'the security archive is still the host');

    const other = { PORTALGUN_DEBIAN_MIRROR: 'http://mirror.invalid/debian' };
    const refused = cli(['image', 'build', NODE, '--refresh'], other);
    assert.equal(refused.status, 4, refused.stderr);
    assert.match(refused.stderr, /debian\.mirror-mismatch|another Debian archive/);
    assert.match(
      refused.stderr,
      new RegExp(`http://mirror\\.invalid/debian, but the daemon uses ${mirror.replaceAll('.', '\\.')}`),
    );
    const noted = cli(['image', 'sources'], other);
    assert.equal(noted.status, 0, noted.stderr);
    assert.match(
      noted.stdout,
      new RegExp(
        `archive +${mirror.replaceAll('.', '\\.')} bookworm bookworm-updates +\\(PORTALGUN_DEBIAN_MIRROR\\)`,
      ),
    );
    assert.match(
      noted.stdout,
      /note: this shell's PORTALGUN_DEBIAN_MIRROR is http:\/\/mirror\.invalid\/debian/,
    );

    const version = (await daemon.call('image.show', { image: NODE })).image.version ?? 0;
    const refreshed = cli(['--json', 'image', 'build', NODE, '--refresh'], {
      PORTALGUN_DEBIAN_MIRROR: mirror,
    });
    assert.equal(refreshed.status, 0, refreshed.stderr);
    const result = JSON.parse(refreshed.stdout) as { version: number; wasCurrent: boolean };
    assert.equal(result.version, version + 1, 'a new version');
    assert.equal(result.wasCurrent, false);
    const record = await current();
    assert.deepEqual(
      layersOf(record).map((l) => l.sources.archive),
      [mirror, mirror],
    );
    const text = fileInLayer(
      blobPath(daemon.state, record.layers[0]?.digest ?? ''),
      'etc/apt/sources.list.d/debian.sources',
    );
    assert.ok(text?.includes(`URIs: ${mirror}\nSuites: bookworm bookworm-updates\n`), text);
  });
});
