/**
 * What a portal's QEMU holds open, listed from /proc/<pid>/fd of a real boot: its own files, sockets and
 * event descriptors, and nothing of the daemon's, even when the daemon's parent leaked one to it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runFiles } from '../../../src/instance/index.js';
import { LEAKED_FD, startTestDaemon, TEST_CACHE, type TestDaemon } from '../../support/daemon.js';

/** Where each open descriptor of a process points (`socket:[n]`, `pipe:[n]`, a path, `anon_inode:…`). */
function descriptorsOf(pid: number): Map<number, string> {
  const open = new Map<number, string>();
  for (const entry of readdirSync(`/proc/${pid}/fd`)) {
    try {
      open.set(Number(entry), readlinkSync(`/proc/${pid}/fd/${entry}`));
    } catch {
      // Closed while we looked.
    }
  }
  return open;
}

/** The daemon's process, found by its state folder on its command line. */
function daemonPid(state: string): number {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('daemon/main.js') && cmdline.includes(state)) return Number(entry);
    } catch {
      // Ended while we looked.
    }
  }
  assert.fail('the daemon process is not running');
}

describe('descriptors QEMU inherits', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ leakDescriptor: true });
  });
  after(() => daemon.dispose());

  it('the daemon closes what it inherited without close-on-exec, and QEMU holds only its own', async () => {
    assert.match(
      readFileSync(daemon.logFile, 'utf8'),
      new RegExp(`closed descriptors (\\d+, )*${LEAKED_FD}\\b`),
    );
    await daemon.call('portal.up', { formula: 'application/console', name: 'console' });
    const portal = (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'console');
    assert.ok(portal?.pid);
    const qemu = descriptorsOf(portal.pid);
    const daemonHolds = new Set(descriptorsOf(daemonPid(daemon.state)).values());
    const shared = [...qemu].filter(
      ([, target]) => /^(socket|pipe):/.test(target) && daemonHolds.has(target),
    );
    assert.deepEqual(shared, [], 'no socket or pipe of the daemon reaches QEMU');
    const runDir = path.join(daemon.run, 'portals', 'console');
    const own = [
      runDir,
      path.join(daemon.state, 'shares', 'console'),
      realpathSync(path.join(TEST_CACHE, 'store')),
      '/dev/null',
      '/dev/urandom',
    ];
    for (const [fd, target] of qemu) {
      if (/^(socket|pipe|anon_inode):/.test(target)) continue;
      assert.ok(
        own.some((prefix) => target === prefix || target.startsWith(`${prefix}/`)),
        `QEMU's descriptor ${fd} is ${target}, which is not its own`,
      );
    }
    assert.equal(qemu.get(0), '/dev/null');
    assert.equal(qemu.get(1), runFiles(runDir).qemuLog);
  });
});
