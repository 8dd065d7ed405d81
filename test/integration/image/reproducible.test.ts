import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildMicroImage } from '../../../src/image/host/build-micro.js';
import { readKernel } from '../../../src/image/host/kernel.js';
import { blobPath } from '../../../src/image/index.js';
import { bundledFormula, REPO_ROOT } from '../../support/catalogue.js';
import { TEST_CACHE } from '../../support/daemon.js';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fresh store that shares only the kernel with the test cache. */
async function freshStore(): Promise<string> {
  const root = mkdtempSync('/tmp/mv-repro-');
  roots.push(root);
  const kernel = await readKernel(TEST_CACHE, 'debian-generic');
  assert.ok(kernel, 'no kernel in the test cache: run the tests with scripts/run-tests.mjs');
  symlinkSync(path.join(TEST_CACHE, 'kernels'), path.join(root, 'kernels'));
  mkdirSync(path.join(root, 'store/sha256'), { recursive: true });
  symlinkSync(blobPath(TEST_CACHE, kernel.vmlinuxDigest), blobPath(root, kernel.vmlinuxDigest));
  return root;
}

describe('micro images', { timeout: 120_000 }, () => {
  it('are reproducible: the same inputs give the same digests in two separate stores', async () => {
    for (const node of ['application/console', 'service/router/universe']) {
      const { manifest, hash } = await bundledFormula(node);
      const build = async () =>
        buildMicroImage(manifest, {
          stateRoot: await freshStore(),
          formulaHash: hash,
          owner: `${'a'.repeat(55)}d`,
          agentBundle: path.join(REPO_ROOT, 'dist/guest/agent.mjs'),
        });
      const first = await build();
      const second = await build();
      assert.equal(second.initrd.digest, first.initrd.digest, `${node}: initramfs`);
      assert.equal(second.base?.digest, first.base?.digest, `${node}: root image`);
      assert.equal(second.imageKey, first.imageKey, `${node}: image key`);
    }
  });
});
