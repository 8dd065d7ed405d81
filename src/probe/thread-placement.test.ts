import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCpuList, threadPlacement } from './thread-placement.js';

/** A stat line with `rt_priority` and `policy` in fields 40 and 41, and a name with spaces and ")". */
function statLine(priority: number, policy: number): string {
  const after = Array.from({ length: 50 }, (_, i) => String(i + 3));
  after[40 - 3] = String(priority);
  after[41 - 3] = String(policy);
  return `4242 (CPU 0/TCG) x) ${after.join(' ')}\n`;
}

describe('thread placement', () => {
  it('reads CPU lists as the kernel writes them, and refuses anything else', () => {
    assert.deepEqual(parseCpuList('1'), [1]);
    assert.deepEqual(parseCpuList('0,2-4'), [0, 2, 3, 4]);
    assert.equal(parseCpuList('3-1'), undefined);
    assert.equal(parseCpuList('a'), undefined);
  });
  it("reads a thread's affinity, policy and real-time priority", () => {
    assert.deepEqual(threadPlacement(statLine(10, 1), 'Name:\tx\nCpus_allowed_list:\t1\n'), {
      cpus: '1',
      policy: 'fifo',
      priority: 10,
    });
    assert.deepEqual(threadPlacement(statLine(0, 0), 'Cpus_allowed_list:\t0-1\n'), {
      cpus: '0-1',
      policy: 'other',
      priority: 0,
    });
    assert.equal(threadPlacement(statLine(0, 0), 'Name:\tx\n'), undefined);
  });
});
