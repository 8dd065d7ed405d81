import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { isSameProcessAlive, processStartTime, residentKiB } from './process-info.js';

/** A pid above Linux's largest pid_max (2^22): no process has it. */
const NO_SUCH_PID = 4_194_305;

/** The pid of a process that has ended and been reaped. */
async function endedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid;
  assert.ok(pid !== undefined);
  await once(child, 'exit');
  return pid;
}

describe('process info from /proc', () => {
  it('reads a running process’s start time, and the same one each time', () => {
    const start = processStartTime(process.pid);
    assert.match(start ?? '', /^\d+$/);
    assert.equal(processStartTime(process.pid), start);
    assert.equal(processStartTime(NO_SUCH_PID), undefined);
  });

  it('tells the process we started from another that got its pid, and from one that is gone', async () => {
    const start = processStartTime(process.pid) ?? '';
    assert.equal(isSameProcessAlive(process.pid, start), true);
    assert.equal(isSameProcessAlive(process.pid, null), true, 'no start time recorded: any live process');
    assert.equal(isSameProcessAlive(process.pid, `${start}1`), false, 'a recycled pid');
    assert.equal(isSameProcessAlive(NO_SUCH_PID, null), false);
    assert.equal(isSameProcessAlive(await endedPid(), null), false);
  });

  it('reads a running process’s resident memory in KiB, and none for one that is gone', async () => {
    const rss = residentKiB(process.pid);
    assert.ok(Number.isInteger(rss) && (rss ?? 0) > 0, `a positive size, not ${rss}`);
    assert.equal(residentKiB(NO_SUCH_PID), null);
    assert.equal(residentKiB(await endedPid()), null);
  });
});
