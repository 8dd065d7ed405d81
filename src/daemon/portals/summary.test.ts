import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { portalRecord } from '../../../test/support/portal-record.js';
import { PORTAL_SUMMARY } from '../../protocol/index.js';
import type { PortalRecord } from '../state/portal-store.js';
import { summarize } from './summary.js';

const STARTED = 1_700_000_000_000;
/** A pid above Linux's largest pid_max (2^22): no process has it. */
const NO_SUCH_PID = 4_194_305;

/** The summary, checked against the API's schema (strict: nothing the API does not describe slips out). */
function summary(record: PortalRecord, now: number) {
  const result = summarize(record, now);
  assert.deepEqual(PORTAL_SUMMARY.parse(result), result);
  return result;
}

describe('summarize', () => {
  it('reports a ready graphical portal: pid, memory, uptime, addresses and its display socket', async () => {
    const record = await portalRecord(
      'web',
      { state: 'ready', pid: process.pid, readyAt: STARTED + 4_000 },
      'application/browser',
    );
    const result = summary(record, STARTED + 90_400);
    const { rssKiB, ...rest } = result;
    assert.ok(
      Number.isInteger(rssKiB) && (rssKiB ?? 0) > 0,
      `the test process's resident memory, not ${rssKiB}`,
    );
    assert.deepEqual(rest, {
      name: 'web',
      node: 'application/browser',
      portalName: record.manifest.portalName,
      formulaHash: record.formulaHash,
      state: 'ready',
      pid: process.pid,
      accel: 'tcg',
      vcpus: 2,
      memoryMiB: 2048,
      startedAt: STARTED,
      readyAt: STARTED + 4_000,
      stoppedAt: null,
      uptimeSeconds: 90,
      exitReason: null,
      addresses: record.instance.nics.map(({ network, address, mac }) => ({ network, address, mac })),
      display: { protocol: 'spice', socket: `${record.instance.runDir}/spice.sock` },
      restart: { policy: 'no', restarts: 0, nextAt: null },
    });
    assert.ok(rest.addresses.length > 0, 'the browser formula has a network');
  });

  it('points a VNC display at its socket, and reports none for a portal without a display', async () => {
    const browser = await portalRecord('web', { state: 'ready' }, 'application/browser');
    const vnc = {
      ...browser,
      manifest: { ...browser.manifest, devices: { ...browser.manifest.devices, display: 'vnc' as const } },
    };
    assert.deepEqual(summary(vnc, STARTED).display, {
      protocol: 'vnc',
      socket: `${browser.instance.runDir}/vnc.sock`,
    });
    const shell = await portalRecord('shell', { state: 'ready' });
    const result = summary(shell, STARTED);
    assert.equal(result.display, null);
    assert.deepEqual(result.addresses, []);
  });

  it('counts uptime while starting or stopping, rounded to the second and never negative', async () => {
    const starting = await portalRecord('boot', { state: 'starting', pid: process.pid });
    assert.equal(summary(starting, STARTED + 1_499).uptimeSeconds, 1);
    assert.equal(summary(starting, STARTED + 1_500).uptimeSeconds, 2);
    assert.equal(summary(starting, STARTED - 5_000).uptimeSeconds, 0, 'a clock that went back');
    const stopping = await portalRecord('halt', { state: 'stopping', pid: process.pid });
    const result = summary(stopping, STARTED + 60_000);
    assert.equal(result.pid, process.pid);
    assert.equal(result.uptimeSeconds, 60);
    const unstarted = await portalRecord('boot', { state: 'starting', startedAt: null });
    assert.equal(summary(unstarted, STARTED).uptimeSeconds, null);
  });

  it('has no memory figure for a process that is gone', async () => {
    const record = await portalRecord('gone', { state: 'ready', pid: NO_SUCH_PID });
    const result = summary(record, STARTED + 1_000);
    assert.equal(result.pid, NO_SUCH_PID);
    assert.equal(result.rssKiB, null);
  });

  it('shows no pid, memory or uptime for a portal that does not run, with why it ended', async () => {
    for (const state of ['stopped', 'crashed'] as const) {
      const record = await portalRecord('done', {
        state,
        pid: process.pid,
        stoppedAt: STARTED + 30_000,
        exitReason: 'QEMU exited unexpectedly',
        nextRestartAt: STARTED + 31_000,
      });
      const result = summary(record, STARTED + 60_000);
      assert.equal(result.pid, null);
      assert.equal(result.rssKiB, null);
      assert.equal(result.uptimeSeconds, null);
      assert.equal(result.stoppedAt, STARTED + 30_000);
      assert.equal(result.exitReason, 'QEMU exited unexpectedly');
      assert.equal(result.restart.nextAt, null, `a ${state} portal has no restart due`);
    }
  });

  it('shows a restarting portal’s restart cells: policy, restarts in a row and when it starts again', async () => {
    const record = await portalRecord(
      'router',
      {
        state: 'restarting',
        pid: process.pid,
        stoppedAt: STARTED + 30_000,
        exitReason: 'QEMU exited unexpectedly',
        restarts: 3,
        nextRestartAt: STARTED + 34_000,
      },
      'service/router',
    );
    const result = summary(record, STARTED + 31_000);
    assert.equal(result.state, 'restarting');
    assert.equal(result.pid, null, 'no QEMU runs while a restart is pending');
    assert.equal(result.rssKiB, null);
    assert.equal(result.uptimeSeconds, null);
    assert.deepEqual(result.restart, { policy: 'always', restarts: 3, nextAt: STARTED + 34_000 });
  });

  it('keeps the restarts in a row of a portal that came back up, without a due time', async () => {
    const record = await portalRecord(
      'router',
      { state: 'ready', pid: process.pid, restarts: 2, nextRestartAt: STARTED + 1_000 },
      'service/router',
    );
    assert.deepEqual(summary(record, STARTED + 5_000).restart, {
      policy: 'always',
      restarts: 2,
      nextAt: null,
    });
  });
});
