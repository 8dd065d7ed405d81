/**
 * Extra disks with a mount point, for real: a console a user gave a persistent data disk gets a file system
 * on it at first boot, mounted where the formula says, and finds its files there after a restart of the
 * portal; an ephemeral disk starts blank every time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { portalShell } from '../../support/uplink-tree.js';

const USER_FORMULAS = {
  'application/notebook': `extends: application/console
description: a console with a data disk that survives it, and a scratch disk that does not
disks:
  data: { size: 64, persistent: true, mountPoint: /data }
  scratch: { size: 32, mountPoint: /scratch }
`,
};

describe('disks with a mount point', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: USER_FORMULAS });
  });
  after(() => daemon.dispose());

  it('formats a persistent disk once and keeps its files across boots; a scratch disk starts blank', async () => {
    await daemon.call('portal.up', { formula: 'application/notebook', name: 'notebook' });
    const first = await portalShell(
      daemon,
      'notebook',
      'grep -E " /(data|scratch) " /proc/mounts | cut -d" " -f2,3; echo kept > /data/note; echo gone > /scratch/note; sync',
    );
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(first.stdout, '/data ext4\n/scratch ext4\n');
    await daemon.call('portal.down', { name: 'notebook', force: false });

    await daemon.call('portal.up', { formula: 'application/notebook', name: 'notebook' });
    const second = await portalShell(daemon, 'notebook', 'cat /data/note; ls /scratch');
    assert.equal(second.stdout, 'kept\nlost+found\n', second.stderr);
    await daemon.call('portal.down', { name: 'notebook', force: false });
  });
});
