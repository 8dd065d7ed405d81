import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../errors/index.js';
import { parseShellArgs, SHELL_LIMITS, shellAgentArgs } from './shell.js';

const SESSION = 'ab'.repeat(16);
const badArgs = (error: unknown) => error instanceof MvError && error.code === 'agent.bad-args';

describe('shellAgentArgs', () => {
  it('turns each signed step into the agent arguments the agent parses back', () => {
    const steps = [
      { name: 'work', op: 'open', cols: 80, rows: 24, term: 'xterm-256color' },
      { name: 'work', op: 'io', session: SESSION, input: 'bHMK', wait: 250 },
      { name: 'work', op: 'io', session: SESSION, input: '', wait: 0 },
      { name: 'work', op: 'resize', session: SESSION, cols: 120, rows: 40 },
      { name: 'work', op: 'close', session: SESSION },
    ];
    assert.deepEqual(shellAgentArgs(steps[0] ?? {}), ['open', '80', '24', 'xterm-256color']);
    assert.deepEqual(shellAgentArgs(steps[1] ?? {}), ['io', SESSION, 'bHMK', '250']);
    for (const step of steps) {
      const { name: _name, ...call } = step;
      assert.deepEqual(parseShellArgs(shellAgentArgs(step)), call);
    }
  });

  it('refuses a step with a field too many, too few, or out of range', () => {
    for (const step of [
      { op: 'open', cols: 80, rows: 24 },
      { op: 'open', cols: 80, rows: 24, term: 'x', session: SESSION },
      { op: 'close', session: SESSION, input: '' },
      { op: 'io', session: 'nope', input: '', wait: 0 },
      { op: 'io', session: SESSION, input: 'a b', wait: 0 },
      { op: 'io', session: SESSION, input: '', wait: SHELL_LIMITS.maxWaitMs + 1 },
      { op: 'io', session: SESSION, input: 'A'.repeat(4200), wait: 0 },
      { op: 'resize', session: SESSION, cols: 0, rows: 24 },
      { op: 'resize', session: SESSION, cols: 1.5, rows: 24 },
      { op: 'open', cols: 80, rows: 24, term: 'x;rm' },
      { op: 'exec' },
    ]) {
      assert.throws(() => shellAgentArgs(step), badArgs, JSON.stringify(step));
    }
  });

  it('parses only well-formed agent arguments', () => {
    for (const args of [[], ['open', '80', '24'], ['io', SESSION, '', '01'], ['close', SESSION, 'x']]) {
      assert.throws(() => parseShellArgs(args), badArgs, args.join(' '));
    }
  });
});
