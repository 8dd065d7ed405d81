import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledFormula } from '../../test/support/catalogue.js';
import { assertGolden } from '../../test/support/golden.js';
import { renderProgramScript, renderServicesScript } from './_guest-program.js';

describe('the program a Debian portal runs from boot', () => {
  it('drops to nobody with setpriv and quotes every argument literally', async () => {
    const { manifest } = await bundledFormula('application/browser/firefox');
    const script = renderProgramScript({
      ...manifest,
      devices: { ...manifest.devices, display: 'none' },
      portalName: 'firefox.portal',
      program: ['/usr/bin/firefox-esr', '--headless', "it's $HOME; `x`"],
    });
    assertGolden('src/image/testdata/program.sh', script ?? '');
  });

  it('is absent when the formula names no program', async () => {
    const { manifest } = await bundledFormula('application/console');
    assert.equal(renderProgramScript({ ...manifest, program: [] }), undefined);
  });

  it('waits for the display server in a graphical portal and is its client, with its own X cookie', async () => {
    const { manifest } = await bundledFormula('application/browser/firefox');
    assertGolden('src/image/testdata/program-display.sh', renderProgramScript(manifest) ?? '');
  });
});

describe('the services a Debian portal starts at boot', () => {
  it('starts each init script once and reports a missing or failing one on the status port', () => {
    const script = renderServicesScript({
      portalName: 'web.server.service.portal',
      services: ['nginx', 'cron'],
    });
    assertGolden('src/image/testdata/services.sh', script ?? '');
  });

  it('is absent when the formula lists no services', () => {
    assert.equal(renderServicesScript({ portalName: 'console.portal', services: [] }), undefined);
  });
});
