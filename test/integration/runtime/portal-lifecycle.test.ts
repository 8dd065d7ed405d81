import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { blobPath } from '../../../src/image/index.js';
import { runFiles } from '../../../src/instance/index.js';
import { assertNoLeaks, qemuProcessesUnder, startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { testSession } from '../../support/identity.js';
import { sendRaw } from '../../support/raw-agent.js';
import { envelopeFor } from '../../support/signed-client.js';

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

type RunResult = { exitCode: number; stdout: string; stderr: string };

function shell(daemon: TestDaemon, name: string, script: string): Promise<RunResult> {
  return daemon
    .call('portal.exec', { name, verb: 'run', args: ['/bin/busybox', 'sh', '-c', script] })
    .then((r) => r.result as RunResult);
}

describe('a portal from up to down', { timeout: 300_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon();
  });
  after(() => daemon.dispose());

  it('boots, answers the agent, writes to its share, and leaves nothing behind', async () => {
    const up = await daemon.call('portal.up', { formula: 'application/console' });
    assert.equal(up.state, 'ready');
    assert.equal(up.accel, 'tcg');
    const image = await daemon.call('image.build', { formula: 'application/console' });
    assert.ok(image.base);
    const base = blobPath(daemon.state, image.base);
    const runDir = path.join(daemon.run, 'portals', up.name);
    assert.ok(existsSync(path.join(runDir, 'overlay.qcow2')));

    assert.deepEqual(
      (await daemon.call('portal.exec', { name: up.name, verb: 'ping', args: [] })).result,
      'pong',
    );
    const wrote = await shell(
      daemon,
      up.name,
      'echo written-in-the-guest > /mnt/multiverse-portal/from-guest.txt && sync',
    );
    assert.equal(wrote.exitCode, 0, wrote.stderr);
    const shared = path.join(daemon.state, 'shares', up.name, 'from-guest.txt');
    assert.equal(readFileSync(shared, 'utf8'), 'written-in-the-guest\n');

    const stopped = await daemon.call('portal.down', { name: up.name, force: false });
    assert.equal(stopped.state, 'stopped');
    assert.match(stopped.exitReason ?? '', /agent-poweroff/);
    assert.deepEqual(qemuProcessesUnder(daemon.run), []);
    assert.ok(!existsSync(runDir), 'run folder (overlay, sockets) removed');
    assert.equal(await sha256(base), image.base, 'the base image is unchanged');
    assertNoLeaks(daemon.run);
  });

  it('runs two portals of one formula side by side, each with its own overlay and share', async () => {
    const a = await daemon.call('portal.up', { formula: 'application/console' });
    const b = await daemon.call('portal.up', { formula: 'application/console' });
    assert.notEqual(a.name, b.name);
    await shell(daemon, a.name, 'echo a > /mnt/multiverse-portal/only-a.txt');
    await shell(daemon, b.name, 'echo b > /mnt/multiverse-portal/only-b.txt');
    const seenByA = await shell(daemon, a.name, 'ls /mnt/multiverse-portal');
    const seenByB = await shell(daemon, b.name, 'ls /mnt/multiverse-portal');
    assert.match(seenByA.stdout, /only-a\.txt/);
    assert.doesNotMatch(seenByA.stdout, /only-b\.txt/);
    assert.match(seenByB.stdout, /only-b\.txt/);
    assert.doesNotMatch(seenByB.stdout, /only-a\.txt/);
    const overlays = [a, b].map((p) => runFiles(path.join(daemon.run, 'portals', p.name)).qmp);
    assert.notEqual(overlays[0], overlays[1]);
    await daemon.call('portal.down', { name: a.name, force: false });
    await daemon.call('portal.down', { name: b.name, force: false });
    assertNoLeaks(daemon.run);
  });

  it('survives kill -9 of the daemon: both portals are re-adopted and can be stopped', async () => {
    const a = await daemon.call('portal.up', { formula: 'application/console', name: 'adopt-a' });
    const b = await daemon.call('portal.up', { formula: 'application/console', name: 'adopt-b' });
    await daemon.kill9();
    assert.equal(qemuProcessesUnder(daemon.run).length, 2, 'QEMU outlives the daemon');
    await daemon.restart();
    const { portals } = await daemon.call('portal.list', {});
    for (const name of [a.name, b.name]) {
      assert.equal(portals.find((p) => p.name === name)?.state, 'ready', name);
      assert.equal((await daemon.call('portal.exec', { name, verb: 'ping', args: [] })).result, 'pong');
      assert.equal((await daemon.call('portal.down', { name, force: false })).state, 'stopped');
    }
    assertNoLeaks(daemon.run);
  });

  it('marks a portal whose QEMU is killed as crashed within two seconds and cleans up', async () => {
    const up = await daemon.call('portal.up', { formula: 'application/console', name: 'victim' });
    assert.ok(up.pid);
    process.kill(up.pid, 'SIGKILL');
    const started = performance.now();
    let state = 'ready';
    while (state === 'ready' && performance.now() - started < 2_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      state =
        (await daemon.call('portal.list', {})).portals.find((p) => p.name === 'victim')?.state ?? 'missing';
    }
    assert.equal(state, 'crashed');
    for (let i = 0; i < 20 && existsSync(path.join(daemon.run, 'portals', 'victim')); i++)
      await new Promise((r) => setTimeout(r, 50));
    assertNoLeaks(daemon.run);
    const logs = await daemon.call('portal.logs', { name: 'victim' });
    assert.match(logs.text, /Run \/init as init process/, 'the console log is kept after a crash');
  });

  it('keeps the agent alive through malformed frames and unknown verbs, and refuses unsigned requests', async () => {
    const up = await daemon.call('portal.up', { formula: 'application/console', name: 'fuzzed' });
    const socket = runFiles(path.join(daemon.run, 'portals', up.name)).agent;
    const replies = await sendRaw(socket, [
      Buffer.from('garbage that is not a frame at all'),
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
    ]);
    assert.ok(replies.length >= 1, 'the agent answered the malformed input with errors');
    const unknown = await sendRaw(
      socket,
      [frame({ id: 7, verb: 'format-disk', args: [] }), frame({ id: 8, verb: 'ping', args: [] })],
      { until: 2 },
    );
    assert.deepEqual(
      unknown.map((r) => [r.id, r.ok]),
      [
        [7, false],
        [8, false],
      ],
    );
    assert.equal((unknown[0] as { error: { code: string } }).error.code, 'agent.unknown-verb');
    // A well-formed request that no owner's envelope authorises is refused by the agent itself.
    assert.equal((unknown[1] as { error: { code: string } }).error.code, 'agent.unauthenticated');
    assert.deepEqual(
      (await daemon.call('portal.exec', { name: up.name, verb: 'ping', args: [] })).result,
      'pong',
    );
    await daemon.call('portal.down', { name: up.name, force: false });
  });

  it("has the agent verify the owner's envelope itself: right instance only, never twice", async () => {
    const up = await daemon.call('portal.up', { formula: 'application/console', name: 'verifier' });
    const { hostId } = await daemon.call('system.version', {});
    const owner = await testSession();
    const socket = runFiles(path.join(daemon.run, 'portals', up.name)).agent;
    const signed = (name: string) =>
      Buffer.from(
        envelopeFor(owner.signing, {
          target: hostId,
          verb: 'portal.exec',
          args: { name, verb: 'ping', args: [] },
        }),
      ).toString('base64url');
    const mine = signed(up.name);
    const replies = await sendRaw(
      socket,
      [
        frame({ id: 1, verb: 'ping', args: [], auth: mine }),
        frame({ id: 2, verb: 'ping', args: [], auth: mine }),
        frame({ id: 3, verb: 'ping', args: [], auth: signed('someone-else') }),
        frame({ id: 4, verb: 'status', args: [], auth: signed(up.name) }),
      ],
      { until: 4 },
    );
    const byId = new Map(replies.map((r) => [r.id, r]));
    assert.equal(byId.get(1)?.ok, true, 'a fresh envelope for this instance is accepted');
    for (const id of [2, 3, 4]) {
      assert.equal(
        byId.get(id)?.error?.code,
        'agent.unauthenticated',
        `request ${id}: replay, other instance, other verb`,
      );
    }
    await daemon.call('portal.down', { name: up.name, force: false });
  });
});

function frame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}
