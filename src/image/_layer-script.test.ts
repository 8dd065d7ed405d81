import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '../../test/support/golden.js';
import { type LayerBuild, layerUuid, renderLayerScript } from './_layer-script.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

const BOTTOM: LayerBuild = {
  work: '/var/lib/multiverse/store/staging/layer-x',
  output: '/var/lib/multiverse/store/staging/layer-x/layer.erofs',
  sbom: '/var/lib/multiverse/store/staging/layer-x/packages.txt',
  parents: [],
  packages: [],
  sources: {
    suite: 'bookworm',
    archive: 'http://archive.example/debian',
    security: 'https://security.example/debian-security',
    components: ['main'],
  },
  uuid: layerUuid(`sha256:${'0123456789abcdef'.repeat(4)}`),
};

const UPPER: LayerBuild = {
  ...BOTTOM,
  parents: ['/var/lib/multiverse/store/sha256/aa', '/var/lib/multiverse/store/sha256/bb'],
  packages: ['firefox-esr', 'fonts-dejavu-core'],
  sources: { ...BOTTOM.sources, components: ['main', 'contrib'] },
};

describe('renderLayerScript', () => {
  it('renders the bottom layer: debootstrap minbase, upgraded from -updates and -security, cleaned of the host resolver and hostname', () => {
    const script = renderLayerScript(BOTTOM);
    assertGolden(testdata('layer-bottom.sh'), script);
    assert.match(script, /--keyring=\S+ bookworm "\$root" http:\/\/archive\.example\/debian /);
    assert.match(script, /apt-get upgrade/);
  });

  it('renders an upper layer: apt in a chroot on an overlay of the layers below, keeping the upper folder', () => {
    const script = renderLayerScript(UPPER);
    assertGolden(testdata('layer-upper.sh'), script);
    assert.ok(script.indexOf('/sha256/aa') < script.indexOf('/sha256/bb'), 'layers are mounted bottom first');
    assert.match(script, /lower="\$work\/lower1\$\{lower:\+:\$lower\}"/, 'each new lower goes on top');
  });

  it("writes the layer's sources: the archive with the release and its updates, security on its own, the components", () => {
    const script = renderLayerScript(UPPER);
    const sources = /<<'SOURCES'\n([\s\S]*?)SOURCES\n/.exec(script)?.[1] ?? '';
    assert.match(
      sources,
      /URIs: http:\/\/archive\.example\/debian\nSuites: bookworm bookworm-updates\nComponents: main contrib\n/,
    );
    assert.match(
      sources,
      /URIs: https:\/\/security\.example\/debian-security\nSuites: bookworm-security\nComponents: main contrib\n/,
    );
    assert.ok(script.indexOf('cmp -s') < script.indexOf(' update -q'), 'written before apt reads them');
  });

  it('teaches dpkg a foreign architecture before apt reads the indices (multiarch)', () => {
    const script = renderLayerScript({ ...UPPER, sources: { ...UPPER.sources, architectures: ['i386'] } });
    const added = script.indexOf('chroot "$root" dpkg --add-architecture i386');
    assert.ok(added > 0 && added < script.indexOf(' update -q'), script);
    assert.doesNotMatch(renderLayerScript(UPPER), /add-architecture/);
  });

  it('refuses anything that could smuggle shell syntax in', () => {
    for (const bad of [
      { packages: ['firefox-esr; reboot'] },
      { sources: { ...BOTTOM.sources, archive: 'http://archive.example/debian $(reboot)' } },
      { sources: { ...BOTTOM.sources, security: "http://security.example/'x" } },
      { sources: { ...BOTTOM.sources, suite: 'bookworm\nSOURCES' } },
      { sources: { ...BOTTOM.sources, components: ['main', 'universe'] as never[] } },
      { output: '/tmp/x y' },
      { parents: ['relative/layer'] },
      { uuid: 'not-a-uuid' },
      { parents: ['/var/a'], packages: [] },
    ]) {
      assert.throws(
        () => renderLayerScript({ ...BOTTOM, ...bad }),
        { code: 'image.build-failed' },
        JSON.stringify(bad),
      );
    }
  });

  it('takes the UUID from the layer key', () => {
    assert.equal(layerUuid(`sha256:${'0123456789abcdef'.repeat(4)}`), '01234567-89ab-cdef-0123-456789abcdef');
  });
});
