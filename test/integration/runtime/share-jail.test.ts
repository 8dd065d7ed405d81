/**
 * The share is the host's to limit, whatever the guest's root does (SPECIFICATION 8.12, 8.13):
 * - a read-only subfolder lives outside the read-write export and is exported read-only by QEMU: the guest
 *   cannot write it through its bind mount, through the read-only export's own mount, after remounting or
 *   remounting that export read-write, nor, after unmounting the bind, through the read-write share (what it
 *   writes there lands in the share, never in the read-only folder); a read-write subfolder's write reaches
 *   the host;
 * - the share is an image of `share.quota` MiB: a guest writing past it gets ENOSPC, the host's disk gives it
 *   at most the quota, and the daemon still answers signed calls;
 * - an older version's plain-folder share becomes an image holding its files, its read-only subfolder moved
 *   out of it; a restarted daemon mounts every image again; a changed quota gives the share a new image of
 *   that size holding its files; `rm` counts both folders and deletes the image, its mount and the read-only
 *   folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MvError } from '../../../src/errors/index.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const QUOTA_MIB = 32;

const SHARED_FORMULA = {
  'application/shared-larger': `extends: application/shared
description: the same with a larger share quota
share:
  quota: ${QUOTA_MIB * 2}
`,
  'application/shared': `extends: application/console
description: a console with a read-only and a read-write share subfolder and a small share quota
share:
  quota: ${QUOTA_MIB}
  subfolders:
    docs: { readOnly: true }
    inbox: {}
`,
} as const;

type RunResult = { exitCode: number; stdout: string; stderr: string };

function shell(daemon: TestDaemon, name: string, script: string): Promise<RunResult> {
  return daemon
    .call('portal.exec', { name, verb: 'run', args: ['/bin/busybox', 'sh', '-c', script] })
    .then((r) => r.result as RunResult);
}

/** Whether a mount point is mounted in this (the host's) mount namespace. */
function mounted(dir: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === dir);
}

