import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { portalRecord } from '../../../test/support/portal-record.js';
import { type PortalRecord, PortalStore } from '../state/portal-store.js';
import type { RestartPolicy } from './restart-plan.js';
import { Restarter } from './restarter.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mv-restarter-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
const NOW = 1_700_000_100_000;

/** Lets the restarter's async start and its bookkeeping run to the end. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A restarter over a fresh state database, a clock the test sets and mocked timers (`t.mock.timers`), whose
 * starts are recorded and answered by `outcome` (default: the start succeeds).
 */
function setUp(t: TestContext, outcome: (record: PortalRecord) => Promise<void> = async () => {}) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const store = new PortalStore(path.join(dir, `state-${++fileCount}.sqlite`));
  t.after(() => store.close());
  const clock = { now: NOW };
  const logs: string[] = [];
  const starts: PortalRecord[] = [];
  const restarter = new Restarter({
    store,
    clock: () => clock.now,
    log: (line) => logs.push(line),
    start: (record) => {
      starts.push(record);
      return outcome(record);
    },
  });
  /** Advances the clock and the timers together, then lets what fired finish. */
  const advance = async (ms: number) => {
    clock.now += ms;
    t.mock.timers.tick(ms);
    await settle();
  };
  return { store, clock, logs, starts, restarter, advance };
}

/** A portal of `policy` stored in `store` as it was when QEMU ended. */
async function stored(
  store: PortalStore,
  name: string,
  policy: RestartPolicy,
  fields: Partial<PortalRecord> = {},
): Promise<PortalRecord> {
  const base = await portalRecord(name, { state: 'ready', pid: 4242, readyAt: NOW - 10_000, ...fields });
  const record = { ...base, manifest: { ...base.manifest, restart: policy } };
  store.put(record);
  return record;
}

describe('Restarter.afterExit', () => {
  it('marks a portal of restart: no crashed after a failure and stopped after a power-off, and starts nothing', async (t) => {
    const { store, logs, starts, restarter, advance } = setUp(t);
    const failed = await stored(store, 'failed', 'no');
    const updated = restarter.afterExit(failed, { clean: false });
    assert.equal(updated.state, 'crashed');
    assert.equal(updated.pid, null);
    assert.equal(updated.stoppedAt, NOW);
    assert.equal(updated.exitReason, 'QEMU exited unexpectedly');
    assert.equal(updated.nextRestartAt, null);
    assert.deepEqual(store.get('failed'), updated);

    const off = await stored(store, 'off', 'no');
    assert.equal(restarter.afterExit(off, { clean: true }).state, 'stopped');
    assert.equal(store.get('off')?.exitReason, 'the guest powered off');

    await advance(600_000);
    assert.equal(starts.length, 0);
    assert.deepEqual(logs, ['failed: QEMU exited unexpectedly', 'off: the guest powered off']);
  });

  it('leaves a powered-off portal of restart: on-failure stopped, and restarts it after a failure', async (t) => {
    const { store, starts, restarter, advance } = setUp(t);
    const off = restarter.afterExit(await stored(store, 'off', 'on-failure'), { clean: true });
    assert.equal(off.state, 'stopped');
    assert.match(off.exitReason ?? '', /on-failure restarts only failures/);
    const failed = restarter.afterExit(await stored(store, 'failed', 'on-failure'), { clean: false });
    assert.equal(failed.state, 'restarting');
    await advance(1_000);
    assert.deepEqual(
      starts.map((record) => record.name),
      ['failed'],
    );
  });

  it('records a pending restart and starts the portal again when it is due', async (t) => {
    const { store, logs, starts, restarter, advance } = setUp(t);
    const record = await stored(store, 'router', 'always');
    const updated = restarter.afterExit(record, { clean: true });
    assert.deepEqual(updated, {
      ...record,
      state: 'restarting',
      pid: null,
      stoppedAt: NOW,
      exitReason: 'the guest powered off',
      restarts: 1,
      nextRestartAt: NOW + 1_000,
    });
    assert.deepEqual(store.get('router'), updated);
    assert.deepEqual(logs, ['router: the guest powered off; restart 1 in 1000 ms']);

    await advance(999);
    assert.equal(starts.length, 0, 'not before it is due');
    await advance(1);
    assert.deepEqual(starts, [updated]);
    assert.equal(logs.at(-1), 'router: restarted (restart 1 in a row)');
    await advance(600_000);
    assert.equal(starts.length, 1, 'one start per exit');
  });

  it('waits twice as long after each restart in a row, and counts from zero after a healthy spell', async (t) => {
    const { store, restarter } = setUp(t);
    const fourth = restarter.afterExit(await stored(store, 'flaky', 'always', { restarts: 3 }), {
      clean: false,
    });
    assert.equal(fourth.restarts, 4);
    assert.equal(fourth.nextRestartAt, NOW + 8_000);
    const healthy = await stored(store, 'healthy', 'always', { restarts: 5, readyAt: NOW - 300_000 });
    const first = restarter.afterExit(healthy, { clean: false });
    assert.equal(first.restarts, 1);
    assert.equal(first.nextRestartAt, NOW + 1_000);
  });

  it('gives up on a crash loop: crashed with the reason, nothing scheduled', async (t) => {
    const { store, logs, starts, restarter, advance } = setUp(t);
    // Ready a minute ago only: not a healthy spell, so the five restarts before still count.
    const looping = await stored(store, 'loop', 'always', { restarts: 5, readyAt: NOW - 60_000 });
    const updated = restarter.afterExit(looping, { clean: false });
    assert.equal(updated.state, 'crashed');
    assert.equal(updated.restarts, 5);
    assert.equal(updated.nextRestartAt, null);
    assert.match(updated.exitReason ?? '', /^crash loop: QEMU exited unexpectedly after 5 restarts in a row/);
    assert.equal(logs.length, 1);
    assert.match(logs[0] ?? '', /^loop: crash loop/);
    await advance(600_000);
    assert.equal(starts.length, 0);
  });

  it('does not count a ready time of a run that is no longer ready as a healthy spell', async (t) => {
    const { store, restarter } = setUp(t);
    const record = await stored(store, 'again', 'always', {
      state: 'starting',
      restarts: 5,
      readyAt: NOW - 3_600_000,
    });
    assert.equal(restarter.afterExit(record, { clean: false }).state, 'crashed');
  });
});

