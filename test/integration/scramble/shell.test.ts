import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../../support/catalogue.js';
import { startTestDaemon, type TestDaemon } from '../../support/daemon.js';

const SESSION = `mv-shell-${process.pid}`;

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `tmux ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function screenAfter(keys: string, expect: RegExp): Promise<string> {
  // -l sends the text literally: "up" would otherwise be the Up arrow key.
  tmux('send-keys', '-t', SESSION, '-l', keys);
  tmux('send-keys', '-t', SESSION, 'Enter');
  for (let i = 0; i < 100; i++) {
    const screen = tmux('capture-pane', '-t', SESSION, '-p');
    if (expect.test(screen)) return screen;
    await sleep(100);
  }
  return tmux('capture-pane', '-t', SESSION, '-p');
}

describe('the Scramble Shell in a real terminal', { timeout: 120_000 }, () => {
  let daemon: TestDaemon;
  before(async () => {
    daemon = await startTestDaemon({ withKernel: false });
    const env = `SCRAMBLE_HOME=${process.env.SCRAMBLE_HOME} PORTALGUN_RUN=${daemon.run}`;
    tmux(
      'new-session',
      '-d',
      '-s',
      SESSION,
      '-x',
      '150',
      '-y',
      '40',
      `env ${env} ${process.execPath} ${path.join(REPO_ROOT, 'bin/scramble.js')} shell`,
    );
  });
  after(async () => {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
    await daemon.dispose();
  });

  it('signs each line, prints the opened reply, names refusals, and keeps a private history', async () => {
    assert.match(await screenAfter('ps', /NAME +FORMULA +STATE/), /scramble> ps\nNAME +FORMULA +STATE/);
    const refused = await screenAfter('exec ghost ping', /\[portal\.not-found\]/);
    assert.match(refused, /error: No portal "ghost" \[portal\.not-found\]/);
    const usage = await screenAfter('up', /Usage: up <formula> \[name\]/);
    assert.match(usage, /error: Usage: up <formula> \[name\] \[usage\.invalid\]/);
    const history = path.join(String(process.env.SCRAMBLE_HOME), 'history');
    assert.equal(statSync(history).mode & 0o777, 0o600);
    tmux('send-keys', '-t', SESSION, '-l', 'sta');
    tmux('send-keys', '-t', SESSION, 'Tab');
    await sleep(300);
    assert.match(tmux('capture-pane', '-t', SESSION, '-p'), /scramble> status/);
  });

  it('runs piped lines without prompts and ends cleanly at the end of the input (exit 0)', () => {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/scramble.js'), 'shell'], {
      input: 'ps\nexec ghost ping\n',
      env: { ...process.env, PORTALGUN_RUN: daemon.run },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^NAME +FORMULA +STATE/);
    assert.match(result.stdout, /error: No portal "ghost" \[portal\.not-found\]\n/);
    assert.doesNotMatch(result.stdout, /scramble>/);
  });
});
