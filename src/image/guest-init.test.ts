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

  it('keeps no shell on any serial console, and gives the program no console input', async () => {
    for (const node of ['application/console', 'application/browser/firefox', 'service/router/star']) {
      const inittab = renderInittab((await bundledFormula(node)).manifest);
      assert.doesNotMatch(inittab, /^ttyS0:|\/bin\/sh$|-\/bin\/sh/m, node);
      for (const line of inittab.split('\n').filter((l) => l.includes('program.sh'))) {
        assert.match(line, /<\/dev\/null$/, node);
      }
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
