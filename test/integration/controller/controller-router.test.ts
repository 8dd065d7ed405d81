/**
 * The bundled `controller/router`, as shipped, boots (q35, OVMF, Debian layers) with the host's portalgun
 * installed (`image.portalgun`) and a /dev/kvm for the portals it will nest: under TCG, QEMU's `-cpu max`
 * offers AMD SVM and the controller's kvm_amd loads. Checked through the owner's signed shell.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { packageVersion } from '../../../src/cli/version.js';
import { shellSession } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const version = packageVersion();

describe('the router controller as shipped', { timeout: 900_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon();
  });
  after(() => daemon.dispose());

  it('boots with this portalgun installed and KVM for nested portals, and stops cleanly', async () => {
    const up = await daemon.call('portal.up', { formula: 'controller/router', name: 'router' });
    assert.equal(up.state, 'ready');
    const seen = shellSession(
      daemon.run,
      'router',
      'portalgun --version; ls /dev/kvm; portalgun --json doctor | grep -A1 \'"detail": "kvm\'; /usr/bin/ip -V\nexit\n',
    );
    assert.equal(seen.status, 0, seen.stderr);
    assert.match(seen.stdout, new RegExp(`^${version.replaceAll('.', '\\.')}\\r?$`, 'm'), seen.stdout);
    assert.match(seen.stdout, /^\/dev\/kvm\r?$/m, 'the controller has KVM to give its portals');
    assert.match(seen.stdout, /"detail": "kvm/, 'its doctor says nested portals get KVM');
    assert.match(seen.stdout, /^ip utility, iproute2-/m, "Debian's ip at /usr/bin/ip, not busybox's");
    await daemon.call('portal.down', { name: 'router', force: false });
  });
});
