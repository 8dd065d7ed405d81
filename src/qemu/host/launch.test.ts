import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { launchCommand } from './launch.js';

const plan = {
  binary: '/usr/bin/qemu-system-x86_64',
  argv: ['-S'],
  uid: 64_000,
  gid: 64_001,
  cwd: '/',
  chroot: '/run/p/jail',
  logFile: '/dev/null',
};

const setpriv = [
  'setpriv',
  '--clear-groups',
  '--inh-caps=-all',
  '--bounding-set=-all,+dac_override,+net_admin,+sys_chroot,+setuid,+setgid',
  '--no-new-privs',
  '--',
];
const qemu = [plan.binary, '-S', '-chroot', '/run/p/jail', '-runas', '64000:64001'];

const unshare = ['unshare', '--mount', '--mount-proc=/run/p/jail/proc'];

describe('launchCommand', () => {
  it('starts an offline portal in network and mount namespaces of its own, jailed, chrooted and dropped', () => {
    const [, ...args] = unshare;
    assert.deepEqual(launchCommand(plan), {
      file: 'unshare',
      args: [...args, '--net', '--', ...setpriv, ...qemu],
    });
  });

  it('enters the portal namespace and raises the locked-memory limit before the jail', () => {
    assert.deepEqual(launchCommand({ ...plan, namespace: 'mv-ns', memlockBytes: 1_610_612_736 }), {
      file: 'ip',
      args: [
        'netns',
        'exec',
        'mv-ns',
        ...unshare,
        '--',
        'prlimit',
        '--memlock=1610612736:1610612736',
        '--',
        ...setpriv,
        ...qemu,
      ],
    });
  });

  it('runs the chain for real: a fresh network namespace, the limit, only the start capabilities, no_new_privs', {
    skip: process.getuid?.() !== 0,
  }, () => {
    const jail = mkdtempSync(path.join(tmpdir(), 'mv-jail-'));
    mkdirSync(path.join(jail, 'proc'));
    const command = launchCommand({
      ...plan,
      chroot: jail,
      binary: '/bin/sh',
      argv: [
        '-c',
        'grep -c : /proc/net/dev; test -d "$0"/proc/self/fd || echo no-proc; grep "Max locked memory" /proc/self/limits; grep -E "^(CapBnd|NoNewPrivs|Groups)" /proc/self/status; exit 0',
      ],
      memlockBytes: 65_536,
    });
    // The script reads the jail from $0: after -c, the launcher's -chroot is $0 and the jail $1.
    const args = command.args.map((a) => (a === '-chroot' ? jail : a));
    const result = spawnSync(command.file, args, { encoding: 'utf8' });
    rmSync(jail, { recursive: true });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^1\nMax locked memory\s+65536\s+65536\s+bytes/);
    // dac_override 1, net_admin 12, setgid 6, setuid 7, sys_chroot 18
    assert.match(result.stdout, /^CapBnd:\s+00000000000410c2$/m);
    assert.match(result.stdout, /^NoNewPrivs:\s+1$/m);
    assert.match(result.stdout, /^Groups:\s*$/m);
  });
});
