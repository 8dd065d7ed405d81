import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ShellCall, ShellReply } from '../agent/index.js';
import { MvError } from '../errors/index.js';
import { ESCAPE_BYTE, runShellClient } from './shell-client.js';

const SESSION = 'd'.repeat(32);

/** A fake guest shell that echoes what it is typed and exits on Ctrl-D. */
function fakeShell(options: { rateLimitOnce?: boolean } = {}) {
  const steps: ShellCall[] = [];
  let limited = options.rateLimitOnce ?? false;
  let pending = '';
  let exited = false;
  const step = async (s: ShellCall): Promise<ShellReply> => {
    if (limited && s.op === 'io') {
      limited = false;
      throw new MvError('auth.rate-limited', 'Too many requests; retry in 1 s');
    }
    steps.push(s);
    if (s.op === 'io') {
      const typed = Buffer.from(s.input, 'base64url').toString('latin1');
      if (typed.includes('\x04')) exited = true;
      pending += typed.replace('\x04', '');
      // Like the agent: with nothing to say, wait (here briefly) before answering.
      if (pending === '' && !exited) await sleep(Math.min(s.wait, 5));
      const output = Buffer.from(pending).toString('base64url');
      pending = '';
      return { session: SESSION, output, closed: exited };
    }
    return { session: SESSION, output: '', closed: s.op === 'close' };
  };
  return { steps, step };
}

function client(shell: ReturnType<typeof fakeShell>, input: PassThrough, escapes: boolean) {
  const output: Buffer[] = [];
  const done = runShellClient({
    step: shell.step,
    input,
    output: (bytes) => output.push(bytes),
    size: () => ({ cols: 100, rows: 30 }),
    term: 'xterm',
    escapes,
  });
  return { done, text: () => Buffer.concat(output).toString() };
}

describe('runShellClient', () => {
  it('opens on the terminal size, sends piped input in batches, ends it with Ctrl-D and waits for the exit', async () => {
    const shell = fakeShell();
    const input = new PassThrough();
    const run = client(shell, input, false);
    input.end('echo one\necho two\n');
    assert.equal(await run.done, 'exited');
    assert.deepEqual(shell.steps[0], { op: 'open', cols: 100, rows: 30, term: 'xterm' });
    assert.equal(run.text(), 'echo one\necho two\n');
    assert.ok(!shell.steps.some((s) => s.op === 'close'), 'an exited session needs no close');
  });

  it('leaves on Ctrl-] from a terminal, sending what came before it, and closes the session', async () => {
    const shell = fakeShell();
    const input = new PassThrough();
    const run = client(shell, input, true);
    input.write(Buffer.concat([Buffer.from('ls'), Buffer.from([ESCAPE_BYTE]), Buffer.from('never')]));
    assert.equal(await run.done, 'escaped');
    assert.equal(run.text(), 'ls');
    assert.deepEqual(shell.steps.at(-1), { op: 'close', session: SESSION });
  });

  it('waits out a rate limit instead of failing, and splits a large paste into capped batches', async () => {
    const shell = fakeShell({ rateLimitOnce: true });
    const input = new PassThrough();
    const run = client(shell, input, false);
    input.end('x'.repeat(7000));
    assert.equal(await run.done, 'exited');
    assert.equal(run.text(), 'x'.repeat(7000));
    const sizes = shell.steps
      .filter((s) => s.op === 'io')
      .map((s) => (s.op === 'io' ? Buffer.from(s.input, 'base64url').length : 0));
    assert.ok(Math.max(...sizes) <= 3072, String(sizes));
  });
});
