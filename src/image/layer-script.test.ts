import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertGolden } from '../../test/support/golden.js';
import { type LayerBuild, layerUuid, renderLayerScript } from './layer-script.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));

const BOTTOM: LayerBuild = {
  work: '/var/lib/multiverse/store/staging/layer-x',
  output: '/var/lib/multiverse/store/staging/layer-x/layer.erofs',
  sbom: '/var/lib/multiverse/store/staging/layer-x/packages.txt',
  parents: [],
  packages: [],
  mirror: 'http://deb.debian.org/debian',
  uuid: layerUuid(`sha256:${'0123456789abcdef'.repeat(4)}`),
};

const UPPER: LayerBuild = {
  ...BOTTOM,
  parents: ['/var/lib/multiverse/store/sha256/aa', '/var/lib/multiverse/store/sha256/bb'],
  packages: ['firefox-esr', 'fonts-dejavu-core'],
};

describe('renderLayerScript', () => {
  it('renders the bottom layer: debootstrap minbase, cleaned of the host resolver and hostname', () => {
    assertGolden(testdata('layer-bottom.sh'), renderLayerScript(BOTTOM));
  });

  it('renders an upper layer: apt in a chroot on an overlay of the layers below, keeping the upper folder', () => {
    const script = renderLayerScript(UPPER);
    assertGolden(testdata('layer-upper.sh'), script);
    assert.ok(script.indexOf('/sha256/aa') < script.indexOf('/sha256/bb'), 'layers are mounted bottom first');
    assert.match(script, /lower="\$work\/lower1\$\{lower:\+:\$lower\}"/, 'each new lower goes on top');
  });

  it('refuses anything that could smuggle shell syntax in', () => {
    for (const bad of [
      { packages: ['firefox-esr; reboot'] },
      { mirror: 'http://deb.debian.org/debian $(reboot)' },
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
