/**
 * The console gives no shell, and the agent's `shell` verb does, one signed call per step, under the
 * owner's policy (the default one here): a real portal and a real router, each in QEMU.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runFiles } from '../../../src/instance/index.js';
import { portalgun, shellSession } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { testSession } from '../../support/identity.js';
import { sendRaw } from '../../support/raw-agent.js';
import { auditEntries, envelopeFor } from '../../support/signed-client.js';
import { uplinkTree } from '../../support/uplink-tree.js';

/** Writes `text` to a unix socket and returns what came back within `settleMs`. */
async function typeInto(socketPath: string, text: string, settleMs = 4_000): Promise<string> {
  const socket = connect(socketPath);
  let seen = '';
  socket.on('data', (chunk: Buffer) => {
    seen += chunk.toString('latin1');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(text);
  await sleep(settleMs);
  socket.destroy();
  return seen;
}

function frame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value));
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

describe('the shell verb, and a serial console without a shell', { timeout: 900_000 }, () => {
  let daemon: TestDaemon;
  let tree: string;
  const env = () => ({ PORTALGUN_RUN: daemon.run });
  const exists = (portal: string, file: string) =>
    portalgun(
      ['exec', portal, 'run', '--', '/bin/busybox', 'sh', '-c', `test -e ${file} && echo yes || echo no`],
      {
        env: env(),
      },
    );

  before(async () => {
    // A router needs an uplink to become ready: passt's, as in the uplink tests.
    tree = uplinkTree({ mode: 'user' });
    // The default policy alone: no test rule ahead of it.
    daemon = await startTestDaemon({ formulas: tree, policy: '# the default policy decides\n' });
    await daemon.call('portal.up', { formula: 'application/console', name: 'console' });
  });
  after(async () => {
    await daemon.dispose();
    rmSync(tree, { recursive: true, force: true });
  });

  it('runs nothing typed on the serial console of a portal that is not a router', async () => {
    const console = runFiles(path.join(daemon.run, 'portals', 'console')).console;
    const seen = await typeInto(console, 'touch /x\necho typed-$((40 + 2))\n');
    assert.doesNotMatch(seen, /typed-42/);
    const check = exists('console', '/x');
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout, 'no\n', 'the touch typed on the console never ran');
  });

  it('runs piped commands through portalgun shell, on a terminal, and prints their output', () => {
    const result = shellSession(
      daemon.run,
      'console',
      'echo shell-$((6 * 7))\nid -u\ntty\ntouch /from-shell\n',
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^shell-42\r?$/m);
    assert.match(result.stdout, /^0\r?$/m, 'the shell is root in the guest');
    assert.match(result.stdout, /^\/dev\/pts\/\d+\r?$/m, 'on a pseudo-terminal');
    assert.equal(exists('console', '/from-shell').stdout, 'yes\n');
  });

  it('audits opening and closing as agent.shell, and no keystroke anywhere in the logs', () => {
    const entries = auditEntries(daemon.state);
    const opens = entries.filter((e) => e.verb === 'agent.shell' && e.decision === 'allow');
    assert.ok(opens.length >= 1, 'opening the shell is audited');
    assert.ok(
      entries.some((e) => e.verb === 'portal.shell'),
      'every step is a signed, audited call',
    );
    const logs = [path.join(daemon.state, 'audit.log'), daemon.logFile].map((file) =>
      readFileSync(file, 'utf8'),
    );
    for (const text of logs) {
      assert.doesNotMatch(text, /shell-\$|from-shell|touch/, 'keystrokes never reach a log');
    }
  });

  it("refuses a router's shell under the default policy, and opens it once the owner's policy grants it", async () => {
    await daemon.call('portal.up', { formula: 'service/router/universe', name: 'universe' });
    const refused = shellSession(daemon.run, 'universe', 'echo in-router-$((1 + 1))\n');
    assert.equal(refused.status, 5, refused.stderr);
    assert.match(refused.stderr, /Denied/);
    assert.doesNotMatch(refused.stdout, /in-router-2/);
    assert.ok(
      auditEntries(daemon.state).some(
        (e) => e.verb === 'agent.shell' && e.decision === 'deny' && e.code === 'policy.denied',
      ),
    );
    writeFileSync(
      path.join(daemon.state, 'policy.d', '30-user.policy'),
      '# the owner grants a shell into the universe router\nagent.shell @owner router.universe allow rate=1/s burst=3\n',
    );
    const allowed = shellSession(daemon.run, 'universe', 'echo in-router-$((1 + 1))\n');
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(allowed.stdout, /^in-router-2\r?$/m);
  });

  it('has the agent refuse a shell write whose keystrokes or envelope were tampered with', async () => {
    const { session } = await daemon.call('portal.shell', {
      name: 'console',
      op: 'open',
      cols: 80,
      rows: 24,
      term: 'vt100',
    });
    const { hostId } = await daemon.call('system.version', {});
    const owner = await testSession();
    const signedInput = Buffer.from('touch /signed\n').toString('base64url');
    const forgedInput = Buffer.from('touch /forged\n').toString('base64url');
    const sign = (input: string) =>
      envelopeFor(owner.signing, {
        target: hostId,
        verb: 'portal.shell',
        args: { name: 'console', op: 'io', session, input, wait: 0 },
      });
    const genuine = Buffer.from(sign(signedInput));
    const broken = Buffer.from(sign(signedInput));
    const at = broken.indexOf(signedInput) + 2;
    broken[at] = (broken[at] ?? 0) ^ 0x01;
    const agent = runFiles(path.join(daemon.run, 'portals', 'console')).agent;
    const request = (id: number, input: string, auth: Buffer) =>
      frame({ id, verb: 'shell', args: ['io', session, input, '0'], auth: auth.toString('base64url') });
    const replies = await sendRaw(
      agent,
      [request(1, forgedInput, genuine), request(2, signedInput, broken), request(3, signedInput, genuine)],
      { until: 3 },
    );
    const byId = new Map(replies.map((reply) => [reply.id, reply]));
    assert.equal(byId.get(1)?.error?.code, 'agent.unauthenticated', 'keystrokes other than the signed ones');
    assert.equal(byId.get(2)?.error?.code, 'agent.unauthenticated', 'a byte flipped in the signed envelope');
    assert.equal(byId.get(3)?.ok, true, 'the untouched write goes through');
    await sleep(2_000);
    assert.equal(exists('console', '/forged').stdout, 'no\n');
    assert.equal(exists('console', '/signed').stdout, 'yes\n');
    await daemon.call('portal.shell', { name: 'console', op: 'close', session });
  });
});
