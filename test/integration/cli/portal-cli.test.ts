import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../support/catalogue.js';
import { consoleSession, portalgun } from '../../support/cli.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

/** Runs a command line in a pseudo-terminal (util-linux `script`), typing `input` into it. */
function onTerminal(args: readonly string[], input: string, env: NodeJS.ProcessEnv) {
  const quoted = [process.execPath, path.join(REPO_ROOT, 'bin/portalgun.js'), ...args]
    .map((word) => `'${word}'`)
    .join(' ');
  return spawnSync('script', ['-qec', quoted, '/dev/null'], {
    input,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('portalgun with a booted portal', { timeout: 600_000 }, () => {
  let daemon: TestDaemon;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => portalgun(args, { env });
  before(async () => {
    daemon = await startTestDaemon();
    env = { PORTALGUN_RUN: daemon.run };
    const started = cli('start', 'application/console');
    assert.equal(started.status, 0, started.stderr);
    assert.match(started.stdout, /^console: ready/);
  });
  after(() => daemon.dispose());

  it("names the guest after the portal: hostname answers the instance's name", () => {
    const result = cli('exec', 'console', 'run', '--', '/bin/busybox', 'hostname');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'console\n');
  });

  it('leaves the words after -- to the program, --json included (portalgun exec and scramble run)', () => {
    const viaPortalgun = cli('exec', 'console', 'run', '--', '/bin/busybox', 'echo', '--json');
    assert.equal(viaPortalgun.status, 0, viaPortalgun.stderr);
    assert.equal(viaPortalgun.stdout, '--json\n');
    const viaScramble = spawnSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'bin/scramble.js'),
        'run',
        'console',
        'run',
        '--',
        '/bin/busybox',
        'echo',
        '--json',
      ],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    assert.equal(viaScramble.status, 0, viaScramble.stderr);
    assert.equal(viaScramble.stdout, '--json\n');
    const failing = cli('exec', 'console', 'run', '--', '/bin/busybox', 'sh', '-c', 'exit 3', '--json');
    assert.equal(failing.status, 3, "the program's exit status, not a JSON error");
    assert.equal(failing.stdout, '');
  });

  it("follows a portal's console read-only: what is typed there reaches no shell", async () => {
    const session = await consoleSession(daemon.run, 'console', 'echo typed-$((40 + 2))\n');
    assert.match(session.stderr, /output only/);
    assert.doesNotMatch(session.stdout, /typed-42/, session.stderr);
  });

  it('lists portals under ps, list and ls', () => {
    const outputs = ['ps', 'list', 'ls'].map((verb) => cli(verb));
    for (const output of outputs) {
      assert.equal(output.status, 0, output.stderr);
      assert.match(output.stdout, /^console +application\/console +ready/m);
    }
  });

  it('asks before rm deletes a share with files: refuses without a terminal or with --json, asks on one', () => {
    const wrote = cli(
      'exec',
      'console',
      'run',
      '--',
      '/bin/busybox',
      'sh',
      '-c',
      'echo mine > /mnt/multiverse-portal/keep.txt && sync',
    );
    assert.equal(wrote.status, 0, wrote.stderr);
    assert.equal(cli('stop', 'console').status, 0);

    const piped = cli('delete', 'console');
    assert.equal(piped.status, 2, piped.stderr);
    assert.match(
      piped.stderr,
      /share holds 1 file \(5 bytes\) at .*; removing the portal deletes them \[portal\.share-not-empty\]/,
    );
    assert.match(piped.stderr, /hint: .*portalgun rm console --yes/);
    const json = cli('--json', 'rm', 'console');
    assert.equal(json.status, 2);
    assert.equal(
      (JSON.parse(json.stdout) as { error: { code: string } }).error.code,
      'portal.share-not-empty',
    );

    const declined = onTerminal(['rm', 'console'], 'n\n', env);
    assert.equal(declined.status, 0, declined.stdout);
    assert.match(declined.stdout, /Delete them\? \[y\/N\]/);
    assert.match(declined.stdout, /console: kept; nothing was removed/);
    assert.match(cli('ps').stdout, /^console /m, 'still there after a no');

    const accepted = onTerminal(['rm', 'console'], 'y\n', env);
    assert.equal(accepted.status, 0, accepted.stdout);
    assert.match(accepted.stdout, /console: removed/);
    assert.doesNotMatch(cli('ps').stdout, /^console /m);
  });

  it('deletes a share with files without asking when told --yes', () => {
    assert.equal(cli('up', 'application/console', '--name', 'scratch').status, 0);
    const wrote = cli(
      'exec',
      'scratch',
      'run',
      '--',
      '/bin/busybox',
      'sh',
      '-c',
      'echo x > /mnt/multiverse-portal/x && sync',
    );
    assert.equal(wrote.status, 0, wrote.stderr);
    const removed = cli('rm', 'scratch', '--force', '--yes');
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal(removed.stdout, 'scratch: removed\n');
  });
});
