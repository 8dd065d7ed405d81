import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../../support/catalogue.js';

const work = mkdtempSync('/tmp/mv-completion-');
after(() => rmSync(work, { recursive: true, force: true }));

function script(cli: 'portalgun' | 'scramble', shell: string): string {
  const result = spawnSync(process.execPath, [path.join(REPO_ROOT, `bin/${cli}.js`), 'completion', shell], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  const file = path.join(work, `${cli}.${shell}`);
  writeFileSync(file, result.stdout);
  return file;
}

function has(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}

/** What bash completes for a partial command line, by calling the generated function as bash would. */
function bashCompletes(file: string, line: string): string[] {
  const words = line.split(' ');
  const fn = `_${words[0]}`;
  const program = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; ${fn}; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean).sort();
}

/** What fish completes for a partial command line (`complete -C`). */
function fishCompletes(file: string, line: string): string[] {
  const result = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0] ?? '');
}

describe('shell completion from the command tree', { timeout: 120_000 }, () => {
  it('bash completes commands, aliases, nested commands, options and choices, and nothing after --', () => {
    const file = script('portalgun', 'bash');
    assert.deepEqual(bashCompletes(file, 'portalgun st'), ['start', 'status', 'stop']);
    assert.deepEqual(bashCompletes(file, 'portalgun l'), ['list', 'logs', 'ls']);
    assert.deepEqual(bashCompletes(file, 'portalgun --json image allow'), ['allow-downgrade']);
    assert.deepEqual(bashCompletes(file, 'portalgun plan --format '), ['fstab', 'libvirt', 'qemu']);
    assert.deepEqual(bashCompletes(file, 'portalgun rm --y'), ['--yes']);
    assert.deepEqual(bashCompletes(file, 'portalgun exec console run -- /bin/busybox --'), []);
    const scramble = script('scramble', 'bash');
    assert.deepEqual(bashCompletes(scramble, 'scramble audit '), ['help', 'show', 'verify']);
    assert.deepEqual(bashCompletes(scramble, 'scramble completion '), ['bash', 'fish', 'zsh']);
  });

  it('fish completes the same, with descriptions', { skip: !has('fish') && 'fish is not installed' }, () => {
    const file = script('portalgun', 'fish');
    assert.deepEqual(fishCompletes(file, 'portalgun st').sort(), ['start', 'status', 'stop']);
    assert.deepEqual(fishCompletes(file, 'portalgun image b'), ['build']);
    assert.deepEqual(fishCompletes(file, 'portalgun net graph --format ').sort(), ['dot', 'svg', 'text']);
    assert.deepEqual(fishCompletes(file, 'portalgun exec c run -- x --'), []);
    assert.deepEqual(fishCompletes(script('scramble', 'fish'), 'scramble id n'), ['new']);
  });

  it('zsh completes in a real terminal', {
    skip: (!has('zsh') || !has('tmux')) && 'zsh or tmux is not installed',
  }, async () => {
    const file = script('portalgun', 'zsh');
    const session = `mv-zsh-${process.pid}`;
    const tmux = (...args: string[]) => spawnSync('tmux', args, { encoding: 'utf8' }).stdout;
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '160',
      '-y',
      '40',
      `env -i HOME=${work} TERM=xterm PATH=/usr/bin:/bin zsh -f`,
    );
    try {
      await sleep(500);
      tmux(
        'send-keys',
        '-t',
        session,
        `autoload -U compinit && compinit -u && source ${file} && PS1='> '`,
        'Enter',
      );
      const completed = async (line: string, expect: RegExp) => {
        tmux('send-keys', '-t', session, 'C-u');
        tmux('send-keys', '-t', session, '-l', line);
        tmux('send-keys', '-t', session, 'Tab');
        for (let i = 0; i < 50 && !expect.test(tmux('capture-pane', '-t', session, '-p')); i++)
          await sleep(100);
        return tmux('capture-pane', '-t', session, '-p');
      };
      assert.match(await completed('portalgun sta', /status +-- /), /start +-- Start a portal/);
      assert.match(await completed('portalgun plan --format ', /libvirt/), /fstab +libvirt +qemu/);
      assert.match(
        await completed('portalgun image allow', /allow-downgrade/),
        /> portalgun image allow-downgrade/,
      );
    } finally {
      tmux('kill-session', '-t', session);
    }
  });
});

describe('man pages built from the command tree', () => {
  for (const cli of ['portalgun', 'scramble'] as const) {
    it(`${cli}(1) renders without warnings and names every command and alias`, () => {
      const page = path.join(REPO_ROOT, 'dist/man', `${cli}.1`);
      const warnings = spawnSync('groff', ['-man', '-ww', '-z', '-K', 'utf8', page], { encoding: 'utf8' });
      assert.equal(warnings.status, 0);
      assert.equal(warnings.stderr, '');
      const text = spawnSync('man', ['-l', page], {
        encoding: 'utf8',
        env: { ...process.env, MANWIDTH: '200' },
      }).stdout;
      const help = spawnSync(process.execPath, [path.join(REPO_ROOT, `bin/${cli}.js`), '--help'], {
        encoding: 'utf8',
      }).stdout;
      for (const [, names] of help.matchAll(/^ {2}([a-z][a-z|-]*)/gm)) {
        if (names === 'help') continue;
        assert.ok(text.includes(`${cli} ${names} `), `${cli}(1) describes "${names}"`);
      }
      assert.match(readFileSync(page, 'utf8'), /^\.SH EXIT STATUS$/m);
    });
  }
});
