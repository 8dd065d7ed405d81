import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledCatalogue } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { TEST_HOST_ID } from '../../test/support/instance.js';
import { DEFAULT_DIRS } from '../instance/index.js';
import { renderLibvirtXml } from '../qemu/index.js';
import { planOfInstance, planPortal, standInBootImage } from './index.js';

/** A router, applications of both machine types and the user controller, each in both renderings. */
const GOLDEN_NODES = [
  'service/router/universe',
  'service/router/star',
  'application/console',
  'application/browser/firefox',
  'controller/user',
];

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const slug = (node: string) => node.replaceAll('/', '-');

async function planOf(node: string) {
  const catalogue = await bundledCatalogue();
  const resolved = catalogue.formulas.get(node);
  assert.ok(resolved);
  const { manifest } = resolved;
  const manifestOf = (n: string) => catalogue.formulas.get(n)?.manifest;
  const plan = planPortal({
    name: manifest.name,
    manifest,
    image: standInBootImage(DEFAULT_DIRS.stateRoot, manifest, manifestOf),
    manifests: [...catalogue.formulas.values()].map((f) => f.manifest),
    dirs: DEFAULT_DIRS,
    hostId: TEST_HOST_ID,
    accel: 'tcg',
    tscKhz: 2_600_000,
  });
  return { plan, manifest, hash: resolved.hash };
}

describe('the plan of a portal: QEMU argv and libvirt XML golden files (what the daemon starts)', () => {
  for (const node of GOLDEN_NODES) {
    it(`plans ${node}`, async () => {
      const { plan, manifest, hash } = await planOf(node);
      assertGolden(testdata(`${slug(node)}.argv`), `${plan.argv.join('\n')}\n`);
      assertGolden(testdata(`${slug(node)}.xml`), renderLibvirtXml(manifest, plan.instance, { hash }));
    });
  }

  it('boots from the store: kernel, initramfs, a raw base and every Debian layer, read-only', async () => {
    const { plan } = await planOf('application/browser/firefox');
    const files = plan.argv.filter((a) => a.includes('/store/sha256/'));
    assert.ok(files.some((a) => a.includes('not-built:base') && a.includes('read-only=on')));
    assert.equal(plan.instance.artifacts.layers.length, 3, 'minbase, browser, firefox');
    assert.equal(plan.instance.artifacts.base?.format, 'raw');
  });

  it('plans a restart from the instance it had: the same argv', async () => {
    const { plan, manifest } = await planOf('service/router/star');
    assert.deepEqual(planOfInstance(DEFAULT_DIRS, manifest, plan.instance), plan);
  });
});
