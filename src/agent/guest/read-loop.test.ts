import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDLE_POLL_MS, runReadLoop, STALE_STREAM_MS } from './read-loop.js';

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
        resync: () => events.push('resync'),
      },
      now: () => 0,
      sleep: async (ms) => {
        events.push(`sleep ${ms}`);
      },
      log: (line) => events.push(`log ${line}`),
      signal: stop.signal,
    });
    const idle = ['reset', `sleep ${IDLE_POLL_MS}`];
    assert.deepEqual(events, [
      'resync',
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

describe('agent port read loop: stale input', () => {
  it('resynchronises the decoder when input resumes after a quiet spell, not between quick reads', async () => {
    const script: [string, number][] = [
      ['a', 0],
      ['b', 10],
      ['c', 10 + STALE_STREAM_MS],
    ];
    const events: string[] = [];
    const stop = new AbortController();
    let clock = 0;
    await runReadLoop({
      read: async (buffer) => {
        const [text, at] = script.shift() ?? ['', 0];
        clock = at;
        if (script.length === 0) stop.abort();
        return buffer.write(text);
      },
      session: {
        push: (chunk) => events.push(Buffer.from(chunk).toString()),
        reset: () => events.push('reset'),
        resync: () => events.push('resync'),
      },
      sleep: async () => undefined,
      log: () => undefined,
      signal: stop.signal,
      now: () => clock,
    });
    assert.deepEqual(events, ['resync', 'a', 'b', 'resync', 'c']);
  });
});
