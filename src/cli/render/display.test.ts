import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderViewHelp, viewerUri } from './display.js';

describe('display connection help', () => {
  it('gives virt-viewer URIs for SPICE and VNC unix sockets', () => {
    assert.equal(
      viewerUri({ protocol: 'spice', socket: '/run/multiverse/portals/ff/spice.sock' }),
      'spice+unix:///run/multiverse/portals/ff/spice.sock',
    );
    assert.equal(
      viewerUri({ protocol: 'vnc', socket: '/run/multiverse/portals/ff/vnc.sock' }),
      'vnc+unix:///run/multiverse/portals/ff/vnc.sock',
    );
  });

  it('prints the socket, the command and that no TCP port is involved', () => {
    const text = renderViewHelp('ff', { protocol: 'spice', socket: '/r/spice.sock' });
    assert.match(text, /^ff: SPICE display on the unix socket \/r\/spice\.sock \(no TCP port\)$/m);
    assert.match(text, /^connect: {2}remote-viewer spice\+unix:\/\/\/r\/spice\.sock$/m);
  });
});
