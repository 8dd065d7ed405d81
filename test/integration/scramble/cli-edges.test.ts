import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { renderHelpPages } from '../../../src/cli/help-pages.js';
import { buildProgram } from '../../../src/cli/program.js';
import { buildScrambleProgram } from '../../../src/cli/scramble/program.js';
import { REPO_ROOT } from '../../support/catalogue.js';

const home = mkdtempSync('/tmp/mv-scramble-edges-');
after(() => rmSync(home, { recursive: true, force: true }));

function run(bin: 'portalgun' | 'scramble', args: readonly string[], input?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, SCRAMBLE_HOME: path.join(home, 'keys') };
  delete env.SCRAMBLE_PASSPHRASE;
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, `bin/${bin}.js`), ...args], {
    env,
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('scramble and portalgun on rough input', () => {
  it('names a --passphrase-file that is missing or a folder, exit 2', () => {
    const missing = path.join(home, 'no-such-file');
    for (const [bin, args] of [
      ['scramble', ['id', 'new', '--passphrase-file', missing]],
      ['portalgun', ['init', '--state', path.join(home, 'state'), '--passphrase-file', missing]],
    ] as const) {
      const result = run(bin, args);
      assert.equal(result.status, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`--passphrase-file ${missing} does not exist \\[usage\\.invalid\\]`),
      );
      assert.doesNotMatch(result.stderr, /please report/);
    }
    const folder = run('scramble', ['--json', 'id', 'new', '--passphrase-file', home]);
    assert.equal(folder.status, 2);
    const { error } = JSON.parse(folder.stdout) as { error: { code: string; message: string } };
    assert.deepEqual(error.code, 'usage.invalid');
    assert.equal(error.message, `--passphrase-file ${home} is a folder, not a file`);
  });

  it('says a fresh host has no audit log yet (exit 0, 0 entries), and a deleted one is broken', () => {
    const state = path.join(home, 'fresh-state');
    const fresh = run('scramble', ['audit', 'verify', '--state', state]);
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.match(fresh.stdout, /^ok: 0 entries; no audit log yet at .*audit\.log/);
    const json = run('scramble', ['--json', 'audit', 'verify', '--state', state]);
    assert.deepEqual(JSON.parse(json.stdout), {
      ok: true,
      count: 0,
      head: null,
      damagedLines: [],
      exists: false,
    });
    assert.equal(run('scramble', ['audit', 'show', '--state', state]).status, 0);
    mkdirSync(state, { recursive: true });
    writeFileSync(path.join(state, 'portalgun.db'), '');
    const deleted = run('scramble', ['audit', 'verify', '--state', state]);
    assert.equal(deleted.status, 1);
    assert.match(
      deleted.stderr,
      /audit\.log is missing, yet the daemon has run on .*: the log was deleted \[audit\.broken\]/,
    );
    const typo = run('scramble', ['audit', 'verify', '--file', path.join(home, 'nope.log')]);
    assert.equal(typo.status, 3);
    assert.match(typo.stderr, /There is no audit log at .*nope\.log \[audit\.no-log\]/);
  });

  it('prints its version', () => {
    const scramble = run('scramble', ['--version']);
    const portalgun = run('portalgun', ['--version']);
    assert.equal(scramble.status, 0);
    assert.match(scramble.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal(scramble.stdout, portalgun.stdout);
  });

  it('prints the help pages the build stored, the same as commander renders from the source', () => {
    const version = run('portalgun', ['--version']).stdout.trim();
    const trees = { portalgun: buildProgram(version), scramble: buildScrambleProgram(version) };
    for (const [bin, words] of [
      ['portalgun', []],
      ['portalgun', ['start']],
      ['portalgun', ['image', 'build']],
      ['scramble', []],
      ['scramble', ['audit', 'verify']],
    ] as const) {
      const stored = run(bin, [...words, '--help']);
      assert.equal(stored.status, 0, stored.stderr);
      assert.equal(stored.stdout, renderHelpPages(trees[bin])[words.join(' ')], `${bin} ${words.join(' ')}`);
      const rendered = run(bin, ['--json', ...words, '--help']);
      assert.equal(rendered.stdout, stored.stdout, 'commander, given an option, prints the same page');
    }
  });

  it('ends the Scramble Shell cleanly at the end of piped input (exit 0)', () => {
    for (const input of ['help\n', 'help', '']) {
      const result = run('scramble', ['shell'], input);
      assert.equal(result.status, 0, `input ${JSON.stringify(input)}: ${result.stderr}`);
      if (input !== '') assert.match(result.stdout, /^ps\nup <formula> \[name\]\n/);
    }
  });
});
