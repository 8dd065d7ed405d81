/**
 * `portalgun export` booted by libvirt itself: the exported domain of a built console, created with
 * `virsh -c qemu:///session` as an unprivileged user (a libvirtd of that user's own, started by virsh in a
 * throwaway home, never the machine's system daemon), reports ready on its status channel.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { lookupUser } from '../../../src/probe/host/facts.js';
import { NO_DAEMON_RUN, portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const USER = 'nobody';

/** Runs a command as the unprivileged user, with no supplementary groups and only `env`. */
function asUser(args: readonly string[], env: NodeJS.ProcessEnv) {
  return spawnSync('setpriv', ['--reuid', USER, '--regid', 'nogroup', '--clear-groups', '--', ...args], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** The QEMU libvirt started for a domain whose files are under `dir` (libvirt names the binary's full path). */
function libvirtQemuOf(dir: string): number | undefined {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('/usr/bin/qemu-system') && cmdline.includes(dir)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/** Stops the daemons virsh started for the user, by the pid files in its runtime folder. */
function stopSessionDaemons(runtime: string): void {
  for (const daemon of ['libvirtd', 'virtlogd']) {
    const file = path.join(runtime, 'libvirt', `${daemon}.pid`);
    if (!existsSync(file)) continue;
    try {
      process.kill(Number(readFileSync(file, 'utf8').trim()), 'SIGTERM');
    } catch {
      // Already gone: its idle timeout ended it.
    }
  }
}

describe('portalgun export under libvirt', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  const work = mkdtempSync('/tmp/mv-libvirt-');
  const exported = path.join(work, 'export');
  const home = path.join(work, 'home');
  const runtime = path.join(work, 'runtime');
  const session = { HOME: home, XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: path.join(home, '.config') };
  const cli = (args: readonly string[]) =>
    portalgun(['--run', daemon.run, ...args], { env: { PORTALGUN_STATE: daemon.state } });

  before(async () => {
    daemon = await startTestDaemon();
    // Building and booting it once makes the image the export names (and signs it, as `up` does).
    await daemon.call('portal.up', { formula: 'application/console', name: 'console' });
    await daemon.call('portal.down', { name: 'console' });
  });
  after(async () => {
    asUser(['virsh', '-c', 'qemu:///session', 'destroy', 'exported'], session);
    stopSessionDaemons(runtime);
    await daemon?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  it('writes a domain on q35 with copies of the boot files, a fresh overlay on the base and a share', () => {
    const result = cli(['--json', 'export', 'application/console', exported, '--name', 'exported']);
    assert.equal(result.status, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.equal(out.domain, path.join(exported, 'domain.xml'));
    assert.deepEqual(out.taps, []);
    const xml = readFileSync(out.domain, 'utf8');
    assert.match(xml, /<type arch="x86_64" machine="q35">hvm<\/type>/);
    assert.ok(!xml.includes(daemon.state), "the export names none of the daemon's files");
    assert.ok(xml.includes(`<kernel>${exported}/image/`), "the kernel is the export's copy");
    const overlay = path.join(exported, 'portals/exported/overlay.qcow2');
    const info = JSON.parse(
      spawnSync('qemu-img', ['info', '--output=json', '-U', overlay], { encoding: 'utf8' }).stdout,
    );
    assert.equal(info['backing-filename-format'], 'raw');
    assert.ok(info['backing-filename'].startsWith(`${exported}/image/`));
    assert.ok(statSync(path.join(exported, 'shares/exported')).isDirectory());
  });

  it('refuses a folder that is not empty (bad input) and needs a daemon to name the image', () => {
    const again = cli(['export', 'application/console', exported]);
    assert.equal(again.status, 2, again.stderr);
    assert.match(again.stderr, /is not empty/);
    const alone = portalgun(['--run', NO_DAEMON_RUN, 'export', 'application/console', path.join(work, 'x')]);
    assert.notEqual(alone.status, 0);
    assert.match(alone.stderr, /No portalgun daemon answers/);
    assert.equal(existsSync(path.join(work, 'x')), false, 'nothing is written without a daemon');
  });

  it('boots under virsh as an unprivileged user and reports ready', async () => {
    const user = await lookupUser(USER);
    assert.ok(user, `the ${USER} account is missing`);
    for (const dir of [home, runtime]) mkdirSync(dir, { mode: 0o700 });
    spawnSync('chown', ['-R', `${user.uid}:${user.gid}`, exported, home, runtime]);
    chownSync(work, user.uid, user.gid);
    const created = asUser(
      ['virsh', '-c', 'qemu:///session', 'create', path.join(exported, 'domain.xml')],
      session,
    );
    assert.equal(created.status, 0, `virsh create failed: ${created.stderr}${created.stdout}`);
    const status = path.join(exported, 'portals/exported/logs/status.out');
    let text = '';
    for (let i = 0; i < 240 && !text.includes('ready '); i++) {
      await sleep(250);
      text = existsSync(status) ? readFileSync(status, 'utf8') : '';
    }
    assert.match(text, /^ready console\.application\.portal$/m, `status so far: ${text}`);
    const pid = libvirtQemuOf(exported);
    assert.ok(pid, 'libvirt runs QEMU for the export');
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), new RegExp(`^Uid:\\s+${user.uid}\\s`, 'm'));
    const destroyed = asUser(['virsh', '-c', 'qemu:///session', 'destroy', 'exported'], session);
    assert.equal(destroyed.status, 0, destroyed.stderr);
  });
});
