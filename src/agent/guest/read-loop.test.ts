import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDLE_POLL_MS, runReadLoop } from './read-loop.js';

describe('agent port read loop', () => {
  it('feeds data to the session, and on end of file resets it and sleeps before reading again', async () => {
    const script: (string | number | Error)[] = ['ab', 0, 0, 'cd', new Error('EIO'), new Error('EIO'), 'ef'];
    const events: string[] = [];
    const stop = new AbortController();
    await runReadLoop({
      read: async (buffer) => {
        const step = script.shift();
        if (script.length === 0) stop.abort();
        if (step instanceof Error) throw step;
        if (typeof step === 'number') return step;
        return buffer.write(step ?? '');
      },
      session: {
        push: (chunk) => events.push(`push ${Buffer.from(chunk).toString()}`),
        reset: () => events.push('reset'),
      },
      sleep: async (ms) => {
        events.push(`sleep ${ms}`);
      },
      log: (line) => events.push(`log ${line}`),
      signal: stop.signal,
    });
    const idle = ['reset', `sleep ${IDLE_POLL_MS}`];
    assert.deepEqual(events, [
      'push ab',
      ...idle,
      ...idle,
      'push cd',
      'log agent: reading the agent port failed: Error: EIO',
      ...idle,
      ...idle,
      'push ef',
    ]);
  });
});
