import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputCap } from './output-cap.js';

describe('OutputCap', () => {
  it('keeps everything under the limit', () => {
    const cap = new OutputCap(8);
    cap.push(Buffer.from('abc'));
    cap.push(Buffer.from('defgh'));
    assert.deepEqual([cap.text(), cap.truncated], ['abcdefgh', false]);
  });

  it('keeps the first bytes and marks the rest as dropped', () => {
    const cap = new OutputCap(4);
    cap.push(Buffer.from('abc'));
    cap.push(Buffer.from('def'));
    cap.push(Buffer.from('ghi'));
    assert.deepEqual([cap.text(), cap.truncated], ['abcd', true]);
  });

  it('does not keep a reference to the caller’s buffer', () => {
    const cap = new OutputCap(4);
    const chunk = Buffer.from('abcd');
    cap.push(chunk);
    chunk.fill(0x7a);
    assert.equal(cap.text(), 'abcd');
  });
});
