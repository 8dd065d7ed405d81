import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METHODS, PORTAL_NAME } from './index.js';

describe('METHODS', () => {
  const exec = METHODS['portal.exec'].params;

  it('fills args: [] for portal.exec', () => {
    assert.deepEqual(exec.parse({ name: 'console', verb: 'ping' }), {
      name: 'console',
      verb: 'ping',
      args: [],
    });
  });

  it('accepts 32 args of 4096 characters and refuses 33 args or a longer arg', () => {
    const long = 'a'.repeat(4096);
    assert.ok(exec.safeParse({ name: 'console', verb: 'run', args: Array(32).fill(long) }).success);
    assert.ok(!exec.safeParse({ name: 'console', verb: 'run', args: Array(33).fill('x') }).success);
    assert.ok(!exec.safeParse({ name: 'console', verb: 'run', args: [`${long}a`] }).success);
  });

  it('refuses unknown fields', () => {
    assert.ok(!exec.safeParse({ name: 'console', verb: 'ping', shell: true }).success);
  });

  it('fills force: false for portal.down', () => {
    assert.deepEqual(METHODS['portal.down'].params.parse({ name: 'console' }), {
      name: 'console',
      force: false,
    });
  });
});

describe('PORTAL_NAME', () => {
  it('accepts lower-case DNS labels', () => {
    for (const name of ['a', 'console', 'console-2', 'a1', `a${'b'.repeat(41)}`]) {
      assert.ok(PORTAL_NAME.safeParse(name).success, name);
    }
  });

  it('refuses capitals, leading or trailing dashes, digits first, dots and names over 42 characters', () => {
    for (const name of ['Console', '-a', 'a-', '1a', 'a.b', 'a_b', '', 'a'.repeat(43), 'a'.repeat(44)]) {
      assert.ok(!PORTAL_NAME.safeParse(name).success, JSON.stringify(name));
    }
  });
});
