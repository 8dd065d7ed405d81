import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledFormula } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { hasDisplayServer, renderDisplayScript } from './_guest-display.js';
import { renderInittab } from './guest-init.js';

describe('the display server of a graphical Debian portal', () => {
  it('runs Xorg on the unix socket only, with a cookie for the server and a copy for the program', async () => {
    const { manifest } = await bundledFormula('application/browser/firefox');
    assertGolden('src/image/testdata/display.sh', renderDisplayScript(manifest) ?? '');
    assert.match(renderInittab(manifest), /^::respawn:\/bin\/sh \/etc\/multiverse\/display\.sh$/m);
  });

  it('is absent without a display, and in micro images (their display shows the console)', async () => {
    const { manifest: console } = await bundledFormula('application/console');
    assert.equal(renderDisplayScript(console), undefined);
    assert.equal(hasDisplayServer({ ...console, devices: { ...console.devices, display: 'spice' } }), false);
    assert.doesNotMatch(renderInittab(console), /display\.sh/);
  });
});