describe('the share jail: read-only subfolders and the quota', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  const share = () => path.join(daemon.state, 'shares', 'jail');
  const readOnly = () => path.join(daemon.state, 'shares-readonly', 'jail');
  const image = () => path.join(daemon.state, 'share-images', 'jail.ext4');
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: SHARED_FORMULA });
    await daemon.call('portal.up', { formula: 'application/shared', name: 'jail' });
    // The owner puts a file into the read-only subfolder from the host.
    writeFileSync(path.join(readOnly(), 'docs', 'from-host.txt'), 'the owner wrote this\n', { mode: 0o644 });
  });
  after(() => daemon.dispose());

  it('keeps read-only subfolders out of the read-write export, on the host', () => {
    assert.deepEqual(readdirSync(path.join(share(), 'docs')), [], 'only an empty mount point in the share');
    assert.ok(existsSync(path.join(share(), 'inbox')));
    assert.ok(!existsSync(path.join(readOnly(), 'inbox')));
    const [shareInfo, readOnlyInfo] = [statSync(share()), statSync(readOnly())];
    assert.deepEqual([shareInfo.mode & 0o777, readOnlyInfo.mode & 0o777], [0o700, 0o700]);
    assert.equal(readOnlyInfo.uid, shareInfo.uid, "both are the portal's own account's");
  });

  it('lets the guest write a read-write subfolder, and the host sees it', async () => {
    const wrote = await shell(
      daemon,
      'jail',
      'echo from-the-guest > /mnt/multiverse-portal/inbox/note && sync',
    );
    assert.equal(wrote.exitCode, 0, wrote.stderr);
    assert.equal(readFileSync(path.join(share(), 'inbox', 'note'), 'utf8'), 'from-the-guest\n');
  });

  it('refuses every write the guest root tries into a read-only subfolder', async () => {
    const read = await shell(daemon, 'jail', 'cat /mnt/multiverse-portal/docs/from-host.txt');
    assert.equal(read.stdout, 'the owner wrote this\n', read.stderr);
    const attempts = {
      'through its bind mount': 'echo x > /mnt/multiverse-portal/docs/new',
      'over the owner’s file': 'echo x > /mnt/multiverse-portal/docs/from-host.txt',
      'through the read-only export': 'echo x > /mnt/multiverse-portal-readonly/docs/new',
      'after remounting the export read-write':
        'mount -o remount,rw /mnt/multiverse-portal-readonly; echo x > /mnt/multiverse-portal-readonly/docs/new',
      'by mounting the tag again, read-write':
        'umount /mnt/multiverse-portal/docs && umount /mnt/multiverse-portal-readonly && mkdir -p /tmp/ro && ' +
        'mount -t 9p -o trans=virtio,version=9p2000.L,rw multiverse-portal-readonly /tmp/ro && ' +
        '{ echo x > /tmp/ro/docs/new || { rm -f /tmp/ro/docs/from-host.txt && false; }; }',
    };
    for (const [how, script] of Object.entries(attempts)) {
      const result = await shell(daemon, 'jail', script);
      assert.notEqual(result.exitCode, 0, `the guest wrote a read-only subfolder ${how}`);
      assert.match(result.stderr, /Read-only file system/, `${how}: ${result.stderr}`);
    }
    const tag = await shell(daemon, 'jail', 'grep " /tmp/ro " /proc/mounts');
    assert.equal(tag.exitCode, 0, 'the last attempt really mounted the tag (its write was refused)');
    // With the bind gone, the guest writes into the share's own (empty) mount point, never the read-only data.
    const sneaky = await shell(daemon, 'jail', 'echo x > /mnt/multiverse-portal/docs/sneaky && sync');
    assert.equal(sneaky.exitCode, 0, sneaky.stderr);
    assert.ok(existsSync(path.join(share(), 'docs', 'sneaky')));
    assert.deepEqual(readdirSync(path.join(readOnly(), 'docs')), ['from-host.txt']);
    assert.equal(
      readFileSync(path.join(readOnly(), 'docs', 'from-host.txt'), 'utf8'),
      'the owner wrote this\n',
    );
  });

  it('caps the share at share.quota: the guest gets ENOSPC and the daemon keeps answering', async () => {
    assert.ok(mounted(share()), "the share's image is mounted at the share's folder");
    assert.equal(statSync(image()).size, QUOTA_MIB * 1024 * 1024);
    const fill = await shell(
      daemon,
      'jail',
      `dd if=/dev/zero of=/mnt/multiverse-portal/fill bs=1048576 count=${QUOTA_MIB * 2}; sync`,
    );
    assert.match(fill.stderr, /No space left on device/);
    const guestSize = await shell(daemon, 'jail', 'wc -c < /mnt/multiverse-portal/fill');
    assert.ok(Number(guestSize.stdout.trim()) < QUOTA_MIB * 1024 * 1024, guestSize.stdout);
    const onDisk = statSync(image()).blocks * 512;
    assert.ok(onDisk <= QUOTA_MIB * 1024 * 1024, `the image takes ${onDisk} bytes of the host's disk`);
    const { portals } = await daemon.call('portal.list', {});
    assert.deepEqual(
      portals.map((p) => [p.name, p.state]),
      [['jail', 'ready']],
    );
  });

  it('makes an older plain-folder share an image, its read-only subfolder moved out', async () => {
    const old = path.join(daemon.state, 'shares', 'older');
    mkdirSync(path.join(old, 'docs'), { recursive: true });
    writeFileSync(path.join(old, 'kept.txt'), 'kept\n');
    writeFileSync(path.join(old, 'docs', 'manual.txt'), 'manual\n');
    await daemon.call('portal.up', { formula: 'application/shared', name: 'older' });
    assert.ok(mounted(old));
    assert.equal(readFileSync(path.join(old, 'kept.txt'), 'utf8'), 'kept\n');
    assert.deepEqual(readdirSync(path.join(old, 'docs')), []);
    const olderReadOnly = path.join(daemon.state, 'shares-readonly', 'older', 'docs', 'manual.txt');
    assert.equal(readFileSync(olderReadOnly, 'utf8'), 'manual\n');
    const read = await shell(
      daemon,
      'older',
      'cat /mnt/multiverse-portal/kept.txt /mnt/multiverse-portal/docs/manual.txt',
    );
    assert.equal(read.stdout, 'kept\nmanual\n', read.stderr);
  });

  it('mounts every share image again when the daemon starts, as after a reboot', async () => {
    const old = path.join(daemon.state, 'shares', 'older');
    await daemon.call('portal.down', { name: 'older', force: true });
    assert.equal(spawnSync('umount', [old]).status, 0);
    await daemon.kill9();
    await daemon.restart();
    assert.ok(mounted(old));
    assert.equal(readFileSync(path.join(old, 'kept.txt'), 'utf8'), 'kept\n');
  });

  it('gives the share a new image of the new size when share.quota changes, keeping its files', async () => {
    const old = path.join(daemon.state, 'shares', 'older');
    await daemon.call('portal.up', { formula: 'application/shared-larger', name: 'older', adoptData: true });
    const olderImage = path.join(daemon.state, 'share-images', 'older.ext4');
    assert.equal(statSync(olderImage).size, QUOTA_MIB * 2 * 1024 * 1024);
    assert.ok(mounted(old));
    assert.equal(readFileSync(path.join(old, 'kept.txt'), 'utf8'), 'kept\n');
    const room = await shell(
      daemon,
      'older',
      `dd if=/dev/zero of=/mnt/multiverse-portal/fill bs=1048576 count=${QUOTA_MIB}`,
    );
    assert.equal(room.exitCode, 0, room.stderr);
  });

  it('counts both folders for rm, then deletes the image, its mount and the read-only folder', async () => {
    await assert.rejects(
      daemon.call('portal.remove', { name: 'jail', force: true, ifShareEmpty: true }),
      (error: unknown) => error instanceof MvError && error.code === 'portal.share-not-empty',
    );
    await daemon.call('portal.remove', { name: 'jail', force: true, ifShareEmpty: false });
    assert.ok(!mounted(share()));
    for (const gone of [share(), readOnly(), image()]) assert.ok(!existsSync(gone), `${gone} is left`);
  });
});
