import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/catalogue.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { registerTestOwner } from '../../support/identity.js';

function run(bin: 'portalgun' | 'scramble', args: readonly string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, `bin/${bin}.js`), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('portalgun init and the scramble CLI', { timeout: 120_000 }, () => {
  let daemon: TestDaemon;
  let home: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    daemon = await startTestDaemon({ withKernel: false, policy: null });
    home = mkdtempSync('/tmp/mv-scramble-cli-');
    env = {
      SCRAMBLE_HOME: home,
      SCRAMBLE_PASSPHRASE: 'a passphrase long enough for tests',
      PORTALGUN_RUN: daemon.run,
    };
  });
  after(async () => {
    await registerTestOwner(daemon.state);
    await daemon.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it('makes a passphrase-derived identity, registers it as owner, and signs every command', () => {
    const init = run('portalgun', ['init', '--state', daemon.state, '--force', '--json'], env);
    assert.equal(init.status, 0, init.stderr);
    const { scrambleId } = JSON.parse(init.stdout) as { scrambleId: string };
    assert.match(scrambleId, /^[a-z2-7]{55}d$/, 'a Tor v3 address ends in "d" (version 3)');
    const show = JSON.parse(run('scramble', ['id', 'show', '--json'], env).stdout) as {
      scrambleId: string;
      derivation: string;
    };
    assert.deepEqual([show.scrambleId, show.derivation], [scrambleId, 'passphrase']);
    const identity = readFileSync(path.join(home, 'identity.json'), 'utf8');
    assert.ok(!identity.includes('"seed"'), 'the root seed is only stored encrypted');
    assert.equal(run('portalgun', ['ps'], env).status, 0);
    assert.equal(run('scramble', ['run', 'ps'], env).status, 0);
  });

  it('refuses everything to a session that is not the owner', () => {
    const stranger = mkdtempSync('/tmp/mv-scramble-stranger-');
    try {
      const made = run('scramble', ['id', 'new', '--random-seed'], { ...env, SCRAMBLE_HOME: stranger });
      assert.equal(made.status, 0, made.stderr);
      const denied = run('portalgun', ['ps'], { ...env, SCRAMBLE_HOME: stranger });
      assert.equal(denied.status, 5);
      assert.match(
        denied.stderr,
        /sealed to this host's owner, and this session is not the owner's \[scramble\.sealed\]/,
      );
    } finally {
      rmSync(stranger, { recursive: true, force: true });
    }
  });

  it('verifies the audit log, and reports any edit with exit 1', () => {
    const ok = run('scramble', ['audit', 'verify', '--state', daemon.state], env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /chain intact/);
    const copy = path.join(home, 'audit-copy.log');
    copyFileSync(path.join(daemon.state, 'audit.log'), copy);
    writeFileSync(copy, readFileSync(copy, 'utf8').replace('"decision":"deny"', '"decision":"allow"'));
    const broken = run('scramble', ['audit', 'verify', '--file', copy], env);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /chain broken at entry \d+ \(edited\)/);
  });

  it('refuses a passphrase that is too short', () => {
    const result = run('scramble', ['id', 'new'], {
      ...env,
      SCRAMBLE_HOME: path.join(home, 'short'),
      SCRAMBLE_PASSPHRASE: 'short',
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /shorter than 12 characters/);
  });
});
