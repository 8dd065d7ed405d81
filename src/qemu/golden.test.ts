import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledFormula } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { renderLibvirtXml, renderQemuArgs, toArgv } from './index.js';
import { previewInstance } from './preview.js';

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

describe('QEMU argv and libvirt XML golden files', () => {
  for (const node of GOLDEN_NODES) {
    it(`renders ${node}`, async () => {
      const { manifest, hash } = await bundledFormula(node);
      const instance = previewInstance(manifest);
      assertGolden(
        testdata(`${slug(node)}.argv`),
        `${toArgv(renderQemuArgs(manifest, instance)).join('\n')}\n`,
      );
      assertGolden(testdata(`${slug(node)}.xml`), renderLibvirtXml(manifest, instance, { hash }));
    });
  }
});
