import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGolden } from '../../test/support/golden.js';
import { renderProgramScript, renderServicesScript } from './guest-program.js';

describe('the program a Debian portal runs from boot', () => {
  it('drops to nobody with setpriv and quotes every argument literally', () => {
    const script = renderProgramScript({
      portalName: 'firefox.portal',
      program: ['/usr/bin/firefox-esr', '--headless', "it's $HOME; `x`"],
    });
    assertGolden('src/image/testdata/program.sh', script ?? '');
  });

  it('is absent when the formula names no program', () => {
    assert.equal(renderProgramScript({ portalName: 'console.portal', program: [] }), undefined);
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
