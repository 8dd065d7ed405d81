import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/catalogue.js';
import { NO_DAEMON_RUN } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';
import { hideFolders } from '../../support/hidden-folders.js';
import { registerTestOwner } from '../../support/identity.js';

/** Runs a CLI; `wrap` runs it through another command (into a mount namespace: hidden-folders.ts). */
function run(
  bin: 'portalgun' | 'scramble',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  wrap: (command: readonly string[]) => readonly string[] = (command) => command,
) {
  const [command = '', ...argv] = wrap([process.execPath, path.join(REPO_ROOT, `bin/${bin}.js`), ...args]);
  const result = spawnSync(command, argv, {
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

  it('makes an identity with a random root, registers it as owner, and signs every command', () => {
    const init = run('portalgun', ['init', '--state', daemon.state, '--force', '--json'], env);
    assert.equal(init.status, 0, init.stderr);
    const { scrambleId } = JSON.parse(init.stdout) as { scrambleId: string };
    assert.match(scrambleId, /^[a-z2-7]{55}d$/, 'a Tor v3 address ends in "d" (version 3)');
    const show = JSON.parse(run('scramble', ['id', 'show', '--json'], env).stdout) as {
      scrambleId: string;
      derivation: string;
    };
    assert.deepEqual([show.scrambleId, show.derivation], [scrambleId, 'random']);
    const identity = readFileSync(path.join(home, 'identity.json'), 'utf8');
    assert.ok(!identity.includes('"seed"'), 'the root seed is only stored encrypted');
    assert.equal(run('portalgun', ['ps'], env).status, 0);
    assert.equal(run('scramble', ['run', 'ps'], env).status, 0);
  });

  it('refuses everything to a session that is not the owner', () => {
    const stranger = mkdtempSync('/tmp/mv-scramble-stranger-');
    try {
      const made = run('scramble', ['id', 'new'], { ...env, SCRAMBLE_HOME: stranger });
      assert.equal(made.status, 0, made.stderr);
      // The stranger trusts the same host key (pinned as init did for the owner); only the seal keeps them out.
      copyFileSync(path.join(home, 'known-hosts.json'), path.join(stranger, 'known-hosts.json'));
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

  it('reads the audit log through the daemon and verifies it here, even where the CLI cannot see the state folder', async () => {
    const hidden = await hideFolders([daemon.state]);
    try {
      const wrap = hidden.argv;
      const own = run('scramble', ['audit', 'verify', '--state', daemon.state], env, wrap);
      assert.match(own.stdout, /^ok: 0 entries; no audit log yet at /, 'the CLI sees an empty state folder');
      const verified = run('scramble', ['audit', 'verify'], env, wrap);
      assert.equal(verified.status, 0, verified.stderr);
      assert.match(
        verified.stdout,
        /^ok: \d+ entries, chain intact \(head sha256:[0-9a-f]{64}\)\n\d+ checkpoints signed by host /,
      );
      assert.equal(verified.stderr, '');
      const shown = run('scramble', ['--json', 'audit', 'show', '--tail', '1'], env, wrap);
      assert.equal(shown.status, 0, shown.stderr);
      const entries = JSON.parse(shown.stdout) as { verb: string; decision: string; code: string }[];
      // Reading is a decision like any other: the daemon audited this very read before it ran.
      assert.deepEqual(
        entries.map((e) => [e.verb, e.decision, e.code]),
        [['audit.read', 'allow', 'ok']],
      );
    } finally {
      hidden.close();
    }
  });

  it('reads the file itself only when no daemon answers, and says so', () => {
    const offline = run('scramble', ['audit', 'verify'], {
      ...env,
      PORTALGUN_RUN: NO_DAEMON_RUN,
      PORTALGUN_STATE: daemon.state,
    });
    assert.equal(offline.status, 0, offline.stderr);
    assert.equal(offline.stderr, `note: no daemon answers, so this reads ${daemon.state}/audit.log itself\n`);
    assert.match(offline.stdout, /chain intact/);
    const named = run('scramble', ['audit', 'show', '--file', path.join(daemon.state, 'audit.log')], env);
    assert.equal(named.status, 0, named.stderr);
    assert.equal(named.stderr, '');
  });

  it("reports an edit of the daemon's log it read through the daemon (exit 1): the daemon's word is not taken", () => {
    const file = path.join(daemon.state, 'audit.log');
    // Rewritten in place (same file, as an attacker with root would), so the daemon goes on writing to it.
    writeFileSync(file, readFileSync(file, 'utf8').replace('"decision":"allow"', '"decision":"deny"'));
    const broken = run('scramble', ['audit', 'verify'], env);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, /^error: the daemon's audit log: chain broken at entry \d+ \(edited\)/);
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
