import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { survivesExec } from './inherited-descriptors.js';

describe('survivesExec', () => {
  it('reads the O_CLOEXEC bit of fdinfo flags (octal)', () => {
    assert.equal(survivesExec('pos:\t0\nflags:\t02004002\nmnt_id:\t15\n'), false);
    assert.equal(survivesExec('pos:\t0\nflags:\t01\nmnt_id:\t15\n'), true);
    assert.equal(survivesExec('pos:\t0\nflags:\t0100002\n'), true);
  });
  it('says nothing about a text without a flags line', () => {
    assert.equal(survivesExec('pos:\t0\n'), undefined);
  });
});