describe('Restarter timers', () => {
  it('schedules the next restart, with a longer wait, when starting again fails', async (t) => {
    let fail = true;
    const { store, logs, starts, restarter, advance } = setUp(t, async () => {
      if (fail) throw new Error('tap busy');
    });
    restarter.afterExit(await stored(store, 'router', 'always'), { clean: false });
    await advance(1_000);
    assert.equal(starts.length, 1);
    assert.ok(logs.includes('router: restart 1 failed: Error: tap busy'), logs.join('\n'));
    const again = store.get('router');
    assert.equal(again?.state, 'restarting');
    assert.equal(again?.restarts, 2);
    assert.equal(again?.nextRestartAt, NOW + 1_000 + 2_000);

    fail = false;
    await advance(1_999);
    assert.equal(starts.length, 1);
    await advance(1);
    assert.equal(starts.length, 2);
    assert.equal(starts[1]?.restarts, 2);
    assert.equal(logs.at(-1), 'router: restarted (restart 2 in a row)');
  });

  it('cancels a pending restart (the owner’s down); a second cancel finds nothing', async (t) => {
    const { store, starts, restarter, advance } = setUp(t);
    restarter.afterExit(await stored(store, 'router', 'always'), { clean: false });
    assert.equal(restarter.cancel('router'), true);
    assert.equal(restarter.cancel('router'), false);
    assert.equal(restarter.cancel('never-seen'), false);
    await advance(600_000);
    assert.equal(starts.length, 0);
  });

  it('does not schedule another restart after a failed one when the owner stopped the portal meanwhile', async (t) => {
    let failStart: (error: Error) => void = () => {};
    const { store, logs, starts, restarter, advance } = setUp(
      t,
      () =>
        new Promise<void>((_resolve, reject) => {
          failStart = reject;
        }),
    );
    restarter.afterExit(await stored(store, 'router', 'always'), { clean: false });
    await advance(1_000);
    assert.equal(starts.length, 1, 'a restart is under way');
    // The owner's down while the start runs: no timer is pending, but the next restart is cancelled.
    assert.equal(restarter.cancel('router'), false);
    store.update('router', { state: 'stopped', pid: null, exitReason: 'stopped by the owner' });
    failStart(new Error('killed by down'));
    await settle();
    assert.ok(logs.includes('router: restart 1 failed: Error: killed by down'));
    assert.equal(store.get('router')?.state, 'stopped', 'the owner’s down is not undone');
    assert.equal(store.get('router')?.nextRestartAt, NOW + 1_000, 'the record is left as down wrote it');
    await advance(600_000);
    assert.equal(starts.length, 1);
  });

  it('skips a due restart of a portal that is no longer restarting', async (t) => {
    const { store, starts, restarter, advance } = setUp(t);
    restarter.afterExit(await stored(store, 'router', 'always'), { clean: false });
    store.update('router', { state: 'stopped', nextRestartAt: null });
    await advance(1_000);
    assert.equal(starts.length, 0);
  });

  it('resumes the pending restarts of a restarted daemon from their due times', async (t) => {
    const { store, starts, restarter, advance } = setUp(t);
    const later = await stored(store, 'later', 'always', {
      state: 'restarting',
      pid: null,
      restarts: 2,
      nextRestartAt: NOW + 5_000,
    });
    const overdue = await stored(store, 'overdue', 'always', {
      state: 'restarting',
      pid: null,
      restarts: 1,
      nextRestartAt: NOW - 5_000,
    });
    restarter.resume(later);
    restarter.resume(later);
    restarter.resume(overdue);
    await advance(0);
    assert.deepEqual(
      starts.map((record) => record.name),
      ['overdue'],
    );
    await advance(4_999);
    assert.equal(starts.length, 1);
    await advance(1);
    assert.deepEqual(
      starts.map((record) => record.name),
      ['overdue', 'later'],
      'resuming twice schedules one restart',
    );
    await advance(600_000);
    assert.equal(starts.length, 2);
  });

  it('cancels every pending restart at shutdown, leaving their due times in the records', async (t) => {
    const { store, starts, restarter, advance } = setUp(t);
    restarter.afterExit(await stored(store, 'one', 'always'), { clean: false });
    restarter.afterExit(await stored(store, 'two', 'always', { restarts: 2 }), { clean: true });
    restarter.cancelAll();
    await advance(600_000);
    assert.equal(starts.length, 0);
    assert.equal(store.get('one')?.nextRestartAt, NOW + 1_000);
    assert.equal(store.get('two')?.nextRestartAt, NOW + 4_000);
    assert.equal(store.get('two')?.state, 'restarting');
  });
});
