import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import type { QmpEvent } from './codec.js';
import { EVENT_HISTORY, QmpEventLog } from './event-log.js';

function event(name: string, data: Record<string, unknown> = {}): QmpEvent {
  return { kind: 'event', name, data, timestamp: { seconds: 1, microseconds: 2 } };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof MvError && error.code === code);
}

describe('QmpEventLog', () => {
  it('numbers events from 1 and resolves a waiter with the next matching one', async () => {
    const log = new QmpEventLog('/run/p/qmp.sock');
    assert.equal(log.count, 0);
    const waiting = log.waitFor('SHUTDOWN', { timeoutMs: 1_000 });
    log.record(event('STOP'));
    log.record(event('SHUTDOWN', { reason: 'guest-shutdown' }));
    assert.equal(log.count, 2);
    assert.deepEqual((await waiting).data, { reason: 'guest-shutdown' });
  });

  it('finds an event that arrived before the call but after the cursor', async () => {
    const log = new QmpEventLog('/run/p/qmp.sock');
    log.record(event('SHUTDOWN', { n: 1 }));
    const mark = log.count;
    log.record(event('SHUTDOWN', { n: 2 }));
    log.record(event('SHUTDOWN', { n: 3 }));
    assert.deepEqual((await log.waitFor('SHUTDOWN', { timeoutMs: 1_000, after: mark })).data, { n: 2 });
    assert.deepEqual((await log.waitFor('SHUTDOWN', { timeoutMs: 1_000, after: 0 })).data, { n: 1 });
    await rejectsWith(log.waitFor('SHUTDOWN', { timeoutMs: 10 }), 'qmp.timeout');
  });

  it(`keeps only the last ${EVENT_HISTORY} events`, async () => {
    const log = new QmpEventLog('/run/p/qmp.sock');
    log.record(event('RESET'));
    for (let i = 0; i < EVENT_HISTORY; i += 1) log.record(event('RTC_CHANGE'));
    await rejectsWith(log.waitFor('RESET', { timeoutMs: 10, after: 0 }), 'qmp.timeout');
  });

  it('calls subscribers in order and stops after unsubscribing, per subscription', () => {
    const log = new QmpEventLog('/run/p/qmp.sock');
    const seen: string[] = [];
    const listener = (e: QmpEvent) => seen.push(e.name);
    const first = log.subscribe(listener);
    log.subscribe(listener);
    log.record(event('STOP'));
    first();
    log.record(event('RESUME'));
    assert.deepEqual(seen, ['STOP', 'STOP', 'RESUME']);
  });

  it('rejects pending waits with the closing error, and later ones unless the history has the event', async () => {
    const log = new QmpEventLog('/run/p/qmp.sock');
    const pending = log.waitFor('SHUTDOWN', { timeoutMs: 1_000 });
    log.record(event('STOP'));
    log.end(new MvError('qmp.protocol', 'garbage'));
    await rejectsWith(pending, 'qmp.protocol');
    assert.equal((await log.waitFor('STOP', { timeoutMs: 1_000, after: 0 })).name, 'STOP');
    await rejectsWith(log.waitFor('SHUTDOWN', { timeoutMs: 1_000 }), 'qmp.disconnected');
  });
});
