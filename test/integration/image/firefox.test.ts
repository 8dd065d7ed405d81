/**
 * The bundled firefox portal for real: its Debian image is built from the tree's layers (minbase, the
 * browser layer shared with chromium, firefox-esr on top), signed, verified and booted on q35 with its SPICE
 * display on a unix socket, and Firefox, the formula's program, starts headless at boot as nobody: the
 * agent's `status` lists its processes.
 * No router runs here, so the portal's star network leads nowhere (fail-closed).
 */
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../../support/catalogue.js';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

/**
 * The bundled tree, with the firefox formula's program set to Firefox headless: the image has no display
 * server yet, so a windowed Firefox could not start. Same packages, so the same layers as the bundled one.
 */
function headlessFirefoxTree(): string {
  const root = mkdtempSync('/tmp/mv-firefox-formulas-');
  cpSync(path.join(REPO_ROOT, 'formulas'), root, { recursive: true });
  const formula = path.join(root, 'application/browser/firefox/formula.yaml');
  appendFileSync(formula, 'program: [/usr/bin/firefox-esr, --headless, about:blank]\n');
  return root;
}

/** Firefox's process names: the browser (GeckoMain is its main thread's name) and its helpers. */
const FIREFOX_PROCESS = /^(firefox|GeckoMain|Web Content|Socket Process|RDD Process)/;

describe('the firefox portal', { timeout: 1_800_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;

  before(async () => {
    tree = headlessFirefoxTree();
    daemon = await startTestDaemon({ formulas: tree });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(tree, { recursive: true, force: true });
  });

  it('boots the firefox image with its display on a unix socket, and Firefox starts headless', async () => {
    const up = await daemon.call('portal.up', { formula: 'application/browser/firefox', name: 'firefox' });
    const socket = path.join(daemon.run, 'portals', 'firefox', 'spice.sock');
    assert.deepEqual(up.display, { protocol: 'spice', socket });
    assert.ok(existsSync(socket) && statSync(socket).isSocket(), 'SPICE listens on a unix socket');
    const view = portalgun(['--run', daemon.run, 'view', 'firefox', '--print']);
    assert.equal(view.status, 0, view.stderr);
    assert.ok(view.stdout.includes(`remote-viewer spice+unix://${socket}`), view.stdout);
    let seen: string[] = [];
    for (let i = 0; i < 240 && !seen.some((name) => FIREFOX_PROCESS.test(name)); i++) {
      await sleep(500);
      const status = (await daemon.call('portal.status', { name: 'firefox' })) as {
        agent?: { processes?: { name: string }[] };
      };
      seen = (status.agent?.processes ?? []).map((p) => p.name);
    }
    assert.ok(
      seen.some((name) => FIREFOX_PROCESS.test(name)),
      `the agent lists Firefox among ${seen.join(', ')}`,
    );
    await daemon.call('portal.down', { name: 'firefox' });
  });
});
