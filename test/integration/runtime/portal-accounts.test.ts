/**
 * Every portal is its own account: two running portals, and code running as portal A's uid (what an escaped
 * QEMU of A would be) cannot open portal B's overlay, QMP, console or agent socket, share or volume; each
 * QEMU runs as its portal's uid with no capabilities, no new privileges and the seccomp filter, chrooted into
 * an empty folder and (offline) in a network namespace of its own; a portal
 * keeps its uid across a stop and a start, so its share and volumes stay its own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isPortalUid } from '../../../src/instance/index.js';
import { lookupUser, QEMU_USER } from '../../../src/probe/host/facts.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { VAULTED_FORMULA } from '../../support/vaulted.js';

/** The fields of /proc/<pid>/status a jail sets. */
function processStatus(pid: number): Record<string, string> {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Object.fromEntries(
    ['Uid', 'Gid', 'Groups', 'CapEff', 'CapPrm', 'CapBnd', 'NoNewPrivs', 'Seccomp'].map((key) => [
      key,
      new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '',
    ]),
  );
}

/** Tries to open `file` (or connect to it, for a socket) as `uid`; returns the error code, or 'opened'. */
function tryAs(uid: number, gid: number, file: string): string {
  const script = `
const fs = require('node:fs'), net = require('node:net');
const file = process.argv[1];
let kind = 'file';
try { kind = fs.statSync(file).isSocket() ? 'socket' : fs.statSync(file).isDirectory() ? 'dir' : 'file'; }
catch (e) { console.log(e.code); process.exit(0); }
if (kind === 'socket') {
  net.connect(file).on('connect', () => { console.log('opened'); process.exit(0); })
    .on('error', (e) => { console.log(e.code); process.exit(0); });
} else {
  try { kind === 'dir' ? fs.readdirSync(file) : fs.closeSync(fs.openSync(file, 'r')); console.log('opened'); }
  catch (e) { console.log(e.code); }
}`;
  const result = spawnSync(
    'setpriv',
    [
      '--reuid',
      String(uid),
      '--regid',
      String(gid),
      '--clear-groups',
      '--',
      process.execPath,
      '-e',
      script,
      file,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

describe('one account per portal', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  const pidOf = async (name: string) => {
    const pid = (await daemon.call('portal.list', {})).portals.find((p) => p.name === name)?.pid;
    assert.ok(pid, `${name} runs`);
    return pid;
  };
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: VAULTED_FORMULA });
    await daemon.call('portal.up', { formula: 'application/console', name: 'alpha' });
    await daemon.call('portal.up', { formula: 'application/vaulted', name: 'bravo' });
  });
  after(() => daemon.dispose());

  it("runs each QEMU as its portal's own uid, without capabilities or new privileges, under seccomp", async () => {
    const group = await lookupUser(QEMU_USER);
    assert.ok(group);
    const alpha = processStatus(await pidOf('alpha'));
    const bravo = processStatus(await pidOf('bravo'));
    for (const status of [alpha, bravo]) {
      const [uid, ...uids] = (status.Uid ?? '').split(/\s+/).map(Number);
      assert.ok(isPortalUid(uid ?? 0), `a portal uid: ${status.Uid}`);
      assert.deepEqual(uids, [uid, uid, uid], 'real, effective, saved and filesystem uid are all the portal');
      assert.deepEqual((status.Gid ?? '').split(/\s+/).map(Number), Array(4).fill(group.gid));
      assert.equal(status.Groups, String(group.gid), "no group but the portals' own");
      assert.equal(status.CapEff, '0000000000000000');
      assert.equal(status.CapPrm, '0000000000000000');
      assert.equal(status.CapBnd, '00000000000410c2', 'the bounding set holds only what the start needed');
      assert.equal(status.NoNewPrivs, '1');
      assert.equal(status.Seccomp, '2');
    }
    assert.notEqual(alpha.Uid, bravo.Uid, 'two portals, two accounts');
  });

  it("stops portal A's account at every file of portal B, while A reaches its own", async () => {
    const uidOf = (status: Record<string, string>) => Number((status.Uid ?? '').split(/\s+/)[0]);
    const alpha = uidOf(processStatus(await pidOf('alpha')));
    const group = (await lookupUser(QEMU_USER))?.gid ?? -1;
    const bravoRun = path.join(daemon.run, 'portals', 'bravo');
    for (const file of [
      path.join(bravoRun, 'overlay.qcow2'),
      path.join(bravoRun, 'qmp.sock'),
      path.join(bravoRun, 'console.sock'),
      path.join(bravoRun, 'agent.sock'),
      path.join(daemon.state, 'shares', 'bravo'),
      path.join(daemon.state, 'volumes', 'bravo', 'wallet.qcow2'),
    ]) {
      assert.equal(tryAs(alpha, group, file), 'EACCES', `portal alpha's account opened ${file}`);
    }
    const alphaShare = path.join(daemon.state, 'shares', 'alpha');
    assert.equal(tryAs(alpha, group, alphaShare), 'opened', 'its own share');
    const status = await daemon.call('portal.status', { name: 'bravo' });
    assert.equal(status.portal.state, 'ready', 'portal bravo is unharmed');
  });

  it('jails each QEMU in its empty chroot, an offline one in a network namespace of its own', async () => {
    const pid = await pidOf('alpha');
    assert.equal(readlinkSync(`/proc/${pid}/root`), path.join(daemon.run, 'portals', 'alpha', 'jail'));
    assert.deepEqual(readdirSync(`/proc/${pid}/root`), ['proc'], 'nothing of the host but a proc');
    const hostMounts = readFileSync('/proc/self/mountinfo', 'utf8');
    assert.ok(!hostMounts.includes('/jail/proc'), "QEMU's proc lives in its own mount namespace");
    assert.notEqual(readlinkSync(`/proc/${pid}/ns/net`), readlinkSync('/proc/self/ns/net'));
    assert.equal(
      readFileSync(`/proc/${pid}/net/dev`, 'utf8')
        .split('\n')
        .filter((l) => l.includes(':')).length,
      1,
    );
  });

  it('keeps a portal its uid across a stop and a start, with its share and volume', async () => {
    const before = processStatus(await pidOf('bravo')).Uid;
    await daemon.call('portal.down', { name: 'bravo', force: false });
    await daemon.call('portal.up', { formula: 'application/vaulted', name: 'bravo' });
    assert.equal(processStatus(await pidOf('bravo')).Uid, before);
  });
});
