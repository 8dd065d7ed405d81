import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeInput, encodeWindowSize, TelnetOutput } from './telnet.js';

describe('telnet', () => {
  it('doubles 0xFF in keystrokes and in a window size', () => {
    assert.deepEqual([...encodeInput(Buffer.from([0x61, 0xff, 0x0d]))], [0x61, 0xff, 0xff, 0x0d]);
    assert.deepEqual([...encodeWindowSize(255, 24)], [0xff, 0xfa, 0x1f, 0, 0xff, 0xff, 0, 24, 0xff, 0xf0]);
  });

  it("drops telnetd's negotiation and undoubles 0xFF, across chunk boundaries", () => {
    const output = new TelnetOutput();
    const stream = Buffer.from([
      0xff, 0xfd, 0x01, 0xff, 0xfb, 0x03, 0x23, 0x20, 0xff, 0xff, 0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 0x0a,
    ]);
    const pieces = [...stream].map((byte) => output.push(Buffer.from([byte])));
    assert.deepEqual([...Buffer.concat(pieces)], [0x23, 0x20, 0xff, 0x0a]);
  });
});
