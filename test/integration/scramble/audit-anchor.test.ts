/**
 * The audit log's anchoring against a real daemon and the real CLIs: the host signs checkpoints into its
 * log, `scramble audit verify` remembers the head it saw and reports a log cut back or replaced, the daemon
 * refuses to start over such a log, and `portalgun daemon --reset-audit` archives it and starts a new chain
 * that records the reset. A decision with a target over 256 characters is audited, its target hashed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AuditEntry, chainEntry, checkpointEntry } from '../../../src/audit/index.js';
import { isListening } from '../../../src/daemon/door/server.js';
import { sha256Hex } from '../../../src/digest/index.js';
import { hostKeyFromSeed } from '../../../src/scramble/index.js';
import { REPO_ROOT } from '../../support/catalogue.js';
import { NO_DAEMON_RUN } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

function cli(bin: 'portalgun' | 'scramble', args: readonly string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, `bin/${bin}.js`), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const logLines = (state: string) => readFileSync(path.join(state, 'audit.log'), 'utf8').trimEnd().split('\n');
const entriesOf = (state: string) => logLines(state).map((line) => JSON.parse(line) as AuditEntry);

describe('the audit log is anchored: truncation and replacement are detected', { timeout: 240_000 }, () => {
  let daemon: TestDaemon;
  let home: string;
  let hostId: string;
  let offline: NodeJS.ProcessEnv;
  const work = mkdtempSync('/tmp/mv-audit-anchor-');

  before(async () => {
    daemon = await startTestDaemon({ withKernel: false });
    // The owner's keys (made for this process) in a folder of this test's own, where its heads are kept.
    home = path.join(work, 'owner');
    cpSync(process.env.SCRAMBLE_HOME ?? '', home, { recursive: true });
    hostId = readFileSync(path.join(daemon.state, 'host-id'), 'utf8').trim();
    offline = { SCRAMBLE_HOME: home, PORTALGUN_RUN: NO_DAEMON_RUN, PORTALGUN_STATE: daemon.state };
  });
  after(async () => {
    await daemon.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  const verify = (args: readonly string[] = [], env: NodeJS.ProcessEnv = offline) =>
    cli('scramble', ['audit', 'verify', ...args], env);

  it('signs a checkpoint at start, and verify remembers the head it saw (0600)', async () => {
    for (let n = 0; n < 3; n += 1) await daemon.call('portal.list', {});
    const [first] = entriesOf(daemon.state);
    assert.ok(first && 'kind' in first && first.kind === 'checkpoint');
    assert.equal(first.hostId, hostId);
    const ok = verify([], { SCRAMBLE_HOME: home, PORTALGUN_RUN: daemon.run });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /^ok: \d+ entries, chain intact .*\n1 checkpoints signed by host h[a-z2-7]+ \(key SHA256:/,
    );
    assert.match(ok.stdout, /its head is remembered from now on/);
    const heads = path.join(home, 'audit-heads.json');
    assert.equal(statSync(heads).mode & 0o777, 0o600);
    assert.ok(JSON.parse(readFileSync(heads, 'utf8')).hosts[hostId]);
    // A restart signs a checkpoint over everything before it.
    await daemon.kill9();
    await daemon.restart();
    await daemon.call('portal.list', {});
    await daemon.kill9();
    const again = verify();
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /holds the head seen .* \(entry \d+\)/);
  });

  it('reports a log cut back (truncation), and the daemon refuses to start over it', () => {
    const lines = logLines(daemon.state);
    writeFileSync(path.join(daemon.state, 'original.log'), `${lines.join('\n')}\n`);
    writeFileSync(path.join(daemon.state, 'audit.log'), `${lines.slice(0, 3).join('\n')}\n`);
    const cut = verify();
    assert.equal(cut.status, 1, cut.stdout);
    assert.match(
      cut.stderr,
      /log truncated at entry 4 \(truncated\): the log has 3 entries, fewer than the \d+ seen before/,
    );
    const refused = cli('portalgun', ['--run', daemon.run, 'daemon', '--state', daemon.state], {});
    assert.notEqual(refused.status, 0);
    assert.match(
      refused.stderr,
      /does not match its checkpoints: .*fewer than the \d+ seen before.*\[audit\.broken\]/,
    );
    assert.match(refused.stderr, /portalgun daemon --reset-audit/);
  });

  it('reports a log replaced by one signed with another key, or by an unsigned chain', () => {
    const stranger = { hostId, key: hostKeyFromSeed(new Uint8Array(32).fill(9)) };
    const forged: AuditEntry[] = [checkpointEntry(undefined, stranger, Date.now())];
    for (let n = 0; n < 30; n += 1) {
      forged.push(
        chainEntry(forged.at(-1), { time: Date.now(), decision: 'allow', code: 'ok', verb: 'portal.list' }),
      );
    }
    writeFileSync(path.join(daemon.state, 'audit.log'), forged.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const signed = verify();
    assert.equal(signed.status, 1, signed.stdout);
    assert.match(
      signed.stderr,
      /log replaced at entry 1 \(foreign-key\): the checkpoint at entry 1 names host key SHA256:/,
    );
    const refused = cli('portalgun', ['--run', daemon.run, 'daemon', '--state', daemon.state], {});
    assert.match(refused.stderr, /not this host's .*\[audit\.broken\]/);
    const unsigned: AuditEntry[] = [];
    for (const entry of forged.slice(1)) {
      const { hash: _h, seq: _s, prev: _p, ...fields } = entry as Extract<AuditEntry, { decision: string }>;
      unsigned.push(chainEntry(unsigned.at(-1), fields));
    }
    writeFileSync(
      path.join(daemon.state, 'audit.log'),
      unsigned.map((e) => `${JSON.stringify(e)}\n`).join(''),
    );
    const plain = verify();
    assert.equal(plain.status, 1, plain.stdout);
    assert.match(plain.stderr, /log replaced at entry \d+ \(replaced\)/);
  });

  it('recovers with portalgun daemon --reset-audit: the old log archived and the reset audited', async () => {
    const original = readFileSync(path.join(daemon.state, 'original.log'), 'utf8').split('\n');
    const truncated = `${original.slice(0, 3).join('\n')}\n`;
    writeFileSync(path.join(daemon.state, 'audit.log'), truncated);
    const child = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin/portalgun.js'),
        '--run',
        daemon.run,
        'daemon',
        '--state',
        daemon.state,
        '--reset-audit',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    for (let i = 0; i < 200 && !(await isListening(daemon.socketPath)); i++) await sleep(50);
    assert.ok(await isListening(daemon.socketPath), stderr);
    await daemon.callDirect('portal.list', {});
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.match(stderr, /audit log archived as audit\.log\.archived-/);
    const entries = entriesOf(daemon.state);
    const reset = entries[0];
    assert.ok(reset && 'kind' in reset && reset.kind === 'reset', 'the new chain starts with the reset');
    assert.equal(reset.archived.digest, `sha256:${sha256Hex(truncated)}`);
    assert.equal(reset.archived.entries, 3);
    assert.equal(reset.archived.head, (JSON.parse(original[2] ?? '') as AuditEntry).hash);
    assert.equal(
      readFileSync(path.join(daemon.state, reset.archived.file), 'utf8'),
      truncated,
      'kept as it was',
    );
    const last = entries.at(-1);
    assert.ok(last && 'kind' in last && last.kind === 'checkpoint', 'a clean stop signs a last checkpoint');
    // The owner, who saw more than the archive holds, is told the old log was cut back before the reset.
    const judged = verify();
    assert.equal(judged.status, 1);
    assert.match(judged.stderr, /\(truncated\): the log was reset .* when it had 3 entries/);
    const reanchored = verify(['--reanchor']);
    assert.equal(reanchored.status, 0, reanchored.stderr);
    assert.equal(verify().status, 0);
    await daemon.restart();
    assert.equal(verify([], { SCRAMBLE_HOME: home, PORTALGUN_RUN: daemon.run }).status, 0);
  });

  it('audits a decision whose target is over 256 characters, with the target hashed', async () => {
    const formula = `application/${'x'.repeat(280)}`;
    await assert.rejects(daemon.call('image.build', { formula }));
    const decision = entriesOf(daemon.state)
      .filter((e): e is Extract<AuditEntry, { decision: string }> => !('kind' in e))
      .find((e) => e.verb === 'image.build');
    assert.ok(decision, 'the decision is in the log');
    // No such node: the daemon refuses it before the policy, and still audits the name it was given.
    assert.equal(decision.decision, 'deny');
    assert.ok((decision.target ?? '').endsWith(`sha256:${sha256Hex(formula)}`));
    assert.ok((decision.target ?? '').startsWith('application/xxx'));
    assert.ok(existsSync(path.join(daemon.state, 'audit.log')));
  });
});
