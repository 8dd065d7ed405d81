/**
 * The formula's device switches, for real: consoles a user made without a serial console, entropy device or
 * share, and one on q35 with a memory balloon and a read-only share; what the guest and the host see of each.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { portalShell } from '../../support/uplink-tree.js';

const USER_FORMULAS = {
  'application/bare': `extends: application/console
description: a console without a serial console, an entropy device or a share
devices: { console: false, rng: false }
share: { enabled: false }
`,
  'application/roomy': `extends: application/console
description: a q35 console with a memory balloon and a read-only share
machine: { type: q35, balloon: true }
share: { readOnly: true }
`,
};

describe('device switches', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: USER_FORMULAS });
  });
  after(() => daemon.dispose());

  it('boots without a serial console, entropy device or share when the formula says so', async () => {
    await daemon.call('portal.up', { formula: 'application/bare', name: 'bare' });
    const seen = await portalShell(
      daemon,
      'bare',
      'grep -c " 9p " /proc/mounts; ls /sys/class/misc/hw_random 2>&1 | head -1; cat /sys/class/tty/ttyS0/type 2>&1',
    );
    assert.match(seen.stdout, /^0\n/, 'no 9p share is mounted');
    assert.doesNotMatch(seen.stdout, /^rng_available$/m, 'no virtio-rng');
    const runDir = path.join(daemon.run, 'portals', 'bare');
    assert.ok(!existsSync(path.join(runDir, 'console.sock')), 'no console socket on the host');
    const logs = portalgun(['--run', daemon.run, 'logs', 'bare']);
    assert.equal(logs.stdout, '', 'and no console log');
    await assert.rejects(daemon.call('portal.console', { name: 'bare' }), /has no serial console/);
    await daemon.call('portal.down', { name: 'bare', force: false });
  });

  it('gives a q35 portal a working memory balloon and a share the guest cannot write', async () => {
    await daemon.call('portal.up', { formula: 'application/roomy', name: 'roomy' });
    writeFileSync(path.join(daemon.state, 'shares', 'roomy', 'from-host.txt'), 'hello\n', { mode: 0o644 });
    const seen = await portalShell(
      daemon,
      'roomy',
      'ls /sys/bus/virtio/drivers/virtio_balloon | grep -c virtio; cat /mnt/multiverse-portal/from-host.txt; echo x > /mnt/multiverse-portal/new.txt; echo "write=$?"; mount -o remount,rw /mnt/multiverse-portal; echo x > /mnt/multiverse-portal/new.txt; echo "remounted=$?"',
    );
    // The host exports it read-only (readonly=on): remounting it read-write in the guest changes nothing.
    assert.match(seen.stdout, /^1\nhello\nwrite=[1-9]\nremounted=[1-9]/, `${seen.stdout}${seen.stderr}`);
    assert.ok(!existsSync(path.join(daemon.state, 'shares', 'roomy', 'new.txt')), 'nothing was written');
    await daemon.call('portal.down', { name: 'roomy', force: false });
  });
});
