import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MvError } from '../../errors/index.js';
import { tokenize } from './tokenize.js';

describe('Scramble Shell tokenizer', () => {
  it('splits on white space and honours quotes and escapes, nothing more', () => {
    assert.deepEqual(tokenize('  exec console  ping '), ['exec', 'console', 'ping']);
    assert.deepEqual(tokenize(`run -- /bin/busybox sh -c 'echo $HOME; ls *'`), [
      'run',
      '--',
      '/bin/busybox',
      'sh',
      '-c',
      'echo $HOME; ls *',
    ]);
    assert.deepEqual(tokenize('a "b \\"c\\" d" e\\ f \'\''), ['a', 'b "c" d', 'e f', '']);
    assert.deepEqual(tokenize(''), []);
  });

  it('refuses an unclosed quote', () => {
    assert.throws(
      () => tokenize('exec "console'),
      (e: unknown) => e instanceof MvError && e.code === 'usage.invalid',
    );
  });
});
