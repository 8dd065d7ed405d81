import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

describe('launchCommand', () => {
  it('starts an offline portal in a network namespace of its own, jailed, chrooted and dropped', () => {
    assert.deepEqual(launchCommand(plan), { file: 'unshare', args: ['--net', '--', ...setpriv, ...qemu] });
  });

  it('enters the portal namespace and raises the locked-memory limit before the jail', () => {
    assert.deepEqual(launchCommand({ ...plan, namespace: 'mv-ns', memlockBytes: 1_610_612_736 }), {
      file: 'ip',
      args: [
        'netns',
        'exec',
        'mv-ns',
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
    const command = launchCommand({
      ...plan,
      binary: '/bin/sh',
      argv: [
        '-c',
        'grep -c : /proc/net/dev; grep "Max locked memory" /proc/self/limits; grep -E "^(CapBnd|NoNewPrivs|Groups)" /proc/self/status; exit 0',
      ],
      memlockBytes: 65_536,
    });
    const result = spawnSync(command.file, command.args, { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^1\nMax locked memory\s+65536\s+65536\s+bytes/);
    // dac_override 1, net_admin 12, setgid 6, setuid 7, sys_chroot 18
    assert.match(result.stdout, /^CapBnd:\s+00000000000410c2$/m);
    assert.match(result.stdout, /^NoNewPrivs:\s+1$/m);
    assert.match(result.stdout, /^Groups:\s*$/m);
  });
});
