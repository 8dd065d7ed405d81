import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { completeLine, shellCall } from './shell-commands.js';

describe('Scramble Shell commands', () => {
  it('map to daemon methods', () => {
    assert.deepEqual(shellCall(['ps']), { method: 'portal.list', params: {} });
    assert.deepEqual(shellCall(['up', 'application/console', 'c1']), {
      method: 'portal.up',
      params: { formula: 'application/console', name: 'c1' },
    });
    assert.deepEqual(shellCall(['down', 'c1', '--force']), {
      method: 'portal.down',
      params: { name: 'c1', force: true },
    });
    assert.deepEqual(shellCall(['rm', 'c1']), {
      method: 'portal.remove',
      params: { name: 'c1', force: false, ifShareEmpty: true },
    });
    assert.deepEqual(shellCall(['rm', 'c1', '--yes']), {
      method: 'portal.remove',
      params: { name: 'c1', force: false, ifShareEmpty: false },
    });
    assert.deepEqual(shellCall(['exec', 'c1', 'run', '--', '/bin/busybox', 'ls']), {
      method: 'portal.exec',
      params: { name: 'c1', verb: 'run', args: ['/bin/busybox', 'ls'] },
    });
  });

  it('refuse wrong usage and unknown commands with a hint', () => {
    for (const words of [
      ['up'],
      ['down', 'a', 'b'],
      ['rm', 'a', '--force'],
      ['exec', 'c1'],
      ['format', 'disk'],
    ]) {
      assert.throws(
        () => shellCall(words),
        (e: unknown) => e instanceof MvError && e.code === 'usage.invalid' && e.hint !== undefined,
      );
    }
  });

  it('complete commands, verbs and portal names', () => {
    assert.deepEqual(completeLine('st', []), ['status']);
    assert.deepEqual(completeLine('exec c1 p', ['c1']), ['ping', 'poweroff']);
    assert.deepEqual(completeLine('down c', ['c1', 'c2', 'x']), ['c1', 'c2']);
  });
});
