/**
 * Root never follows a link a portal's account planted: a portal's share subfolder swapped for a link to a
 * root-owned file, a volume swapped for a link to one, or for a dangling link into a root-only folder, and
 * the next `up` refuses (`portal.files-unsafe`) with every root file as it was and nothing created. A
 * portal's volume folder stays root's, so its account cannot plant anything there in the first place.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MvError } from '../../../src/errors/index.js';
import { isPortalUid } from '../../../src/instance/index.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { VAULTED_FORMULA } from '../../support/vaulted.js';

/** Runs `ln -s` as the portal's account: the planting its escaped QEMU could do. */
function plantAs(account: { uid: number; gid: number }, target: string, link: string): void {
  rmSync(link, { recursive: true, force: true });
  const planted = spawnSync('setpriv', [
    '--reuid',
    String(account.uid),
    '--regid',
    String(account.gid),
    '--clear-groups',
    '--',
    'ln',
    '-s',
    target,
    link,
  ]);
  assert.equal(planted.status, 0, `the portal's account could not plant ${link}: ${planted.stderr}`);
}

describe('links planted by the QEMU account', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  const rootOnly = mkdtempSync('/tmp/mv-root-only-');
  const secret = path.join(rootOnly, 'secret');
  before(async () => {
    writeFileSync(secret, 'root only\n', { mode: 0o600 });
    daemon = await startTestDaemon({ userFormulas: VAULTED_FORMULA });
    await daemon.call('portal.up', { formula: 'application/vaulted', name: 'vault' });
    await daemon.call('portal.down', { name: 'vault', force: true });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(rootOnly, { recursive: true, force: true });
  });

  const upRefused = async () => {
    await assert.rejects(
      daemon.call('portal.up', { formula: 'application/vaulted', name: 'vault' }),
      (error: unknown) => error instanceof MvError && error.code === 'portal.files-unsafe',
    );
  };
  /** The vault portal's account: its share's owner. */
  const vaultAccount = () => {
    const share = statSync(path.join(daemon.state, 'shares', 'vault'));
    return { uid: share.uid, gid: share.gid };
  };
  const secretUntouched = () => {
    const info = statSync(secret);
    assert.deepEqual([info.uid, info.gid, info.mode & 0o7777], [0, 0, 0o600]);
    assert.equal(readFileSync(secret, 'utf8'), 'root only\n');
  };

  it("keeps a portal's volume folder root's, so the portal's account cannot add to it", () => {
    const folder = statSync(path.join(daemon.state, 'volumes', 'vault'));
    assert.deepEqual([folder.uid, folder.mode & 0o7777], [0, 0o711]);
    const wallet = statSync(path.join(daemon.state, 'volumes', 'vault', 'wallet.qcow2'));
    assert.deepEqual([wallet.uid, wallet.mode & 0o7777], [vaultAccount().uid, 0o600]);
    assert.ok(isPortalUid(wallet.uid), "the volume is the portal's own account's");
  });

  it('refuses a share subfolder swapped for a link to a root file, which stays root’s', async () => {
    const downloads = path.join(daemon.state, 'shares', 'vault', 'downloads');
    plantAs(vaultAccount(), secret, downloads);
    await upRefused();
    secretUntouched();
    rmSync(downloads);
  });

  it('refuses a volume swapped for a link, even where older versions let the account plant it', async () => {
    const qemu = vaultAccount();
    const folder = path.join(daemon.state, 'volumes', 'vault');
    const wallet = path.join(folder, 'wallet.qcow2');
    const kept = path.join(rootOnly, 'wallet.qcow2');
    spawnSync('mv', [wallet, kept]);
    chownSync(folder, qemu.uid, qemu.gid); // as portalgun before this change left it (to the QEMU account)
    plantAs(qemu, secret, wallet);
    await upRefused();
    secretUntouched();
    const missing = path.join(rootOnly, 'made-by-root.qcow2');
    mkdirSync(path.dirname(missing), { recursive: true });
    rmSync(wallet);
    chownSync(folder, qemu.uid, qemu.gid);
    plantAs(qemu, missing, wallet);
    await upRefused();
    assert.equal(existsSync(missing), false, 'root created nothing through a dangling link');
    assert.equal(statSync(folder).uid, 0, 'the volume folder was taken back');
    rmSync(wallet);
    spawnSync('mv', [kept, wallet]);
    await daemon.call('portal.up', { formula: 'application/vaulted', name: 'vault' });
    assert.ok(lstatSync(wallet).isFile(), 'the real volume boots again');
  });
});
