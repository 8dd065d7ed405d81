import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PortalSummary } from '../../../src/protocol/index.js';
import { portalgun } from '../../support/cli.js';
import { qemuProcessesUnder, startTestDaemon, type TestDaemon } from '../../support/daemon.js';

/** What a user adds: consoles that the daemon brings back always, or only after failures. */
const USER_FORMULAS = {
  'application/keeper':
    'extends: application/console\ndescription: a console that always comes back\nrestart: always\n',
  'application/worker':
    'extends: application/console\ndescription: a console restarted after failures only\nrestart: on-failure\n',
};

describe('restart policies', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ userFormulas: USER_FORMULAS });
  });
  after(() => daemon.dispose());

  const portal = async (name: string): Promise<PortalSummary> =>
    (await daemon.call('portal.status', { name })).portal;

  /** Polls until the portal matches, or fails with the states it went through. */
  async function waitFor(
    name: string,
    wanted: (p: PortalSummary) => boolean,
    ms = 90_000,
  ): Promise<PortalSummary> {
    const seen: string[] = [];
    for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(200)) {
      const current = await portal(name);
      if (seen.at(-1) !== current.state) seen.push(current.state);
      if (wanted(current)) return current;
    }
    assert.fail(`${name} never got there; states seen: ${seen.join(' → ')}`);
  }

  async function killQemu(name: string): Promise<number> {
    const { pid } = await portal(name);
    assert.ok(pid, `${name} has no QEMU pid`);
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  it('starts an always portal again after its QEMU is killed, as it was, and down keeps it down', async () => {
    const up = await daemon.call('portal.up', { formula: 'application/keeper' });
    assert.deepEqual(up.restart, { policy: 'always', restarts: 0, nextAt: null });
    const killed = await killQemu('keeper');
    const back = await waitFor('keeper', (p) => p.state === 'ready' && p.pid !== killed);
    assert.equal(back.restart.restarts, 1);
    assert.equal(back.formulaHash, up.formulaHash);
    assert.deepEqual(
      (await daemon.call('portal.exec', { name: 'keeper', verb: 'ping', args: [] })).result,
      'pong',
    );
    const ps = portalgun(['--run', daemon.run, 'ps']);
    assert.match(ps.stdout, /^keeper +application\/keeper +ready \(1 restart\) /m);

    const down = await daemon.call('portal.down', { name: 'keeper', force: false });
    assert.equal(down.state, 'stopped');
    await sleep(3_000);
    assert.equal((await portal('keeper')).state, 'stopped', "an owner's down is never undone");
    assert.deepEqual(qemuProcessesUnder(`${daemon.run}/portals/keeper`), []);
  });

  it('leaves an on-failure portal down after the guest powers off, but restarts it after a crash', async () => {
    await daemon.call('portal.up', { formula: 'application/worker' });
    const killed = await killQemu('worker');
    await waitFor('worker', (p) => p.state === 'ready' && p.pid !== killed);

    await daemon.call('portal.exec', { name: 'worker', verb: 'poweroff', args: [] }).catch(() => undefined);
    const off = await waitFor('worker', (p) => p.state === 'stopped');
    assert.match(
      off.exitReason ?? '',
      /the guest powered off \(restart: on-failure restarts only failures\)/,
    );
    await sleep(3_000);
    assert.equal((await portal('worker')).state, 'stopped');
    assert.deepEqual(qemuProcessesUnder(`${daemon.run}/portals/worker`), []);
  });

  it('gives up on a crash loop after five restarts in a row, and ps says so', async () => {
    await daemon.call('portal.up', { formula: 'application/keeper', name: 'looper' });
    for (let restart = 1; restart <= 5; restart++) {
      const killed = await killQemu('looper');
      const back = await waitFor('looper', (p) => p.state === 'ready' && p.pid !== killed);
      assert.equal(back.restart.restarts, restart);
    }
    await killQemu('looper');
    const gaveUp = await waitFor('looper', (p) => p.state === 'crashed');
    assert.match(gaveUp.exitReason ?? '', /^crash loop: QEMU exited unexpectedly after 5 restarts in a row/);
    const ps = portalgun(['--run', daemon.run, 'ps']);
    assert.match(ps.stdout, /^looper +application\/keeper +crashed \(5 restarts\) /m);
  });
});
