import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../test/support/catalogue.js';
import type { Manifest } from '../formula/index.js';
import { DEBIAN_BASE_NODE, planLayers } from './debian-layers.js';

async function manifests(): Promise<Map<string, Manifest>> {
  const catalogue = await bundledCatalogue();
  return new Map([...catalogue.formulas].map(([node, resolved]) => [node, resolved.manifest]));
}

describe('planLayers', () => {
  it('puts minbase at the bottom and one layer per formula that adds packages, in tree order', async () => {
    const all = await manifests();
    const layers = planLayers('application/browser/firefox', (node) => all.get(node));
    assert.deepEqual(
      layers.map((l) => [l.node, l.packages]),
      [
        [DEBIAN_BASE_NODE, []],
        [
          'application/browser',
          ['dbus-x11', 'fonts-dejavu-core', 'xauth', 'xserver-xorg-core', 'xserver-xorg-input-evdev'],
        ],
        ['application/browser/firefox', ['firefox-esr']],
      ],
    );
    for (const [i, layer] of layers.entries()) {
      assert.equal(layer.parentKey, i === 0 ? null : layers[i - 1]?.key);
    }
  });

  it('shares the layers of a common parent between siblings', async () => {
    const all = await manifests();
    const firefox = planLayers('application/browser/firefox', (node) => all.get(node));
    const chromium = planLayers('application/browser/chromium', (node) => all.get(node));
    assert.deepEqual(firefox.slice(0, 2), chromium.slice(0, 2));
    assert.notEqual(firefox[2]?.key, chromium[2]?.key);
  });

  it("changes a formula's layer and the layers below it in the tree when its packages change, nothing else", async () => {
    const all = await manifests();
    const before = planLayers('application/browser/firefox', (node) => all.get(node));
    const browser = all.get('application/browser');
    assert.ok(browser);
    const changed = new Map(all).set('application/browser', {
      ...browser,
      packages: [...browser.packages, 'less'],
    });
    const firefox = changed.get('application/browser/firefox');
    assert.ok(firefox);
    changed.set('application/browser/firefox', { ...firefox, packages: [...firefox.packages, 'less'] });
    const after = planLayers('application/browser/firefox', (node) => changed.get(node));
    assert.equal(after[0]?.key, before[0]?.key, 'minbase is untouched');
    assert.notEqual(after[1]?.key, before[1]?.key, 'the browser layer changes');
    assert.notEqual(after[2]?.key, before[2]?.key, 'and firefox above it, though its own packages did not');
    assert.deepEqual(after[2]?.packages, ['firefox-esr']);
  });

  it("changes a formula's layer and those below it when its archive components change, and lists them", async () => {
    const all = await manifests();
    const before = planLayers('application/browser/firefox', (node) => all.get(node));
    const browser = all.get('application/browser');
    const firefox = all.get('application/browser/firefox');
    assert.ok(browser && firefox);
    const changed = new Map(all)
      .set('application/browser', {
        ...browser,
        image: { ...browser.image, components: ['main', 'contrib'] },
      })
      .set('application/browser/firefox', {
        ...firefox,
        image: { ...firefox.image, components: ['main', 'contrib'] },
      });
    const after = planLayers('application/browser/firefox', (node) => changed.get(node));
    assert.equal(after[0]?.key, before[0]?.key, 'minbase is untouched');
    assert.deepEqual(after[0]?.components, ['main']);
    assert.notEqual(after[1]?.key, before[1]?.key, 'the browser layer changes');
    assert.notEqual(after[2]?.key, before[2]?.key, 'and firefox above it');
    assert.deepEqual(after[1]?.components, ['main', 'contrib']);
    assert.deepEqual(before[2]?.components, ['main']);
  });

  it('gives torbrowser contrib (torbrowser-launcher is there) and its siblings main only', async () => {
    const all = await manifests();
    const tor = planLayers('application/browser/torbrowser', (node) => all.get(node));
    assert.deepEqual(tor.at(-1)?.components, ['main', 'contrib']);
    assert.deepEqual(tor.at(-2)?.components, ['main'], 'the shared browser layer stays main');
    assert.deepEqual(planLayers('application/steam', (node) => all.get(node)).at(-1)?.components, [
      'main',
      'contrib',
    ]);
  });

  it('gives steam i386 multiarch in its own layer key, and leaves every layer without it keyed as before', async () => {
    const all = await manifests();
    const steam = planLayers('application/steam', (node) => all.get(node));
    assert.deepEqual(steam.at(-1)?.architectures, ['i386']);
    const plain = all.get('application/steam');
    assert.ok(plain);
    const without = new Map(all).set('application/steam', {
      ...plain,
      image: { ...plain.image, architectures: [] },
    });
    const before = planLayers('application/steam', (node) => without.get(node));
    assert.notEqual(steam.at(-1)?.key, before.at(-1)?.key, 'multiarch changes the layer');
    assert.deepEqual(before.at(-1)?.architectures, []);
    assert.deepEqual(
      planLayers('application/filebrowser', (node) => all.get(node)).map((l) => l.architectures),
      [[], []],
    );
  });

  it('gives the same keys for the same tree', async () => {
    const all = await manifests();
    assert.deepEqual(
      planLayers('application/filebrowser', (node) => all.get(node)),
      planLayers('application/filebrowser', (node) => all.get(node)),
    );
  });
});
