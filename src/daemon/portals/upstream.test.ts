import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledCatalogue } from '../../../test/support/catalogue.js';
import { MvError } from '../../errors/index.js';
import { requireUpstreamReady } from './upstream.js';

async function manifests() {
  return [...(await bundledCatalogue()).formulas.values()].map((f) => f.manifest);
}

async function check(node: string, portals: { node: string; state: string }[]): Promise<void> {
  const all = await manifests();
  const manifest = all.find((m) => m.node === node);
  assert.ok(manifest);
  requireUpstreamReady(manifest, all, portals);
}

describe('requireUpstreamReady', () => {
  it('lets offline portals and the uplink router start on their own', async () => {
    await check('application/console', []);
    await check('service/router/universe', []);
  });

  it('refuses a portal whose first router is not ready, naming it and the way out', async () => {
    await assert.rejects(
      check('application/browser/firefox', [{ node: 'service/router/star', state: 'restarting' }]),
      (error: unknown) =>
        error instanceof MvError &&
        error.code === 'portal.router-down' &&
        /through the star router \(service\/router\/star\), which is not running/.test(error.message) &&
        /portalgun up application\/browser\/firefox/.test(error.hint ?? ''),
    );
    await assert.rejects(check('service/router/star', []), /galaxy router \(service\/router\/galaxy\)/);
  });

  it('lets a portal start once its first router is ready, whatever its name', async () => {
    await check('application/browser/firefox', [{ node: 'service/router/star', state: 'ready' }]);
    await check('service/router/galaxy', [{ node: 'service/router/universe', state: 'ready' }]);
  });
});
