import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledFormula } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { renderFstab } from './index.js';

const NODES = [
  'service/router/universe',
  'application/console',
  'application/media',
  'application/browser/firefox',
  'controller/user',
];

describe('guest fstab golden files', () => {
  for (const node of NODES) {
    it(`renders ${node}`, async () => {
      const { manifest, hash } = await bundledFormula(node);
      const file = fileURLToPath(new URL(`testdata/${node.replaceAll('/', '-')}.fstab`, import.meta.url));
      assertGolden(file, renderFstab(manifest, { hash }));
    });
  }
});
