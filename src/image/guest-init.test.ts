import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledFormula } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { renderAgentConfig, renderInittab, renderStage1Init, renderSysinit } from './index.js';

const testdata = (name: string) => fileURLToPath(new URL(`testdata/${name}`, import.meta.url));
const slug = (node: string) => node.replaceAll('/', '-');

/** One application with a console shell and one headless router. */
const NODES = ['application/console', 'service/router/star'];

const TEST_OWNER = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad';

describe('guest boot scripts golden files', () => {
  it('renders stage 1 /init for virtio_mmio and virtio_blk', () => {
    assertGolden(testdata('stage1-init.sh'), renderStage1Init(['virtio_mmio', 'virtio_blk']));
  });

  it('renders stage 1 /init stacking two layers under the root image', () => {
    assertGolden(testdata('stage1-init-layered.sh'), renderStage1Init(['virtio_mmio', 'erofs'], 2));
  });

  it('renders rc.sysinit', () => {
    assertGolden(testdata('rc.sysinit'), renderSysinit());
  });

  it('keeps a shell on the serial console of a console portal, never of a router', async () => {
    const shell = /^ttyS0::respawn:/m;
    assert.match(renderInittab((await bundledFormula('application/console')).manifest), shell);
    for (const router of ['service/router/universe', 'service/router/galaxy', 'service/router/star']) {
      assert.doesNotMatch(renderInittab((await bundledFormula(router)).manifest), shell, router);
    }
  });

  for (const node of NODES) {
    it(`renders the inittab and agent configuration of ${node}`, async () => {
      const { manifest } = await bundledFormula(node);
      assertGolden(testdata(`${slug(node)}.inittab`), renderInittab(manifest));
      assertGolden(testdata(`${slug(node)}.agent.json`), renderAgentConfig(manifest, TEST_OWNER));
    });
  }
});
