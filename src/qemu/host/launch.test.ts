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
  logFile: '/dev/null',
};

describe('launchCommand', () => {
  it('starts QEMU directly as its account when there is no namespace and no limit to raise', () => {
    assert.deepEqual(launchCommand(plan), { file: plan.binary, args: ['-S'], asUser: true });
  });

  it('enters the namespace, raises the locked-memory limit, then drops to the QEMU account', () => {
    const drop = ['setpriv', '--reuid=64000', '--regid=64001', '--clear-groups', '--inh-caps=-all', '--'];
    assert.deepEqual(launchCommand({ ...plan, namespace: 'mv-ns', memlockBytes: 1_610_612_736 }), {
      file: 'ip',
      args: [
        'netns',
        'exec',
        'mv-ns',
        'prlimit',
        '--memlock=1610612736:1610612736',
        '--',
        ...drop,
        plan.binary,
        '-S',
      ],
      asUser: false,
    });
    assert.deepEqual(launchCommand({ ...plan, memlockBytes: 2048 }).file, 'prlimit');
  });

  it('runs the chain for real: the program gets the limit and the unprivileged account', {
    skip: process.getuid?.() !== 0,
  }, () => {
    const command = launchCommand({
      ...plan,
      binary: '/bin/sh',
      argv: ['-c', 'id -u; grep "Max locked memory" /proc/self/limits'],
      uid: 65_534,
      gid: 65_534,
      memlockBytes: 65_536,
    });
    const result = spawnSync(command.file, command.args, { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^65534\nMax locked memory\s+65536\s+65536\s+bytes/);
  });
});
