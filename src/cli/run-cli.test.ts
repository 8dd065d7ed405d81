import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wantsJson } from './run-cli.js';

describe('wantsJson', () => {
  it('sees --json anywhere before --', () => {
    assert.equal(wantsJson(['--json', 'ps']), true);
    assert.equal(wantsJson(['exec', 'console', 'ping', '--json']), true);
    assert.equal(wantsJson(['exec', 'console', 'run', '--json', '--', '/bin/busybox', 'true']), true);
  });

  it('leaves the words after -- to the program they are for', () => {
    assert.equal(wantsJson(['exec', 'console', 'run', '--', '/bin/busybox', 'echo', '--json']), false);
    assert.equal(wantsJson(['run', 'console', 'run', '--', 'prog', '--json']), false);
    assert.equal(wantsJson(['ps']), false);
  });
});
