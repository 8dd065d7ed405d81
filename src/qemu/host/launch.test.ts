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
  const drop = [
    'setpriv',
    '--reuid=64000',
    '--regid=64001',
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
  ];

  it('always drops to the portal account with no capabilities and no new privileges', () => {
    const [file, ...args] = drop;
    assert.deepEqual(launchCommand(plan), { file, args: [...args, plan.binary, '-S'] });
  });

  it('enters the namespace, raises the locked-memory limit, then drops to the portal account', () => {
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
    });
    assert.deepEqual(launchCommand({ ...plan, memlockBytes: 2048 }).file, 'prlimit');
  });

  it('runs the chain for real: the program gets the limit and the unprivileged account', {
    skip: process.getuid?.() !== 0,
  }, () => {
    const command = launchCommand({
      ...plan,
      binary: '/bin/sh',
      argv: [
        '-c',
        'id -u; grep "Max locked memory" /proc/self/limits; grep -E "^(CapBnd|NoNewPrivs)" /proc/self/status',
      ],
      uid: 65_534,
      gid: 65_534,
      memlockBytes: 65_536,
    });
    const result = spawnSync(command.file, command.args, { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^65534\nMax locked memory\s+65536\s+65536\s+bytes/);
    assert.match(result.stdout, /^CapBnd:\s+0000000000000000$/m);
    assert.match(result.stdout, /^NoNewPrivs:\s+1$/m);
  });
});
